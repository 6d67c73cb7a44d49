/* Import checks of the lean backend's C_CreateObject (crypto/key_check.h's
 * rules for what a lean token can use): key material is refused when it is
 * created, never at first use. */
#ifndef P11_LEAN_KEY_IMPORT_H
#define P11_LEAN_KEY_IMPORT_H

#include "lean/new_object.h"
#include "pkcs11.h"

namespace p11::lean {

// CKR_OK for data objects, certificates and usable keys:
// - an EC public key: a CKA_EC_POINT on P-256, in the prime-order subgroup;
// - an EC private key: CKA_VALUE in 1 .. n-1;
// - an RSA public key: a modulus of 2048 bits up to the wolfCrypt build's
//   largest, odd; an exponent odd, > 1 and below the modulus.
// CKR_ATTRIBUTE_VALUE_INVALID for anything else, and for key types the lean
// token has no engine for (RSA private keys, secret keys: it neither signs
// with RSA nor computes MACs), as a verify-only full backend answers for
// private keys; CKR_HOST_MEMORY.
CK_RV check_import(const NewObject &object);

} // namespace p11::lean

#endif // P11_LEAN_KEY_IMPORT_H
