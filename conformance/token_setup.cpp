// Token preparation for --init-token runs.
#include "token_setup.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "module_fixture.h"

namespace p11conf {
namespace {

TokenAtStart g_token_at_start;

bool Check(CK_RV rv, const char *what)
{
    if (rv != CKR_OK) {
        std::fprintf(stderr, "token setup: %s returned %s\n", what, RvName(rv).c_str());
        return false;
    }
    return true;
}

CK_UTF8CHAR *Bytes(std::string &text)
{
    return reinterpret_cast<CK_UTF8CHAR *>(&text[0]);
}

bool InitializeToken(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, std::string so_pin, std::string user_pin)
{
    CK_UTF8CHAR label[32];
    std::memset(label, ' ', sizeof(label));
    std::memcpy(label, "p11forge conformance", 20); // NOLINT(bugprone-not-null-terminated-result): blank padded
    if (!Check(fl->C_InitToken(slot, Bytes(so_pin), so_pin.size(), label), "C_InitToken")) {
        return false;
    }
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    if (!Check(fl->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session),
               "C_OpenSession") ||
        !Check(fl->C_Login(session, CKU_SO, Bytes(so_pin), so_pin.size()), "C_Login(SO)") ||
        !Check(fl->C_InitPIN(session, Bytes(user_pin), user_pin.size()), "C_InitPIN")) {
        return false;
    }
    return Check(fl->C_CloseSession(session), "C_CloseSession");
}

} // namespace

bool PrepareToken(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot)
{
    const RuntimeProfile &profile = ActiveProfile();
    std::string so_pin = !options().so_pin.empty() ? options().so_pin : profile.so_pin;
    std::string user_pin = !options().user_pin.empty() ? options().user_pin : profile.user_pin;
    // A blank token and a profile without default PINs: the run picks its own.
    const size_t length = profile.min_pin_length > 8 ? profile.min_pin_length : 8;
    if (so_pin.empty()) {
        so_pin = std::string(length, '8');
    }
    if (user_pin.empty()) {
        user_pin = std::string(length, '6');
    }
    options().so_pin = so_pin;
    options().user_pin = user_pin;
    CK_TOKEN_INFO info{};
    if (!Check(fl->C_GetTokenInfo(slot, &info), "C_GetTokenInfo")) {
        return false;
    }
    if ((info.flags & CKF_TOKEN_INITIALIZED) != 0) {
        return true;
    }
    g_token_at_start.initialized_by_runner = true;
    return InitializeToken(fl, slot, so_pin, user_pin);
}

namespace {

// One login as `who` on a fresh session, then out again; false with a message
// when the token refuses the PIN.
bool PinWorks(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot, CK_USER_TYPE who, std::string pin, const char *name,
              const char *option)
{
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    // The SO logs in only without read-only sessions, in a read/write one.
    CK_RV rv = fl->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
    if (rv != CKR_OK) {
        return true; // no session to check in: the cases will say why
    }
    rv = fl->C_Login(session, who, Bytes(pin), pin.size());
    if (rv == CKR_OK) {
        fl->C_Logout(session);
    }
    fl->C_CloseSession(session);
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED || rv == CKR_PIN_LEN_RANGE) {
        std::fprintf(stderr,
                     "p11conform: the token refused the %s PIN (C_Login answered %s); pass the token's with %s. "
                     "No case ran, and one PIN try was spent.\n",
                     name, RvName(rv).c_str(), option);
        return false;
    }
    return true; // CKR_USER_ALREADY_LOGGED_IN and the like: the cases judge those
}

} // namespace

bool CheckPins(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot)
{
    const RuntimeProfile &profile = ActiveProfile();
    if (!profile.Has("C_Login")) {
        return true;
    }
    const std::string user_pin = !options().user_pin.empty() ? options().user_pin : profile.user_pin;
    const std::string so_pin = !options().so_pin.empty() ? options().so_pin : profile.so_pin;
    CK_TOKEN_INFO info{};
    if (fl->C_GetTokenInfo(slot, &info) != CKR_OK) {
        return true; // the cases will say why
    }
    if (!user_pin.empty() && (info.flags & CKF_USER_PIN_INITIALIZED) != 0 &&
        !PinWorks(fl, slot, CKU_USER, user_pin, "user", "--user-pin")) {
        return false;
    }
    return so_pin.empty() || (info.flags & CKF_TOKEN_INITIALIZED) == 0 ||
           PinWorks(fl, slot, CKU_SO, so_pin, "SO", "--so-pin");
}

const TokenAtStart &TokenStateAtStart()
{
    return g_token_at_start;
}

void RecordTokenAtStart(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot)
{
    CK_TOKEN_INFO info{};
    g_token_at_start.read = fl->C_GetTokenInfo(slot, &info) == CKR_OK;
    g_token_at_start.flags = g_token_at_start.read ? info.flags : 0;
}

} // namespace p11conf
