/* EC and RSA key pair generation with wolfCrypt (see key_generation.h). */
#include "key_generation.h"

#include <new>

#include "ec_params.h"
#include "ecc_thread_cache.h"
#include "heap_object.h"
#include "key_limits.h"
#include "secure_wipe.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {

#if P11_HAVE_RSA_KEYGEN
constexpr unsigned long kDefaultPublicExponent = 65537;

// An mp_int as a PKCS #11 big integer: big-endian, no leading zero octets.
bool export_integer(const mp_int *value, Bytes *out)
{
    int size = mp_unsigned_bin_size(value);
    if (size <= 0) {
        return false;
    }
    out->assign(static_cast<std::size_t>(size), 0);
    return mp_to_unsigned_bin(value, out->data()) == MP_OKAY;
}

// The exponent as a number: odd, >= 3, at most 32 bits.
bool parse_exponent(ByteView value, unsigned long *out)
{
    if (value.empty()) {
        *out = kDefaultPublicExponent;
        return true;
    }
    unsigned long e = 0;
    for (unsigned char byte : value) {
        if ((e >> 24) != 0) {
            return false;
        }
        e = (e << 8) | byte;
    }
    if (e < 3 || (e & 1) == 0) {
        return false;
    }
    *out = e;
    return true;
}

#endif // P11_HAVE_RSA_KEYGEN

} // namespace

CK_RV generate_ec_key_pair(ByteView ec_params, WC_RNG *rng, AttributeSet *pub, AttributeSet *priv)
{
    const EcCurve *curve = ec_curve_from_params(ec_params);
    if (curve == nullptr) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    if (rng == nullptr || pub == nullptr || priv == nullptr) {
        return CKR_ARGUMENTS_BAD;
    }
    HeapObject<ecc_key> heap_key;
    if (!heap_key) {
        return CKR_HOST_MEMORY;
    }
    ecc_key &key = *heap_key.get();
    if (wc_ecc_init(&key) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    unsigned char point[1 + 2 * 48];
    unsigned char scalar[48];
    word32 point_len = sizeof point;
    word32 scalar_len = static_cast<word32>(curve->field_bytes);
    ecc_thread_cache_hold();
    int rc = wc_ecc_make_key_ex(rng, static_cast<int>(curve->field_bytes), &key, curve->wc_curve_id);
    if (rc == 0) {
        rc = wc_ecc_export_x963(&key, point, &point_len);
    }
    if (rc == 0) {
        rc = wc_ecc_export_private_only(&key, scalar, &scalar_len);
    }
    wc_ecc_free(&key);
    if (rc != 0 || scalar_len != curve->field_bytes || point_len != 1 + 2 * curve->field_bytes) {
        secure_wipe(scalar, sizeof scalar);
        return rc == MEMORY_E ? CKR_HOST_MEMORY : CKR_FUNCTION_FAILED;
    }
    Bytes der_point = ec_point_to_der(point, point_len);
    pub->set(CKA_EC_PARAMS, ec_params.data(), ec_params.size());
    pub->set(CKA_EC_POINT, der_point.data(), der_point.size());
    priv->set(CKA_EC_PARAMS, ec_params.data(), ec_params.size());
    priv->set(CKA_EC_POINT, der_point.data(), der_point.size());
    priv->set(CKA_VALUE, scalar, scalar_len);
    secure_wipe(scalar, sizeof scalar);
    return CKR_OK;
}

#if P11_HAVE_RSA_KEYGEN
CK_RV generate_rsa_key_pair(CK_ULONG modulus_bits, ByteView public_exponent, WC_RNG *rng, AttributeSet *pub,
                            AttributeSet *priv)
{
    if (modulus_bits < kRsaMinBits || modulus_bits > kRsaMaxBits || modulus_bits % 8 != 0) {
        return CKR_ATTRIBUTE_VALUE_INVALID; // CKA_MODULUS_BITS: C_GenerateKeyPair has no CKR_KEY_SIZE_RANGE
    }
    unsigned long e = 0;
    if (!parse_exponent(public_exponent, &e)) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    if (rng == nullptr || pub == nullptr || priv == nullptr) {
        return CKR_ARGUMENTS_BAD;
    }
    // Several KB: not on a task's stack; wiped and freed however the scope
    // ends (a copy of a field below may throw std::bad_alloc on a host).
    HeapObject<RsaKey> heap_key;
    if (!heap_key) {
        return CKR_HOST_MEMORY;
    }
    RsaKey *key = heap_key.get();
    if (wc_InitRsaKey(key, nullptr) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    int rc = wc_MakeRsaKey(key, static_cast<int>(modulus_bits), static_cast<long>(e), rng);
    const mp_int *fields[] = {&key->n, &key->e, &key->d, &key->p, &key->q, &key->dP, &key->dQ, &key->u};
    const CK_ATTRIBUTE_TYPE types[] = {CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_PRIVATE_EXPONENT, CKA_PRIME_1,
                                       CKA_PRIME_2, CKA_EXPONENT_1,      CKA_EXPONENT_2,       CKA_COEFFICIENT};
    Bytes values[8];
    bool ok = rc == 0;
    for (int i = 0; ok && i < 8; ++i) {
        ok = export_integer(fields[i], &values[i]);
    }
    wc_FreeRsaKey(key);
    if (!ok) {
        return rc == MEMORY_E ? CKR_HOST_MEMORY : CKR_FUNCTION_FAILED;
    }
    for (int i = 0; i < 8; ++i) {
        if (i < 2) {
            pub->set(types[i], values[i].data(), values[i].size());
        }
        priv->set(types[i], values[i].data(), values[i].size());
    }
    return CKR_OK;
}
#else
// This wolfCrypt has no RSA key generation (WOLFSSL_KEY_GEN, the profile
// names no CKM_RSA_PKCS_KEY_PAIR_GEN), so the mechanism catalog does not
// offer the mechanism and C_GenerateKeyPair never gets here for it.
CK_RV generate_rsa_key_pair(CK_ULONG, ByteView, WC_RNG *, AttributeSet *, AttributeSet *)
{
    return CKR_MECHANISM_INVALID;
}
#endif // P11_HAVE_RSA_KEYGEN

} // namespace p11
