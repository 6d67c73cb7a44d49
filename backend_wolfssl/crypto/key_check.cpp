/* Key material checks at import (see key_check.h). */
#include "key_check.h"

#include <cstring>
#include <new>

#include "ecc_thread_cache.h"
#include "heap_object.h"
#include "key_limits.h"
#include "key_loading.h"
#include "wolfcrypt_failure.h"
#include "secure_wipe.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {

// At C_CreateObject the attributes are the caller's: bad material is the
// template's fault (parsed_key.cpp maps the same results at use time).
CK_RV import_result(KeyLoad result)
{
    switch (result) {
    case KeyLoad::ok:
        return CKR_OK;
    case KeyLoad::missing:
        return CKR_TEMPLATE_INCOMPLETE;
    case KeyLoad::failed:
        return CKR_HOST_MEMORY;
    default:
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
}

// The helpers below answer CKR_OK, CKR_ATTRIBUTE_VALUE_INVALID, or
// CKR_HOST_MEMORY when their scratch space cannot be had (never "invalid"
// for a key that is merely checked on a full heap).
CK_RV valid_if(bool ok)
{
    return ok ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
}

// A wolfCrypt check's result the same way: 0 is valid.
CK_RV valid_unless(int rc)
{
    return wolfcrypt_out_of_memory(rc) ? CKR_HOST_MEMORY : valid_if(rc == 0);
}

#if P11_HAVE_PRIVATE_KEYS // else no private key loads (key_loading.cpp)
// 1 <= scalar < n (SEC 1 §3.2.1).
CK_RV scalar_in_range(ecc_key *key)
{
    const ecc_set_type *params = wc_ecc_get_curve_params(wc_ecc_get_curve_idx(key->dp->id));
    if (params == nullptr) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    HeapObject<mp_int> order;
    if (!order) {
        return CKR_HOST_MEMORY;
    }
    if (mp_init(order.get()) != MP_OKAY) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    bool ok = mp_read_radix(order.get(), params->order, MP_RADIX_HEX) == MP_OKAY && !mp_iszero(&key->k) &&
              mp_cmp(&key->k, order.get()) == MP_LT;
    mp_clear(order.get());
    return valid_if(ok);
}

// The public point the private scalar makes equals the given one.
CK_RV point_matches_scalar(ecc_key *key, const EcCurve &curve, ByteView scalar_attr)
{
    // Allocations first: on a host a full heap throws (out_of_memory.h)
    // before the RNG or the key hold anything.
    HeapObject<ecc_key> heap_key;
    if (!heap_key) {
        return CKR_HOST_MEMORY;
    }
    Bytes scalar(curve.field_bytes - scalar_attr.size(), 0);
    scalar.insert(scalar.end(), scalar_attr.begin(), scalar_attr.end());
    WC_RNG rng; // wolfCrypt's timing-resistant multiplication wants one
    int rc = wc_InitRng(&rng);
    if (rc != 0) {
        return wolfcrypt_failure(rc);
    }
    rc = wc_ecc_init(heap_key.get());
    if (rc != 0) {
        wc_FreeRng(&rng);
        return wolfcrypt_failure(rc);
    }
    ecc_key &derived = *heap_key.get();
    unsigned char given[1 + 2 * 48];
    unsigned char made[1 + 2 * 48];
    word32 given_len = sizeof given;
    word32 made_len = sizeof made;
    rc = wc_ecc_import_private_key_ex(scalar.data(), static_cast<word32>(scalar.size()), nullptr, 0, &derived,
                                      curve.wc_curve_id);
    if (rc == 0) {
        rc = wc_ecc_make_pub_ex(&derived, nullptr, &rng);
    }
    if (rc == 0) {
        rc = wc_ecc_export_x963(&derived, made, &made_len);
    }
    if (rc == 0) {
        rc = wc_ecc_export_x963(key, given, &given_len);
    }
    wc_ecc_free(&derived);
    wc_FreeRng(&rng);
    if (rc != 0) {
        return valid_unless(rc);
    }
    return valid_if(made_len == given_len && std::memcmp(made, given, made_len) == 0);
}

#endif // P11_HAVE_PRIVATE_KEYS

CK_RV check_ec(CK_OBJECT_CLASS key_class, const AttributeSet &attrs)
{
    HeapObject<ecc_key> heap_key;
    if (!heap_key) {
        return CKR_HOST_MEMORY;
    }
    ecc_key &key = *heap_key.get();
    const EcCurve *curve = nullptr;
    CK_RV rv = import_result(load_ec_key(key_class, attrs, &key, &curve));
    if (rv != CKR_OK) {
        return rv;
    }
    ecc_thread_cache_hold(); // point checks multiply on the curve
    if (key_class == CKO_PUBLIC_KEY) {
        // On the curve, not infinity, order n (wolfCrypt's public key validation).
        rv = valid_unless(wc_ecc_check_key(&key));
    } else {
#if P11_HAVE_PRIVATE_KEYS
        rv = scalar_in_range(&key);
        if (rv == CKR_OK && attrs.has(CKA_EC_POINT)) {
            rv = valid_unless(wc_ecc_check_key(&key));
        }
        if (rv == CKR_OK && attrs.has(CKA_EC_POINT)) {
            rv = point_matches_scalar(&key, *curve, *attrs.get(CKA_VALUE));
        }
#else
        rv = CKR_ATTRIBUTE_VALUE_INVALID;
        (void)curve;
#endif
    }
    wc_ecc_free(&key);
    return rv;
}

#if P11_HAVE_PRIVATE_KEYS
// The steps of a chain of math calls: true when the call succeeded; a full
// heap (MP_MEM, wolfCrypt allocates temporaries on devices) is remembered, so
// that the key is not called invalid for it.
class MathSteps {
  public:
    bool ok(int rc)
    {
        out_of_memory_ = out_of_memory_ || wolfcrypt_out_of_memory(rc);
        return rc == MP_OKAY;
    }
    CK_RV verdict(bool valid) const { return out_of_memory_ ? CKR_HOST_MEMORY : valid_if(valid); }

  private:
    bool out_of_memory_ = false;
};

// a mod (p - 1) == want, for the CRT exponents.
bool crt_exponent_matches(MathSteps &math, const mp_int *d, const mp_int *prime, const mp_int *want, mp_int *scratch,
                          mp_int *prime_minus_one)
{
    return math.ok(mp_sub_d(prime, 1, prime_minus_one)) && math.ok(mp_mod(d, prime_minus_one, scratch)) &&
           mp_cmp(scratch, want) == MP_EQ;
}

// e * dX = 1 mod (prime - 1): the private half inverts this public exponent
// (else signatures it makes never verify under the key's own CKA_PUBLIC_EXPONENT).
bool crt_exponent_inverts_e(MathSteps &math, const mp_int *e, const mp_int *crt_exponent, const mp_int *prime,
                            mp_int *scratch, mp_int *prime_minus_one)
{
    return math.ok(mp_sub_d(prime, 1, prime_minus_one)) &&
           math.ok(mp_mulmod(e, crt_exponent, prime_minus_one, scratch)) && mp_isone(scratch);
}

CK_RV rsa_private_consistent(RsaKey *key)
{
    struct Scratch {
        mp_int a;
        mp_int b;
    };
    HeapObject<Scratch> scratch;
    if (!scratch) {
        return CKR_HOST_MEMORY;
    }
    MathSteps math;
    if (!math.ok(mp_init_multi(&scratch->a, &scratch->b, nullptr, nullptr, nullptr, nullptr))) {
        return math.verdict(false);
    }
    mp_int &a = scratch->a;
    mp_int &b = scratch->b;
    bool ok = !mp_iszero(&key->d) && mp_cmp(&key->d, &key->n) == MP_LT && math.ok(mp_mul(&key->p, &key->q, &a)) &&
              mp_cmp(&a, &key->n) == MP_EQ && crt_exponent_matches(math, &key->d, &key->p, &key->dP, &a, &b) &&
              crt_exponent_matches(math, &key->d, &key->q, &key->dQ, &a, &b) &&
              crt_exponent_inverts_e(math, &key->e, &key->dP, &key->p, &a, &b) &&
              crt_exponent_inverts_e(math, &key->e, &key->dQ, &key->q, &a, &b) &&
              math.ok(mp_mulmod(&key->q, &key->u, &key->p, &a)) && mp_isone(&a);
    mp_forcezero(&a);
    mp_forcezero(&b);
    return math.verdict(ok);
}
#endif // P11_HAVE_PRIVATE_KEYS

CK_RV check_rsa(CK_OBJECT_CLASS key_class, const AttributeSet &attrs)
{
    HeapObject<RsaKey> heap_key; // wiped and freed however the scope ends
    if (!heap_key) {
        return CKR_HOST_MEMORY;
    }
    RsaKey *key = heap_key.get();
    CK_RV rv = import_result(load_rsa_key(key_class, attrs, key));
    if (rv != CKR_OK) {
        return rv;
    }
    rv = valid_if(mp_isodd(&key->n) && mp_isodd(&key->e) && mp_cmp_d(&key->e, 1) == MP_GT &&
                  mp_cmp(&key->e, &key->n) == MP_LT);
#if P11_HAVE_PRIVATE_KEYS // else no private key loads
    if (rv == CKR_OK && key_class == CKO_PRIVATE_KEY) {
        rv = rsa_private_consistent(key);
    }
#endif
    wc_FreeRsaKey(key);
    return rv;
}

CK_RV check_secret(const AttributeSet &attrs)
{
    const ByteView *value = attrs.get(CKA_VALUE);
    if (value == nullptr) {
        return CKR_TEMPLATE_INCOMPLETE;
    }
    return value->size() >= kHmacMinBytes && value->size() <= kHmacMaxBytes ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
}

} // namespace

CK_RV check_key_material(CK_OBJECT_CLASS key_class, CK_KEY_TYPE key_type, const AttributeSet &attrs)
{
    switch (key_class) {
    case CKO_PUBLIC_KEY:
    case CKO_PRIVATE_KEY:
        if (key_type == CKK_EC) {
            return check_ec(key_class, attrs);
        }
        if (key_type == CKK_RSA) {
            return check_rsa(key_class, attrs);
        }
        return CKR_ATTRIBUTE_VALUE_INVALID;
    case CKO_SECRET_KEY:
        if (key_type == CKK_GENERIC_SECRET || key_type == CKK_SHA256_HMAC) {
            return check_secret(attrs);
        }
        return CKR_ATTRIBUTE_VALUE_INVALID;
    default:
        return CKR_OK;
    }
}

} // namespace p11
