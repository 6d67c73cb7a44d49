/* ECDSA on P-256 and P-384 for the sign engines. PKCS #11 signatures are
 * raw r || s, each left-padded to the field size (v2.40 Current Mechanisms
 * §2.3.1), made and checked from wolfCrypt's integers r and s (no DER). */
#include <cstring>

#include "ecc_thread_cache.h"
#include "heap_object.h"
#include "sign_engine_internal.h"

namespace p11 {

namespace {

constexpr std::size_t kMaxField = 48;

// r and s as wolfCrypt's integers: signing and verifying with them directly
// skips the DER encoding wc_ecc_sign_hash / wc_ecc_verify_hash would add
// and the conversion to and from PKCS #11's raw r || s.
// r and s, on the heap (crypto/heap_object.h: an mp_int is SP_INT_BITS wide).
struct SignatureParts {
    struct Pair {
        mp_int r;
        mp_int s;
    };
    HeapObject<Pair> pair;
    bool ready = pair && mp_init_multi(&pair->r, &pair->s, nullptr, nullptr, nullptr, nullptr) == MP_OKAY;
    mp_int *r = ready ? &pair->r : nullptr;
    mp_int *s = ready ? &pair->s : nullptr;
    SignatureParts() = default;
    SignatureParts(const SignatureParts &) = delete;
    SignatureParts &operator=(const SignatureParts &) = delete;
    ~SignatureParts()
    {
        if (ready) {
            mp_clear(r);
            mp_clear(s);
        }
    }
};

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
#if !P11_HAVE_PRIVATE_KEYS
    // A verify-only wolfCrypt: no private key ever loads (key_loading.cpp), so no signing engine exists.
    (void)engine;
    (void)hash;
    (void)hash_len;
    (void)signature;
    return CKR_FUNCTION_FAILED;
#else
    if (hash_len == 0) {
        return CKR_DATA_LEN_RANGE;
    }
    if (engine->rng == nullptr) {
        return CKR_FUNCTION_FAILED;
    }
    unsigned char input[kMaxField];
    word32 input_len = static_cast<word32>(prepare_hash(engine, hash, hash_len, input));
    SignatureParts parts;
    if (!parts.ready) {
        return CKR_HOST_MEMORY;
    }
    ecc_thread_cache_hold();
    int rc = wc_ecc_sign_hash_ex(input, input_len, engine->rng, engine->ec, parts.r, parts.s);
    if (rc != 0) {
        return wolfcrypt_failure(rc);
    }
    // r and s are below the order, so each fits the field size, left-padded.
    const int field = static_cast<int>(engine->curve->field_bytes);
    if (mp_to_unsigned_bin_len(parts.r, signature, field) != MP_OKAY ||
        mp_to_unsigned_bin_len(parts.s, signature + field, field) != MP_OKAY) {
        return CKR_FUNCTION_FAILED;
    }
    return CKR_OK;
#endif
}

CK_RV ecdsa_engine_verify(SignEngine *engine, const unsigned char *hash, std::size_t hash_len,
                          const unsigned char *signature)
{
    if (hash_len == 0) {
        return CKR_DATA_LEN_RANGE;
    }
    const word32 field = static_cast<word32>(engine->curve->field_bytes);
    SignatureParts parts;
    if (!parts.ready) {
        return CKR_HOST_MEMORY;
    }
    if (mp_read_unsigned_bin(parts.r, signature, field) != MP_OKAY ||
        mp_read_unsigned_bin(parts.s, signature + field, field) != MP_OKAY) {
        return CKR_FUNCTION_FAILED;
    }
    int valid = 0;
    unsigned char input[kMaxField];
    word32 input_len = static_cast<word32>(prepare_hash(engine, hash, hash_len, input));
    ecc_thread_cache_hold();
    int rc = wc_ecc_verify_hash_ex(parts.r, parts.s, input, input_len, &valid, engine->ec);
    if (rc == MEMORY_E) {
        return CKR_HOST_MEMORY;
    }
    // Other errors are r or s zero or not below the order, which no valid
    // signature has (wolfCrypt checks the range first).
    return rc == 0 && valid == 1 ? CKR_OK : CKR_SIGNATURE_INVALID;
}

} // namespace p11
