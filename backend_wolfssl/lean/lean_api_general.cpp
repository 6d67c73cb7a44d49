/* C_Initialize, C_Finalize, C_GetInfo, the legacy parallel-function calls and
 * the session contract of runtime/p11_backend_core.h, for the lean backend
 * (lean_library.h). Every call holds the port's API lock (the entry points
 * take it), so the state needs no lock of its own. */
#include "core_pkcs11_pal.h"
#include "lean/lean_api_lock.h"
#include "lean/lean_library.h"
#include "p11_api_lock.h"
#include "p11_backend.h"
#include "p11_backend_core.h"
#include "p11_port.h"
#include "p11_profile.h"
#include "padded_string.h"
#include "secure_wipe.h"
#include "version.h"

#if P11_PORT_THREADS
#error "the lean backend runs one call at a time: build it and its entry points with P11_PORT_THREADS 0"
#endif

namespace p11::lean {

namespace {

#if P11_LEAN_SIGNS
constexpr char kLeanDescription[] = "p11forge lean sign backend";
#else
constexpr char kLeanDescription[] = "p11forge lean verify backend";
#endif
// A profile without a session limit: this many at a time.
constexpr CK_ULONG kDefaultSessionSlots = 16;

void release(Library &lib)
{
    if (lib.sessions != nullptr) {
        for (CK_ULONG i = 0; i < lib.session_slots; ++i) {
            if (lib.sessions[i] != nullptr) {
                session_close(lib, lib.sessions[i]);
            }
        }
        p11_port_free(lib.sessions);
    }
#if P11_LEAN_RANDOM
    random_stop(lib);
#endif
    secure_wipe(&lib.record, sizeof lib.record);
    lib = Library();
}

std::atomic<bool> g_initialized{false};

} // namespace

Library &library()
{
    static Library instance;
    return instance;
}

bool initialized()
{
    return g_initialized.load(std::memory_order_acquire);
}

} // namespace p11::lean

using namespace p11;
using namespace p11::lean;

extern "C" {

CK_BBOOL p11be_initialized(void)
{
    return initialized() ? CK_TRUE : CK_FALSE;
}

CK_RV p11be_session_acquire(CK_SESSION_HANDLE handle, p11_session **session)
{
    Library &lib = library();
    if (!initialized()) {
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    for (CK_ULONG i = 0; handle != CK_INVALID_HANDLE && i < lib.session_slots; ++i) {
        if (lib.sessions[i] != nullptr && lib.sessions[i]->handle == handle) {
            *session = lib.sessions[i];
            return CKR_OK;
        }
    }
    return CKR_SESSION_HANDLE_INVALID;
}

void p11be_session_release(p11_session *session)
{
    (void)session; // the call held the API lock: nobody closed it meanwhile
}

void p11be_session_end_operation(p11_session *session, p11_operation operation)
{
    if (operation == P11_OPERATION_DIGEST) {
        digest_end(session->digest);
    } else if (operation == P11_OPERATION_VERIFY) {
        verify_end(session->verify);
    }
#if P11_LEAN_SIGNS
    if (operation == P11_OPERATION_SIGN) {
        sign_end(session->sign);
    }
#endif
}

CK_RV p11be_C_Initialize(CK_VOID_PTR pInitArgs)
{
    Library &lib = library();
    if (initialized()) {
        return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    }
    const CK_ULONG limit = p11_active_profile.max_sessions;
    lib.session_slots = limit != 0 ? limit : kDefaultSessionSlots;
    lib.sessions = static_cast<p11_session **>(p11_port_malloc(lib.session_slots * sizeof(p11_session *)));
    if (lib.sessions == nullptr) {
        lib = Library();
        return CKR_HOST_MEMORY;
    }
    for (CK_ULONG i = 0; i < lib.session_slots; ++i) {
        lib.sessions[i] = nullptr;
    }
    const CK_RV rv = PKCS11_PAL_Initialize();
    if (rv != CKR_OK) {
        release(lib);
        return rv == CKR_HOST_MEMORY ? rv : CKR_FUNCTION_FAILED; // §5.4 names no device codes
    }
    // v2.40 §5.4: application callbacks without CKF_OS_LOCKING_OK must be
    // used (with the flag, the port's lock serves alone).
    const auto *args = static_cast<const CK_C_INITIALIZE_ARGS *>(pInitArgs);
    if (args != nullptr && args->CreateMutex != nullptr && (args->flags & CKF_OS_LOCKING_OK) == 0) {
        const CK_RV locked = app_lock_start(*args);
        if (locked != CKR_OK) {
            release(lib);
            return locked;
        }
    }
    token_read(lib);
#if P11_LEAN_RANDOM
    const CK_RV seeded = random_start(lib);
    if (seeded != CKR_OK) {
        release(lib);
        return seeded;
    }
#endif
    g_initialized.store(true, std::memory_order_release);
    return CKR_OK;
}

CK_RV p11be_C_Finalize(CK_VOID_PTR pReserved)
{
    (void)pReserved; // the entry point rejected non-NULL
    Library &lib = library();
    if (!initialized()) {
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    g_initialized.store(false, std::memory_order_release);
    release(lib);
    app_lock_stop();
    return CKR_OK;
}

CK_RV p11be_C_GetInfo(CK_INFO_PTR pInfo)
{
    pInfo->cryptokiVersion.major = 2;
    pInfo->cryptokiVersion.minor = 40;
    pad_copy(pInfo->manufacturerID, sizeof pInfo->manufacturerID, kManufacturer);
    pInfo->flags = 0;
    pad_copy(pInfo->libraryDescription, sizeof pInfo->libraryDescription, kLeanDescription);
    pInfo->libraryVersion.major = kVersionMajor;
    pInfo->libraryVersion.minor = kVersionMinor;
    return CKR_OK;
}

// v2.40 §5.16: legacy functions; without parallel execution the answer is
// CKR_FUNCTION_NOT_PARALLEL.
CK_RV p11be_C_GetFunctionStatus(p11_session *session)
{
    (void)session;
    return CKR_FUNCTION_NOT_PARALLEL;
}

CK_RV p11be_C_CancelFunction(p11_session *session)
{
    (void)session;
    return CKR_FUNCTION_NOT_PARALLEL;
}

} // extern "C"
