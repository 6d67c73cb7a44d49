/* The token key across PIN events (secrets/token_key.h for the wraps):
 *  - a good PIN (C_Login, C_SetPIN's old PIN) unwraps it from that user's
 *    wrap, else from the device escrow; a token that has none yet (a fresh
 *    record of a store from before encryption) makes one. The record is
 *    brought up to date on the way: a format 0 verifier is replaced by a
 *    keyed one (one more derivation, once), the user's own wrap is written,
 *    and while the other user has a PIN but no wrap the key is escrowed
 *    under the device key; once both wraps exist the escrow goes;
 *  - a new PIN (C_SetPIN, C_InitPIN) wraps the same key under the new PIN;
 *  - C_InitToken and a fresh record start a new key.
 * Every function here runs under the library lock and the store lock, on a
 * record just refreshed (token_refresh), and saves before memory changes. */
#ifndef P11_BACKEND_TOKEN_KEY_ACCESS_H
#define P11_BACKEND_TOKEN_KEY_ACCESS_H

#include "p11_profile.h"
#include "pkcs11.h"
#include "secrets/token_key.h"
#include "token_state.h"

namespace p11 {

// After pin_attempt returned CKR_OK for `who` (kek and keyed as it gave
// them). *have says whether *token_key was set: false only when the record
// holds the key for the other user alone (reported on stderr; the login
// still stands, the PIN-bound objects stay sealed). CKR_DEVICE_ERROR: the
// updated record could not be saved.
CK_RV token_key_after_pin(TokenState *token, const p11_profile &profile, Login who, const CK_UTF8CHAR *pin,
                          CK_ULONG pin_len, const SecretKey &kek, bool keyed, WC_RNG &rng, SecretKey *token_key,
                          bool *have);

// A new verifier for `who`'s PIN with the token key wrapped under it (no
// wrap when token_key is NULL), the failure count reset and the
// to-be-changed flag by value; saved, then copied to token->record.
CK_RV token_set_pin(TokenState *token, const p11_profile &profile, Login who, const CK_UTF8CHAR *pin,
                    CK_ULONG pin_len, const SecretKey *token_key, WC_RNG &rng);

// `record`'s wraps replaced by a new token key wrapped for the PINs whose
// keys are given (NULL: that user has no PIN). CKR_FUNCTION_FAILED when
// wolfCrypt failed.
CK_RV token_key_start(TokenRecord *record, const SecretKey *so_kek, const SecretKey *user_kek, WC_RNG &rng);

} // namespace p11

#endif // P11_BACKEND_TOKEN_KEY_ACCESS_H
