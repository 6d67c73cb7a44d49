/* Sessions and login (v2.40 §5.6) for the lean backend: sessions in the
 * profile's fixed number of slots, one login for the whole application, PIN
 * attempts counted in the store (lean_token.cpp). */
#include <new>

#include "lean/lean_library.h"
#include "lean/session_objects.h"
#include "p11_backend.h"
#include "p11_port.h"
#include "p11_profile.h"
#include "secure_wipe.h"

namespace p11::lean {

CK_ULONG session_count(const Library &lib, bool rw_only)
{
    CK_ULONG count = 0;
    for (CK_ULONG i = 0; i < lib.session_slots; ++i) {
        const p11_session *session = lib.sessions[i];
        if (session != nullptr && (!rw_only || (session->flags & CKF_RW_SESSION) != 0)) {
            ++count;
        }
    }
    return count;
}

void session_end_operations(p11_session *session)
{
    p11_port_free(session->find.found);
    session->find = FindState();
    digest_end(session->digest);
    verify_end(session->verify);
#if P11_LEAN_SIGNS
    sign_end(session->sign);
#endif
}

void session_close(Library &lib, p11_session *session)
{
    session_end_operations(session);
    session_objects_drop(session->handle); // v2.40 §4.4: they live as long as their session
    for (CK_ULONG i = 0; i < lib.session_slots; ++i) {
        if (lib.sessions[i] == session) {
            lib.sessions[i] = nullptr;
        }
    }
    secure_wipe(session, sizeof *session); // hash states of what was digested
    p11_port_free(session);
    if (session_count(lib, false) == 0 && lib.login != Login::nobody) {
        lib.login = Login::nobody; // v2.40 §5.6: closing the last session logs out
        private_handles_expire();
    }
}

} // namespace p11::lean

using namespace p11;
using namespace p11::lean;

namespace {

constexpr CK_SLOT_ID kSlot = 0;

CK_STATE session_state(const p11_session &session, Login login)
{
    if ((session.flags & CKF_RW_SESSION) != 0) {
        return login == Login::so     ? CKS_RW_SO_FUNCTIONS
               : login == Login::user ? CKS_RW_USER_FUNCTIONS
                                      : CKS_RW_PUBLIC_SESSION;
    }
    return login == Login::user ? CKS_RO_USER_FUNCTIONS : CKS_RO_PUBLIC_SESSION;
}

} // namespace

extern "C" {

CK_RV p11be_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
                          CK_SESSION_HANDLE_PTR phSession)
{
    (void)pApplication; // no callbacks: nothing here ever notifies
    (void)Notify;
    if (slotID != kSlot) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    const p11_profile &profile = p11_active_profile;
    const bool rw = (flags & CKF_RW_SESSION) != 0;
    token_read(lib);
    if (!lib.record.token_initialized) {
        return CKR_TOKEN_NOT_RECOGNIZED;
    }
    if (!rw && lib.login == Login::so) {
        return CKR_SESSION_READ_WRITE_SO_EXISTS;
    }
    if (rw && profile.max_rw_sessions != 0 && session_count(lib, true) >= profile.max_rw_sessions) {
        return CKR_SESSION_COUNT;
    }
    for (CK_ULONG i = 0; i < lib.session_slots; ++i) {
        if (lib.sessions[i] != nullptr) {
            continue;
        }
        void *memory = p11_port_malloc(sizeof(p11_session));
        if (memory == nullptr) {
            return CKR_HOST_MEMORY;
        }
        p11_session *session = new (memory) p11_session;
        session->handle = ++lib.last_handle;
        session->flags = flags;
        lib.sessions[i] = session;
        *phSession = session->handle;
        return CKR_OK;
    }
    return CKR_SESSION_COUNT;
}

CK_RV p11be_C_CloseSession(p11_session *session)
{
    session_close(library(), session);
    return CKR_OK;
}

CK_RV p11be_C_CloseAllSessions(CK_SLOT_ID slotID)
{
    if (slotID != kSlot) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    for (CK_ULONG i = 0; i < lib.session_slots; ++i) {
        if (lib.sessions[i] != nullptr) {
            session_close(lib, lib.sessions[i]);
        }
    }
    lib.login = Login::nobody;
    return CKR_OK;
}

CK_RV p11be_C_GetSessionInfo(p11_session *session, CK_SESSION_INFO_PTR pInfo)
{
    pInfo->slotID = kSlot;
    pInfo->state = session_state(*session, library().login);
    pInfo->flags = session->flags;
    pInfo->ulDeviceError = 0;
    return CKR_OK;
}

CK_RV p11be_C_Login(p11_session *session, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
    (void)session;
    Library &lib = library();
    if (userType == CKU_CONTEXT_SPECIFIC) {
        // v2.40 §5.6: only for an operation whose key needs it; a verify never does.
#if P11_LEAN_SIGNS
        return sign_context_login(lib, session, pPin, ulPinLen);
#else
        return CKR_OPERATION_NOT_INITIALIZED;
#endif
    }
    const bool so = userType == CKU_SO;
    const Login who = so ? Login::so : Login::user;
    if (lib.login != Login::nobody) {
        return lib.login == who ? CKR_USER_ALREADY_LOGGED_IN : CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    }
    if (so && session_count(lib, true) != session_count(lib, false)) {
        return CKR_SESSION_READ_ONLY_EXISTS;
    }
    const CK_RV rv = token_pin_attempt(lib, so, pPin, ulPinLen);
    if (rv == CKR_OK) {
        lib.login = who;
    }
    return rv;
}

CK_RV p11be_C_Logout(p11_session *session)
{
    (void)session;
    Library &lib = library();
    if (lib.login == Login::nobody) {
        return CKR_USER_NOT_LOGGED_IN;
    }
    lib.login = Login::nobody;
    session_objects_drop_private();
    private_handles_expire();
    return CKR_OK;
}

} // extern "C"
