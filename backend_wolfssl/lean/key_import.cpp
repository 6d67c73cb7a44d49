/* Import checks (see key_import.h). */
#include "lean/key_import.h"

#include <cstring>

#include "crypto/big_endian_bits.h"
#include "crypto/key_limits.h"
#include "crypto/wolfcrypt_failure.h"
#include "lean/p256.h"
#include "p11_port.h"
#include "secure_wipe.h"
#include "wolfcrypt.h"
#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
#include <wolfssl/wolfcrypt/sp.h>
#endif

namespace p11::lean {

namespace {

CK_RV valid_if(bool ok)
{
    return ok ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
}

// wolfCrypt's check of a public point: 0 valid; a full heap is not "invalid".
CK_RV valid_unless(int rc)
{
    return wolfcrypt_out_of_memory(rc) ? CKR_HOST_MEMORY : valid_if(rc == 0);
}

#if defined(P11_WOLFCRYPT_FROM_SOURCE) && defined(WOLFSSL_HAVE_SP_ECC)
// On the curve, not infinity, order n: wolfCrypt's SP check without ecc.c.
int check_point(const std::uint8_t *raw)
{
    struct Numbers {
        mp_int x, y;
    };
    auto *n = static_cast<Numbers *>(p11_port_malloc(sizeof(Numbers))); // wide integers: off the stack
    if (n == nullptr) {
        return MEMORY_E;
    }
    int rc = mp_init_multi(&n->x, &n->y, nullptr, nullptr, nullptr, nullptr);
    rc = rc == MP_OKAY ? mp_read_unsigned_bin(&n->x, raw + 1, kP256Field) : rc;
    rc = rc == MP_OKAY ? mp_read_unsigned_bin(&n->y, raw + 1 + kP256Field, kP256Field) : rc;
    rc = rc == MP_OKAY ? sp_ecc_check_key_256(&n->x, &n->y, nullptr, nullptr) : rc;
    p11_port_free(n);
    return rc;
}
#else
// Debian's shared wolfCrypt: through its public ECC API.
int check_point(const std::uint8_t *raw)
{
    auto *key = static_cast<ecc_key *>(p11_port_malloc(sizeof(ecc_key)));
    if (key == nullptr) {
        return MEMORY_E;
    }
    int rc = wc_ecc_init(key);
    if (rc == 0) {
        rc = wc_ecc_import_x963_ex(raw, kP256Point, key, ECC_SECP256R1);
        rc = rc == 0 ? wc_ecc_check_key(key) : rc;
        wc_ecc_free(key);
    }
    p11_port_free(key);
    return rc;
}
#endif

const std::uint8_t *bytes(const CK_ATTRIBUTE *attribute)
{
    return static_cast<const std::uint8_t *>(attribute->pValue);
}

// The big-endian numbers a < b, leading zero octets ignored.
bool less(const std::uint8_t *a, std::size_t a_len, const std::uint8_t *b, std::size_t b_len)
{
    while (a_len != 0 && *a == 0) {
        ++a;
        --a_len;
    }
    while (b_len != 0 && *b == 0) {
        ++b;
        --b_len;
    }
    return a_len != b_len ? a_len < b_len : std::memcmp(a, b, a_len) < 0;
}

CK_RV check_rsa_public(const NewObject &object)
{
    const CK_ATTRIBUTE *n = object.get(CKA_MODULUS);
    const CK_ATTRIBUTE *e = object.get(CKA_PUBLIC_EXPONENT);
    if (n == nullptr || e == nullptr) {
        return CKR_TEMPLATE_INCOMPLETE; // the table requires both: never here
    }
    const CK_ULONG bits = big_endian_bits(bytes(n), n->ulValueLen);
    const CK_ULONG e_bits = big_endian_bits(bytes(e), e->ulValueLen);
    // Both are at least one byte (the table's big_integer form).
    const bool odd = (bytes(n)[n->ulValueLen - 1] & 1u) != 0 && (bytes(e)[e->ulValueLen - 1] & 1u) != 0;
    return valid_if(bits >= kRsaMinBits && bits <= kRsaMaxBits && odd && e_bits > 1 &&
                    less(bytes(e), e->ulValueLen, bytes(n), n->ulValueLen));
}

CK_RV check_ec_private(const NewObject &object)
{
    const CK_ATTRIBUTE *value = object.get(CKA_VALUE);
    std::uint8_t scalar[kP256Field] = {};
    // The builder let at most kP256Field bytes through; left-padded.
    std::memcpy(scalar + kP256Field - value->ulValueLen, value->pValue, value->ulValueLen);
    const bool ok = in_p256_range(scalar); // SEC 1 §3.2.1
    secure_wipe(scalar, sizeof scalar);
    return valid_if(ok);
}

} // namespace

CK_RV check_import(const NewObject &object)
{
    const CK_OBJECT_CLASS klass = object.object_class();
    if (klass == CKO_DATA || klass == CKO_CERTIFICATE) {
        return CKR_OK; // the builder parsed the certificate
    }
    if (klass == CKO_PUBLIC_KEY && object.subtype() == CKK_EC) {
        const CK_ATTRIBUTE *point = object.get(CKA_EC_POINT); // DER, normalized by the builder
        return valid_unless(check_point(bytes(point) + 2));
    }
    if (klass == CKO_PRIVATE_KEY && object.subtype() == CKK_EC) {
        return check_ec_private(object);
    }
    if (klass == CKO_PUBLIC_KEY && object.subtype() == CKK_RSA) {
        return check_rsa_public(object);
    }
    return CKR_ATTRIBUTE_VALUE_INVALID;
}

} // namespace p11::lean
