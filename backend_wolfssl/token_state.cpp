/* Token state: loading, creating and saving the token record through the PAL. */
#include "token_state.h"

#include <cstring>
#include <new>

#include "core_pkcs11_pal.h"
#include "heap_watch.h"
#include "log.h"
#include "objects/pal_io.h"
#include "padded_string.h"
#include "secure_wipe.h"
#include "token_key_access.h"

namespace p11 {

namespace {

CK_RV fresh_record(const p11_profile &profile, WC_RNG &rng, TokenRecord *out)
{
    TokenRecord record;
    if (wc_RNG_GenerateBlock(&rng, record.serial_seed, sizeof record.serial_seed) != 0 ||
        wc_RNG_GenerateBlock(&rng, record.instance, sizeof record.instance) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    pad_copy(record.label, sizeof record.label, nullptr);
    CK_RV rv = CKR_OK;
    if (profile.token_initialized) {
        // A device token: ready at first start with the profile's label and
        // PINs, and a token key wrapped under both.
        record.token_initialized = true;
        pad_copy(record.label, sizeof record.label, profile.token_label);
        SecretKey so_kek;
        SecretKey user_kek;
        if (profile.default_so_pin != nullptr) {
            const char *pin = profile.default_so_pin;
            rv = pin_verifier_make(reinterpret_cast<const CK_UTF8CHAR *>(pin), std::strlen(pin),
                                   pin_iterations(profile), rng, &record.so_pin, &so_kek);
            record.so_pin_to_be_changed = rv == CKR_OK; // a PIN every device shares
        }
        if (rv == CKR_OK && profile.default_user_pin != nullptr) {
            const char *pin = profile.default_user_pin;
            rv = pin_verifier_make(reinterpret_cast<const CK_UTF8CHAR *>(pin), std::strlen(pin),
                                   pin_iterations(profile), rng, &record.user_pin, &user_kek);
            record.user_pin_initialized = rv == CKR_OK;
            record.user_pin_to_be_changed = rv == CKR_OK;
        }
        if (rv == CKR_OK) {
            rv = token_key_start(&record, record.so_pin.present ? &so_kek : nullptr,
                                 record.user_pin_initialized ? &user_kek : nullptr, rng);
        }
    }
    if (rv == CKR_OK) {
        *out = record;
    }
    secure_wipe(&record, sizeof record);
    return rv;
}

CK_ATTRIBUTE record_label_attribute()
{
    CK_ATTRIBUTE label;
    label.type = CKA_LABEL;
    label.pValue = const_cast<char *>(kTokenRecordLabel);
    label.ulValueLen = sizeof kTokenRecordLabel - 1;
    return label;
}

} // namespace

CK_RV token_load(TokenState *token, const p11_profile &profile, WC_RNG &rng)
{
    token->login = Login::nobody;
    // Under the store lock from "no record" to the saved fresh one: two
    // processes starting on an empty store must not both write a fresh
    // record, the second over what the first has since changed.
    StoreLock store;
    CK_OBJECT_HANDLE handle = PKCS11_PAL_FindObject(
        reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(kTokenRecordLabel)),
        sizeof kTokenRecordLabel - 1);
    if (handle == CK_INVALID_HANDLE) {
        CK_RV rv = fresh_record(profile, rng, &token->record);
        if (rv != CKR_OK) {
            return rv;
        }
        // Saving now keeps the serial number stable; a store that refuses
        // still gives a working token for this run. A full heap fails
        // C_Initialize instead: a retry with memory saves it.
        const CK_RV saved = token_save(token->record);
        if (saved == CKR_HOST_MEMORY) {
            token_clear(token);
            return saved;
        }
        if (saved != CKR_OK) {
            log_line({"could not save a new token record"});
        }
        return CKR_OK;
    }

    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    RecordStatus status = RecordStatus::damaged;
    if (PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private) == CKR_OK) {
        status = token_record_decode(data, size, &token->record);
        PKCS11_PAL_GetObjectValueCleanup(data, size);
    }
    if (status == RecordStatus::ok) {
        return CKR_OK;
    }
    // Never fall back to the profile's default PINs here: that would let
    // anyone who can damage the store reset the PINs.
    log_line({"token record is ", record_status_name(status), "; the token is uninitialized"});
    TokenRecord blank;
    pad_copy(blank.label, sizeof blank.label, nullptr);
    if (wc_RNG_GenerateBlock(&rng, blank.serial_seed, sizeof blank.serial_seed) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    token->record = blank;
    return CKR_OK;
}

CK_RV token_refresh(TokenState *token)
{
    CK_OBJECT_HANDLE handle = PKCS11_PAL_FindObject(
        reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(kTokenRecordLabel)), sizeof kTokenRecordLabel - 1);
    if (handle == CK_INVALID_HANDLE) {
        return CKR_OK;
    }
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    const CK_RV read = PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private);
    if (read != CKR_OK) {
        return read == CKR_HOST_MEMORY ? read : CKR_DEVICE_ERROR;
    }
    TokenRecord stored;
    const RecordStatus status = token_record_decode(data, size, &stored);
    PKCS11_PAL_GetObjectValueCleanup(data, size);
    if (status != RecordStatus::ok) {
        return CKR_DEVICE_ERROR;
    }
    secure_wipe(&token->record, sizeof token->record);
    token->record = stored;
    secure_wipe(&stored, sizeof stored);
    return CKR_OK;
}

CK_RV token_save(const TokenRecord &record)
{
    std::size_t size = token_record_size();
    std::uint8_t *bytes = new (std::nothrow) std::uint8_t[size];
    if (bytes == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = CKR_FUNCTION_FAILED;
    if (token_record_encode(record, bytes)) {
        CK_ATTRIBUTE label = record_label_attribute();
        const HeapWatch heap;
        if (PKCS11_PAL_SaveObject(&label, bytes, size) != CK_INVALID_HANDLE) {
            rv = CKR_OK;
        } else {
            rv = heap.refused() ? CKR_HOST_MEMORY : CKR_DEVICE_ERROR;
        }
    }
    secure_wipe(bytes, size);
    delete[] bytes;
    return rv;
}

void token_clear(TokenState *token)
{
    secure_wipe(&token->record, sizeof token->record);
    token->record = TokenRecord();
    token->login = Login::nobody;
}

std::uint32_t pin_iterations(const p11_profile &profile)
{
    return profile.pin_iterations != 0 && profile.pin_iterations <= kPinMaxIterations
               ? static_cast<std::uint32_t>(profile.pin_iterations)
               : kPinIterations;
}

bool pin_length_ok(const p11_profile &profile, CK_ULONG pin_len)
{
    if (pin_len < profile.min_pin_length) {
        return false;
    }
    return profile.max_pin_length == 0 || pin_len <= profile.max_pin_length;
}

void token_serial(const TokenRecord &record, unsigned char out[16])
{
    static const char kHex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < kSerialSeedSize; ++i) {
        out[2 * i] = static_cast<unsigned char>(kHex[record.serial_seed[i] >> 4]);
        out[2 * i + 1] = static_cast<unsigned char>(kHex[record.serial_seed[i] & 0x0f]);
    }
}

bool pin_is_profile_default(const p11_profile &profile, bool so, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    const char *fallback = so ? profile.default_so_pin : profile.default_user_pin;
    return fallback != nullptr && pin != nullptr && std::strlen(fallback) == pin_len &&
           std::memcmp(fallback, pin, pin_len) == 0;
}

} // namespace p11
