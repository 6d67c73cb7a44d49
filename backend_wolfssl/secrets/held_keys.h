/* The keys the running library holds. The device key is read at
 * C_Initialize (secrets/device_key.h); the token key is held from a login
 * that unwrapped it until C_Logout or C_Finalize. Readers take a snapshot
 * (a counted reference), so a C_Logout in another thread never pulls a key
 * from under a record being sealed or opened; the key's bytes are wiped when
 * the last snapshot goes. */
#ifndef P11_BACKEND_SECRETS_HELD_KEYS_H
#define P11_BACKEND_SECRETS_HELD_KEYS_H

#include "pkcs11.h"
#include "secrets/token_key.h"

namespace p11 {

using KeyRef = Ref<const SecretKey>;

// NULL: none (values bound to it can be neither sealed nor opened).
void held_device_key_set(const SecretKey *key);
KeyRef held_device_key();

// NULL forgets it.
void held_token_key_set(const SecretKey *key);
KeyRef held_token_key();

// The DRBG for the nonces of record boxes (C_Initialize makes it). Callers
// serialize its use: the object store calls it under its write lock.
WC_RNG *sealing_rng();
CK_RV sealing_rng_start();

// C_Finalize: forgets both keys and frees the DRBG.
void held_keys_stop();

} // namespace p11

#endif // P11_BACKEND_SECRETS_HELD_KEYS_H
