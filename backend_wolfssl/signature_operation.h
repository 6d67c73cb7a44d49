/* The state of one C_SignInit .. C_SignFinal (or C_VerifyInit ..
 * C_VerifyFinal) on a session: the engine, the key it was made from (held so
 * a concurrent C_DestroyObject cannot pull it away), and whether C_SignUpdate
 * started a multi-part run (then C_Sign may no longer end it). */
#ifndef P11_BACKEND_SIGNATURE_OPERATION_H
#define P11_BACKEND_SIGNATURE_OPERATION_H

#include "crypto/sign_engine.h"
#include "objects/object.h"
#include "pkcs11.h"

struct p11_session;

namespace p11 {

struct SignatureOperation {
    SignEngine *engine = nullptr;
    ObjectRef key;
    bool multipart = false;   // C_SignUpdate / C_SignFinal used it (then C_Sign may not)
    bool single_part = false; // a C_Sign length query used it (then Update/Final may not)
    // CKA_ALWAYS_AUTHENTICATE (v2.40 §4.9): the key wants C_Login(CKU_CONTEXT_SPECIFIC)
    // between C_SignInit and its use, once per operation.
    bool needs_context_login = false;
    bool context_login_done = false;

    bool active() const { return engine != nullptr; }
    // The key may be used now (a length query does not use it).
    bool key_use_allowed() const { return !needs_context_login || context_login_done; }
};

// Frees the engine (wiping it) and forgets the key.
void signature_operation_end(SignatureOperation *op);

// C_SignInit / C_VerifyInit on `op` (the session's op_lock is held):
// CKR_OPERATION_ACTIVE, CKR_MECHANISM_INVALID (not offered for the purpose,
// or not in the key's non-empty CKA_ALLOWED_MECHANISMS), CKR_KEY_HANDLE_INVALID,
// CKR_KEY_FUNCTION_NOT_PERMITTED (CKA_SIGN / CKA_VERIFY false),
// CKR_KEY_SIZE_RANGE (outside the range C_GetMechanismInfo reports), and the
// engine's codes.
CK_RV signature_operation_start(p11_session *session, SignatureOperation *op, const CK_MECHANISM *mechanism,
                                CK_OBJECT_HANDLE key, SignPurpose purpose);

} // namespace p11

#endif // P11_BACKEND_SIGNATURE_OPERATION_H
