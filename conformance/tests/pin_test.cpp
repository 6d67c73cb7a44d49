// PIN management (v2.40 §5.5): C_SetPIN, C_InitPIN, and the token flags
// that say a PIN still has its default value (v2.40 §3.2 CK_TOKEN_INFO).
// Every test that changes a PIN puts the original back, so the run leaves the
// token as it found it.
#include <string>
#include <vector>

#include "module_fixture.h"
#include "token_setup.h"

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
        user_pin_ = UserPin();
        so_pin_ = SoPin();
        if (user_pin_.empty()) {
            GTEST_SKIP() << "not applicable: no user PIN (pass --user-pin)";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        P11_SKIP_UNLESS(OpenSession());
    }

    CK_RV SetPin(CK_SESSION_HANDLE session, std::string old_pin, std::string new_pin)
    {
        return fl()->C_SetPIN(session, Pin(old_pin), old_pin.size(), Pin(new_pin), new_pin.size());
    }
    CK_RV LoginUser(std::string pin) { return fl()->C_Login(session_, CKU_USER, Pin(pin), pin.size()); }

    CK_FLAGS TokenFlags()
    {
        CK_TOKEN_INFO info{};
        EXPECT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
        return info.flags;
    }

    std::string user_pin_;
    std::string so_pin_;
};

P11_CASE(PinManagement, SetPinReplacesTheUserPin, .group = "pin", .functions = "C_SetPIN C_Login C_Logout",
         .section = "v2.40 §5.5 C_SetPIN", .destructive = true)
{
    const std::string new_pin = user_pin_ + "9";
    ASSERT_RV(LoginUser(user_pin_), CKR_OK);
    ASSERT_RV(SetPin(session_, user_pin_, new_pin), CKR_OK);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    EXPECT_RV(LoginUser(user_pin_), CKR_PIN_INCORRECT) << "the old PIN no longer works";
    ASSERT_RV(LoginUser(new_pin), CKR_OK) << "the new PIN works";
    EXPECT_RV(SetPin(session_, new_pin, user_pin_), CKR_OK) << "restoring the PIN";
}

P11_CASE(PinManagement, SetPinWithWrongOldPinIsPinIncorrect, .group = "pin", .functions = "C_SetPIN",
         .section = "v2.40 §5.5 C_SetPIN")
{
    ASSERT_RV(LoginUser(user_pin_), CKR_OK);
    EXPECT_RV(SetPin(session_, user_pin_ + "x", user_pin_ + "y"), CKR_PIN_INCORRECT);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    EXPECT_RV(LoginUser(user_pin_), CKR_OK) << "the PIN is unchanged";
}

P11_CASE(PinManagement, SetPinInReadOnlySessionIsSessionReadOnly, .group = "pin", .functions = "C_SetPIN",
         .section = "v2.40 §5.5 C_SetPIN", .destructive = true)
{
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    EXPECT_RV(SetPin(session_, user_pin_, user_pin_ + "1"), CKR_SESSION_READ_ONLY)
        << "v2.40 §5.5 C_SetPIN: only in a read/write session";
}

P11_CASE(PinManagement, SetPinShorterThanTheMinimumIsPinLenRange, .group = "pin",
         .functions = "C_SetPIN C_GetTokenInfo", .section = "v2.40 §5.5 C_SetPIN", .destructive = true)
{
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    const CK_ULONG min_length = info.ulMinPinLen; // what the token says, whatever the profile
    if (min_length < 2) {
        GTEST_SKIP() << "not applicable: the token takes 1-byte PINs (ulMinPinLen " << min_length << ")";
    }
    ASSERT_RV(LoginUser(user_pin_), CKR_OK);
    EXPECT_RV(SetPin(session_, user_pin_, std::string(min_length - 1, '7')), CKR_PIN_LEN_RANGE)
        << "ulMinPinLen is " << min_length;
}

P11_CASE(PinManagement, InitPinNeedsTheSecurityOfficer, .group = "pin", .functions = "C_InitPIN",
         .section = "v2.40 §5.5 C_InitPIN")
{
    std::string pin = user_pin_;
    EXPECT_RV(fl()->C_InitPIN(session_, Pin(pin), pin.size()), CKR_USER_NOT_LOGGED_IN)
        << "v2.40 §5.5 C_InitPIN: only in the R/W SO Functions state";
    ASSERT_RV(LoginUser(user_pin_), CKR_OK);
    EXPECT_RV(fl()->C_InitPIN(session_, Pin(pin), pin.size()), CKR_USER_NOT_LOGGED_IN);
}

P11_CASE(PinManagement, InitPinAsSecurityOfficerSetsTheUserPin, .group = "pin", .functions = "C_InitPIN C_SetPIN",
         .section = "v2.40 §5.5 C_InitPIN", .destructive = true)
{
    if (so_pin_.empty()) {
        GTEST_SKIP() << "not applicable: no SO PIN (pass --so-pin)";
    }
    std::string so_pin = so_pin_;
    std::string new_pin = user_pin_ + "5";
    ASSERT_RV(fl()->C_Login(session_, CKU_SO, Pin(so_pin), so_pin.size()), CKR_OK);
    ASSERT_RV(fl()->C_InitPIN(session_, Pin(new_pin), new_pin.size()), CKR_OK);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    EXPECT_RV(LoginUser(new_pin), CKR_OK) << "the PIN set by the SO works";
    EXPECT_RV(SetPin(session_, new_pin, user_pin_), CKR_OK) << "restoring the PIN";
}

P11_CASE(PinManagement, InitPinOutsideTheTokensLengthRangeIsPinLenRange, .group = "pin",
         .functions = "C_InitPIN C_GetTokenInfo C_Login", .section = "v2.40 §5.5 C_InitPIN", .destructive = true)
{
    if (so_pin_.empty()) {
        GTEST_SKIP() << "not applicable: no SO PIN (pass --so-pin)";
    }
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    std::vector<std::string> outside;
    if (info.ulMinPinLen > 1) {
        outside.push_back(std::string(info.ulMinPinLen - 1, '7'));
    }
    if (info.ulMaxPinLen < 256) {
        outside.push_back(std::string(info.ulMaxPinLen + 1, '7'));
    }
    if (outside.empty()) {
        GTEST_SKIP() << "not applicable: the token takes PINs of " << info.ulMinPinLen << ".." << info.ulMaxPinLen
                     << " bytes, no length outside that to try";
    }
    std::string so_pin = so_pin_;
    ASSERT_RV(fl()->C_Login(session_, CKU_SO, Pin(so_pin), so_pin.size()), CKR_OK);
    for (std::string pin : outside) {
        EXPECT_RV(fl()->C_InitPIN(session_, Pin(pin), pin.size()), CKR_PIN_LEN_RANGE)
            << "a " << pin.size() << "-byte PIN where CK_TOKEN_INFO says " << info.ulMinPinLen << ".."
            << info.ulMaxPinLen << ": §5.1.6 \"CKR_PIN_LEN_RANGE: The specified PIN is too long or too short\"";
    }
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    EXPECT_RV(LoginUser(user_pin_), CKR_OK) << "the user PIN is still the one it was";
}

// v2.40 §3.2, CK_TOKEN_INFO flags: "CKF_USER_PIN_TO_BE_CHANGED: True if the
// user PIN value is the default value set by token initialization or
// manufacturing, or the PIN has been expired by the card" (the SO PIN flag
// likewise). A PIN the user just chose is neither.
P11_CASE(PinManagement, SetPinClearsUserPinToBeChanged, .group = "pin", .functions = "C_SetPIN C_GetTokenInfo",
         .section = "v2.40 §3.2 CK_TOKEN_INFO", .destructive = true)
{
    const std::string new_pin = user_pin_ + "8";
    ASSERT_RV(LoginUser(user_pin_), CKR_OK);
    ASSERT_RV(SetPin(session_, user_pin_, new_pin), CKR_OK);
    const CK_FLAGS flags = TokenFlags();
    EXPECT_RV(SetPin(session_, new_pin, user_pin_), CKR_OK) << "restoring the PIN";
    EXPECT_EQ(flags & CKF_USER_PIN_TO_BE_CHANGED, 0u) << "the user has just changed the user PIN with C_SetPIN";
}

P11_CASE(PinManagement, SetPinAsSecurityOfficerClearsSoPinToBeChanged, .group = "pin",
         .functions = "C_SetPIN C_Login C_GetTokenInfo", .section = "v2.40 §3.2 CK_TOKEN_INFO", .destructive = true)
{
    if (so_pin_.empty()) {
        GTEST_SKIP() << "not applicable: no SO PIN (pass --so-pin)";
    }
    const std::string new_pin = so_pin_ + "8";
    std::string so_pin = so_pin_;
    ASSERT_RV(fl()->C_Login(session_, CKU_SO, Pin(so_pin), so_pin.size()), CKR_OK);
    ASSERT_RV(SetPin(session_, so_pin_, new_pin), CKR_OK) << "C_SetPIN in the R/W SO Functions state sets the SO PIN";
    const CK_FLAGS flags = TokenFlags();
    EXPECT_RV(SetPin(session_, new_pin, so_pin_), CKR_OK) << "restoring the SO PIN";
    EXPECT_EQ(flags & CKF_SO_PIN_TO_BE_CHANGED, 0u) << "the SO has just changed the SO PIN with C_SetPIN";
}

// v2.40 §3.2 CK_TOKEN_INFO flags: "CKF_USER_PIN_COUNT_LOW: True if an
// incorrect user login PIN has been entered at least once since the last
// successful authentication" and "CKF_USER_PIN_FINAL_TRY: True if supplying
// an incorrect user PIN will cause it to become locked". A token may leave
// both false; when it sets FINAL_TRY, the next wrong PIN must lock the PIN.
// Wrong PINs are given until the token says FINAL_TRY or locks (at most 20),
// then the SO sets the user PIN again with C_InitPIN.
P11_CASE(PinManagement, PinCountFlagsSayWhatTheNextWrongPinDoes, .group = "pin",
         .functions = "C_Login C_Logout C_GetTokenInfo C_InitPIN", .section = "v2.40 §3.2 CK_TOKEN_INFO",
         .destructive = true)
{
    if (so_pin_.empty()) {
        GTEST_SKIP() << "not applicable: no SO PIN to set the user PIN again (pass --so-pin)";
    }
    ASSERT_RV(LoginUser(user_pin_), CKR_OK);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    CK_FLAGS flags = TokenFlags();
    EXPECT_EQ(flags & CKF_USER_PIN_COUNT_LOW, 0u) << "no wrong PIN since the last successful C_Login";
    const std::string wrong = user_pin_ + "x";
    if (!(flags & CKF_USER_PIN_FINAL_TRY)) {
        ASSERT_RV(LoginUser(wrong), CKR_PIN_INCORRECT) << "one wrong PIN";
        ASSERT_RV(LoginUser(user_pin_), CKR_OK) << "one wrong PIN does not lock a PIN the token did not flag";
        ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
        flags = TokenFlags();
        EXPECT_EQ(flags & CKF_USER_PIN_COUNT_LOW, 0u) << "a successful C_Login came after the wrong PIN";
    }

    int wrong_pins = 0;
    bool locked = false;
    for (; wrong_pins < 20 && !(flags & CKF_USER_PIN_FINAL_TRY); ++wrong_pins) {
        const CK_RV rv = LoginUser(wrong);
        flags = TokenFlags();
        if (rv == CKR_PIN_LOCKED || (flags & CKF_USER_PIN_LOCKED)) {
            locked = true;
            break;
        }
        ASSERT_RV(rv, CKR_PIN_INCORRECT) << "wrong PIN " << wrong_pins + 1;
    }
    if (flags & CKF_USER_PIN_FINAL_TRY) {
        EXPECT_TRUE(RvIsOneOf(LoginUser(wrong), {CKR_PIN_INCORRECT, CKR_PIN_LOCKED}))
            << "the wrong PIN after CKF_USER_PIN_FINAL_TRY";
        EXPECT_RV(LoginUser(user_pin_), CKR_PIN_LOCKED)
            << "the token set CKF_USER_PIN_FINAL_TRY after " << wrong_pins
            << " wrong PIN(s): \"supplying an incorrect user PIN will cause it to become locked\"";
        EXPECT_NE(TokenFlags() & CKF_USER_PIN_LOCKED, 0u) << "CKF_USER_PIN_LOCKED after the final try";
        locked = true;
    }
    if (locked) {
        std::string so_pin = so_pin_;
        std::string user_pin = user_pin_;
        ASSERT_RV(fl()->C_Login(session_, CKU_SO, Pin(so_pin), so_pin.size()), CKR_OK);
        ASSERT_RV(fl()->C_InitPIN(session_, Pin(user_pin), user_pin.size()), CKR_OK)
            << "the SO sets the locked user PIN again";
        ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    }
    EXPECT_RV(LoginUser(user_pin_), CKR_OK) << "the user PIN works again";
}

// A case that changes a PIN (and puts it back), or would if the module were
// wrong, is destructive: it runs only with --init-token, never on a token
// whose PINs the run must not touch.

// Only the token's first state can show the default PINs: the cases change
// PINs (and put them back), and may re-initialize the token. So the runner
// reads the flags before any case runs, and this case judges them only when
// the token was not initialized by the runner and the run logs in with the
// PINs the profile names as the token's defaults (freertos: 0000, 00000000).
P11_CASE(PinManagement, DefaultPinsAreFlaggedToBeChangedAtTheStartOfTheRun, .group = "pin",
         .functions = "C_GetTokenInfo", .section = "v2.40 §3.2 CK_TOKEN_INFO")
{
    const RuntimeProfile &profile = ActiveProfile();
    const TokenAtStart &start = TokenStateAtStart();
    if (!profile.token_initialized || profile.user_pin.empty() || profile.so_pin.empty()) {
        GTEST_SKIP() << "not applicable: the profile names no default PINs of an initialized token";
    }
    if (UserPin() != profile.user_pin || SoPin() != profile.so_pin) {
        GTEST_SKIP() << "not applicable: the run's PINs are not the profile's default PINs";
    }
    if (start.initialized_by_runner) {
        GTEST_SKIP() << "not applicable: the runner initialized the token (--init-token on a blank token)";
    }
    ASSERT_TRUE(start.read) << "C_GetTokenInfo failed before the first case";
    EXPECT_NE(start.flags & CKF_USER_PIN_TO_BE_CHANGED, 0u)
        << "the user PIN is the profile's default (" << profile.user_pin
        << "): \"the default value set by token "
           "initialization or manufacturing\"";
    EXPECT_NE(start.flags & CKF_SO_PIN_TO_BE_CHANGED, 0u)
        << "the SO PIN is the profile's default (" << profile.so_pin << ")";
}

} // namespace
} // namespace p11conf
