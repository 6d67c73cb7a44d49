// Slot and token management (v2.40 §5.5): slot lists, slot and token
// information, mechanisms.
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
        if (!ProfileSelects("slot_token")) {
            GTEST_SKIP() << "not applicable: the profile does not select the slot and token tests";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
    }
};

TEST_F(SlotToken, SlotListWithNullBufferGivesCount)
{
    CK_ULONG count = 0;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, nullptr, &count), {CKR_OK}));
    EXPECT_GE(count, 1u);
    std::vector<CK_SLOT_ID> slots(count);
    CK_ULONG filled = count;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, slots.data(), &filled), {CKR_OK}));
    EXPECT_EQ(filled, count);
}

TEST_F(SlotToken, SlotListTooSmallIsBufferTooSmallWithCount)
{
    CK_ULONG needed = 0;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, nullptr, &needed), {CKR_OK}));
    CK_SLOT_ID slot = 0;
    CK_ULONG count = 0;
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, &slot, &count), {CKR_BUFFER_TOO_SMALL})) << "v2.40 §5.2";
    EXPECT_EQ(count, needed) << "v2.40 §5.2: the needed count is returned";
}

TEST_F(SlotToken, UnknownSlotIsSlotIdInvalid)
{
    CK_SLOT_INFO slot_info{};
    CK_TOKEN_INFO token_info{};
    CK_ULONG count = 0;
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetSlotInfo(kNoSuchSlot, &slot_info), {CKR_SLOT_ID_INVALID})) << "v2.40 §5.5";
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetTokenInfo(kNoSuchSlot, &token_info), {CKR_SLOT_ID_INVALID})) << "v2.40 §5.5";
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetMechanismList(kNoSuchSlot, nullptr, &count), {CKR_SLOT_ID_INVALID}))
        << "v2.40 §5.5";
}

TEST_F(SlotToken, SlotInfoSaysTokenPresent)
{
    CK_SLOT_INFO info{};
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotInfo(slot_, &info), {CKR_OK}));
    EXPECT_NE(info.flags & CKF_TOKEN_PRESENT, 0u) << "C_GetSlotList(CK_TRUE) listed this slot";
    EXPECT_TRUE(PrintableField(info.slotDescription, sizeof(info.slotDescription)));
    EXPECT_TRUE(PrintableField(info.manufacturerID, sizeof(info.manufacturerID)));
}

TEST_F(SlotToken, TokenInfoIsFilledAndConsistent)
{
    CK_TOKEN_INFO info;
    std::memset(&info, 0xA5, sizeof(info)); // a module that fills nothing leaves this pattern
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetTokenInfo(slot_, &info), {CKR_OK}));
    EXPECT_TRUE(PrintableField(info.label, sizeof(info.label))) << "v2.40 §3.2 CK_TOKEN_INFO";
    EXPECT_TRUE(PrintableField(info.manufacturerID, sizeof(info.manufacturerID)));
    EXPECT_TRUE(PrintableField(info.model, sizeof(info.model)));
    EXPECT_TRUE(PrintableField(info.serialNumber, sizeof(info.serialNumber)));
    EXPECT_LE(info.ulMinPinLen, info.ulMaxPinLen);
    EXPECT_TRUE(info.ulSessionCount == CK_UNAVAILABLE_INFORMATION || info.ulSessionCount == 0) << "no session is open";
    if (profile::kTokenInitializedAtStart || options().allow_destructive) {
        EXPECT_NE(info.flags & CKF_TOKEN_INITIALIZED, 0u);
    }
}

TEST_F(SlotToken, TokenInfoCountsOpenSessions)
{
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    CK_TOKEN_INFO info{};
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetTokenInfo(slot_, &info), {CKR_OK}));
    if (info.ulSessionCount == CK_UNAVAILABLE_INFORMATION) {
        GTEST_SKIP() << "not applicable: the token does not count sessions";
    }
    EXPECT_EQ(info.ulSessionCount, 1u);
    EXPECT_EQ(info.ulRwSessionCount, 1u);
}

TEST_F(SlotToken, MechanismListSizeQueryMatchesList)
{
    CK_ULONG count = 0;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismList(slot_, nullptr, &count), {CKR_OK}));
    std::vector<CK_MECHANISM_TYPE> list(count + 1);
    CK_ULONG filled = count + 1;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismList(slot_, list.data(), &filled), {CKR_OK}));
    EXPECT_EQ(filled, count);
    if (count > 0) {
        CK_ULONG small = 0;
        EXPECT_TRUE(RvIsOneOf(fl()->C_GetMechanismList(slot_, list.data(), &small), {CKR_BUFFER_TOO_SMALL}))
            << "v2.40 §5.2";
        EXPECT_EQ(small, count);
    }
}

TEST_F(SlotToken, EveryListedMechanismHasInfo)
{
    CK_ULONG count = 0;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismList(slot_, nullptr, &count), {CKR_OK}));
    std::vector<CK_MECHANISM_TYPE> list(count);
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismList(slot_, list.data(), &count), {CKR_OK}));
    for (CK_MECHANISM_TYPE type : list) {
        CK_MECHANISM_INFO info{};
        ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismInfo(slot_, type, &info), {CKR_OK})) << "mechanism " << type;
        EXPECT_LE(info.ulMinKeySize, info.ulMaxKeySize) << "mechanism " << type;
        EXPECT_NE(info.flags, 0u) << "mechanism " << type << " can do nothing";
        if (!options().strict_profile) {
            continue;
        }
        // A module built for the profile offers no more than the profile allows.
        bool found = false;
        for (CK_ULONG i = 0; i < profile::kMechanismCount; ++i) {
            const profile::Mechanism &allowed = profile::kMechanisms[i];
            if (allowed.type == type) {
                found = true;
                EXPECT_EQ(info.flags & ~allowed.flags, 0u) << allowed.name << ": flags beyond the profile";
            }
        }
        EXPECT_TRUE(found) << "mechanism " << type << " is not in the profile";
    }
}

TEST_F(SlotToken, EveryProfileMechanismIsOfferedWithItsFlagsAndKeySizes)
{
    for (CK_ULONG i = 0; i < profile::kMechanismCount; ++i) {
        const profile::Mechanism &wanted = profile::kMechanisms[i];
        CK_MECHANISM_INFO info{};
        ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismInfo(slot_, wanted.type, &info), {CKR_OK}))
            << wanted.name << " is in the profile";
        EXPECT_EQ(wanted.flags & ~info.flags, 0u) << wanted.name << " lacks flags the profile needs";
        if (wanted.max_key_size != 0) {
            EXPECT_LE(info.ulMinKeySize, wanted.min_key_size) << wanted.name;
            EXPECT_GE(info.ulMaxKeySize, wanted.max_key_size) << wanted.name;
        }
    }
}

TEST_F(SlotToken, RsaPkcsSigningImpliesRsaX509Verification)
{
    // FreeRTOS's capability check: CKM_RSA_PKCS with CKF_SIGN and 2048 in
    // range means CKM_RSA_X_509 must verify.
    CK_MECHANISM_INFO info{};
    if (fl()->C_GetMechanismInfo(slot_, CKM_RSA_PKCS, &info) != CKR_OK || (info.flags & CKF_SIGN) == 0 ||
        info.ulMinKeySize > 2048 || info.ulMaxKeySize < 2048) {
        GTEST_SKIP() << "not applicable: no RSA-2048 CKM_RSA_PKCS signing";
    }
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismInfo(slot_, CKM_RSA_X_509, &info), {CKR_OK}));
    EXPECT_NE(info.flags & CKF_VERIFY, 0u);
}

TEST_F(SlotToken, WaitForSlotEventWithoutBlockingReportsNoEvent)
{
    if (!ProfileHas("C_WaitForSlotEvent")) {
        GTEST_SKIP() << "not applicable: C_WaitForSlotEvent is outside the profile";
    }
    CK_SLOT_ID slot = 0;
    EXPECT_TRUE(RvIsOneOf(fl()->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr), {CKR_NO_EVENT}))
        << "v2.40 §5.5: no slot event happened";
}

} // namespace
} // namespace p11conf
