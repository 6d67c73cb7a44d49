/* The slot, its token and the mechanism queries (v2.40 §5.5) for the lean
 * backend: one slot, a token whose state is the stored token record, and the
 * profile's mechanisms as they are (every one is a verify or digest this
 * backend implements: the generator refuses others for a lean profile). */
#include "lean/lean_library.h"
#include "p11_backend.h"
#include "p11_profile.h"
#include "padded_string.h"
#include "version.h"

using namespace p11;
using namespace p11::lean;

namespace {

constexpr CK_SLOT_ID kSlot = 0;
constexpr char kLeanTokenModel[] = "wolfCrypt lean";

CK_ULONG limit_or_infinite(CK_ULONG limit)
{
    return limit == 0 ? CK_EFFECTIVELY_INFINITE : limit;
}

void serial_number(const TokenRecord &record, unsigned char out[16])
{
    static const char kHex[] = "0123456789ABCDEF";
    for (std::size_t i = 0; i < kSerialSeedSize; ++i) {
        out[2 * i] = static_cast<unsigned char>(kHex[record.serial_seed[i] >> 4]);
        out[2 * i + 1] = static_cast<unsigned char>(kHex[record.serial_seed[i] & 0x0f]);
    }
}

} // namespace

extern "C" {

CK_RV p11be_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount)
{
    (void)tokenPresent; // the token is always present
    if (pSlotList != nullptr && *pulCount < 1) {
        *pulCount = 1;
        return CKR_BUFFER_TOO_SMALL;
    }
    if (pSlotList != nullptr) {
        pSlotList[0] = kSlot;
    }
    *pulCount = 1;
    return CKR_OK;
}

CK_RV p11be_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
    if (slotID != kSlot) {
        return CKR_SLOT_ID_INVALID;
    }
    pad_copy(pInfo->slotDescription, sizeof pInfo->slotDescription, kSlotDescription);
    pad_copy(pInfo->manufacturerID, sizeof pInfo->manufacturerID, kManufacturer);
    pInfo->flags = CKF_TOKEN_PRESENT;
    pInfo->hardwareVersion.major = kVersionMajor;
    pInfo->hardwareVersion.minor = kVersionMinor;
    pInfo->firmwareVersion.major = kVersionMajor;
    pInfo->firmwareVersion.minor = kVersionMinor;
    return CKR_OK;
}

CK_RV p11be_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
    if (slotID != kSlot) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    token_read(lib); // what the store says now: another module may have changed it
    const TokenRecord &record = lib.record;
    const p11_profile &profile = p11_active_profile;
    pad_copy_bytes(pInfo->label, sizeof pInfo->label, record.label, sizeof record.label);
    pad_copy(pInfo->manufacturerID, sizeof pInfo->manufacturerID, kManufacturer);
    pad_copy(pInfo->model, sizeof pInfo->model, kLeanTokenModel);
    serial_number(record, pInfo->serialNumber);
    // No CKF_RNG: a lean token has no C_GenerateRandom.
    CK_FLAGS flags = CKF_LOGIN_REQUIRED | token_pin_flags(lib);
    flags |= record.token_initialized ? CKF_TOKEN_INITIALIZED : 0;
    flags |= record.user_pin_initialized ? CKF_USER_PIN_INITIALIZED : 0;
    flags |= record.user_pin_to_be_changed ? CKF_USER_PIN_TO_BE_CHANGED : 0;
    flags |= record.so_pin_to_be_changed ? CKF_SO_PIN_TO_BE_CHANGED : 0;
    pInfo->flags = flags;
    pInfo->ulMaxSessionCount = limit_or_infinite(profile.max_sessions);
    pInfo->ulSessionCount = session_count(lib, false);
    pInfo->ulMaxRwSessionCount = limit_or_infinite(profile.max_rw_sessions);
    pInfo->ulRwSessionCount = session_count(lib, true);
    pInfo->ulMaxPinLen = profile.max_pin_length;
    pInfo->ulMinPinLen = profile.min_pin_length;
    pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    pInfo->hardwareVersion.major = kVersionMajor;
    pInfo->hardwareVersion.minor = kVersionMinor;
    pInfo->firmwareVersion.major = kVersionMajor;
    pInfo->firmwareVersion.minor = kVersionMinor;
    pad_copy(pInfo->utcTime, sizeof pInfo->utcTime, nullptr); // no CKF_CLOCK_ON_TOKEN
    return CKR_OK;
}

CK_RV p11be_C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList, CK_ULONG_PTR pulCount)
{
    if (slotID != kSlot) {
        return CKR_SLOT_ID_INVALID;
    }
    const CK_ULONG capacity = pMechanismList != nullptr ? *pulCount : 0;
    const CK_ULONG count = mechanism_list(nullptr, 0);
    *pulCount = count;
    if (pMechanismList == nullptr) {
        return CKR_OK;
    }
    if (capacity < count) {
        return CKR_BUFFER_TOO_SMALL;
    }
    (void)mechanism_list(pMechanismList, capacity);
    return CKR_OK;
}

CK_RV p11be_C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR pInfo)
{
    if (slotID != kSlot) {
        return CKR_SLOT_ID_INVALID;
    }
    return mechanism_info(type, pInfo) ? CKR_OK : CKR_MECHANISM_INVALID;
}

} // extern "C"
