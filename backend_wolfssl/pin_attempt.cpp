/* PIN attempts and the lockout state (see pin_attempt.h). */
#include "pin_attempt.h"

#include "secure_wipe.h"

namespace p11 {

namespace {

// Saves the record with that user's count changed; the process's copy
// changes only once the store has it.
CK_RV save_count(TokenState *token, Login who, std::uint32_t count)
{
    TokenRecord updated = token->record;
    failures_of(updated, who == Login::so) = count;
    CK_RV rv = token_save(updated);
    if (rv == CKR_OK) {
        failures_of(token->record, who == Login::so) = count;
    }
    secure_wipe(&updated, sizeof updated);
    return rv;
}

} // namespace

bool pin_locked(const TokenRecord &record, const p11_profile &profile, Login who)
{
    return profile.max_pin_tries != 0 && failures_of(record, who == Login::so) >= profile.max_pin_tries;
}

CK_RV pin_attempt(TokenState *token, const p11_profile &profile, Login who, const CK_UTF8CHAR *pin,
                  CK_ULONG pin_len, SecretKey *kek, bool *keyed)
{
    if (pin_locked(token->record, profile, who)) {
        return CKR_PIN_LOCKED;
    }
    const std::uint32_t before = failures_of(token->record, who == Login::so);
    if (before == UINT32_MAX) {
        return CKR_DEVICE_ERROR;
    }
    const CK_RV counted = save_count(token, who, before + 1);
    if (counted != CKR_OK) {
        return counted; // the store refused it (CKR_DEVICE_ERROR) or no memory for the record
    }
    const CK_RV checked = pin_verifier_check(pin_of(token->record, who == Login::so), pin, pin_len, kek, keyed);
    if (checked == CKR_PIN_INCORRECT) {
        return checked;
    }
    if (checked != CKR_OK) {
        // The PIN was never compared (no memory for the derivation): not a
        // wrong guess, so the count goes back.
        (void)save_count(token, who, before);
        return checked;
    }
    // A store that refuses the reset must not turn a good PIN into a failure;
    // the count stays raised until the next good PIN.
    (void)save_count(token, who, 0);
    return CKR_OK;
}

CK_FLAGS pin_state_flags(const TokenRecord &record, const p11_profile &profile)
{
    struct Bits {
        Login who;
        CK_FLAGS count_low, final_try, locked;
    };
    const Bits users[] = {
        {Login::user, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED},
        {Login::so, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED},
    };
    CK_FLAGS flags = 0;
    for (const Bits &bits : users) {
        const std::uint32_t failures = failures_of(record, bits.who == Login::so);
        if (pin_locked(record, profile, bits.who)) {
            flags |= bits.locked;
        } else if (profile.max_pin_tries != 0 && failures + 1 == profile.max_pin_tries) {
            flags |= bits.final_try; // v2.40 §5.5: the next wrong PIN locks it
        }
        if (failures > 0) {
            flags |= bits.count_low;
        }
    }
    return flags;
}

} // namespace p11
