/* One PIN attempt against the stored token record (C_Login, the old PIN of
 * C_SetPIN, C_InitToken's SO PIN, a context-specific login), and the PIN
 * state C_GetTokenInfo reports. The failure count lives in the store, so it
 * holds across processes and restarts: it is raised and saved before the PIN
 * is checked (a process killed mid-check has still paid for the guess) and
 * reset on success. With the profile's max_pin_tries wrong PINs in a row the
 * PIN is locked: CKR_PIN_LOCKED, until the SO sets a new user PIN
 * (C_InitPIN); a locked SO PIN stays locked. */
#ifndef P11_BACKEND_PIN_ATTEMPT_H
#define P11_BACKEND_PIN_ATTEMPT_H

#include "p11_profile.h"
#include "pkcs11.h"
#include "token_state.h"

namespace p11 {

// The caller holds the library lock and the store lock (StoreLock), and has
// refreshed token->record from the store (token_refresh). CKR_OK (and the
// count reset), CKR_PIN_INCORRECT (counted), CKR_PIN_LOCKED (nothing
// checked), CKR_DEVICE_ERROR (the failure could not be counted: nothing
// checked either, so a store that refuses writes gives no free guesses).
// On CKR_OK, *kek (when given) is the PIN's key-encryption key and *keyed
// says whether there is one (pin_verifier.h: a format 0 verifier has none).
CK_RV pin_attempt(TokenState *token, const p11_profile &profile, Login who, const CK_UTF8CHAR *pin,
                  CK_ULONG pin_len, SecretKey *kek = nullptr, bool *keyed = nullptr);

bool pin_locked(const TokenRecord &record, const p11_profile &profile, Login who);

// CKF_USER_PIN_COUNT_LOW / _FINAL_TRY / _LOCKED and the SO's, from the counts.
CK_FLAGS pin_state_flags(const TokenRecord &record, const p11_profile &profile);

} // namespace p11

#endif // P11_BACKEND_PIN_ATTEMPT_H
