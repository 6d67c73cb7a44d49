/* Import checks for C_CreateObject: key material is refused when it is
 * created (CKR_ATTRIBUTE_VALUE_INVALID) rather than failing at first use. */
#ifndef P11_BACKEND_CRYPTO_KEY_CHECK_H
#define P11_BACKEND_CRYPTO_KEY_CHECK_H

#include "attribute_set.h"
#include "pkcs11.h"

namespace p11 {

// CKR_OK for usable material and for classes without key material
// (certificates, data). For keys:
// - CKK_EC public: a P-256/P-384 CKA_EC_PARAMS and a CKA_EC_POINT on the curve
//   and in the prime-order subgroup. Private: CKA_VALUE in 1 .. n-1 and,
//   when CKA_EC_POINT is also given, the point that scalar makes.
// - CKK_RSA: modulus of kRsaMinBits .. kRsaMaxBits, odd; exponent odd, > 1,
//   below the modulus. Private: CKA_PUBLIC_EXPONENT and every CRT part
//   given, and they agree (n = p q, dP = d mod (p-1), dQ = d mod (q-1),
//   e dP = 1 mod (p-1), e dQ = 1 mod (q-1), q u = 1 mod p). The primes'
//   primality is not tested.
// - CKK_GENERIC_SECRET / CKK_SHA256_HMAC: CKA_VALUE of kHmacMinBytes ..
//   kHmacMaxBytes.
// A missing component gives CKR_TEMPLATE_INCOMPLETE, a key type the engines
// cannot use CKR_ATTRIBUTE_VALUE_INVALID.
CK_RV check_key_material(CK_OBJECT_CLASS key_class, CK_KEY_TYPE key_type, const AttributeSet &attrs);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_KEY_CHECK_H
