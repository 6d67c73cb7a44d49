/* What other processes changed in a shared store, seen by a running process
 * (the PAL's change count and journal, core_pkcs11_pal_changes.h). Called at
 * the start of the calls that look objects up (C_OpenSession,
 * C_FindObjectsInit, C_SignInit, C_VerifyInit, C_GetAttributeValue,
 * C_GetObjectSize, C_CopyObject, C_SetAttributeValue, C_DestroyObject,
 * C_Login), before any lock: one atomic read when nothing changed. When the
 * count moved, under the library lock and the store lock:
 *  - the token record changed and names another initialization (another
 *    process's C_InitToken): every session of this process is closed
 *    (CKR_SESSION_HANDLE_INVALID), the login ends, every token object is
 *    read again;
 *  - else the object records the journal names are read again: objects
 *    another process created appear under new handles, changed ones keep
 *    their handle, destroyed ones are gone (CKR_OBJECT_HANDLE_INVALID,
 *    CKR_KEY_HANDLE_INVALID); a process further behind than the journal
 *    reads every record.
 * A PAL without a change count (a device port: one program owns the store)
 * costs nothing here. */
#ifndef P11_BACKEND_STORE_SYNC_H
#define P11_BACKEND_STORE_SYNC_H

#include "p11_backend_core.h"
#include "pkcs11.h"

namespace p11 {

// CKR_OK, or CKR_SESSION_HANDLE_INVALID when `session` (may be NULL) was
// closed because the token was initialized by another process.
CK_RV store_sync(p11_session *session);

// C_Initialize, before the store is read: what this process's memory
// reflects from now on.
void store_sync_start();

} // namespace p11

#endif // P11_BACKEND_STORE_SYNC_H
