/* ECDSA on P-256 and P-384 for the sign engines. PKCS #11 signatures are
 * raw r || s, each left-padded to the field size (v2.40 Current Mechanisms
 * §2.3.1); wolfCrypt speaks DER, so every signature is converted. */
#include <cstring>
#include <new>

#include "ecc_thread_cache.h"
#include "secure_wipe.h"
#include "sign_engine_internal.h"

namespace p11 {

namespace {

// DER SEQUENCE { INTEGER r, INTEGER s } for the largest curve, with room.
constexpr std::size_t kMaxDerSignature = 2 * 48 + 16;
constexpr std::size_t kMaxField = 48;

// The hash as wolfCrypt will take it, in `buf`: ECDSA uses the leftmost
// bits of the hash, as many as the order has (FIPS 186-4 §6.4), and both
// curves have an order of exactly 8 * field_bytes bits, so cutting to
// field_bytes is that truncation; a shorter hash is used as an integer, so
// leading zeros leave it unchanged. This lifts wolfCrypt's limits on the
// input length (WC_MIN_DIGEST_SIZE .. WC_MAX_DIGEST_SIZE).
std::size_t prepare_hash(const SignEngine *engine, const unsigned char *hash, std::size_t hash_len, unsigned char *buf)
{
    std::size_t len = hash_len < engine->curve->field_bytes ? hash_len : engine->curve->field_bytes;
    const std::size_t kMinimum = WC_MIN_DIGEST_SIZE;
    std::size_t padded = len < kMinimum ? kMinimum : len;
    std::memset(buf, 0, padded - len);
    std::memcpy(buf + padded - len, hash, len);
    return padded;
}

} // namespace

CK_RV ecdsa_engine_load(SignEngine *engine)
{
    if (engine->key->ec == nullptr) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    engine->ec = engine->key->ec;
    engine->curve = engine->key->curve;
    engine->signature_length = 2 * engine->curve->field_bytes;
    return CKR_OK;
}

CK_RV ecdsa_engine_sign(SignEngine *engine, const unsigned char *hash, std::size_t hash_len, unsigned char *signature)
{
    if (hash_len == 0) {
        return CKR_DATA_LEN_RANGE;
    }
    if (engine->rng == nullptr) {
        return CKR_FUNCTION_FAILED;
    }
    unsigned char der[kMaxDerSignature];
    word32 der_len = sizeof der;
    unsigned char input[kMaxField];
    word32 input_len = static_cast<word32>(prepare_hash(engine, hash, hash_len, input));
    ecc_thread_cache_hold();
    int rc = wc_ecc_sign_hash(input, input_len, der, &der_len, engine->rng, engine->ec);
    if (rc != 0) {
        return wolfcrypt_failure(rc);
    }
    const std::size_t field = engine->curve->field_bytes;
    unsigned char r[kMaxField];
    unsigned char s[kMaxField];
    word32 r_len = static_cast<word32>(field);
    word32 s_len = static_cast<word32>(field);
    rc = wc_ecc_sig_to_rs(der, der_len, r, &r_len, s, &s_len);
    if (rc != 0 || r_len > field || s_len > field) {
        return CKR_FUNCTION_FAILED;
    }
    std::memset(signature, 0, 2 * field);
    std::memcpy(signature + field - r_len, r, r_len);
    std::memcpy(signature + 2 * field - s_len, s, s_len);
    return CKR_OK;
}

CK_RV ecdsa_engine_verify(SignEngine *engine, const unsigned char *hash, std::size_t hash_len,
                          const unsigned char *signature)
{
    if (hash_len == 0) {
        return CKR_DATA_LEN_RANGE;
    }
    const word32 field = static_cast<word32>(engine->curve->field_bytes);
    unsigned char der[kMaxDerSignature];
    word32 der_len = sizeof der;
    // A zero r or s cannot even be encoded: that is an invalid signature.
    if (wc_ecc_rs_raw_to_sig(signature, field, signature + field, field, der, &der_len) != 0) {
        return CKR_SIGNATURE_INVALID;
    }
    int valid = 0;
    unsigned char input[kMaxField];
    word32 input_len = static_cast<word32>(prepare_hash(engine, hash, hash_len, input));
    ecc_thread_cache_hold();
    int rc = wc_ecc_verify_hash(der, der_len, input, input_len, &valid, engine->ec);
    if (rc == MEMORY_E) {
        return CKR_HOST_MEMORY;
    }
    // Other errors are r or s out of range, which no valid signature has.
    return rc == 0 && valid == 1 ? CKR_OK : CKR_SIGNATURE_INVALID;
}

} // namespace p11
