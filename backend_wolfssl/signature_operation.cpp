/* Starting and ending signature operations: everything C_SignInit and
 * C_VerifyInit share. */
#include "signature_operation.h"

#include "library.h"
#include "mechanism_catalog.h"
#include "objects/object_store.h"
#include "session.h"

namespace p11 {

void signature_operation_end(SignatureOperation *op)
{
    sign_engine_free(op->engine);
    op->engine = nullptr;
    op->key.reset();
    op->multipart = false;
}

CK_RV signature_operation_start(p11_session *session, SignatureOperation *op, const CK_MECHANISM *mechanism,
                                CK_OBJECT_HANDLE key, SignPurpose purpose)
{
    if (op->active()) {
        return CKR_OPERATION_ACTIVE;
    }
    const CK_FLAGS use = purpose == SignPurpose::sign ? CKF_SIGN : CKF_VERIFY;
    CK_MECHANISM_INFO info;
    if (!mechanism_offered(profile(), mechanism->mechanism, &info) || (info.flags & use) == 0) {
        return CKR_MECHANISM_INVALID;
    }
    ObjectRef object;
    CK_RV rv = object_for_use(session, key, &object);
    if (rv == CKR_OBJECT_HANDLE_INVALID) {
        return CKR_KEY_HANDLE_INVALID; // v2.40 §5.11 C_SignInit names the key's code
    }
    if (rv != CKR_OK) {
        return rv;
    }
    const CK_ATTRIBUTE_TYPE permission = purpose == SignPurpose::sign ? CKA_SIGN : CKA_VERIFY;
    if (!object->attrs.bool_or(permission, false)) {
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    }
    if (object->klass != CKO_PRIVATE_KEY && object->klass != CKO_PUBLIC_KEY && object->klass != CKO_SECRET_KEY) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    WC_RNG *rng = nullptr;
    rv = session_rng(session, &rng);
    if (rv != CKR_OK) {
        return rv;
    }
    const CK_KEY_TYPE key_type = object->attrs.ulong_or(CKA_KEY_TYPE, CK_UNAVAILABLE_INFORMATION);
    // The engine borrows a parsed key from the object's pool; `object` (then
    // op->key) keeps the pool alive until sign_engine_free gives it back.
    rv = sign_engine_init(mechanism, key_type, object->klass, object->attrs, purpose, rng, &op->engine,
                          &object->parsed_keys);
    if (rv != CKR_OK) {
        op->engine = nullptr;
        return rv;
    }
    op->key = std::move(object);
    op->multipart = false;
    return CKR_OK;
}

} // namespace p11
