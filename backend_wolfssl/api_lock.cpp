/* The firmware side of runtime/p11_api_lock.h: one PKCS #11 call at a time,
 * and a failure during which the heap refused an allocation answered as the
 * full heap it was. Nothing on hosts (P11_PORT_THREADS 1). */
#include "p11_api_lock.h"

#if !P11_PORT_THREADS

namespace {

unsigned long g_refusals_at_enter; // under the API lock

} // namespace

extern "C" void p11_api_enter(void)
{
    p11_port_api_enter();
    g_refusals_at_enter = p11_port_heap_refusals();
}

extern "C" CK_RV p11_api_leave(CK_RV rv)
{
    // The two answers a PAL or wolfCrypt short of memory turn into.
    if ((rv == CKR_DEVICE_ERROR || rv == CKR_FUNCTION_FAILED) && p11_port_heap_refusals() != g_refusals_at_enter) {
        rv = CKR_HOST_MEMORY;
    }
    p11_port_api_leave();
    return rv;
}

#endif
