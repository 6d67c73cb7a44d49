// Login state (v2.40 §5.6, §4 "session states"): shared by all sessions of
// the application, PINs checked, SO and user exclusive.
#include <string>

#include "module_fixture.h"

namespace p11conf {
namespace {

CK_UTF8CHAR *Pin(std::string &pin)
{
    return reinterpret_cast<CK_UTF8CHAR *>(&pin[0]);
}

class Login : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("login")) {
            GTEST_SKIP() << "not applicable: the profile does not select the login tests";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        user_pin_ = UserPin();
        so_pin_ = SoPin();
    }

    CK_RV LoginAs(CK_SESSION_HANDLE session, CK_USER_TYPE user, std::string pin)
    {
        return fl()->C_Login(session, user, Pin(pin), pin.size());
    }

    CK_STATE StateOf(CK_SESSION_HANDLE session)
    {
        CK_SESSION_INFO info{};
        EXPECT_TRUE(RvIsOneOf(fl()->C_GetSessionInfo(session, &info), {CKR_OK}));
        return info.state;
    }

    std::string user_pin_;
    std::string so_pin_;
};

#define NEED_USER_PIN()                                                                                                \
    if (user_pin_.empty())                                                                                             \
    GTEST_SKIP() << "not applicable: no user PIN (pass --user-pin)"
#define NEED_SO_PIN()                                                                                                  \
    if (so_pin_.empty())                                                                                               \
    GTEST_SKIP() << "not applicable: no SO PIN (pass --so-pin)"

TEST_F(Login, UserLoginWithTheRightPinGivesUserFunctions)
{
    NEED_USER_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    ASSERT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_), {CKR_OK}));
    EXPECT_EQ(StateOf(session_), CKS_RW_USER_FUNCTIONS);
}

TEST_F(Login, WrongPinIsPinIncorrect)
{
    NEED_USER_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    EXPECT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_ + "x"), {CKR_PIN_INCORRECT})) << "v2.40 §5.6 C_Login";
    EXPECT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, "9" + user_pin_.substr(1)), {CKR_PIN_INCORRECT}));
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION) << "a refused login changes nothing";
}

TEST_F(Login, SecondLoginIsUserAlreadyLoggedIn)
{
    NEED_USER_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    const CK_SESSION_HANDLE first = session_;
    ASSERT_TRUE(OpenSession());
    ASSERT_TRUE(RvIsOneOf(LoginAs(first, CKU_USER, user_pin_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_), {CKR_USER_ALREADY_LOGGED_IN})) << "v2.40 §5.6";
}

TEST_F(Login, LoginStateIsSharedByAllSessions)
{
    NEED_USER_PIN();
    if (!OpenSession(CKF_SERIAL_SESSION)) {
        GTEST_SKIP() << skip_reason();
    }
    const CK_SESSION_HANDLE ro = session_;
    ASSERT_TRUE(OpenSession());
    ASSERT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_), {CKR_OK}));
    EXPECT_EQ(StateOf(ro), CKS_RO_USER_FUNCTIONS) << "v2.40 §4 session states";
    ASSERT_TRUE(RvIsOneOf(fl()->C_Logout(ro), {CKR_OK}));
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION);
}

TEST_F(Login, LogoutWithoutLoginIsUserNotLoggedIn)
{
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    EXPECT_TRUE(RvIsOneOf(fl()->C_Logout(session_), {CKR_USER_NOT_LOGGED_IN})) << "v2.40 §5.6 C_Logout";
}

TEST_F(Login, ClosingTheLastSessionLogsOut)
{
    NEED_USER_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    ASSERT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_CloseAllSessions(slot_), {CKR_OK}));
    ASSERT_TRUE(OpenSession());
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION) << "v2.40 §5.6 C_CloseSession";
}

TEST_F(Login, SoLoginGivesReadWriteSoFunctions)
{
    NEED_SO_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    ASSERT_TRUE(RvIsOneOf(LoginAs(session_, CKU_SO, so_pin_), {CKR_OK}));
    EXPECT_EQ(StateOf(session_), CKS_RW_SO_FUNCTIONS);
    CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
    EXPECT_TRUE(RvIsOneOf(fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &ro),
                          {CKR_SESSION_READ_WRITE_SO_EXISTS}))
        << "v2.40 §5.6 C_OpenSession";
    EXPECT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_.empty() ? "0000" : user_pin_),
                          {CKR_USER_ANOTHER_ALREADY_LOGGED_IN}))
        << "v2.40 §5.6 C_Login";
}

TEST_F(Login, SoLoginWithReadOnlySessionOpenIsSessionReadOnlyExists)
{
    NEED_SO_PIN();
    if (!OpenSession(CKF_SERIAL_SESSION)) {
        GTEST_SKIP() << skip_reason();
    }
    EXPECT_TRUE(RvIsOneOf(LoginAs(session_, CKU_SO, so_pin_), {CKR_SESSION_READ_ONLY_EXISTS})) << "v2.40 §5.6 C_Login";
}

TEST_F(Login, WrongSoPinIsPinIncorrect)
{
    NEED_SO_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    EXPECT_TRUE(RvIsOneOf(LoginAs(session_, CKU_SO, so_pin_ + "x"), {CKR_PIN_INCORRECT}));
}

TEST_F(Login, FinalizeForgetsTheLogin)
{
    NEED_USER_PIN();
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    ASSERT_TRUE(RvIsOneOf(LoginAs(session_, CKU_USER, user_pin_), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK}));
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(OpenSession());
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION);
}

} // namespace
} // namespace p11conf
