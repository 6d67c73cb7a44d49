/* The token key across PIN events (see token_key_access.h). */
#include "token_key_access.h"

#include <cstring>
#include <vector>

#include "log.h"
#include "secrets/held_keys.h"
#include "secure_wipe.h"

namespace p11 {

namespace {

WrapSlot slot_of(Login who)
{
    return who == Login::so ? WrapSlot::so : WrapSlot::user;
}

bool has_pin(const TokenRecord &record, bool so)
{
    return so ? record.so_pin.present : record.user_pin_initialized && record.user_pin.present;
}

// Escrow while the other user has a PIN and no wrap; none once both wrap it.
void settle_escrow(TokenRecord *record, bool so, const SecretKey &token_key, WC_RNG &rng)
{
    const bool other_waits = has_pin(*record, !so) && !wrap_of(*record, !so).present;
    if (!other_waits) {
        record->escrow_wrap = KeyWrap();
        return;
    }
    const KeyRef device = held_device_key();
    if (!record->escrow_wrap.present && device) {
        (void)token_key_wrap(*device, WrapSlot::device_escrow, token_key, rng, &record->escrow_wrap);
    }
}

// Same stored bytes: compared encoded, as a struct's padding may differ.
// The encodings hold the store key of a PAL without a device key: wiped.
bool same_record(const TokenRecord &a, const TokenRecord &b)
{
    std::vector<std::uint8_t> first(token_record_size());
    std::vector<std::uint8_t> second(first.size());
    const bool same =
        token_record_encode(a, first.data()) && token_record_encode(b, second.data()) && first == second;
    secure_wipe(first.data(), first.size());
    secure_wipe(second.data(), second.size());
    return same;
}

CK_RV save_if_changed(TokenState *token, TokenRecord *updated)
{
    if (same_record(*updated, token->record)) {
        return CKR_OK;
    }
    CK_RV rv = token_save(*updated);
    if (rv == CKR_OK) {
        token->record = *updated;
    }
    return rv;
}

} // namespace

CK_RV token_key_start(TokenRecord *record, const SecretKey *so_kek, const SecretKey *user_kek, WC_RNG &rng)
{
    SecretKey key;
    record->so_wrap = KeyWrap();
    record->user_wrap = KeyWrap();
    record->escrow_wrap = KeyWrap();
    const bool ok =
        token_key_make(rng, &key) &&
        (so_kek == nullptr || token_key_wrap(*so_kek, WrapSlot::so, key, rng, &record->so_wrap)) &&
        (user_kek == nullptr || token_key_wrap(*user_kek, WrapSlot::user, key, rng, &record->user_wrap));
    return ok ? CKR_OK : CKR_FUNCTION_FAILED;
}

CK_RV token_key_after_pin(TokenState *token, const p11_profile &profile, Login who, const CK_UTF8CHAR *pin,
                          CK_ULONG pin_len, const SecretKey &kek, bool keyed, WC_RNG &rng, SecretKey *token_key,
                          bool *have)
{
    const bool so = who == Login::so;
    TokenRecord updated = token->record;
    SecretKey own_kek = kek;
    CK_RV rv = CKR_OK;
    if (!keyed) {
        // A verifier from before encryption: a keyed one in its place.
        rv = pin_verifier_make(pin, pin_len, pin_iterations(profile), rng, &pin_of(updated, so), &own_kek);
    }
    SecretKey key;
    bool found = rv == CKR_OK && token_key_unwrap(own_kek, slot_of(who), wrap_of(updated, so), &key);
    const bool own_wrap_ok = found;
    const KeyRef device = held_device_key();
    if (rv == CKR_OK && !found && device) {
        found = token_key_unwrap(*device, WrapSlot::device_escrow, updated.escrow_wrap, &key);
    }
    if (rv == CKR_OK && !found && !wrap_of(updated, !so).present && !updated.escrow_wrap.present) {
        found = token_key_make(rng, &key); // the token has no key yet
        rv = found ? CKR_OK : CKR_FUNCTION_FAILED;
    }
    if (rv == CKR_OK && found) {
        if (!own_wrap_ok && !token_key_wrap(own_kek, slot_of(who), key, rng, &wrap_of(updated, so))) {
            rv = CKR_FUNCTION_FAILED;
        }
        settle_escrow(&updated, so, key, rng);
    }
    if (rv == CKR_OK) {
        rv = save_if_changed(token, &updated);
    }
    if (rv == CKR_OK && !found) {
        log_line({"the token key is wrapped for the ", so ? "user" : "SO",
                  " only; this login cannot open the objects sealed under it"});
    }
    if (rv == CKR_OK && found) {
        *token_key = key;
    }
    *have = rv == CKR_OK && found;
    secure_wipe(&updated, sizeof updated);
    return rv;
}

CK_RV token_set_pin(TokenState *token, const p11_profile &profile, Login who, const CK_UTF8CHAR *pin,
                    CK_ULONG pin_len, const SecretKey *token_key, WC_RNG &rng)
{
    const bool so = who == Login::so;
    TokenRecord updated = token->record;
    SecretKey kek;
    CK_RV rv = pin_verifier_make(pin, pin_len, pin_iterations(profile), rng, &pin_of(updated, so), &kek);
    if (rv == CKR_OK) {
        failures_of(updated, so) = 0;
        // v2.40 §3.2 defines the flag by value: a PIN set back to the profile's
        // default (the one every device shares) is still to be changed.
        const bool still_default = pin_is_profile_default(profile, so, pin, pin_len);
        if (so) {
            updated.so_pin_to_be_changed = still_default;
        } else {
            updated.user_pin_initialized = true;
            updated.user_pin_to_be_changed = still_default;
        }
        // The old wrap is under the old PIN: gone either way.
        wrap_of(updated, so) = KeyWrap();
        if (token_key != nullptr) {
            if (!token_key_wrap(kek, slot_of(who), *token_key, rng, &wrap_of(updated, so))) {
                rv = CKR_FUNCTION_FAILED;
            } else {
                settle_escrow(&updated, so, *token_key, rng);
            }
        }
    }
    if (rv == CKR_OK) {
        rv = token_save(updated);
    }
    if (rv == CKR_OK) {
        token->record = updated;
    }
    secure_wipe(&updated, sizeof updated);
    return rv;
}

} // namespace p11
