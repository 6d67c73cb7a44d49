/* The port layer: everything p11forge needs from its platform besides the
 * PAL (core_pkcs11_pal.h). A platform supplies these functions once; no
 * other file of the backend or the PALs includes an OS header.
 *   port/host/       Linux and other POSIX hosts (pthreads, malloc, getrandom, stderr)
 *   port/baremetal/  one thread, no OS (newlib's malloc); the application
 *                    supplies p11_port_entropy and p11_port_log
 * docs/firmware.md maps each function onto FreeRTOS. */
#ifndef P11_PORT_H
#define P11_PORT_H

#include <stddef.h>

/* 1 (hosts): calls may run in parallel; the C++ library's reference counts
 * and thread-local storage work. 0 (firmware builds, set by CMake): the C
 * library has neither (newlib's libstdc++ is built without threads, so
 * std::shared_ptr counts are not atomic), so every PKCS #11 call runs alone,
 * between p11_port_api_enter and p11_port_api_leave. */
#ifndef P11_PORT_THREADS
#define P11_PORT_THREADS 1
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A non-recursive mutex. create answers NULL when out of memory; lock waits
 * as long as it takes. */
struct p11_port_mutex;
struct p11_port_mutex *p11_port_mutex_create(void);
void p11_port_mutex_lock(struct p11_port_mutex *mutex);
void p11_port_mutex_unlock(struct p11_port_mutex *mutex);
void p11_port_mutex_free(struct p11_port_mutex *mutex);

/* With P11_PORT_THREADS 0: held for the whole of each PKCS #11 call (usable
 * before C_Initialize, so its storage is static). Unused otherwise. */
void p11_port_api_enter(void);
void p11_port_api_leave(void);

/* Memory for wolfCrypt (its XMALLOC and XFREE) and the PALs. NULL when
 * exhausted: callers answer CKR_HOST_MEMORY. No realloc: FreeRTOS's heaps
 * have none. (The backend's C++ containers use operator new, which firmware
 * maps onto the C library's malloc: docs/firmware.md.) */
void *p11_port_malloc(size_t size);
void p11_port_free(void *block);

/* How many p11_port_malloc calls answered NULL since start (wrapping is
 * fine: only changes are compared). A PAL function that could not allocate
 * answers only CK_INVALID_HANDLE or a failure, like a broken flash; a call
 * during which this count moved failed for want of memory, and the token
 * answers CKR_HOST_MEMORY instead of CKR_DEVICE_ERROR (a retry may succeed). */
unsigned long p11_port_heap_refusals(void);

/* Fills out with len bytes from a true entropy source (a TRNG, the OS): the
 * seed of every DRBG in the token. 0 on success; anything else fails the
 * seeding, and with it C_Initialize. */
int p11_port_entropy(unsigned char *out, size_t len);

/* One line of diagnostics (no newline): a damaged record skipped, a store
 * that could not be written. The host port prints it to stderr. */
void p11_port_log(const char *message);

#ifdef __cplusplus
}
#endif

#endif /* P11_PORT_H */
