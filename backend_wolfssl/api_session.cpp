/* Session management (v2.40 §5.6): open, close, close all, session info.
 * Handles come from a process-wide counter, so they are never 0 and never
 * reused while the process lives, even across C_Finalize/C_Initialize. */
#include <atomic>
#include "backend_api.h"
#include "out_of_memory.h"
#include "library.h"
#include "secrets/held_keys.h"
#include "store_sync.h"

using namespace p11;

namespace {

std::atomic<CK_SESSION_HANDLE> g_next_handle{1};

CK_STATE session_state(const p11_session &session, Login login)
{
    if (session.read_write()) {
        switch (login) {
        case Login::so:
            return CKS_RW_SO_FUNCTIONS;
        case Login::user:
            return CKS_RW_USER_FUNCTIONS;
        case Login::nobody:
            break;
        }
        return CKS_RW_PUBLIC_SESSION;
    }
    return login == Login::user ? CKS_RO_USER_FUNCTIONS : CKS_RO_PUBLIC_SESSION;
}

} // namespace

extern "C" {

CK_RV p11be_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication,
                          CK_NOTIFY Notify, CK_SESSION_HANDLE_PTR phSession)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    const p11_profile &prof = profile();
    const bool rw = (flags & CKF_RW_SESSION) != 0;
    (void)store_sync(nullptr); // other processes' changes (store_sync.h)

    // Create the session (and its application mutex) before taking the
    // library lock, so the lock is not held across an application callback.
    p11_session *session = new (std::nothrow) p11_session;
    if (session == nullptr) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = session->op_lock.create(lib.strategy);
    if (rv != CKR_OK) {
        delete session;
        return rv;
    }
    session->slot_id = slotID;
    session->flags = flags;
    session->application = pApplication;
    session->notify = Notify;

    {
        LockGuard guard(lib.lock);
        rv = guard.rv();
        if (rv == CKR_OK) {
            if (!lib.token.record.token_initialized) {
                rv = CKR_TOKEN_NOT_RECOGNIZED;
            } else if (!rw && lib.token.login == Login::so) {
                rv = CKR_SESSION_READ_WRITE_SO_EXISTS;
            } else if ((prof.max_sessions != 0 && lib.sessions.count() >= prof.max_sessions) ||
                       (rw && prof.max_rw_sessions != 0 && lib.sessions.rw_count() >= prof.max_rw_sessions)) {
                rv = CKR_SESSION_COUNT;
            } else {
                session->handle = g_next_handle.fetch_add(1, std::memory_order_relaxed);
                rv = lib.sessions.insert(session) ? CKR_OK : CKR_HOST_MEMORY;
            }
        }
        if (rv == CKR_OK) {
            *phSession = session->handle;
            return CKR_OK;
        }
    }
    delete session;
    return rv;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_CloseSession(p11_session *session)
P11_TRY {
    Library &lib = library();
    p11_session *removed = nullptr;
    {
        LockGuard guard(lib.lock);
        if (guard.rv() != CKR_OK) {
            return guard.rv();
        }
        removed = lib.sessions.remove(session->handle);
        if (removed == nullptr) {
            return CKR_SESSION_CLOSED; // another thread closed it during this call
        }
        removed->closed.store(true, std::memory_order_release);
        lib.objects.drop_session_objects(removed->handle);
        if (lib.sessions.count() == 0) {
            lib.token.login = Login::nobody; // the last session logs out
            lib.objects.seal_private_token_objects();
            held_token_key_set(nullptr);
        }
    }
    session_end_operations(removed);
    session_unref(removed); // the table's reference; the caller still holds its own
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_CloseAllSessions(CK_SLOT_ID slotID)
P11_TRY {
    if (slotID != kSlotId) {
        return CKR_SLOT_ID_INVALID;
    }
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    close_all_sessions_locked(lib);
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GetSessionInfo(p11_session *session, CK_SESSION_INFO_PTR pInfo)
P11_TRY {
    Library &lib = library();
    LockGuard guard(lib.lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    pInfo->slotID = session->slot_id;
    pInfo->state = session_state(*session, lib.token.login);
    pInfo->flags = session->flags;
    pInfo->ulDeviceError = 0;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
