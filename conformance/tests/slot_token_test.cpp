// Slot and token management (v2.40 §5.5): slot lists, slot and token
// information, mechanisms.
#include <algorithm>
#include <cstring>
#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

constexpr CK_SLOT_ID kNoSuchSlot = 0x7A11BAD;

class SlotToken : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
    }
};

P11_CASE(SlotToken, SlotListWithNullBufferGivesCount, .group = "slot_token", .functions = "C_GetSlotList",
         .section = "v2.40 §5.5 C_GetSlotList")
{
    CK_ULONG count = 0;
    ASSERT_RV(fl()->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
    EXPECT_GE(count, 1u);
    std::vector<CK_SLOT_ID> slots(count);
    CK_ULONG filled = count;
    ASSERT_RV(fl()->C_GetSlotList(CK_TRUE, slots.data(), &filled), CKR_OK);
    EXPECT_EQ(filled, count);
}

P11_CASE(SlotToken, SlotListTooSmallIsBufferTooSmallWithCount, .group = "slot_token", .functions = "C_GetSlotList",
         .section = "v2.40 §5.5 C_GetSlotList")
{
    CK_ULONG needed = 0;
    ASSERT_RV(fl()->C_GetSlotList(CK_TRUE, nullptr, &needed), CKR_OK);
    CK_SLOT_ID slot = 0;
    CK_ULONG count = 0;
    EXPECT_RV(fl()->C_GetSlotList(CK_TRUE, &slot, &count), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
    EXPECT_EQ(count, needed) << "v2.40 §5.2: the needed count is returned";
}

P11_CASE(SlotToken, UnknownSlotIsSlotIdInvalid, .group = "slot_token",
         .functions = "C_GetSlotInfo C_GetTokenInfo C_GetMechanismList", .section = "v2.40 §5.5 C_GetSlotInfo")
{
    CK_SLOT_INFO slot_info{};
    CK_TOKEN_INFO token_info{};
    CK_ULONG count = 0;
    EXPECT_RV(fl()->C_GetSlotInfo(kNoSuchSlot, &slot_info), CKR_SLOT_ID_INVALID) << "v2.40 §5.5";
    EXPECT_RV(fl()->C_GetTokenInfo(kNoSuchSlot, &token_info), CKR_SLOT_ID_INVALID) << "v2.40 §5.5";
    EXPECT_RV(fl()->C_GetMechanismList(kNoSuchSlot, nullptr, &count), CKR_SLOT_ID_INVALID) << "v2.40 §5.5";
}

P11_CASE(SlotToken, SlotInfoSaysTokenPresent, .group = "slot_token", .functions = "C_GetSlotInfo",
         .section = "v2.40 §5.5 C_GetSlotInfo")
{
    CK_SLOT_INFO info;
    std::memset(&info, 0xA5, sizeof(info)); // a module that fills nothing leaves this pattern
    ASSERT_RV(fl()->C_GetSlotInfo(slot_, &info), CKR_OK);
    EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u) << "C_GetSlotList(CK_TRUE) listed this slot";
    EXPECT_TRUE(PrintableField(info.slotDescription, sizeof(info.slotDescription)))
        << "v2.40 §3.2 CK_SLOT_INFO: blank padded, not NUL terminated";
    EXPECT_TRUE(PrintableField(info.manufacturerID, sizeof(info.manufacturerID)));
    EXPECT_FALSE(info.hardwareVersion.major == 0xA5 && info.hardwareVersion.minor == 0xA5) << "not filled";
    EXPECT_FALSE(info.firmwareVersion.major == 0xA5 && info.firmwareVersion.minor == 0xA5) << "not filled";
}

P11_CASE(SlotToken, TokenInfoIsFilledAndConsistent, .group = "slot_token", .functions = "C_GetTokenInfo",
         .section = "v2.40 §5.5 C_GetTokenInfo")
{
    CK_TOKEN_INFO info;
    std::memset(&info, 0xA5, sizeof(info)); // a module that fills nothing leaves this pattern
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    EXPECT_TRUE(PrintableField(info.label, sizeof(info.label))) << "v2.40 §3.2 CK_TOKEN_INFO: blank padded";
    EXPECT_TRUE(PrintableField(info.manufacturerID, sizeof(info.manufacturerID)));
    EXPECT_TRUE(PrintableField(info.model, sizeof(info.model)));
    EXPECT_TRUE(PrintableField(info.serialNumber, sizeof(info.serialNumber)));
    constexpr CK_ULONG kUnfilled = static_cast<CK_ULONG>(0xA5A5A5A5A5A5A5A5ULL);
    const CK_ULONG counts[] = {info.ulMaxSessionCount,   info.ulSessionCount,     info.ulMaxRwSessionCount,
                               info.ulRwSessionCount,    info.ulMaxPinLen,        info.ulMinPinLen,
                               info.ulTotalPublicMemory, info.ulFreePublicMemory, info.ulTotalPrivateMemory,
                               info.ulFreePrivateMemory};
    for (CK_ULONG count : counts) {
        EXPECT_NE(count, kUnfilled) << "a CK_ULONG field of CK_TOKEN_INFO was not filled";
    }
    EXPECT_FALSE(info.hardwareVersion.major == 0xA5 && info.hardwareVersion.minor == 0xA5) << "not filled";
    EXPECT_FALSE(info.firmwareVersion.major == 0xA5 && info.firmwareVersion.minor == 0xA5) << "not filled";
    if ((info.flags & CKF_CLOCK_ON_TOKEN) != 0) {
        EXPECT_TRUE(PrintableField(info.utcTime, sizeof(info.utcTime))) << "utcTime of a token with a clock";
    }
    EXPECT_LE(info.ulMinPinLen, info.ulMaxPinLen);
    EXPECT_TRUE(info.ulSessionCount == CK_UNAVAILABLE_INFORMATION || info.ulSessionCount == 0) << "no session is open";
    if (ActiveProfile().token_initialized || options().allow_destructive) {
        EXPECT_NE(info.flags & CKF_TOKEN_INITIALIZED, 0u) << "the token is initialized";
    }
}

P11_CASE(SlotToken, TokenInfoCountsOpenSessions, .group = "slot_token", .functions = "C_GetTokenInfo",
         .section = "v2.40 §5.5 C_GetTokenInfo")
{
    P11_SKIP_UNLESS(OpenSession());
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    if (info.ulSessionCount == CK_UNAVAILABLE_INFORMATION) {
        GTEST_SKIP() << "not applicable: the token does not count sessions";
    }
    EXPECT_EQ(info.ulSessionCount, 1u);
    EXPECT_EQ(info.ulRwSessionCount, 1u);
}

P11_CASE(SlotToken, MechanismListSizeQueryMatchesList, .group = "slot_token", .functions = "C_GetMechanismList",
         .section = "v2.40 §5.5 C_GetMechanismList")
{
    CK_ULONG count = 0;
    ASSERT_RV(fl()->C_GetMechanismList(slot_, nullptr, &count), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> list(count + 1);
    CK_ULONG filled = count + 1;
    ASSERT_RV(fl()->C_GetMechanismList(slot_, list.data(), &filled), CKR_OK);
    EXPECT_EQ(filled, count);
    if (count > 0) {
        CK_ULONG small = 0;
        EXPECT_RV(fl()->C_GetMechanismList(slot_, list.data(), &small), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
        EXPECT_EQ(small, count);
    }
}

P11_CASE(SlotToken, EveryListedMechanismHasInfo, .group = "slot_token",
         .functions = "C_GetMechanismInfo C_GetMechanismList", .section = "v2.40 §5.5 C_GetMechanismInfo")
{
    CK_ULONG count = 0;
    ASSERT_RV(fl()->C_GetMechanismList(slot_, nullptr, &count), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> list(count);
    ASSERT_RV(fl()->C_GetMechanismList(slot_, list.data(), &count), CKR_OK);
    for (CK_MECHANISM_TYPE type : list) {
        CK_MECHANISM_INFO info{};
        ASSERT_RV(fl()->C_GetMechanismInfo(slot_, type, &info), CKR_OK) << MechanismName(type);
        EXPECT_LE(info.ulMinKeySize, info.ulMaxKeySize) << MechanismName(type);
        EXPECT_NE(info.flags, 0u) << MechanismName(type) << " can do nothing";
        if (!options().strict_profile) {
            continue;
        }
        // A module built for the profile offers no more than the profile allows.
        const ProfileMechanism *allowed = ActiveProfile().Mechanism(type);
        EXPECT_NE(allowed, nullptr) << MechanismName(type) << " is not in the profile";
        if (allowed != nullptr) {
            EXPECT_EQ(info.flags & ~allowed->flags, 0u) << allowed->name << ": flags beyond the profile";
        }
    }
}

P11_CASE(SlotToken, EveryMechanismWithInfoIsInTheMechanismList, .group = "slot_token",
         .functions = "C_GetMechanismList C_GetMechanismInfo", .section = "v2.40 §5.5 C_GetMechanismList")
{
    CK_ULONG count = 0;
    ASSERT_RV(fl()->C_GetMechanismList(slot_, nullptr, &count), CKR_OK);
    std::vector<CK_MECHANISM_TYPE> list(count);
    ASSERT_RV(fl()->C_GetMechanismList(slot_, list.data(), &count), CKR_OK);
    list.resize(count);
    for (const ProfileMechanism &mechanism : ActiveProfile().mechanisms) {
        CK_MECHANISM_INFO info{};
        if (fl()->C_GetMechanismInfo(slot_, mechanism.type, &info) != CKR_OK) {
            continue; // not offered: EveryProfileMechanismIsOffered... says so
        }
        EXPECT_NE(std::find(list.begin(), list.end(), mechanism.type), list.end())
            << mechanism.name << " has mechanism information but is not in C_GetMechanismList's \"list of "
            << "mechanism types supported by a token\" (" << count << " listed)";
    }
}

P11_CASE(SlotToken, EveryProfileMechanismIsOfferedWithItsFlagsAndKeySizes, .group = "slot_token",
         .functions = "C_GetMechanismInfo", .section = "v2.40 §5.5 C_GetMechanismInfo")
{
    for (const ProfileMechanism &wanted : ActiveProfile().mechanisms) {
        CK_MECHANISM_INFO info{};
        const CK_RV rv = fl()->C_GetMechanismInfo(slot_, wanted.type, &info);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_GetMechanismInfo of " << wanted.name << ", which the profile names";
        if (rv != CKR_OK) {
            continue;
        }
        EXPECT_EQ(wanted.flags & ~info.flags, 0u) << wanted.name << " lacks flags the profile needs";
        if (wanted.max_key_size != 0) {
            EXPECT_LE(info.ulMinKeySize, wanted.min_key_size) << wanted.name;
            EXPECT_GE(info.ulMaxKeySize, wanted.max_key_size) << wanted.name;
        }
    }
}

P11_CASE(SlotToken, RsaPkcsSigningImpliesRsaX509Verification, .group = "slot_token", .functions = "C_GetMechanismInfo",
         .section = "v2.40 §5.5 C_GetMechanismInfo")
{
    // FreeRTOS's capability check: CKM_RSA_PKCS with CKF_SIGN and 2048 in
    // range means CKM_RSA_X_509 must verify.
    CK_MECHANISM_INFO info{};
    if (fl()->C_GetMechanismInfo(slot_, CKM_RSA_PKCS, &info) != CKR_OK || (info.flags & CKF_SIGN) == 0 ||
        info.ulMinKeySize > 2048 || info.ulMaxKeySize < 2048) {
        GTEST_SKIP() << "not applicable: no RSA-2048 CKM_RSA_PKCS signing";
    }
    ASSERT_RV(fl()->C_GetMechanismInfo(slot_, CKM_RSA_X_509, &info), CKR_OK);
    EXPECT_NE(info.flags & CKF_VERIFY, 0u);
}

P11_CASE(SlotToken, WaitForSlotEventWithoutBlockingReportsNoEvent, .group = "slot_token",
         .functions = "C_WaitForSlotEvent", .section = "v2.40 §5.5 C_WaitForSlotEvent")
{
    CK_SLOT_ID slot = 0;
    EXPECT_RV(fl()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr), CKR_NO_EVENT)
        << "v2.40 §5.5: no slot event happened";
}

} // namespace
} // namespace p11conf
