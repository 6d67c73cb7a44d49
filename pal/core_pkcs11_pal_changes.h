/* Optional PAL extension: what other processes changed in a shared store.
 *
 * A store that several processes open (the POSIX files) keeps a count of
 * every save and destroy, and a short journal of the labels they touched.
 * The backend reads the count on every lookup (it must cost nanoseconds, not
 * a file read) and, when it moved, reloads only the records named since its
 * last look, so a running application sees keys other processes created,
 * changed or destroyed. A device port, where one program owns the store,
 * leaves both out (weak, as in core_pkcs11_pal_lock.h); both must then be
 * absent. Define them in a file the program links anyway (a weak reference
 * does not pull an object out of a static library). */
#ifndef CORE_PKCS11_PAL_CHANGES_H
#define CORE_PKCS11_PAL_CHANGES_H

#include <stdint.h>

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define P11_PAL_CHANGES_OPTIONAL __attribute__((weak))
#else
#define P11_PAL_CHANGES_OPTIONAL
#endif

/* The number of successful PKCS11_PAL_SaveObject and PKCS11_PAL_DestroyObject
 * calls made on this store so far, by every process sharing it. No lock
 * needed; CKR_OK, or CKR_DEVICE_ERROR when the PAL cannot tell (the caller
 * then assumes nothing changed). */
CK_RV PKCS11_PAL_ChangeCount(uint64_t *count) P11_PAL_CHANGES_OPTIONAL;

typedef void (*p11_pal_change_visitor)(const CK_BYTE *label, CK_ULONG label_len, void *context);

/* Calls visit for the label of every change numbered above `since` (a label
 * may come more than once), with the store lock held by the caller
 * (PKCS11_PAL_LockStore), and sets *now to the current count. CKR_OK;
 * CKR_DATA_LEN_RANGE when the journal no longer reaches back to `since`
 * (nothing visited: the caller re-reads the whole store). */
CK_RV PKCS11_PAL_ChangesSince(uint64_t since, p11_pal_change_visitor visit, void *context,
                              uint64_t *now) P11_PAL_CHANGES_OPTIONAL;

#ifdef __cplusplus
}
#endif

#endif /* CORE_PKCS11_PAL_CHANGES_H */
