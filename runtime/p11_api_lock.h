/* Where a generated entry point's backend calls begin and end. Hosts run
 * PKCS #11 calls in parallel and these do nothing. Firmware ports
 * (P11_PORT_THREADS 0, port/p11_port.h) have no atomic reference counts in
 * their C++ library, so each call holds the port's API lock from its first
 * backend call to its last; the stateless argument checks stay outside.
 * P11_API_LEAVE(rv) gives the call's answer: on firmware a failure during
 * which the port's heap refused an allocation is CKR_HOST_MEMORY (the PAL
 * and wolfCrypt can only say "failed"; calls run one at a time there, so the
 * refusal was this call's). */
#ifndef P11_API_LOCK_H
#define P11_API_LOCK_H

#include "pkcs11.h"
#include "p11_port.h"

#if P11_PORT_THREADS
#define P11_API_ENTER() ((void)0)
#define P11_API_LEAVE(rv) (rv)
#else
#ifdef __cplusplus
extern "C" {
#endif
void p11_api_enter(void);
CK_RV p11_api_leave(CK_RV rv);
#ifdef __cplusplus
}
#endif
#define P11_API_ENTER() p11_api_enter()
#define P11_API_LEAVE(rv) p11_api_leave(rv)
#endif

#endif /* P11_API_LOCK_H */
