/* Where the device key comes from: the PAL's PKCS11_PAL_GetDeviceKey
 * (core_pkcs11_pal_device_key.h) when the PAL has it, else a random key kept
 * in the token record (made on first use, under the store lock), which
 * protects nothing against a copy of the store: a port should supply one. */
#ifndef P11_BACKEND_SECRETS_DEVICE_KEY_H
#define P11_BACKEND_SECRETS_DEVICE_KEY_H

#include "pkcs11.h"
#include "secrets/token_key.h"
#include "token_state.h"

namespace p11 {

// True when the PAL supplies the device key.
bool pal_has_device_key();

// C_Initialize, after token_load. CKR_OK; CKR_HOST_MEMORY when the heap was
// full (the key may well exist); else CKR_DEVICE_ERROR (reported through the
// log hook) when the PAL refused or the record could not be saved.
CK_RV device_key_load(TokenState *token, WC_RNG &rng, SecretKey *out);

} // namespace p11

#endif // P11_BACKEND_SECRETS_DEVICE_KEY_H
