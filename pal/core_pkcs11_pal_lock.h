/* Optional PAL extension: hold the store for a sequence of PAL calls.
 *
 * The six seed functions make each save or destroy atomic, but the backend's
 * index record is read, changed and written back; two processes doing that at
 * once could each drop the other's new object. A PAL whose store can be
 * shared (the POSIX files) defines these two functions; the backend calls
 * them around "re-read index, write records, write index". They are declared
 * weak, so a PAL that does not define them (a device port, where only one
 * program owns the flash) still links, and the backend skips the calls.
 *
 * Lock/unlock pairs may nest in one thread. PKCS11_PAL_SaveObject and
 * PKCS11_PAL_DestroyObject take the same lock themselves, so calling them
 * while holding it is allowed. */
#ifndef CORE_PKCS11_PAL_LOCK_H
#define CORE_PKCS11_PAL_LOCK_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define P11_PAL_OPTIONAL __attribute__((weak))
#else
#define P11_PAL_OPTIONAL
#endif

/* Waits until this process holds the store exclusively. CKR_OK, or
 * CKR_DEVICE_ERROR when the lock cannot be taken (the caller must not write
 * then). */
CK_RV PKCS11_PAL_LockStore(void) P11_PAL_OPTIONAL;

/* Releases one PKCS11_PAL_LockStore that returned CKR_OK. */
void PKCS11_PAL_UnlockStore(void) P11_PAL_OPTIONAL;

#ifdef __cplusplus
}
#endif

#endif /* CORE_PKCS11_PAL_LOCK_H */
