/* General-purpose functions (C_Initialize, C_Finalize, C_GetInfo, the legacy
 * parallel-function calls) and the session acquire/release of
 * p11_backend_core.h. */
#include "backend_api.h"
#include "out_of_memory.h"
#include "core_pkcs11_pal.h"
#include "crypto/wolfcrypt_failure.h"
#include "library.h"
#include "padded_string.h"
#include "secrets/device_key.h"
#include "secrets/held_keys.h"
#include "store_sync.h"
#include "threading.h"
#include "version.h"

namespace p11 {

Library &library()
{
    // Never destroyed: threads or an application that skips C_Finalize may
    // still call in while static destructors run at exit.
    alignas(Library) static unsigned char storage[sizeof(Library)];
    static Library *instance = new (storage) Library;
    return *instance;
}

void close_all_sessions_locked(Library &lib)
{
    lib.sessions.drain([](p11_session *session) {
        session->closed.store(true, std::memory_order_release);
        session_end_operations(session);
        session_unref(session); // in-flight calls and thread caches keep it alive until they let go
    });
    lib.objects.drop_all_session_objects();
    // v2.40 §5.6: closing the last session logs the user out.
    lib.token.login = Login::nobody;
    lib.objects.seal_private_token_objects();
    held_token_key_set(nullptr);
}

namespace {

// v2.40 §5.4: application callbacks without CKF_OS_LOCKING_OK
// must be used; with the flag (or no callbacks) the OS primitives serve.
LockStrategy choose_strategy(const CK_C_INITIALIZE_ARGS *args)
{
    LockStrategy strategy;
    if (args != nullptr && args->CreateMutex != nullptr && (args->flags & CKF_OS_LOCKING_OK) == 0) {
        strategy.create = args->CreateMutex;
        strategy.destroy = args->DestroyMutex;
        strategy.lock = args->LockMutex;
        strategy.unlock = args->UnlockMutex;
    }
    return strategy;
}

void release_resources(Library &lib)
{
    lib.objects.stop();
    held_keys_stop();
    token_clear(&lib.token);
    if (lib.rng_ready) {
        wc_FreeRng(&lib.rng);
        lib.rng_ready = false;
    }
    lib.session_cache.store(false, std::memory_order_relaxed);
    lib.lock.destroy();
    lib.strategy = LockStrategy();
}

// The session a thread used last, with a reference of its own: most
// applications call on one session per thread, which p11be_session_acquire
// then finds without the library lock. The reference goes when the thread
// moves to another session or ends; a closed session's operations were
// ended at close (session_end_operations), so a cached closed one holds no
// keys.
struct ThreadSessionCache {
    p11_session *session = nullptr;

    void hold(p11_session *next)
    {
        p11_session *previous = session;
        session = next;
        if (previous != nullptr) {
            session_unref(previous);
        }
    }
    ~ThreadSessionCache() { hold(nullptr); }
};

// initial-exec: an offset from the thread pointer instead of a __tls_get_addr
// call on every PKCS #11 call (a few bytes of the static TLS glibc keeps for
// dlopened libraries).
#if P11_PORT_THREADS
thread_local ThreadSessionCache t_session_cache __attribute__((tls_model("initial-exec")));
#else
ThreadSessionCache t_session_cache; // one call at a time (threading.h)
#endif

// C_Initialize after the library is marked initializing: the lock, the RNG,
// the PAL, the token record and the objects.
CK_RV initialize(Library &lib, const CK_C_INITIALIZE_ARGS *args)
{
    LockStrategy strategy = choose_strategy(args);
    CK_RV rv = lib.lock.create(strategy);
    if (rv != CKR_OK) {
        return rv;
    }
    lib.strategy = strategy;
    lib.session_cache.store(!strategy.uses_app_callbacks(), std::memory_order_relaxed);
    const int drbg = wc_InitRng(&lib.rng);
    if (drbg != 0) {
        return wolfcrypt_failure(drbg);
    }
    lib.rng_ready = true;
    rv = PKCS11_PAL_Initialize();
    // v2.40 §5.4 lists no device codes for C_Initialize: a store that
    // cannot be opened (the PAL said why) is CKR_FUNCTION_FAILED.
    if (rv != CKR_OK) {
        return rv == CKR_HOST_MEMORY ? rv : CKR_FUNCTION_FAILED;
    }
    LockGuard guard(lib.lock);
    rv = guard.rv();
    if (rv == CKR_OK) {
        store_sync_start(); // before the store is read: what memory reflects
        rv = token_load(&lib.token, profile(), lib.rng);
    }
    if (rv == CKR_OK) {
        rv = sealing_rng_start();
    }
    if (rv == CKR_OK) {
        // Without it the token still works; what is bound to it cannot
        // be stored or read (reported, CKR_DEVICE_ERROR when it is used).
        // A full heap is not a missing key: C_Initialize fails and can be
        // tried again.
        SecretKey device_key;
        const CK_RV loaded = device_key_load(&lib.token, lib.rng, &device_key);
        if (loaded == CKR_HOST_MEMORY) {
            rv = loaded;
        } else {
            held_device_key_set(loaded == CKR_OK ? &device_key : nullptr);
        }
    }
    if (rv == CKR_OK) {
        // Token objects load in one pass, after the token record.
        rv = lib.objects.start(strategy);
    }
    return rv;
}

} // namespace

} // namespace p11

using namespace p11;

extern "C" {

CK_BBOOL p11be_initialized(void)
{
    return library_ready() ? CK_TRUE : CK_FALSE;
}

CK_RV p11be_session_acquire(CK_SESSION_HANDLE handle, p11_session **session)
P11_TRY {
    Library &lib = library();
    if (!library_ready()) {
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    // Fast path, no lock and no reference count: the session this thread
    // used last. The cache's own reference keeps it valid memory for the
    // whole call (only this thread drops it, and no call nests in another);
    // handles are never reused, and `closed` is set before a session leaves
    // the table.
    const bool use_cache = lib.session_cache.load(std::memory_order_relaxed);
    ThreadSessionCache &cache = t_session_cache;
    p11_session *cached = cache.session;
    if (use_cache && cached != nullptr && cached->handle == handle &&
        !cached->closed.load(std::memory_order_acquire)) {
        *session = cached;
        return CKR_OK;
    }
    p11_session *found = nullptr;
    {
        LockGuard guard(lib.lock);
        if (guard.rv() != CKR_OK) {
            return guard.rv();
        }
        found = lib.sessions.find(handle);
        if (found == nullptr) {
            return CKR_SESSION_HANDLE_INVALID;
        }
        session_ref(found); // the cache's, which the call shares; else the call's own
    }
    if (use_cache) {
        cache.hold(found);
    }
    *session = found;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

void p11be_session_release(p11_session *session)
{
    // The thread's cached session is held by the cache, not by the call.
    if (session != nullptr && session != t_session_cache.session) {
        session_unref(session);
    }
}

void p11be_session_end_operation(p11_session *session, p11_operation operation)
{
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return;
    }
    switch (operation) {
    case P11_OPERATION_DIGEST:
        digest_operation_end(session);
        break;
    case P11_OPERATION_SIGN:
        signature_operation_end(&session->sign);
        break;
    case P11_OPERATION_VERIFY:
        signature_operation_end(&session->verify);
        break;
    default:
        break; // the backend has no such operation: nothing is ever active
    }
}

CK_RV p11be_C_Initialize(CK_VOID_PTR pInitArgs)
{
    Library &lib = library();
    LibraryState expected = LibraryState::uninitialized;
    if (!lib.state.compare_exchange_strong(expected, LibraryState::initializing,
                                           std::memory_order_acq_rel)) {
        return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    }
    CK_RV rv;
#if defined(__cpp_exceptions)
    try {
        rv = initialize(lib, static_cast<const CK_C_INITIALIZE_ARGS *>(pInitArgs));
    } catch (const std::bad_alloc &) {
        rv = CKR_HOST_MEMORY; // and, as for any failure, back to uninitialized: a retry starts over
    }
#else
    rv = initialize(lib, static_cast<const CK_C_INITIALIZE_ARGS *>(pInitArgs));
#endif
    if (rv != CKR_OK) {
        release_resources(lib);
        lib.state.store(LibraryState::uninitialized, std::memory_order_release);
        return rv;
    }
    lib.state.store(LibraryState::ready, std::memory_order_release);
    return CKR_OK;
}

CK_RV p11be_C_Finalize(CK_VOID_PTR pReserved)
{
    (void)pReserved; // the entry point rejected non-NULL
    Library &lib = library();
    LibraryState expected = LibraryState::ready;
    if (!lib.state.compare_exchange_strong(expected, LibraryState::finalizing,
                                           std::memory_order_acq_rel)) {
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    P11_TRY {
        LockGuard guard(lib.lock);
        if (guard.rv() != CKR_OK) {
            lib.state.store(LibraryState::ready, std::memory_order_release);
            return guard.rv();
        }
        close_all_sessions_locked(lib);
    }
#if defined(__cpp_exceptions)
    catch (const std::bad_alloc &) {
        lib.state.store(LibraryState::ready, std::memory_order_release); // still usable; C_Finalize may be retried
        return CKR_HOST_MEMORY;
    }
#endif
    release_resources(lib);
    // This thread's cached session (on firmware the only cache) was closed
    // above: its memory goes now, not at the next C_Initialize's first call.
    t_session_cache.hold(nullptr);
    lib.state.store(LibraryState::uninitialized, std::memory_order_release);
    return CKR_OK;
}

CK_RV p11be_C_GetInfo(CK_INFO_PTR pInfo)
P11_TRY {
    pInfo->cryptokiVersion.major = 2;
    pInfo->cryptokiVersion.minor = 40;
    pad_copy(pInfo->manufacturerID, sizeof pInfo->manufacturerID, kManufacturer);
    pInfo->flags = 0;
    pad_copy(pInfo->libraryDescription, sizeof pInfo->libraryDescription, kLibraryDescription);
    pInfo->libraryVersion.major = kVersionMajor;
    pInfo->libraryVersion.minor = kVersionMinor;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

// v2.40 §5.16: legacy functions; a library without parallel execution
// answers CKR_FUNCTION_NOT_PARALLEL.
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
