/* KeyPool: the parsed keys a key object keeps between operations. Every
 * signature made with a pooled key is checked with OpenSSL, so reuse can
 * never pass unnoticed with a wrong or half-used key. */
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/key_pool.h"
#include "openssl_keys.h"

using namespace p11;
using namespace p11test;

namespace {

const Bytes kMessage = bytes_of("pooled keys must sign like fresh ones");

struct EcKey {
    Pkey pkey = ossl_ec_generate("P-256");
    AttributeSet priv = ec_private_attrs(pkey.get(), kP256Params, true);
    AttributeSet pub = ec_public_attrs(pkey.get(), kP256Params);
};

SignEngine *start(KeyPool *pool, CK_MECHANISM_TYPE type, CK_KEY_TYPE key_type, const AttributeSet &key,
                  SignPurpose purpose, WC_RNG *rng)
{
    CK_MECHANISM mech = mechanism(type);
    const CK_OBJECT_CLASS key_class = purpose == SignPurpose::sign ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY;
    SignEngine *engine = nullptr;
    EXPECT_EQ(CKR_OK, sign_engine_init(&mech, key_type, key_class, key, purpose, rng, &engine, pool));
    return engine;
}

// A CKM_ECDSA signature of SHA-256(kMessage), made with a key from `pool`.
Bytes ecdsa_sign(KeyPool *pool, const EcKey &key, WC_RNG *rng)
{
    SignEngine *engine = start(pool, CKM_ECDSA, CKK_EC, key.priv, SignPurpose::sign, rng);
    if (engine == nullptr) {
        return {};
    }
    const Bytes hash = ossl_hash(EVP_sha256(), kMessage);
    Bytes sig(sign_engine_signature_length(engine), 0);
    CK_ULONG len = 0;
    EXPECT_EQ(CKR_OK, sign_engine_sign(engine, hash.data(), hash.size(), sig.data(), &len));
    sign_engine_free(engine);
    return sig;
}

bool openssl_accepts_ecdsa(const EcKey &key, const Bytes &raw_sig)
{
    return ossl_verify(key.pkey.get(), ossl_hash(EVP_sha256(), kMessage), ecdsa_raw_to_der(raw_sig));
}

TEST(KeyPool, EmptyPoolHasNothingToGive)
{
    KeyPool pool;
    EXPECT_EQ(nullptr, pool.take());
    EXPECT_EQ(0u, pool.idle());
}

TEST(KeyPool, FinishedOperationLeavesItsKeyForTheNext)
{
    EcKey key;
    KeyPool pool;
    SignEngine *engine = start(&pool, CKM_ECDSA, CKK_EC, key.priv, SignPurpose::sign, test_rng());
    ASSERT_NE(nullptr, engine);
    EXPECT_EQ(0u, pool.idle()); // the operation holds the only parsed key
    sign_engine_free(engine);
    EXPECT_EQ(1u, pool.idle());

    // The next operations reuse it, and still sign correctly.
    for (int i = 0; i < 3; ++i) {
        Bytes sig = ecdsa_sign(&pool, key, test_rng());
        EXPECT_TRUE(openssl_accepts_ecdsa(key, sig));
        EXPECT_EQ(1u, pool.idle());
    }
}

TEST(KeyPool, HoldsAtMostItsSlotsAndFreesTheRest)
{
    EcKey key;
    KeyPool pool;
    std::vector<SignEngine *> engines;
    for (std::size_t i = 0; i < KeyPool::kSlots + 2; ++i) {
        engines.push_back(start(&pool, CKM_ECDSA, CKK_EC, key.priv, SignPurpose::sign, test_rng()));
        ASSERT_NE(nullptr, engines.back());
    }
    EXPECT_EQ(0u, pool.idle()); // each concurrent operation parsed its own key
    for (SignEngine *engine : engines) {
        sign_engine_free(engine);
    }
    EXPECT_EQ(KeyPool::kSlots, pool.idle());
    pool.clear();
    EXPECT_EQ(0u, pool.idle());
}

TEST(KeyPool, CopyStartsEmpty)
{
    EcKey key;
    KeyPool pool;
    sign_engine_free(start(&pool, CKM_ECDSA, CKK_EC, key.priv, SignPurpose::sign, test_rng()));
    ASSERT_EQ(1u, pool.idle());
    KeyPool copy(pool); // a copied object may carry other key material
    EXPECT_EQ(0u, copy.idle());
    EXPECT_EQ(1u, pool.idle());
}

TEST(KeyPool, RejectedSignatureDoesNotSpoilThePooledKey)
{
    EcKey key;
    KeyPool pool;
    const Bytes hash = ossl_hash(EVP_sha256(), kMessage);
    Bytes good = ecdsa_der_to_raw(ossl_sign(key.pkey.get(), hash), 32);
    Bytes bad = good;
    bad[5] ^= 0x01;
    for (const Bytes *sig : {&good, &bad, &good}) {
        SignEngine *engine = start(&pool, CKM_ECDSA, CKK_EC, key.pub, SignPurpose::verify, test_rng());
        ASSERT_NE(nullptr, engine);
        EXPECT_EQ(sig == &bad ? CKR_SIGNATURE_INVALID : CKR_OK,
                  sign_engine_verify(engine, hash.data(), hash.size(), sig->data(), sig->size()));
        sign_engine_free(engine);
        EXPECT_EQ(1u, pool.idle());
    }
}

TEST(KeyPool, PooledRsaKeySignsAndVerifiesLikeOpenSsl)
{
    EVP_PKEY *pkey = ossl_rsa_cached(2048);
    const AttributeSet priv = rsa_private_attrs(pkey);
    const AttributeSet pub = rsa_public_attrs(pkey);
    const Bytes info = sha256_digest_info(kMessage);
    const auto pkcs1 = [](EVP_PKEY_CTX *ctx) { EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING); };
    KeyPool priv_pool;
    KeyPool pub_pool;
    for (int i = 0; i < 2; ++i) {
        SignEngine *signer = start(&priv_pool, CKM_RSA_PKCS, CKK_RSA, priv, SignPurpose::sign, test_rng());
        ASSERT_NE(nullptr, signer);
        Bytes sig(sign_engine_signature_length(signer), 0);
        CK_ULONG len = 0;
        ASSERT_EQ(CKR_OK, sign_engine_sign(signer, info.data(), info.size(), sig.data(), &len));
        sign_engine_free(signer);
        EXPECT_TRUE(ossl_verify(pkey, info, sig, pkcs1));

        SignEngine *verifier = start(&pub_pool, CKM_RSA_PKCS, CKK_RSA, pub, SignPurpose::verify, test_rng());
        ASSERT_NE(nullptr, verifier);
        EXPECT_EQ(CKR_OK, sign_engine_verify(verifier, info.data(), info.size(), sig.data(), sig.size()));
        sign_engine_free(verifier);
    }
    EXPECT_EQ(1u, priv_pool.idle());
    EXPECT_EQ(1u, pub_pool.idle());
}

// Several threads signing with one key object at once (ThreadSanitizer runs
// this): each operation has a key to itself, and every signature is good.
TEST(KeyPoolThread, ConcurrentSignersShareOneKeyObject)
{
    EcKey key;
    KeyPool pool;
    constexpr int kThreads = 4;
    constexpr int kSignatures = 10;
    std::vector<std::vector<Bytes>> sigs(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kSignatures; ++i) {
                sigs[t].push_back(ecdsa_sign(&pool, key, thread_test_rng()));
            }
        });
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    EXPECT_LE(pool.idle(), KeyPool::kSlots);
    EXPECT_GE(pool.idle(), 1u);
    for (const auto &per_thread : sigs) {
        ASSERT_EQ(static_cast<std::size_t>(kSignatures), per_thread.size());
        for (const Bytes &sig : per_thread) {
            EXPECT_TRUE(openssl_accepts_ecdsa(key, sig));
        }
    }
}

} // namespace
