/* The token record in the lean backend: read, PIN attempts counted in the
 * store, the PIN state flags. The same rules as token_state.cpp and
 * pin_attempt.cpp, without creating a record: a lean token never makes
 * PINs, so it needs no random numbers and no key wrapping. */
#include <cstring>

#include "core_pkcs11_pal.h"
#include "crypto/constant_time.h"
#include "lean/lean_library.h"
#include "lean/store_hold.h"
#include "lean/store_read.h"
#include "lean/token_record_patch.h"
#include "p11_log_text.h"
#include "p11_profile.h"
#include "secure_wipe.h"

namespace p11::lean {

namespace {

void fresh_record(TokenRecord *record)
{
    const p11_profile &profile = p11_active_profile;
    *record = TokenRecord();
    std::memset(record->label, ' ', sizeof record->label);
    if (profile.token_initialized) {
        record->token_initialized = true;
        const std::size_t len = std::strlen(profile.token_label);
        std::memcpy(record->label, profile.token_label, len < sizeof record->label ? len : sizeof record->label);
        record->so_pin_to_be_changed = profile.default_so_pin != nullptr;
        record->user_pin_initialized = profile.default_user_pin != nullptr;
        record->user_pin_to_be_changed = record->user_pin_initialized;
    }
}

// The stored record (as just read, under the store lock) saved with one
// count changed.
CK_RV save_failures(const PalRecord &stored, bool so, std::uint32_t count)
{
    if (stored.size() != kTokenRecordSize) {
        return CKR_DEVICE_ERROR;
    }
    std::uint8_t bytes[kTokenRecordSize];
    std::memcpy(bytes, stored.data(), sizeof bytes);
    CK_RV rv = CKR_FUNCTION_FAILED;
    if (token_record_patch_failures(bytes, sizeof bytes, so, count)) {
        CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>(kTokenRecordLabel), sizeof kTokenRecordLabel - 1};
        rv = PKCS11_PAL_SaveObject(&label, bytes, sizeof bytes) != CK_INVALID_HANDLE ? CKR_OK : CKR_DEVICE_ERROR;
    }
    secure_wipe(bytes, sizeof bytes);
    return rv;
}

std::uint32_t &failures(Library &lib, bool so)
{
    if (lib.source == TokenSource::fresh) {
        return lib.fresh_failures[so ? 1 : 0];
    }
    return so ? lib.record.so_failures : lib.record.user_failures;
}

std::uint32_t failures(const Library &lib, bool so)
{
    return failures(const_cast<Library &>(lib), so);
}

bool locked(const Library &lib, bool so)
{
    const CK_ULONG tries = p11_active_profile.max_pin_tries;
    return tries != 0 && failures(lib, so) >= tries;
}

// The count raised or reset, in the store first for a stored record.
CK_RV set_failures(Library &lib, const PalRecord &stored, bool so, std::uint32_t count)
{
    if (lib.source == TokenSource::stored) {
        const CK_RV rv = save_failures(stored, so, count);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    failures(lib, so) = count;
    return CKR_OK;
}

CK_RV check(const Library &lib, bool so, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    if (lib.source == TokenSource::stored) {
        return pin_verifier_check(so ? lib.record.so_pin : lib.record.user_pin, pin, pin_len);
    }
    const char *expected = so ? p11_active_profile.default_so_pin : p11_active_profile.default_user_pin;
    const std::size_t len = expected != nullptr ? std::strlen(expected) : 0;
    if (expected == nullptr || pin_len != len) {
        return CKR_PIN_INCORRECT;
    }
    return constant_time_equal(reinterpret_cast<const std::uint8_t *>(expected), pin, len) ? CKR_OK
                                                                                            : CKR_PIN_INCORRECT;
}

// token_read, keeping the record's bytes in stored.
void token_read_into(Library &lib, PalRecord &stored)
{
    const Read read = stored.read(kTokenRecordLabel, sizeof kTokenRecordLabel - 1);
    if (read == Read::missing) {
        if (lib.source != TokenSource::fresh) {
            lib.fresh_failures[0] = lib.fresh_failures[1] = 0;
        }
        fresh_record(&lib.record);
        lib.source = TokenSource::fresh;
        return;
    }
    TokenRecord record;
    const RecordStatus status =
        read == Read::ok ? token_record_decode(stored.data(), stored.size(), &record) : RecordStatus::damaged;
    if (status == RecordStatus::ok) {
        lib.record = record;
        lib.source = TokenSource::stored;
    } else {
        // Never the profile's default PINs here: damaging the store must not reset them.
        const char *parts[] = {"the token record is ", record_status_name(status), "; the token is uninitialized"};
        p11_log_parts(parts, 3);
        lib.record = TokenRecord();
        std::memset(lib.record.label, ' ', sizeof lib.record.label);
        lib.source = TokenSource::damaged;
    }
    secure_wipe(&record, sizeof record);
}

} // namespace

void token_read(Library &lib)
{
    PalRecord stored;
    token_read_into(lib, stored);
}

CK_RV token_pin_attempt(Library &lib, bool so, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    // Under the store lock from the re-read record to the count written back.
    StoreHold hold;
    if (hold.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    PalRecord stored;
    token_read_into(lib, stored);
    if (!so && !lib.record.user_pin_initialized) {
        return CKR_USER_PIN_NOT_INITIALIZED;
    }
    if (lib.source == TokenSource::damaged) {
        return CKR_DEVICE_ERROR;
    }
    if (locked(lib, so)) {
        return CKR_PIN_LOCKED;
    }
    const std::uint32_t before = failures(lib, so);
    if (before == UINT32_MAX) {
        return CKR_DEVICE_ERROR;
    }
    // Counted before the check: cutting the power during the derivation
    // does not give a free guess.
    CK_RV rv = set_failures(lib, stored, so, before + 1);
    if (rv != CKR_OK) {
        return rv;
    }
    rv = check(lib, so, pin, pin_len);
    if (rv == CKR_PIN_INCORRECT) {
        return rv;
    }
    if (rv != CKR_OK) {
        (void)set_failures(lib, stored, so, before); // never compared: not a wrong guess
        return rv;
    }
    (void)set_failures(lib, stored, so, 0);
    return CKR_OK;
}

CK_FLAGS token_pin_flags(const Library &lib)
{
    const CK_ULONG tries = p11_active_profile.max_pin_tries;
    CK_FLAGS flags = 0;
    for (const bool so : {false, true}) {
        const std::uint32_t count = failures(lib, so);
        if (locked(lib, so)) {
            flags |= so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED;
        } else if (tries != 0 && count + 1 == tries) {
            flags |= so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY;
        }
        if (count > 0) {
            flags |= so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW;
        }
    }
    return flags;
}

} // namespace p11::lean
