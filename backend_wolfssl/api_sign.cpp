/* Signing and MACing (v2.40 §5.11) and verifying (§5.12) through the crypto
 * engines. Operation state per spec: a second Init is CKR_OPERATION_ACTIVE,
 * a call without one CKR_OPERATION_NOT_INITIALIZED; the §5.2 output
 * convention (NULL buffer: length only; too small: CKR_BUFFER_TOO_SMALL)
 * keeps the operation, any other result ends it; C_Sign / C_Verify cannot end
 * a run C_SignUpdate / C_VerifyUpdate started, nor C_SignUpdate / C_SignFinal
 * continue one a C_Sign length query started (CKR_OPERATION_ACTIVE, the run
 * ends). A key with CKA_ALWAYS_AUTHENTICATE signs only after
 * C_Login(CKU_CONTEXT_SPECIFIC) (else CKR_USER_NOT_LOGGED_IN, the run ends). C_SignRecover and
 * C_VerifyRecover are not offered (no mechanism here recovers data). */
#include "backend_api.h"
#include "out_of_memory.h"
#include "library.h"
#include "session.h"
#include "signature_operation.h"
#include "store_sync.h"

using namespace p11;

namespace {

// The §5.2 convention: CKR_OK with *query set when only the length was asked.
CK_RV check_output(const SignatureOperation &op, CK_BYTE_PTR out, CK_ULONG_PTR out_len, bool *query)
{
    const CK_ULONG needed = sign_engine_signature_length(op.engine);
    *query = out == nullptr;
    if (*query) {
        *out_len = needed;
        return CKR_OK;
    }
    if (*out_len < needed) {
        *out_len = needed;
        return CKR_BUFFER_TOO_SMALL;
    }
    return CKR_OK;
}

// Runs `body` with the session's operation lock held and `op` active.
template <typename Body> CK_RV with_operation(p11_session *session, SignatureOperation p11_session::*member, Body body)
{
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    SignatureOperation &op = session->*member;
    if (!op.active()) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    return body(op);
}

// A C_Sign length query made this a single-part run: ends it (v2.40 §5.11).
bool refuse_multi_part(SignatureOperation &op)
{
    if (op.single_part) {
        signature_operation_end(&op);
        return true;
    }
    return false;
}

// CKA_ALWAYS_AUTHENTICATE without C_Login(CKU_CONTEXT_SPECIFIC): the operation ends.
bool refuse_key_use(SignatureOperation &op)
{
    if (!op.key_use_allowed()) {
        signature_operation_end(&op);
        return true;
    }
    return false;
}

CK_RV update(SignatureOperation &op, CK_BYTE_PTR part, CK_ULONG part_len)
{
    if (refuse_multi_part(op)) {
        return CKR_OPERATION_ACTIVE;
    }
    if (refuse_key_use(op)) {
        return CKR_USER_NOT_LOGGED_IN;
    }
    CK_RV rv = sign_engine_update(op.engine, part, part_len);
    if (rv != CKR_OK) {
        signature_operation_end(&op);
        return rv;
    }
    op.multipart = true;
    return CKR_OK;
}

} // namespace

extern "C" {

CK_RV p11be_C_SignInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    return signature_operation_start(session, &session->sign, pMechanism, hKey, SignPurpose::sign);
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_Sign(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
                   CK_ULONG_PTR pulSignatureLen)
P11_TRY {
    return with_operation(session, &p11_session::sign, [&](SignatureOperation &op) {
        if (op.multipart) {
            signature_operation_end(&op); // mixing one-shot and multi-part ends the run
            return static_cast<CK_RV>(CKR_OPERATION_ACTIVE);
        }
        op.single_part = true;
        bool query = false;
        CK_RV rv = check_output(op, pSignature, pulSignatureLen, &query);
        if (query && (profile().deviations & P11_DEVIATION_SIGN_LENGTH_QUERY_ENDS_OPERATION) != 0) {
            signature_operation_end(&op); // corePKCS11's behaviour, declared by the profile
        }
        if (rv != CKR_OK || query) {
            return rv;
        }
        if (refuse_key_use(op)) {
            return static_cast<CK_RV>(CKR_USER_NOT_LOGGED_IN);
        }
        rv = sign_engine_sign(op.engine, pData, ulDataLen, pSignature, pulSignatureLen);
        signature_operation_end(&op);
        return rv;
    });
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_SignUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
P11_TRY {
    return with_operation(session, &p11_session::sign,
                          [&](SignatureOperation &op) { return update(op, pPart, ulPartLen); });
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_SignFinal(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
P11_TRY {
    return with_operation(session, &p11_session::sign, [&](SignatureOperation &op) {
        if (refuse_multi_part(op)) {
            return static_cast<CK_RV>(CKR_OPERATION_ACTIVE);
        }
        op.multipart = true;
        bool query = false;
        CK_RV rv = check_output(op, pSignature, pulSignatureLen, &query);
        if (rv != CKR_OK || query) {
            return rv;
        }
        if (refuse_key_use(op)) {
            return static_cast<CK_RV>(CKR_USER_NOT_LOGGED_IN);
        }
        rv = sign_engine_sign_final(op.engine, pSignature, pulSignatureLen);
        signature_operation_end(&op);
        return rv;
    });
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_VerifyInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    return signature_operation_start(session, &session->verify, pMechanism, hKey, SignPurpose::verify);
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_Verify(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen, CK_BYTE_PTR pSignature,
                     CK_ULONG ulSignatureLen)
P11_TRY {
    return with_operation(session, &p11_session::verify, [&](SignatureOperation &op) {
        if (op.multipart) {
            signature_operation_end(&op); // mixing one-shot and multi-part ends the run
            return static_cast<CK_RV>(CKR_OPERATION_ACTIVE);
        }
        CK_RV rv = sign_engine_verify(op.engine, pData, ulDataLen, pSignature, ulSignatureLen);
        signature_operation_end(&op);
        return rv;
    });
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_VerifyUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
P11_TRY {
    return with_operation(session, &p11_session::verify,
                          [&](SignatureOperation &op) { return update(op, pPart, ulPartLen); });
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_VerifyFinal(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
P11_TRY {
    return with_operation(session, &p11_session::verify, [&](SignatureOperation &op) {
        CK_RV rv = sign_engine_verify_final(op.engine, pSignature, ulSignatureLen);
        signature_operation_end(&op);
        return rv;
    });
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
