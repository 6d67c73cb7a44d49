/* Backend behaviour with a blank token that needs C_InitToken
 * (profile_blank.cpp: PINs 6..32, no session limits, SHA-256 and SHA-384). */
#include <cstring>

#include "backend_test_support.h"

using namespace p11test;

namespace {
constexpr CK_FLAGS kRw = CKF_SERIAL_SESSION | CKF_RW_SESSION;
const char kSoPin[] = "so-pin-1";
const char kUserPin[] = "user-pin-1";
} // namespace

using BlankTokenTest = BackendTest;

TEST_F(BlankTokenTest, FreshStoreStartsUninitialized)
{
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(0u, info.flags & (CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED));
    EXPECT_EQ(std::string(32, ' '), Field(info.label, 32));
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_TOKEN_NOT_RECOGNIZED, OpenRv(kRw, &h));
    EXPECT_EQ(CKR_TOKEN_NOT_RECOGNIZED, OpenRv(CKF_SERIAL_SESSION, &h));
}

TEST_F(BlankTokenTest, TokenInfoReportsEffectivelyInfiniteSessions)
{
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(CK_EFFECTIVELY_INFINITE, info.ulMaxSessionCount);
    EXPECT_EQ(CK_EFFECTIVELY_INFINITE, info.ulMaxRwSessionCount);
    EXPECT_EQ(6u, info.ulMinPinLen);
    EXPECT_EQ(32u, info.ulMaxPinLen);
}

TEST_F(BlankTokenTest, SerialNumberIsStableBeforeInitToken)
{
    std::string serial = Field(TokenInfo().serialNumber, 16);
    Restart();
    EXPECT_EQ(serial, Field(TokenInfo().serialNumber, 16));
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Card"));
    EXPECT_EQ(serial, Field(TokenInfo().serialNumber, 16));
}

TEST_F(BlankTokenTest, InitTokenPinLengthOutOfRangeIsPinLenRange)
{
    EXPECT_EQ(CKR_PIN_LEN_RANGE, InitToken("12345", "Card"));
    EXPECT_EQ(CKR_PIN_LEN_RANGE, InitToken("123456789012345678901234567890123", "Card"));
    EXPECT_EQ(0u, TokenInfo().flags & CKF_TOKEN_INITIALIZED);
}

TEST_F(BlankTokenTest, InitTokenThenSoSetsUserPinThenUserLogsIn)
{
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "My card"));
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(Padded("My card", 32), Field(info.label, 32));
    EXPECT_NE(0u, info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_EQ(0u, info.flags & CKF_USER_PIN_INITIALIZED);

    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_USER_PIN_NOT_INITIALIZED, Login(h, CKU_USER, kUserPin));
    ASSERT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, InitPin(h, kUserPin));
    EXPECT_NE(0u, TokenInfo().flags & CKF_USER_PIN_INITIALIZED);
    ASSERT_EQ(CKR_OK, Logout(h));
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(CKS_RW_USER_FUNCTIONS, State(h));
}

// C_InitToken leaves the SO's wrap of the new token key in the record: the
// SO's first login has nothing to add (its attempt count is raised and
// cleared again, pin_attempt.h).
TEST_F(BlankTokenTest, SoLoginAfterInitTokenLeavesTheRecordAsItWas)
{
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "My card"));
    const std::vector<std::uint8_t> record = ReadRecord();
    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin));
    EXPECT_EQ(record, ReadRecord());
}

TEST_F(BlankTokenTest, SetPinWithoutUserPinIsPinIncorrect)
{
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Card"));
    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_PIN_INCORRECT, SetPin(h, "anything", kUserPin));
}

TEST_F(BlankTokenTest, InitializedStatePersistsAcrossRestart)
{
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Card"));
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, InitPin(h, kUserPin));
    Restart();
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(Padded("Card", 32), Field(info.label, 32));
    EXPECT_NE(0u, info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_NE(0u, info.flags & CKF_USER_PIN_INITIALIZED);
    h = Open(false);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
}

TEST_F(BlankTokenTest, ReinitializingNeedsTheSoPin)
{
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "First"));
    // On an initialized token the PIN is checked, not measured.
    EXPECT_EQ(CKR_PIN_INCORRECT, InitToken("12", "Second"));
    EXPECT_EQ(CKR_PIN_INCORRECT, InitToken("wrong-so-pin", "Second"));
    EXPECT_EQ(Padded("First", 32), Field(TokenInfo().label, 32));
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Second"));
    EXPECT_EQ(Padded("Second", 32), Field(TokenInfo().label, 32));
    EXPECT_EQ(0u, TokenInfo().flags & CKF_SO_PIN_COUNT_LOW); // reset by the good PIN
}

TEST_F(BlankTokenTest, MechanismListFollowsThisProfile)
{
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, p11be_C_GetMechanismList(0, nullptr, &count));
    ASSERT_EQ(2u, count);
    CK_MECHANISM_TYPE list[2] = {0, 0};
    ASSERT_EQ(CKR_OK, p11be_C_GetMechanismList(0, list, &count));
    EXPECT_EQ(CKM_SHA256, list[0]);
    EXPECT_EQ(CKM_SHA384, list[1]);
    CK_MECHANISM_INFO info;
    EXPECT_EQ(CKR_MECHANISM_INVALID, p11be_C_GetMechanismInfo(0, CKM_SHA_1, &info));
}
