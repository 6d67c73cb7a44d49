/* RSA signatures for the sign engines: PKCS #1 v1.5 over a caller's
 * DigestInfo (CKM_RSA_PKCS and the hash-then-sign variants), PSS
 * (CKM_RSA_PKCS_PSS, CKM_SHA256_RSA_PKCS_PSS) and raw RSA (CKM_RSA_X_509),
 * with the input rules of v2.40 Current Mechanisms §2.1. Verification always
 * recovers and compares in constant time; it never answers CKR_OK unchecked. */
#include <cstring>
#include <new>

#include "constant_time.h"
#include "key_limits.h"
#include "secure_wipe.h"
#include "sign_engine_internal.h"
#include "wiping_allocator.h"

namespace p11 {

namespace {

// PKCS #1 v1.5 type 1 padding takes at least 11 bytes of the block.
constexpr std::size_t kPkcs1Overhead = 11;
// Keys are at most kRsaMaxBits (key_loading.h refuses larger ones).
constexpr std::size_t kMaxModulusBytes = kRsaMaxBits / 8;

CK_ULONG modulus_bytes(const SignEngine *engine)
{
    return engine->signature_length;
}

bool hash_of(CK_MECHANISM_TYPE hash_alg, enum wc_HashType *hash, int *mgf)
{
    switch (hash_alg) {
    case CKM_SHA256:
        *hash = WC_HASH_TYPE_SHA256;
        *mgf = WC_MGF1SHA256;
        return true;
#if P11_HAVE_SHA384 // a PSS hash the linked wolfCrypt lacks is an invalid parameter
    case CKM_SHA384:
        *hash = WC_HASH_TYPE_SHA384;
        *mgf = WC_MGF1SHA384;
        return true;
#endif
#if P11_HAVE_SHA512
    case CKM_SHA512:
        *hash = WC_HASH_TYPE_SHA512;
        *mgf = WC_MGF1SHA512;
        return true;
#endif
    default:
        return false;
    }
}

CK_RSA_PKCS_MGF_TYPE mgf_for(CK_MECHANISM_TYPE hash_alg)
{
    switch (hash_alg) {
    case CKM_SHA256:
        return CKG_MGF1_SHA256;
    case CKM_SHA384:
        return CKG_MGF1_SHA384;
    default:
        return CKG_MGF1_SHA512;
    }
}

#if P11_HAVE_RSA_RAW // CKM_RSA_X_509 (wc_RsaDirect)
// The input of CKM_RSA_X_509 as a k-byte block: left-padded with zeros,
// which leaves its value unchanged (§2.1.8).
Bytes x509_block(const SignEngine *engine, const unsigned char *input, std::size_t len)
{
    Bytes block(modulus_bytes(engine) - len, 0);
    block.insert(block.end(), input, input + len);
    return block;
}

// The block must be below the modulus to be an RSA input at all.
bool below_modulus(const SignEngine *engine, ByteView block)
{
    Bytes n(block.size(), 0);
    if (mp_to_unsigned_bin_len(&engine->rsa->n, n.data(), static_cast<int>(n.size())) != MP_OKAY) {
        return false;
    }
    return std::memcmp(block.data(), n.data(), block.size()) < 0;
}

#if P11_HAVE_PRIVATE_KEYS
CK_RV sign_x509(SignEngine *engine, const unsigned char *input, std::size_t len, unsigned char *signature)
{
    if (len > modulus_bytes(engine)) {
        return CKR_DATA_LEN_RANGE;
    }
    Bytes block = x509_block(engine, input, len);
    if (!below_modulus(engine, block)) {
        return CKR_DATA_INVALID;
    }
    word32 out_len = static_cast<word32>(modulus_bytes(engine));
    int rc = wc_RsaDirect(block.data(), static_cast<word32>(block.size()), signature, &out_len, engine->rsa,
                          RSA_PRIVATE_ENCRYPT, engine->rng);
    if (rc < 0) {
        return wolfcrypt_failure(rc);
    }
    return out_len == modulus_bytes(engine) ? CKR_OK : CKR_FUNCTION_FAILED;
}
#endif // P11_HAVE_PRIVATE_KEYS

CK_RV verify_x509(SignEngine *engine, const unsigned char *input, std::size_t len, const unsigned char *signature)
{
    if (len > modulus_bytes(engine)) {
        return CKR_DATA_LEN_RANGE;
    }
    Bytes expected = x509_block(engine, input, len);
    Bytes sig(signature, signature + modulus_bytes(engine));
    Bytes recovered(modulus_bytes(engine), 0);
    word32 out_len = static_cast<word32>(recovered.size());
    int rc = wc_RsaDirect(sig.data(), static_cast<word32>(sig.size()), recovered.data(), &out_len, engine->rsa,
                          RSA_PUBLIC_DECRYPT, nullptr);
    if (rc == MEMORY_E) {
        return CKR_HOST_MEMORY;
    }
    // wolfCrypt refuses a signature not below the modulus: not a signature.
    if (rc < 0 || out_len != recovered.size()) {
        return CKR_SIGNATURE_INVALID;
    }
    return constant_time_equal(recovered.data(), expected.data(), expected.size()) ? CKR_OK : CKR_SIGNATURE_INVALID;
}
#endif // P11_HAVE_RSA_RAW

#if P11_HAVE_PRIVATE_KEYS
CK_RV sign_pkcs1(SignEngine *engine, const unsigned char *input, std::size_t len, unsigned char *signature)
{
    if (len + kPkcs1Overhead > modulus_bytes(engine)) {
        return CKR_DATA_LEN_RANGE;
    }
    int rc = wc_RsaSSL_Sign(input, static_cast<word32>(len), signature, static_cast<word32>(modulus_bytes(engine)),
                            engine->rsa, engine->rng);
    if (rc < 0) {
        return wolfcrypt_failure(rc);
    }
    return static_cast<CK_ULONG>(rc) == modulus_bytes(engine) ? CKR_OK : CKR_FUNCTION_FAILED;
}
#endif // P11_HAVE_PRIVATE_KEYS

CK_RV verify_pkcs1(SignEngine *engine, const unsigned char *input, std::size_t len, const unsigned char *signature)
{
    if (len + kPkcs1Overhead > modulus_bytes(engine)) {
        return CKR_DATA_LEN_RANGE;
    }
    // Verified in place, so on a copy: the caller's signature stays as it was.
    unsigned char block[kMaxModulusBytes];
    std::memcpy(block, signature, modulus_bytes(engine));
    unsigned char *recovered = nullptr;
    int rc = wc_RsaSSL_VerifyInline(block, static_cast<word32>(modulus_bytes(engine)), &recovered, engine->rsa);
    if (rc == MEMORY_E) {
        return CKR_HOST_MEMORY;
    }
    // Negative: bad padding or a value not below the modulus.
    if (rc < 0 || static_cast<std::size_t>(rc) != len) {
        return CKR_SIGNATURE_INVALID;
    }
    return constant_time_equal(recovered, input, len) ? CKR_OK : CKR_SIGNATURE_INVALID;
}

#if P11_HAVE_RSA_PSS
#if P11_HAVE_PRIVATE_KEYS
CK_RV sign_pss(SignEngine *engine, const unsigned char *hash, std::size_t len, unsigned char *signature)
{
    if (static_cast<int>(len) != wc_HashGetDigestSize(engine->pss_hash)) {
        return CKR_DATA_LEN_RANGE;
    }
    int rc = wc_RsaPSS_Sign_ex(hash, static_cast<word32>(len), signature, static_cast<word32>(modulus_bytes(engine)),
                               engine->pss_hash, engine->pss_mgf, engine->pss_salt_len, engine->rsa, engine->rng);
    if (rc < 0) {
        return wolfcrypt_failure(rc);
    }
    return static_cast<CK_ULONG>(rc) == modulus_bytes(engine) ? CKR_OK : CKR_FUNCTION_FAILED;
}
#endif // P11_HAVE_PRIVATE_KEYS

CK_RV verify_pss(SignEngine *engine, const unsigned char *hash, std::size_t len, const unsigned char *signature)
{
    if (static_cast<int>(len) != wc_HashGetDigestSize(engine->pss_hash)) {
        return CKR_DATA_LEN_RANGE;
    }
    unsigned char block[kMaxModulusBytes];
    std::memcpy(block, signature, modulus_bytes(engine));
    unsigned char *encoded = nullptr;
    int rc = wc_RsaPSS_VerifyInline_ex(block, static_cast<word32>(modulus_bytes(engine)), &encoded, engine->pss_hash,
                                       engine->pss_mgf, engine->pss_salt_len, engine->rsa);
    if (rc == MEMORY_E) {
        return CKR_HOST_MEMORY;
    }
    if (rc < 0) {
        return CKR_SIGNATURE_INVALID;
    }
    // The unmasking above checked the structure; this checks the hash.
    rc = wc_RsaPSS_CheckPadding_ex2(hash, static_cast<word32>(len), encoded, static_cast<word32>(rc), engine->pss_hash,
                                    engine->pss_salt_len, static_cast<int>(engine->modulus_bits), nullptr);
    return rc == 0 ? CKR_OK : CKR_SIGNATURE_INVALID;
}
#endif // P11_HAVE_RSA_PSS

} // namespace

CK_RV rsa_engine_load(SignEngine *engine)
{
    RsaKey *rsa = engine->key->rsa;
    if (rsa == nullptr) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    engine->rsa = rsa;
    engine->modulus_bits = engine->key->modulus_bits;
    engine->signature_length = (engine->modulus_bits + 7) / 8;
    // Private operations are blinded, and wolfCrypt blinds only with an RNG:
    // this operation's (the session's), set anew at every checkout.
    if (engine->key->key_class == CKO_PRIVATE_KEY && (engine->rng == nullptr || wc_RsaSetRNG(rsa, engine->rng) != 0)) {
        return CKR_FUNCTION_FAILED;
    }
    return CKR_OK;
}

CK_RV rsa_engine_set_pss_params(SignEngine *engine, const CK_MECHANISM *mechanism, enum wc_HashType mechanism_hash)
{
    CK_RSA_PKCS_PSS_PARAMS params;
    std::memcpy(&params, mechanism->pParameter, sizeof params); // the caller's buffer may be unaligned
    enum wc_HashType hash;
    int mgf;
    if (!hash_of(params.hashAlg, &hash, &mgf) || params.mgf != mgf_for(params.hashAlg)) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    // CKM_SHAx_RSA_PKCS_PSS hashes the data itself: the parameter must agree.
    if (mechanism_hash != WC_HASH_TYPE_NONE && hash != mechanism_hash) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    // RFC 8017 §9.1.1: emLen >= hLen + sLen + 2, emLen = ceil((modBits - 1) / 8).
    const CK_ULONG em_len = (engine->modulus_bits - 1 + 7) / 8;
    const CK_ULONG h_len = static_cast<CK_ULONG>(wc_HashGetDigestSize(hash));
    // Written so that no sum can wrap: sLen comes from the caller (ULONG_MAX).
    if (h_len + 2 > em_len || params.sLen > em_len - h_len - 2) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    engine->pss_hash = hash;
    engine->pss_mgf = mgf;
    engine->pss_salt_len = static_cast<int>(params.sLen);
    return CKR_OK;
}

CK_RV rsa_engine_sign(SignEngine *engine, const unsigned char *input, std::size_t input_len, unsigned char *signature)
{
#if !P11_HAVE_PRIVATE_KEYS
    // A verify-only wolfCrypt: no private key ever loads (key_loading.cpp), so no signing engine exists.
    (void)engine;
    (void)input;
    (void)input_len;
    (void)signature;
    return CKR_FUNCTION_FAILED;
#else
    switch (engine->family) {
    case SignFamily::rsa_pkcs1:
        return sign_pkcs1(engine, input, input_len, signature);
#if P11_HAVE_RSA_PSS // else not in the mechanism catalog: never reached
    case SignFamily::rsa_pss:
        return sign_pss(engine, input, input_len, signature);
#endif
#if P11_HAVE_RSA_RAW
    case SignFamily::rsa_x509:
        return sign_x509(engine, input, input_len, signature);
#endif
    default:
        return CKR_FUNCTION_FAILED;
    }
#endif
}

CK_RV rsa_engine_verify(SignEngine *engine, const unsigned char *input, std::size_t input_len,
                        const unsigned char *signature)
{
    switch (engine->family) {
    case SignFamily::rsa_pkcs1:
        return verify_pkcs1(engine, input, input_len, signature);
#if P11_HAVE_RSA_PSS
    case SignFamily::rsa_pss:
        return verify_pss(engine, input, input_len, signature);
#endif
#if P11_HAVE_RSA_RAW
    case SignFamily::rsa_x509:
        return verify_x509(engine, input, input_len, signature);
#endif
    default:
        return CKR_FUNCTION_FAILED;
    }
}

void rsa_engine_release(SignEngine *engine)
{
#ifdef WC_RSA_BLINDING
    // An idle key must not point at a session's DRBG that may go away.
    if (engine->rsa != nullptr) {
        engine->rsa->rng = nullptr;
    }
#endif
    engine->rsa = nullptr;
}

} // namespace p11
