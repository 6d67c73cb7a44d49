/* Turns PKCS #11 key material (an AttributeSet) into wolfCrypt key objects.
 * Shared by the sign engines (at *Init) and by the import checks. */
#ifndef P11_BACKEND_CRYPTO_KEY_LOADING_H
#define P11_BACKEND_CRYPTO_KEY_LOADING_H

#include "attribute_set.h"
#include "crypto/big_endian_bits.h"
#include "ec_params.h"
#include "pkcs11.h"
#include "wolfcrypt.h"

namespace p11 {

enum class KeyLoad {
    ok,
    missing,     // a required attribute is absent
    unsupported, // well formed, but a curve or size we do not handle
    malformed,   // an attribute value cannot be a valid key component
    failed,      // wolfCrypt failed (memory, internal error)
};

// On ok, *key is initialized and the caller frees it with wc_ecc_free;
// otherwise nothing needs freeing. A private key takes CKA_EC_PARAMS and
// CKA_VALUE, plus CKA_EC_POINT when present; a public key CKA_EC_PARAMS and
// CKA_EC_POINT.
KeyLoad load_ec_key(CK_OBJECT_CLASS key_class, const AttributeSet &attrs, ecc_key *key, const EcCurve **curve);

// On ok, *key is initialized and the caller frees it with wc_FreeRsaKey.
// A public key takes CKA_MODULUS and CKA_PUBLIC_EXPONENT; a private key also
// CKA_PRIVATE_EXPONENT and the CRT parts (CKA_PRIME_1, CKA_PRIME_2,
// CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT), because wolfCrypt's
// private operation is CRT-only. The modulus must be within kRsaMinBits ..
// kRsaMaxBits (else unsupported).
KeyLoad load_rsa_key(CK_OBJECT_CLASS key_class, const AttributeSet &attrs, RsaKey *key);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_KEY_LOADING_H
