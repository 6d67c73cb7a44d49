// Login state (v2.40 §5.6 C_Login, C_Logout): shared by all sessions of the
// application, PINs checked, SO and user exclusive; private objects only
// with a login (FreeRTOS's reference ignored the PIN).
#include <string>
#include <vector>

#include "key_fixture.h"

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
        EXPECT_RV(fl()->C_GetSessionInfo(session, &info), CKR_OK);
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

P11_CASE(Login, UserLoginWithTheRightPinGivesUserFunctions, .group = "login", .functions = "C_Login C_GetSessionInfo",
         .section = "v2.40 §5.6 C_Login")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_OK);
    EXPECT_EQ(StateOf(session_), CKS_RW_USER_FUNCTIONS);
}

// v2.40 §3.2 CK_TOKEN_INFO: "CKF_USER_PIN_COUNT_LOW: True if an incorrect
// user login PIN has been entered at least once since the last successful
// authentication": never right after one.
P11_CASE(Login, NoUserPinCountLowRightAfterASuccessfulLogin, .group = "login",
         .functions = "C_Login C_Logout C_GetTokenInfo", .section = "v2.40 §3.2 CK_TOKEN_INFO")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_OK);
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    EXPECT_EQ(info.flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED), 0u)
        << "flags 0x" << std::hex << info.flags << " while logged in";
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    EXPECT_EQ(info.flags & CKF_USER_PIN_COUNT_LOW, 0u) << "flags 0x" << std::hex << info.flags << " after C_Logout";
}

P11_CASE(Login, WrongPinIsPinIncorrect, .group = "login", .functions = "C_Login C_GetSessionInfo",
         .section = "v2.40 §5.6 C_Login")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    EXPECT_RV(LoginAs(session_, CKU_USER, user_pin_ + "x"), CKR_PIN_INCORRECT);
    std::string other = user_pin_;
    other[0] = user_pin_[0] == '9' ? '8' : '9';
    EXPECT_RV(LoginAs(session_, CKU_USER, other), CKR_PIN_INCORRECT) << "one character changed";
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION) << "a refused login changes nothing";
}

P11_CASE(Login, SecondLoginIsUserAlreadyLoggedIn, .group = "login", .functions = "C_Login",
         .section = "v2.40 §5.6 C_Login")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    const CK_SESSION_HANDLE first = session_;
    ASSERT_TRUE(OpenSession());
    ASSERT_RV(LoginAs(first, CKU_USER, user_pin_), CKR_OK);
    EXPECT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_USER_ALREADY_LOGGED_IN);
}

P11_CASE(Login, LoginStateIsSharedByAllSessions, .group = "login", .functions = "C_Login C_Logout C_GetSessionInfo",
         .section = "v2.40 §5.6 C_Login")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession(CKF_SERIAL_SESSION));
    const CK_SESSION_HANDLE ro = session_;
    ASSERT_TRUE(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_OK);
    EXPECT_EQ(StateOf(ro), CKS_RO_USER_FUNCTIONS) << "every session of the application enters R/O User Functions";
    ASSERT_RV(fl()->C_Logout(ro), CKR_OK);
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION);
}

P11_CASE(Login, LogoutWithoutLoginIsUserNotLoggedIn, .group = "login", .functions = "C_Logout",
         .section = "v2.40 §5.6 C_Logout")
{
    P11_SKIP_UNLESS(OpenSession());
    EXPECT_RV(fl()->C_Logout(session_), CKR_USER_NOT_LOGGED_IN);
}

P11_CASE(Login, ClosingTheLastSessionLogsOut, .group = "login",
         .functions = "C_CloseAllSessions C_Login C_GetSessionInfo", .section = "v2.40 §5.6 C_CloseSession")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_OK);
    ASSERT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
    ASSERT_TRUE(OpenSession());
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION) << "v2.40 §5.6 C_CloseSession";
}

P11_CASE(Login, CloseSessionOfTheLastSessionLogsOut, .group = "login",
         .functions = "C_CloseSession C_Login C_GetSessionInfo", .section = "v2.40 §5.6 C_CloseSession")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_OK);
    ASSERT_RV(fl()->C_CloseSession(session_), CKR_OK);
    ASSERT_TRUE(OpenSession());
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION) << "v2.40 §5.6 C_CloseSession: the last session logs out";
}

P11_CASE(Login, SoLoginGivesReadWriteSoFunctions, .group = "login", .functions = "C_Login C_GetSessionInfo",
         .section = "v2.40 §5.6 C_Login")
{
    NEED_SO_PIN();
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_SO, so_pin_), CKR_OK);
    EXPECT_EQ(StateOf(session_), CKS_RW_SO_FUNCTIONS);
    CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
    EXPECT_RV(fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &ro), CKR_SESSION_READ_WRITE_SO_EXISTS)
        << "v2.40 §5.6 C_OpenSession";
    EXPECT_RV(LoginAs(session_, CKU_USER, user_pin_.empty() ? "0000" : user_pin_), CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
}

P11_CASE(Login, SoLoginWithReadOnlySessionOpenIsSessionReadOnlyExists, .group = "login", .functions = "C_Login",
         .section = "v2.40 §5.6 C_Login")
{
    NEED_SO_PIN();
    P11_SKIP_UNLESS(OpenSession(CKF_SERIAL_SESSION));
    EXPECT_RV(LoginAs(session_, CKU_SO, so_pin_), CKR_SESSION_READ_ONLY_EXISTS);
}

P11_CASE(Login, WrongSoPinIsPinIncorrect, .group = "login", .functions = "C_Login", .section = "v2.40 §5.6 C_Login")
{
    NEED_SO_PIN();
    P11_SKIP_UNLESS(OpenSession());
    EXPECT_RV(LoginAs(session_, CKU_SO, so_pin_ + "x"), CKR_PIN_INCORRECT);
}

P11_CASE(Login, SessionOpenedAfterLoginIsInUserFunctions, .group = "login",
         .functions = "C_Login C_OpenSession C_GetSessionInfo", .section = "v2.40 §5.6 C_Login")
{
    NEED_USER_PIN();
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(LoginAs(session_, CKU_USER, user_pin_), CKR_OK);
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    EXPECT_EQ(StateOf(session_), CKS_RO_USER_FUNCTIONS) << "the login holds for every session of the application";
}

// Private objects and keys with and without a login (v2.40 §4.4 CKA_PRIVATE,
// §5.6 C_Logout): the fixture logs in; the cases log out.
class PrivateObjects : public KeyTest {
  protected:
    CK_OBJECT_HANDLE CreatePrivateData(const std::string &role, bool token)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, true).Text(CKA_VALUE, "secret of " + role);
        return CreateObject(tmpl, role, token);
    }

    CK_OBJECT_HANDLE CreatePrivateKey()
    {
        Template tmpl = EcPrivateTemplate(ref::GenerateEcKey("P-256"));
        return CreateObject(tmpl, "Device Priv TLS Key", true);
    }

    std::vector<CK_OBJECT_HANDLE> FindPrivateKey()
    {
        Template query;
        query.Text(CKA_LABEL, Label("Device Priv TLS Key", true)).Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
        return Find(query);
    }
};

P11_CASE(PrivateObjects, PrivateTokenKeyIsInvisibleBeforeLogin, .group = "login",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_CreateObject",
         .section = "v2.40 §4.4 CKA_PRIVATE")
{
    ASSERT_NE(CreatePrivateKey(), CK_INVALID_HANDLE);
    created_.clear(); // handles change across C_Finalize; found again below
    ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(OpenSession());
    EXPECT_TRUE(FindPrivateKey().empty()) << "a private object is invisible until the user logs in";
    ASSERT_TRUE(LoginUser());
    const std::vector<CK_OBJECT_HANDLE> found = FindPrivateKey();
    ASSERT_EQ(found.size(), 1u) << "and visible once the user is logged in";
    Keep(found[0]);
}

P11_CASE(PrivateObjects, PrivateObjectHandleIsUnusableAfterLogout, .group = "login",
         .functions = "C_GetAttributeValue C_Logout C_CreateObject", .section = "v2.40 §5.6 C_Logout")
{
    const CK_OBJECT_HANDLE object = CreatePrivateData("Claim Cert", true);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    CK_ATTRIBUTE read = {CKA_CLASS, nullptr, 0};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &read, 1), CKR_OBJECT_HANDLE_INVALID, CKR_USER_NOT_LOGGED_IN)
        << "handles to private objects become invalid at C_Logout";
    ASSERT_TRUE(LoginUser());
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &read, 1), CKR_OBJECT_HANDLE_INVALID)
        << "\"even if a user is later logged back into the token, those handles remain invalid\"";
    Template query;
    query.Text(CKA_LABEL, Label("Claim Cert", true)).Ulong(CKA_CLASS, CKO_DATA);
    EXPECT_EQ(Find(query).size(), 1u) << "the token object itself is still there, under a new handle";
}

P11_CASE(PrivateObjects, NoHandleReachesAPrivateObjectWithoutALogin, .group = "login",
         .functions = "C_GetAttributeValue C_Logout C_CreateObject", .section = "v2.40 §4.4 CKA_PRIVATE")
{
    // Handles are small numbers in many modules: one that is guessed must not
    // reach a private object either while nobody is logged in.
    const CK_OBJECT_HANDLE object = CreatePrivateData("Claim Cert", true);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false).Text(CKA_VALUE, "public");
    const CK_OBJECT_HANDLE marker = CreateObject(tmpl, "Public Marker", false); // a handle made after the logout
    ASSERT_NE(marker, CK_INVALID_HANDLE);
    const CK_OBJECT_HANDLE last = (object > marker ? object : marker) + 256;
    for (CK_OBJECT_HANDLE handle = 1; handle <= last && handle <= 100000; ++handle) {
        CK_BBOOL is_private = CK_FALSE;
        CK_ATTRIBUTE read = {CKA_PRIVATE, &is_private, sizeof(is_private)};
        if (fl()->C_GetAttributeValue(session_, handle, &read, 1) == CKR_OK) {
            EXPECT_EQ(is_private, CK_FALSE) << "handle " << handle << " reads a private object without a login";
        }
    }
}

P11_CASE(PrivateObjects, SigningWithAPrivateKeyNeedsALogin, .group = "login",
         .functions = "C_SignInit C_Logout C_CreateObject", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.6 C_Logout")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    const CK_OBJECT_HANDLE key = CreatePrivateKey();
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    EXPECT_RV(SignInit(CKM_ECDSA, key), CKR_KEY_HANDLE_INVALID, CKR_USER_NOT_LOGGED_IN)
        << "a private key cannot sign without a login";
}

P11_CASE(PrivateObjects, LogoutDestroysPrivateSessionObjects, .group = "login",
         .functions = "C_Logout C_Login C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.6 C_Logout")
{
    ASSERT_NE(CreatePrivateData("Claim Cert", false), CK_INVALID_HANDLE);
    created_.clear();
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    ASSERT_TRUE(LoginUser());
    Template query;
    query.Text(CKA_LABEL, Label("Claim Cert")).Ulong(CKA_CLASS, CKO_DATA);
    EXPECT_TRUE(Find(query).empty()) << "C_Logout destroys the application's private session objects";
}

P11_CASE(PrivateObjects, CreatingAPrivateObjectNeedsALogin, .group = "login", .functions = "C_CreateObject C_Logout",
         .section = "v2.40 §5.7 C_CreateObject")
{
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, true).Bool(CKA_TOKEN, false);
    tmpl.Text(CKA_LABEL, Label("Claim Cert")).Text(CKA_VALUE, "secret");
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    const CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &object);
    if (rv == CKR_OK) {
        Keep(object);
    }
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_USER_NOT_LOGGED_IN})) << "private objects only in a user session";
}

} // namespace
} // namespace p11conf
