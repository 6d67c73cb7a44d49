/* RSA engines (PKCS #1 v1.5, PSS, X.509 raw) against OpenSSL. PKCS #1 v1.5
 * and raw RSA are deterministic, so their signatures are compared bytewise. */
#include <gtest/gtest.h>

#include <openssl/rsa.h>

#include "openssl_keys.h"

using namespace p11;
using namespace p11test;

namespace {

struct RsaKeyPair {
    EVP_PKEY *pkey;
    AttributeSet priv;
    AttributeSet pub;
};

RsaKeyPair rsa_key(unsigned bits)
{
    EVP_PKEY *pkey = ossl_rsa_cached(bits);
    return {pkey, rsa_private_attrs(pkey), rsa_public_attrs(pkey)};
}

Bytes flip_bit(Bytes b, std::size_t index)
{
    b[index] ^= 0x80;
    return b;
}

void pkcs1_padding(EVP_PKEY_CTX *ctx)
{
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
}

Configure pss_padding(const EVP_MD *md, int salt_len)
{
    return [md, salt_len](EVP_PKEY_CTX *ctx) {
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_signature_md(ctx, md);
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt_len);
    };
}

Configure pss_digest_padding(const EVP_MD *md, int salt_len)
{
    return [md, salt_len](EVP_PKEY_CTX *ctx) {
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt_len);
    };
}

CK_RSA_PKCS_PSS_PARAMS pss_params(CK_MECHANISM_TYPE hash, CK_RSA_PKCS_MGF_TYPE mgf, CK_ULONG salt)
{
    CK_RSA_PKCS_PSS_PARAMS params;
    params.hashAlg = hash;
    params.mgf = mgf;
    params.sLen = salt;
    return params;
}

} // namespace

TEST(RsaPkcs, Rsa2048OverSha256DigestInfoGives256BytesEqualToOpenSsl)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes info = sha256_digest_info(bytes_of("FreeRTOS qualification data"));
    ASSERT_EQ(info.size(), 51u);
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS), CKK_RSA, key.priv, info, &sig), CKR_OK);
    ASSERT_EQ(sig.size(), 256u);
    EXPECT_EQ(to_hex(sig), to_hex(ossl_sign(key.pkey, info, pkcs1_padding)));
    EXPECT_TRUE(ossl_verify(key.pkey, info, sig, pkcs1_padding));
}

TEST(RsaPkcs, OpenSslSignatureVerifiesWithEngine)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes info = sha256_digest_info(bytes_of("signed by OpenSSL"));
    Bytes sig = ossl_sign(key.pkey, info, pkcs1_padding);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, info, sig), CKR_OK);
}

TEST(RsaPkcs, VerifyOfOtherDataGivesSignatureInvalid)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes info = sha256_digest_info(bytes_of("the signed data"));
    Bytes other = sha256_digest_info(bytes_of("other data"));
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS), CKK_RSA, key.priv, info, &sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, other, sig), CKR_SIGNATURE_INVALID);
    Bytes prefix(info.begin(), info.end() - 1); // recovered data longer than the input
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, prefix, sig), CKR_SIGNATURE_INVALID);
}

TEST(RsaPkcs, FlippedBitGivesSignatureInvalid)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes info = sha256_digest_info(bytes_of("flip"));
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS), CKK_RSA, key.priv, info, &sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, info, flip_bit(sig, 100)),
              CKR_SIGNATURE_INVALID);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, flip_bit(info, 50), sig), CKR_SIGNATURE_INVALID);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, info, Bytes(256, 0xff)),
              CKR_SIGNATURE_INVALID); // not below the modulus
}

TEST(RsaPkcs, WrongSignatureLengthGivesSignatureLenRange)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes info = sha256_digest_info(bytes_of("length"));
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS), CKK_RSA, key.priv, info, &sig), CKR_OK);
    Bytes shorter(sig.begin() + 1, sig.end());
    Bytes longer = sig;
    longer.insert(longer.begin(), 0);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, info, shorter), CKR_SIGNATURE_LEN_RANGE);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, info, longer), CKR_SIGNATURE_LEN_RANGE);
    EXPECT_EQ(engine_verify_parts(mechanism(CKM_SHA256_RSA_PKCS), CKK_RSA, key.pub, info, 10, shorter),
              CKR_SIGNATURE_LEN_RANGE);
}

TEST(RsaPkcs, InputUpToKMinus11IsSignedAndLongerGivesDataLenRange)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes longest(256 - 11, 0x3c);
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS), CKK_RSA, key.priv, longest, &sig), CKR_OK);
    EXPECT_EQ(to_hex(sig), to_hex(ossl_sign(key.pkey, longest, pkcs1_padding)));
    Bytes too_long(256 - 10, 0x3c);
    EXPECT_EQ(engine_sign(mechanism(CKM_RSA_PKCS), CKK_RSA, key.priv, too_long, &sig), CKR_DATA_LEN_RANGE);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS), CKK_RSA, key.pub, too_long, Bytes(256, 1)), CKR_DATA_LEN_RANGE);
}

TEST(RsaPkcs, HashThenSignEqualsOpenSslAndMultiPartEqualsSinglePart)
{
    const struct {
        CK_MECHANISM_TYPE mech;
        const EVP_MD *(*md)();
    } kCases[] = {{CKM_SHA256_RSA_PKCS, EVP_sha256}, {CKM_SHA384_RSA_PKCS, EVP_sha384}};
    RsaKeyPair key = rsa_key(2048);
    Bytes data(3000);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<unsigned char>(i ^ (i >> 8));
    }
    for (const auto &c : kCases) {
        SCOPED_TRACE(c.mech);
        Bytes single;
        Bytes multi;
        ASSERT_EQ(engine_sign(mechanism(c.mech), CKK_RSA, key.priv, data, &single), CKR_OK);
        ASSERT_EQ(engine_sign_parts(mechanism(c.mech), CKK_RSA, key.priv, data, 333, &multi), CKR_OK);
        EXPECT_EQ(to_hex(single), to_hex(multi));
        EXPECT_EQ(to_hex(single), to_hex(ossl_digest_sign(key.pkey, c.md(), data)));
        Bytes theirs = ossl_digest_sign(key.pkey, c.md(), data);
        EXPECT_EQ(engine_verify(mechanism(c.mech), CKK_RSA, key.pub, data, theirs), CKR_OK);
        EXPECT_EQ(engine_verify_parts(mechanism(c.mech), CKK_RSA, key.pub, data, 1000, theirs), CKR_OK);
        EXPECT_EQ(engine_verify(mechanism(c.mech), CKK_RSA, key.pub, flip_bit(data, 7), theirs), CKR_SIGNATURE_INVALID);
    }
}

TEST(RsaPkcs, Rsa3072And4096KeysInteroperateWithOpenSsl)
{
    for (unsigned bits : {3072u, 4096u}) {
        SCOPED_TRACE(bits);
        RsaKeyPair key = rsa_key(bits);
        Bytes data = bytes_of("larger keys");
        Bytes sig;
        ASSERT_EQ(engine_sign(mechanism(CKM_SHA256_RSA_PKCS), CKK_RSA, key.priv, data, &sig), CKR_OK);
        EXPECT_EQ(sig.size(), bits / 8);
        EXPECT_TRUE(ossl_digest_verify(key.pkey, EVP_sha256(), data, sig));
        EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_RSA_PKCS), CKK_RSA, key.pub, data, sig), CKR_OK);
    }
}

TEST(RsaPkcs, KeyOutside2048To4096BitsGivesKeySizeRange)
{
    RsaKeyPair key = rsa_key(1024);
    EXPECT_EQ(engine_init_result(mechanism(CKM_RSA_PKCS), CKK_RSA, CKO_PRIVATE_KEY, key.priv, SignPurpose::sign),
              CKR_KEY_SIZE_RANGE);
    EXPECT_EQ(engine_init_result(mechanism(CKM_RSA_PKCS), CKK_RSA, CKO_PUBLIC_KEY, key.pub, SignPurpose::verify),
              CKR_KEY_SIZE_RANGE);
    AttributeSet huge = rsa_key(2048).pub;
    Bytes n(513, 0xc5); // 4104 bits
    huge.set(CKA_MODULUS, n.data(), n.size());
    EXPECT_EQ(engine_init_result(mechanism(CKM_RSA_PKCS), CKK_RSA, CKO_PUBLIC_KEY, huge, SignPurpose::verify),
              CKR_KEY_SIZE_RANGE);
}

TEST(RsaPkcs, PrivateKeyWithoutCrtPartsGivesTemplateIncomplete)
{
    AttributeSet priv = rsa_key(2048).priv;
    priv.erase(CKA_PRIME_1);
    priv.erase(CKA_PRIME_2);
    priv.erase(CKA_EXPONENT_1);
    priv.erase(CKA_EXPONENT_2);
    priv.erase(CKA_COEFFICIENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_RSA_PKCS), CKK_RSA, CKO_PRIVATE_KEY, priv, SignPurpose::sign),
              CKR_TEMPLATE_INCOMPLETE);
}

TEST(RsaPkcs, KeyOfTheWrongTypeOrClassGivesKeyTypeInconsistent)
{
    RsaKeyPair key = rsa_key(2048);
    Pkey ec = ossl_ec_generate("P-256");
    AttributeSet ec_priv = ec_private_attrs(ec.get(), kP256Params, true);
    EXPECT_EQ(engine_init_result(mechanism(CKM_RSA_PKCS), CKK_EC, CKO_PRIVATE_KEY, ec_priv, SignPurpose::sign),
              CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_SHA256_RSA_PKCS), CKK_RSA, CKO_PUBLIC_KEY, key.pub, SignPurpose::sign),
              CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_RSA_X_509), CKK_RSA, CKO_PRIVATE_KEY, key.priv, SignPurpose::verify),
              CKR_KEY_TYPE_INCONSISTENT);
}

TEST(RsaPkcs, ParameterOnAParameterlessMechanismIsInvalid)
{
    RsaKeyPair key = rsa_key(2048);
    CK_RSA_PKCS_PSS_PARAMS params = pss_params(CKM_SHA256, CKG_MGF1_SHA256, 32);
    for (CK_MECHANISM_TYPE type : {CKM_RSA_PKCS, CKM_SHA256_RSA_PKCS, CKM_SHA384_RSA_PKCS, CKM_RSA_X_509}) {
        EXPECT_EQ(engine_init_result(mechanism(type, &params, sizeof params), CKK_RSA, CKO_PRIVATE_KEY, key.priv,
                                     SignPurpose::sign),
                  CKR_MECHANISM_PARAM_INVALID);
    }
}

TEST(RsaPkcs, SinglePartMechanismsRefuseUpdate)
{
    EXPECT_FALSE(sign_engine_multipart_allowed(CKM_RSA_PKCS));
    EXPECT_FALSE(sign_engine_multipart_allowed(CKM_RSA_X_509));
    EXPECT_FALSE(sign_engine_multipart_allowed(CKM_RSA_PKCS_PSS));
    EXPECT_TRUE(sign_engine_multipart_allowed(CKM_SHA256_RSA_PKCS));
    EXPECT_TRUE(sign_engine_multipart_allowed(CKM_SHA256_RSA_PKCS_PSS));
    RsaKeyPair key = rsa_key(2048);
    CK_MECHANISM mech = mechanism(CKM_RSA_PKCS);
    SignEngine *engine = nullptr;
    ASSERT_EQ(sign_engine_init(&mech, CKK_RSA, CKO_PUBLIC_KEY, key.pub, SignPurpose::verify, test_rng(), &engine),
              CKR_OK);
    unsigned char part[3] = {1, 2, 3};
    EXPECT_EQ(sign_engine_update(engine, part, sizeof part), CKR_FUNCTION_NOT_SUPPORTED);
    sign_engine_free(engine);
}

TEST(RsaX509, RawSignatureEqualsOpenSslAndVerifiesBothWays)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes block(256, 0x5a);
    block[0] = 0x00; // below the modulus
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_X_509), CKK_RSA, key.priv, block, &sig), CKR_OK);
    ASSERT_EQ(sig.size(), 256u);
    EXPECT_EQ(to_hex(sig), to_hex(ossl_rsa_private_raw(key.pkey, block)));
    EXPECT_EQ(to_hex(ossl_rsa_public_raw(key.pkey, sig)), to_hex(block));
    Bytes theirs = ossl_rsa_private_raw(key.pkey, block);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, block, theirs), CKR_OK);
}

TEST(RsaX509, ShortInputIsLeftPaddedWithZeros)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes data = bytes_of("short raw input");
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_X_509), CKK_RSA, key.priv, data, &sig), CKR_OK);
    Bytes padded(256 - data.size(), 0);
    padded.insert(padded.end(), data.begin(), data.end());
    EXPECT_EQ(to_hex(ossl_rsa_public_raw(key.pkey, sig)), to_hex(padded));
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, data, sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, padded, sig), CKR_OK);
}

TEST(RsaX509, WrongDataOrSignatureIsRefused)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes data = bytes_of("raw");
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_RSA_X_509), CKK_RSA, key.priv, data, &sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, bytes_of("raX"), sig), CKR_SIGNATURE_INVALID);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, data, flip_bit(sig, 9)), CKR_SIGNATURE_INVALID);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, data, Bytes(255, 1)), CKR_SIGNATURE_LEN_RANGE);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_X_509), CKK_RSA, key.pub, data, Bytes(256, 0xff)), CKR_SIGNATURE_INVALID);
    EXPECT_EQ(engine_sign(mechanism(CKM_RSA_X_509), CKK_RSA, key.priv, Bytes(257, 0), &sig), CKR_DATA_LEN_RANGE);
    EXPECT_EQ(engine_sign(mechanism(CKM_RSA_X_509), CKK_RSA, key.priv, Bytes(256, 0xff), &sig), CKR_DATA_INVALID);
}

TEST(RsaPss, HashSignedWithEachHashVerifiesWithOpenSsl)
{
    const struct {
        CK_MECHANISM_TYPE hash;
        CK_RSA_PKCS_MGF_TYPE mgf;
        const EVP_MD *(*md)();
    } kCases[] = {{CKM_SHA256, CKG_MGF1_SHA256, EVP_sha256},
                  {CKM_SHA384, CKG_MGF1_SHA384, EVP_sha384},
                  {CKM_SHA512, CKG_MGF1_SHA512, EVP_sha512}};
    RsaKeyPair key = rsa_key(2048);
    for (const auto &c : kCases) {
        SCOPED_TRACE(c.hash);
        Bytes hash = ossl_hash(c.md(), bytes_of("PSS"));
        CK_RSA_PKCS_PSS_PARAMS params = pss_params(c.hash, c.mgf, hash.size());
        Bytes sig;
        ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.priv, hash, &sig),
                  CKR_OK);
        ASSERT_EQ(sig.size(), 256u);
        EXPECT_TRUE(ossl_verify(key.pkey, hash, sig, pss_padding(c.md(), static_cast<int>(hash.size()))));
        Bytes theirs = ossl_sign(key.pkey, hash, pss_padding(c.md(), static_cast<int>(hash.size())));
        EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.pub, hash, theirs),
                  CKR_OK);
        EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.pub, hash,
                                flip_bit(theirs, 77)),
                  CKR_SIGNATURE_INVALID);
    }
}

TEST(RsaPss, SaltLengthsFromZeroToTheMaximumWork)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes hash = ossl_hash(EVP_sha256(), bytes_of("salt"));
    for (CK_ULONG salt : {0ul, 20ul, 222ul}) { // 222 = 256 - 32 - 2
        SCOPED_TRACE(salt);
        CK_RSA_PKCS_PSS_PARAMS params = pss_params(CKM_SHA256, CKG_MGF1_SHA256, salt);
        Bytes sig;
        ASSERT_EQ(engine_sign(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.priv, hash, &sig),
                  CKR_OK);
        EXPECT_TRUE(ossl_verify(key.pkey, hash, sig, pss_padding(EVP_sha256(), static_cast<int>(salt))));
        EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.pub, hash, sig),
                  CKR_OK);
    }
}

TEST(RsaPss, SignatureWithAnotherSaltLengthIsInvalid)
{
    RsaKeyPair key = rsa_key(2048);
    Bytes hash = ossl_hash(EVP_sha256(), bytes_of("salt mismatch"));
    Bytes theirs = ossl_sign(key.pkey, hash, pss_padding(EVP_sha256(), 20));
    CK_RSA_PKCS_PSS_PARAMS params = pss_params(CKM_SHA256, CKG_MGF1_SHA256, 32);
    EXPECT_EQ(engine_verify(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.pub, hash, theirs),
              CKR_SIGNATURE_INVALID);
}

TEST(RsaPss, BadParametersGiveMechanismParamInvalid)
{
    RsaKeyPair key = rsa_key(2048);
    auto init = [&](CK_MECHANISM_TYPE type, void *param, CK_ULONG len) {
        return engine_init_result(mechanism(type, param, len), CKK_RSA, CKO_PRIVATE_KEY, key.priv, SignPurpose::sign);
    };
    CK_RSA_PKCS_PSS_PARAMS good = pss_params(CKM_SHA256, CKG_MGF1_SHA256, 32);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, &good, sizeof good), CKR_OK);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, nullptr, 0), CKR_MECHANISM_PARAM_INVALID);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, &good, sizeof good - 1), CKR_MECHANISM_PARAM_INVALID);
    CK_RSA_PKCS_PSS_PARAMS mgf_mismatch = pss_params(CKM_SHA256, CKG_MGF1_SHA384, 32);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, &mgf_mismatch, sizeof mgf_mismatch), CKR_MECHANISM_PARAM_INVALID);
    CK_RSA_PKCS_PSS_PARAMS sha1 = pss_params(CKM_SHA_1, CKG_MGF1_SHA1, 20);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, &sha1, sizeof sha1), CKR_MECHANISM_PARAM_INVALID);
    CK_RSA_PKCS_PSS_PARAMS not_a_hash = pss_params(CKM_RSA_PKCS, CKG_MGF1_SHA256, 32);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, &not_a_hash, sizeof not_a_hash), CKR_MECHANISM_PARAM_INVALID);
    CK_RSA_PKCS_PSS_PARAMS salt_too_long = pss_params(CKM_SHA256, CKG_MGF1_SHA256, 223);
    EXPECT_EQ(init(CKM_RSA_PKCS_PSS, &salt_too_long, sizeof salt_too_long), CKR_MECHANISM_PARAM_INVALID);
    CK_RSA_PKCS_PSS_PARAMS other_hash = pss_params(CKM_SHA384, CKG_MGF1_SHA384, 48);
    EXPECT_EQ(init(CKM_SHA256_RSA_PKCS_PSS, &other_hash, sizeof other_hash), CKR_MECHANISM_PARAM_INVALID);
    EXPECT_EQ(init(CKM_SHA256_RSA_PKCS_PSS, nullptr, 0), CKR_MECHANISM_PARAM_INVALID);
}

TEST(RsaPss, HashOfTheWrongLengthGivesDataLenRange)
{
    RsaKeyPair key = rsa_key(2048);
    CK_RSA_PKCS_PSS_PARAMS params = pss_params(CKM_SHA256, CKG_MGF1_SHA256, 32);
    Bytes sig;
    EXPECT_EQ(engine_sign(mechanism(CKM_RSA_PKCS_PSS, &params, sizeof params), CKK_RSA, key.priv, Bytes(48, 1), &sig),
              CKR_DATA_LEN_RANGE);
}

TEST(RsaPss, Sha256RsaPkcsPssInteroperatesAndMultiPartVerifies)
{
    RsaKeyPair key = rsa_key(2048);
    CK_RSA_PKCS_PSS_PARAMS params = pss_params(CKM_SHA256, CKG_MGF1_SHA256, 32);
    CK_MECHANISM mech = mechanism(CKM_SHA256_RSA_PKCS_PSS, &params, sizeof params);
    Bytes data(777, 0x61);
    Bytes sig;
    ASSERT_EQ(engine_sign_parts(mech, CKK_RSA, key.priv, data, 100, &sig), CKR_OK);
    EXPECT_TRUE(ossl_digest_verify(key.pkey, EVP_sha256(), data, sig, pss_digest_padding(EVP_sha256(), 32)));
    EXPECT_EQ(engine_verify(mech, CKK_RSA, key.pub, data, sig), CKR_OK);
    Bytes theirs = ossl_digest_sign(key.pkey, EVP_sha256(), data, pss_digest_padding(EVP_sha256(), 32));
    EXPECT_EQ(engine_verify_parts(mech, CKK_RSA, key.pub, data, 64, theirs), CKR_OK);
    EXPECT_EQ(engine_verify(mech, CKK_RSA, key.pub, flip_bit(data, 0), theirs), CKR_SIGNATURE_INVALID);
}
