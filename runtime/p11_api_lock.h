/* Where a generated entry point's backend calls begin and end. Hosts run
 * PKCS #11 calls in parallel and these are empty. Firmware ports
 * (P11_PORT_THREADS 0, port/p11_port.h) have no atomic reference counts in
 * their C++ library, so each call holds the port's API lock from its first
 * backend call to its last; the stateless argument checks stay outside. */
#ifndef P11_API_LOCK_H
#define P11_API_LOCK_H

#include "p11_port.h"

#if P11_PORT_THREADS
#define P11_API_ENTER() ((void)0)
#define P11_API_LEAVE() ((void)0)
#else
#define P11_API_ENTER() p11_port_api_enter()
#define P11_API_LEAVE() p11_port_api_leave()
#endif

#endif /* P11_API_LOCK_H */
