/* The part of the backend contract every generated entry point uses, whatever
 * the profile: is the library initialized, and turning a session handle into
 * a session the backend keeps alive until it is released. The per-function
 * calls are declared in generated/<profile>/p11_backend.h.
 *
 * Why acquire/release: v2.40 §5.1.7 ranks session-handle errors above the
 * argument errors of §5.1.6, so the entry point resolves the session first;
 * passing the resolved session on means one lookup per call, and the
 * reference keeps the session alive if another thread closes it meanwhile. */
#ifndef P11_BACKEND_CORE_H
#define P11_BACKEND_CORE_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct p11_session p11_session; /* opaque, owned by the backend */

/* CK_TRUE between a successful C_Initialize and C_Finalize. */
CK_BBOOL p11be_initialized(void);

/* CKR_OK and a referenced session, or CKR_SESSION_HANDLE_INVALID
 * (CKR_CRYPTOKI_NOT_INITIALIZED when the library is not initialized). */
CK_RV p11be_session_acquire(CK_SESSION_HANDLE handle, p11_session **session);

/* Drops the reference taken by p11be_session_acquire; NULL is ignored. */
void p11be_session_release(p11_session *session);

/* The operations a failing call ends (spec/rules.yaml error_ends). */
typedef enum p11_operation {
    P11_OPERATION_DIGEST,
    P11_OPERATION_SIGN,
    P11_OPERATION_VERIFY,
    P11_OPERATION_ENCRYPT,
    P11_OPERATION_DECRYPT,
    P11_OPERATION_SIGN_RECOVER,
    P11_OPERATION_VERIFY_RECOVER
} p11_operation;

/* Ends the session's active operation of that kind, if any: v2.40 says a
 * C_Digest, C_Sign, C_Verify, ... that fails (other than CKR_BUFFER_TOO_SMALL)
 * terminates the operation, also when the entry point found the arguments bad. */
void p11be_session_end_operation(p11_session *session, p11_operation operation);

#ifdef __cplusplus
}
#endif

#endif /* P11_BACKEND_CORE_H */
