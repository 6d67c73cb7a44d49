/* A key object's material as a ready wolfCrypt key: what C_SignInit and
 * C_VerifyInit would otherwise decode from the attributes every time. One
 * ParsedKey serves one operation at a time (wolfCrypt keys keep per-call
 * state); KeyPool keeps idle ones with the object they came from. */
#ifndef P11_BACKEND_CRYPTO_PARSED_KEY_H
#define P11_BACKEND_CRYPTO_PARSED_KEY_H

#include "attribute_set.h"
#include "ec_params.h"
#include "pkcs11.h"
#include "wolfcrypt.h"

namespace p11 {

struct ParsedKey {
    CK_KEY_TYPE key_type;
    CK_OBJECT_CLASS key_class;
    // CKK_EC: the key and its curve.
    ecc_key *ec;
    const EcCurve *curve;
    // CKK_RSA: the key and its modulus size.
    RsaKey *rsa;
    CK_ULONG modulus_bits;
};

// Parses an EC or RSA key (public or private) from its attributes (see
// key_loading.h for which it reads). CKR_TEMPLATE_INCOMPLETE (a component
// missing), CKR_KEY_SIZE_RANGE (a curve or size not handled),
// CKR_KEY_TYPE_INCONSISTENT (not an EC or RSA key), CKR_FUNCTION_FAILED
// (malformed material), CKR_HOST_MEMORY. On CKR_OK free *out with
// parsed_key_free.
CK_RV parsed_key_make(CK_KEY_TYPE key_type, CK_OBJECT_CLASS key_class, const AttributeSet &attrs, ParsedKey **out);

// Frees the wolfCrypt key and wipes every byte of it (nullptr is allowed).
void parsed_key_free(ParsedKey *key);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_PARSED_KEY_H
