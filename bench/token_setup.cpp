// C_InitToken + C_InitPIN on a blank token (see token_setup.h).
#include "token_setup.h"

#include <cstring>

#include "module_context.h"

namespace p11bench {
namespace {

CK_UTF8CHAR_PTR Utf8(const std::string &text)
{
    return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char *>(text.data()));
}

bool Check(CK_RV rv, const char *what, std::string *error)
{
    if (rv == CKR_OK) {
        return true;
    }
    *error = std::string(what) + " returned " + RvName(rv);
    return false;
}

// Everything after C_Initialize; the caller finalizes whatever happens.
bool InitializedSteps(const std::string &so_pin, const std::string &user_pin, std::string *error)
{
    CK_SLOT_ID slot = 0;
    if (!Check(ChooseSlot(&slot), "choosing a slot", error)) {
        return false;
    }
    // v2.40 §5.6: the label is 32 bytes, blank padded, not NUL terminated.
    CK_UTF8CHAR label[32];
    std::memset(label, ' ', sizeof label);
    std::memcpy(label, "p11bench", 8);
    if (!Check(Fl()->C_InitToken(slot, Utf8(so_pin), so_pin.size(), label), "C_InitToken", error)) {
        return false;
    }
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    if (!Check(Fl()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session),
               "C_OpenSession", error)) {
        return false;
    }
    bool ok = Check(Fl()->C_Login(session, CKU_SO, Utf8(so_pin), so_pin.size()), "C_Login(CKU_SO)", error) &&
              Check(Fl()->C_InitPIN(session, Utf8(user_pin), user_pin.size()), "C_InitPIN", error) &&
              Check(Fl()->C_Logout(session), "C_Logout", error);
    Fl()->C_CloseSession(session);
    return ok;
}

} // namespace

bool InitToken(const std::string &so_pin, const std::string &user_pin, std::string *error)
{
    if (user_pin.empty()) {
        *error = "--init-token needs --user-pin (the PIN C_InitPIN sets)";
        return false;
    }
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    if (!Check(Fl()->C_Initialize(&args), "C_Initialize", error)) {
        return false;
    }
    bool ok = InitializedSteps(so_pin, user_pin, error);
    Fl()->C_Finalize(nullptr);
    return ok;
}

} // namespace p11bench
