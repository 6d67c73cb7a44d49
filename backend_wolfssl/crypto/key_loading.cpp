/* AttributeSet -> ecc_key / RsaKey (see key_loading.h). */
#include "key_loading.h"

#include "key_limits.h"

namespace p11 {

namespace {

// Reads a big-endian attribute into an mp_int of the key.
bool read_component(ByteView value, mp_int *out)
{
    return mp_read_unsigned_bin(out, value.data(), static_cast<word32>(value.size())) == MP_OKAY;
}

} // namespace

KeyLoad load_ec_key(CK_OBJECT_CLASS key_class, const AttributeSet &attrs, ecc_key *key, const EcCurve **curve_out)
{
    const ByteView *params = attrs.get(CKA_EC_PARAMS);
    const ByteView *point_attr = attrs.get(CKA_EC_POINT);
    const ByteView *value = attrs.get(CKA_VALUE);
    if (params == nullptr || (key_class == CKO_PUBLIC_KEY && point_attr == nullptr) ||
        (key_class == CKO_PRIVATE_KEY && value == nullptr)) {
        return KeyLoad::missing;
    }
    if (key_class != CKO_PUBLIC_KEY && key_class != CKO_PRIVATE_KEY) {
        return KeyLoad::malformed;
    }
    if (key_class == CKO_PRIVATE_KEY && !P11_HAVE_PRIVATE_KEYS) {
        return KeyLoad::unsupported; // a verify-only wolfCrypt (wolfcrypt.h)
    }
    const EcCurve *curve = ec_curve_from_params(*params);
    if (curve == nullptr) {
        return KeyLoad::unsupported;
    }
    Bytes point;
    if (point_attr != nullptr && !ec_point_to_raw(*curve, *point_attr, &point)) {
        return KeyLoad::malformed;
    }
    Bytes scalar;
    if (key_class == CKO_PRIVATE_KEY) {
        // CKA_VALUE is an integer: callers may strip leading zero octets.
        if (value->empty() || value->size() > curve->field_bytes) {
            return KeyLoad::malformed;
        }
        scalar.assign(curve->field_bytes - value->size(), 0);
        scalar.insert(scalar.end(), value->begin(), value->end());
    }
    if (wc_ecc_init(key) != 0) {
        return KeyLoad::failed;
    }
    int rc;
    if (key_class == CKO_PRIVATE_KEY) {
        rc = wc_ecc_import_private_key_ex(scalar.data(), static_cast<word32>(scalar.size()),
                                          point.empty() ? nullptr : point.data(), static_cast<word32>(point.size()),
                                          key, curve->wc_curve_id);
    } else {
        rc = wc_ecc_import_x963_ex(point.data(), static_cast<word32>(point.size()), key, curve->wc_curve_id);
    }
    if (rc != 0) {
        wc_ecc_free(key);
        return rc == MEMORY_E ? KeyLoad::failed : KeyLoad::malformed;
    }
    *curve_out = curve;
    return KeyLoad::ok;
}

KeyLoad load_rsa_key(CK_OBJECT_CLASS key_class, const AttributeSet &attrs, RsaKey *key)
{
    if (key_class != CKO_PUBLIC_KEY && key_class != CKO_PRIVATE_KEY) {
        return KeyLoad::malformed;
    }
    if (key_class == CKO_PRIVATE_KEY && !P11_HAVE_PRIVATE_KEYS) {
        return KeyLoad::unsupported; // a verify-only wolfCrypt (wolfcrypt.h)
    }
    const ByteView *n = attrs.get(CKA_MODULUS);
    const ByteView *e = attrs.get(CKA_PUBLIC_EXPONENT);
    if (n == nullptr || e == nullptr) {
        return KeyLoad::missing;
    }
    const CK_ATTRIBUTE_TYPE kPrivateParts[] = {CKA_PRIVATE_EXPONENT, CKA_PRIME_1,    CKA_PRIME_2,
                                               CKA_EXPONENT_1,       CKA_EXPONENT_2, CKA_COEFFICIENT};
    const ByteView *parts[6] = {};
    if (key_class == CKO_PRIVATE_KEY) {
        for (int i = 0; i < 6; ++i) {
            parts[i] = attrs.get(kPrivateParts[i]);
            if (parts[i] == nullptr) {
                return KeyLoad::missing;
            }
        }
    }
    CK_ULONG bits = big_endian_bits(n->data(), n->size());
    if (bits < kRsaMinBits || bits > kRsaMaxBits) {
        return KeyLoad::unsupported;
    }
    if (big_endian_bits(e->data(), e->size()) == 0) {
        return KeyLoad::malformed;
    }
    if (wc_InitRsaKey(key, nullptr) != 0) {
        return KeyLoad::failed;
    }
    bool ok = read_component(*n, &key->n) && read_component(*e, &key->e);
#if P11_HAVE_PRIVATE_KEYS
    if (ok && key_class == CKO_PRIVATE_KEY) {
        mp_int *fields[6] = {&key->d, &key->p, &key->q, &key->dP, &key->dQ, &key->u};
        for (int i = 0; ok && i < 6; ++i) {
            ok = read_component(*parts[i], fields[i]);
        }
        key->type = RSA_PRIVATE;
    } else {
        key->type = RSA_PUBLIC;
    }
#else
    key->type = RSA_PUBLIC;
#endif
    if (!ok) {
        wc_FreeRsaKey(key);
        return KeyLoad::malformed;
    }
    return KeyLoad::ok;
}

} // namespace p11
