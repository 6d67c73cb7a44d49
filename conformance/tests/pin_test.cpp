// PIN management (v2.40 §5.5): C_SetPIN, C_InitPIN. Every test that changes
// a PIN puts the original back, so the run leaves the token as it found it.
#include <string>

#include "module_fixture.h"

namespace p11conf {
namespace {

CK_UTF8CHAR *Pin(std::string &pin)
{
    return reinterpret_cast<CK_UTF8CHAR *>(&pin[0]);
}

class PinManagement : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("pin") || !ProfileHas("C_SetPIN")) {
            GTEST_SKIP() << "not applicable: the profile does not select the PIN tests";
        }
        user_pin_ = UserPin();
        so_pin_ = SoPin();
        if (user_pin_.empty()) {
            GTEST_SKIP() << "not applicable: no user PIN (pass --user-pin)";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!OpenSession()) {
            GTEST_SKIP() << skip_reason();
        }
    }

    CK_RV SetPin(CK_SESSION_HANDLE session, std::string old_pin, std::string new_pin)
    {
        return fl()->C_SetPIN(session, Pin(old_pin), old_pin.size(), Pin(new_pin), new_pin.size());
    }
    CK_RV LoginUser(std::string pin) { return fl()->C_Login(session_, CKU_USER, Pin(pin), pin.size()); }

    std::string user_pin_;
    std::string so_pin_;
};

TEST_F(PinManagement, SetPinReplacesTheUserPin)
{
    const std::string new_pin = user_pin_ + "9";
    ASSERT_TRUE(RvIsOneOf(LoginUser(user_pin_), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(SetPin(session_, user_pin_, new_pin), {CKR_OK})) << "v2.40 §5.5 C_SetPIN";
    ASSERT_TRUE(RvIsOneOf(fl()->C_Logout(session_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(LoginUser(user_pin_), {CKR_PIN_INCORRECT})) << "the old PIN no longer works";
    ASSERT_TRUE(RvIsOneOf(LoginUser(new_pin), {CKR_OK})) << "the new PIN works";
    EXPECT_TRUE(RvIsOneOf(SetPin(session_, new_pin, user_pin_), {CKR_OK})) << "restoring the PIN";
}

TEST_F(PinManagement, SetPinWithWrongOldPinIsPinIncorrect)
{
    ASSERT_TRUE(RvIsOneOf(LoginUser(user_pin_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(SetPin(session_, user_pin_ + "x", user_pin_ + "y"), {CKR_PIN_INCORRECT}))
        << "v2.40 §5.5 C_SetPIN";
    ASSERT_TRUE(RvIsOneOf(fl()->C_Logout(session_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(LoginUser(user_pin_), {CKR_OK})) << "the PIN is unchanged";
}

TEST_F(PinManagement, SetPinInReadOnlySessionIsSessionReadOnly)
{
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    EXPECT_TRUE(RvIsOneOf(SetPin(session_, user_pin_, user_pin_ + "1"), {CKR_SESSION_READ_ONLY}))
        << "v2.40 §5.5 C_SetPIN: only in a read/write session";
}

TEST_F(PinManagement, SetPinOutsideLengthRangeIsPinLenRange)
{
    if (profile::kMinPinLength < 2) {
        GTEST_SKIP() << "not applicable: the profile allows 1-byte PINs";
    }
    ASSERT_TRUE(RvIsOneOf(LoginUser(user_pin_), {CKR_OK}));
    std::string too_short(profile::kMinPinLength - 1, '7');
    EXPECT_TRUE(RvIsOneOf(SetPin(session_, user_pin_, too_short), {CKR_PIN_LEN_RANGE})) << "v2.40 §5.5 C_SetPIN";
}

TEST_F(PinManagement, InitPinNeedsTheSecurityOfficer)
{
    if (!ProfileHas("C_InitPIN")) {
        GTEST_SKIP() << "not applicable: C_InitPIN is outside the profile";
    }
    std::string pin = user_pin_;
    EXPECT_TRUE(RvIsOneOf(fl()->C_InitPIN(session_, Pin(pin), pin.size()), {CKR_USER_NOT_LOGGED_IN}))
        << "v2.40 §5.5 C_InitPIN: only in the R/W SO Functions state";
    ASSERT_TRUE(RvIsOneOf(LoginUser(user_pin_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_InitPIN(session_, Pin(pin), pin.size()), {CKR_USER_NOT_LOGGED_IN}));
}

TEST_F(PinManagement, InitPinAsSecurityOfficerSetsTheUserPin)
{
    if (!ProfileHas("C_InitPIN") || so_pin_.empty()) {
        GTEST_SKIP() << "not applicable: needs C_InitPIN and an SO PIN";
    }
    std::string so_pin = so_pin_;
    std::string new_pin = user_pin_ + "5";
    ASSERT_TRUE(RvIsOneOf(fl()->C_Login(session_, CKU_SO, Pin(so_pin), so_pin.size()), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_InitPIN(session_, Pin(new_pin), new_pin.size()), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_Logout(session_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(LoginUser(new_pin), {CKR_OK})) << "the PIN set by the SO works";
    EXPECT_TRUE(RvIsOneOf(SetPin(session_, new_pin, user_pin_), {CKR_OK})) << "restoring the PIN";
}

} // namespace
} // namespace p11conf
