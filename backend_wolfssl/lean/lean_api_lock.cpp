/* runtime/p11_api_lock.h for the lean backend: each PKCS #11 call holds the
 * port's API lock and, when C_Initialize was given mutex callbacks without
 * CKF_OS_LOCKING_OK (v2.40 §5.4: the library must then lock through them),
 * the application's mutex as well. A failure during which the port's heap
 * refused an allocation is answered as the full heap it was. */
#include "lean/lean_api_lock.h"

#include "p11_api_lock.h"

namespace p11::lean {

namespace {

// Under the port's API lock.
struct AppLock {
    CK_C_INITIALIZE_ARGS callbacks{};
    void *mutex = nullptr;
    void *held = nullptr;       // what this call locked
    bool destroy_at_leave = false;
};

AppLock g_app;
unsigned long g_refusals_at_enter;

} // namespace

CK_RV app_lock_start(const CK_C_INITIALIZE_ARGS &args)
{
    void *mutex = nullptr;
    const CK_RV rv = args.CreateMutex(&mutex);
    if (rv != CKR_OK) {
        return rv;
    }
    g_app.callbacks = args;
    g_app.mutex = mutex;
    g_app.destroy_at_leave = false;
    return CKR_OK;
}

void app_lock_stop()
{
    g_app.destroy_at_leave = g_app.mutex != nullptr;
}

} // namespace p11::lean

using p11::lean::g_app;
using p11::lean::g_refusals_at_enter;

extern "C" void p11_api_enter(void)
{
    p11_port_api_enter();
    g_refusals_at_enter = p11_port_heap_refusals();
    g_app.held = nullptr;
    if (g_app.mutex != nullptr && g_app.callbacks.LockMutex(g_app.mutex) == CKR_OK) {
        g_app.held = g_app.mutex;
    }
}

extern "C" CK_RV p11_api_leave(CK_RV rv)
{
    if (g_app.held != nullptr) {
        g_app.callbacks.UnlockMutex(g_app.held);
        g_app.held = nullptr;
    }
    if (g_app.destroy_at_leave) {
        // C_Finalize: the application's mutex goes back to it.
        g_app.callbacks.DestroyMutex(g_app.mutex);
        g_app = p11::lean::AppLock();
    }
    // The two answers a PAL or wolfCrypt short of memory turn into.
    if ((rv == CKR_DEVICE_ERROR || rv == CKR_FUNCTION_FAILED) && p11_port_heap_refusals() != g_refusals_at_enter) {
        rv = CKR_HOST_MEMORY;
    }
    p11_port_api_leave();
    return rv;
}
