/* Slot and token management (v2.40 §5.5): the one slot and its token,
 * mechanism queries, C_InitToken. C_InitPIN/C_SetPIN live in api_login.cpp
 * with the other PIN handling. */
#include <new>
#include <cstring>

#include "backend_api.h"
#include "out_of_memory.h"
#include "library.h"
#include "mechanism_catalog.h"
#include "objects/pal_io.h"
#include "pin_attempt.h"
#include "padded_string.h"
#include "secrets/held_keys.h"
#include "secure_wipe.h"
#include "token_key_access.h"
#include "version.h"

using namespace p11;

namespace {

CK_ULONG limit_or_infinite(CK_ULONG limit)
{
    return limit == 0 ? CK_EFFECTIVELY_INFINITE : limit;
}

CK_FLAGS token_flags(const TokenRecord &record)
{
    // CKF_RNG: wolfCrypt's DRBG behind C_GenerateRandom. CKF_LOGIN_REQUIRED:
    // private objects and keys need the user logged in.
    CK_FLAGS flags = CKF_RNG | CKF_LOGIN_REQUIRED;
    if (record.token_initialized) {
        flags |= CKF_TOKEN_INITIALIZED;
    }
    if (record.user_pin_initialized) {
        flags |= CKF_USER_PIN_INITIALIZED;
    }
    flags |= pin_state_flags(record, profile());
    if (record.user_pin_to_be_changed) {
        flags |= CKF_USER_PIN_TO_BE_CHANGED;
    }
    if (record.so_pin_to_be_changed) {
        flags |= CKF_SO_PIN_TO_BE_CHANGED;
    }
    return flags;
}

} // namespace

extern "C" {

CK_RV p11be_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount)
P11_TRY {
    (void)tokenPresent; // the token is always present
    const CK_ULONG count = 1;
    if (pSlotList == nullptr) {
        *pulCount = count;
        return CKR_OK;
    }
    if (*pulCount < count) {
        *pulCount = count;
        return CKR_BUFFER_TOO_SMALL;
    }
    pSlotList[0] = kSlotId;
    *pulCount = count;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    pad_copy(pInfo->slotDescription, sizeof pInfo->slotDescription, kSlotDescription);
    pad_copy(pInfo->manufacturerID, sizeof pInfo->manufacturerID, kManufacturer);
    pInfo->flags = CKF_TOKEN_PRESENT; // a software slot: not removable, not hardware
    pInfo->hardwareVersion.major = kVersionMajor;
    pInfo->hardwareVersion.minor = kVersionMinor;
    pInfo->firmwareVersion.major = kVersionMajor;
    pInfo->firmwareVersion.minor = kVersionMinor;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    const p11_profile &prof = profile();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    // What the store says now: another process may have changed the PINs'
    // state or initialized the token. A record that cannot be read leaves
    // this process's copy.
    (void)token_refresh(&lib.token);
    const TokenRecord &record = lib.token.record;
    pad_copy_bytes(pInfo->label, sizeof pInfo->label, record.label, sizeof record.label);
    pad_copy(pInfo->manufacturerID, sizeof pInfo->manufacturerID, kManufacturer);
    pad_copy(pInfo->model, sizeof pInfo->model, kTokenModel);
    token_serial(record, pInfo->serialNumber);
    pInfo->flags = token_flags(record);
    pInfo->ulMaxSessionCount = limit_or_infinite(prof.max_sessions);
    pInfo->ulSessionCount = lib.sessions.count();
    pInfo->ulMaxRwSessionCount = limit_or_infinite(prof.max_rw_sessions);
    pInfo->ulRwSessionCount = lib.sessions.rw_count();
    pInfo->ulMaxPinLen = prof.max_pin_length;
    pInfo->ulMinPinLen = prof.min_pin_length;
    pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->hardwareVersion.major = kVersionMajor;
    pInfo->hardwareVersion.minor = kVersionMinor;
    pInfo->firmwareVersion.major = kVersionMajor;
    pInfo->firmwareVersion.minor = kVersionMinor;
    // No CKF_CLOCK_ON_TOKEN, so utcTime carries no time.
    pad_copy(pInfo->utcTime, sizeof pInfo->utcTime, nullptr);
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved)
P11_TRY {
    (void)pSlot;
    (void)pReserved;
    // The token never leaves the slot, so there is never an event to report.
    if ((flags & CKF_DONT_BLOCK) != 0) {
        return CKR_NO_EVENT;
    }
    return CKR_FUNCTION_NOT_SUPPORTED; // blocking would wait forever
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList,
                               CK_ULONG_PTR pulCount)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    CK_ULONG capacity = pMechanismList != nullptr ? *pulCount : 0;
    CK_ULONG count = mechanism_offered_list(profile(), nullptr, 0);
    *pulCount = count;
    if (pMechanismList == nullptr) {
        return CKR_OK;
    }
    if (capacity < count) {
        return CKR_BUFFER_TOO_SMALL;
    }
    mechanism_offered_list(profile(), pMechanismList, capacity);
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type,
                               CK_MECHANISM_INFO_PTR pInfo)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    CK_MECHANISM_INFO info;
    if (!mechanism_offered(profile(), type, &info)) {
        return CKR_MECHANISM_INVALID;
    }
    *pInfo = info;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
                        CK_UTF8CHAR_PTR pLabel)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (lib.sessions.count() != 0) {
        return CKR_SESSION_EXISTS;
    }
    // Under the store lock from the SO PIN check to the new record, starting
    // from the stored record (another process may have changed the PINs).
    StoreLock store;
    if (store.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    CK_RV rv = token_refresh(&lib.token);
    TokenRecord &current = lib.token.record;
    if (rv != CKR_OK && current.token_initialized) {
        return rv; // a damaged record of a blank token is what C_InitToken replaces
    }
    if (current.token_initialized) {
        // Re-initializing needs the current SO PIN, a counted attempt.
        rv = pin_attempt(&lib.token, profile(), Login::so, pPin, ulPinLen);
        if (rv != CKR_OK) {
            return rv;
        }
    } else if (!pin_length_ok(profile(), ulPinLen)) {
        // The PIN given to a blank token becomes the SO PIN.
        return CKR_PIN_LEN_RANGE;
    }

    // Every token object goes before the token becomes new (v2.40 §5.5).
    rv = lib.objects.destroy_token_objects();
    if (rv != CKR_OK) {
        return rv;
    }
    TokenRecord fresh;
    fresh.token_initialized = true;
    std::memcpy(fresh.label, pLabel, sizeof fresh.label);
    std::memcpy(fresh.serial_seed, current.serial_seed, sizeof fresh.serial_seed);
    // A PAL without a device key keeps it in the record: it stays.
    fresh.store_key_present = current.store_key_present;
    std::memcpy(fresh.store_key, current.store_key, sizeof fresh.store_key);
    SecretKey so_kek;
    rv = pin_verifier_make(pPin, ulPinLen, pin_iterations(profile()), lib.rng, &fresh.so_pin, &so_kek);
    fresh.so_pin_to_be_changed = pin_is_profile_default(profile(), true, pPin, ulPinLen);
    // A new token key, for the SO; the user PIN (and its wrap) is gone until
    // the SO sets a new one (C_InitPIN).
    if (rv == CKR_OK) {
        rv = token_key_start(&fresh, &so_kek, nullptr, lib.rng);
    }
    if (rv == CKR_OK && wc_RNG_GenerateBlock(&lib.rng, fresh.instance, sizeof fresh.instance) != 0) {
        rv = CKR_FUNCTION_FAILED;
    }
    if (rv == CKR_OK) {
        rv = token_save(fresh);
    }
    if (rv == CKR_OK) {
        current = fresh;
        lib.token.login = Login::nobody;
        held_token_key_set(nullptr);
    }
    secure_wipe(&fresh, sizeof fresh);
    return rv;
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
