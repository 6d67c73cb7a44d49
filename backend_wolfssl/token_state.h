/* The token as the running library sees it: the persisted record plus the
 * login state, which PKCS #11 keeps per application (shared by all
 * sessions). All functions here run under the library lock; `login` may
 * also be read without it. */
#ifndef P11_BACKEND_TOKEN_STATE_H
#define P11_BACKEND_TOKEN_STATE_H

#include <atomic>

#include "p11_profile.h"
#include "pkcs11.h"
#include "token_record.h"
#include "wolfcrypt.h"

namespace p11 {

enum class Login { nobody, user, so };

struct TokenState {
    TokenRecord record;
    // Written under the library lock; atomic so that the hot paths (every
    // C_SignInit looks its key up as the logged-in user) read it without it.
    std::atomic<Login> login{Login::nobody};
};

// Reads the record through the PAL (PKCS11_PAL_Initialize has run). A missing
// record becomes a fresh token as the profile describes and is saved; a
// damaged or newer one is reported on stderr and the token is treated as
// uninitialized, leaving the stored bytes untouched until C_InitToken.
CK_RV token_load(TokenState *token, const p11_profile &profile, WC_RNG &rng);

// Re-reads the stored record into token->record, so that a change starts
// from what other processes saved, never from a stale copy. Call it holding
// the store lock (objects/pal_io.h StoreLock) when the change is saved under
// the same lock. CKR_OK (also when no record is stored: the copy stays),
// CKR_DEVICE_ERROR when the stored record cannot be read or is damaged (the
// copy stays; the caller must not write).
CK_RV token_refresh(TokenState *token);

// Saves the record through the PAL; CKR_DEVICE_ERROR when the PAL refuses.
CK_RV token_save(const TokenRecord &record);

// Forgets everything (C_Finalize), wiping the verifiers.
void token_clear(TokenState *token);

// PIN length within the profile's bounds (max 0: no upper bound).
bool pin_length_ok(const p11_profile &profile, CK_ULONG pin_len);

// The PIN equals the profile's default SO (so) or user PIN: such a PIN is
// flagged CKF_*_PIN_TO_BE_CHANGED (v2.40 §3.2: "the default value").
bool pin_is_profile_default(const p11_profile &profile, bool so, const CK_UTF8CHAR *pin, CK_ULONG pin_len);

// PBKDF2 iterations of a new verifier: the profile's, else kPinIterations.
std::uint32_t pin_iterations(const p11_profile &profile);

// The 16-character serial number derived from the record's seed.
void token_serial(const TokenRecord &record, unsigned char out[16]);

} // namespace p11

#endif // P11_BACKEND_TOKEN_STATE_H
