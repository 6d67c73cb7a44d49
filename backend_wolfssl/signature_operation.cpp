/* Starting and ending signature operations: everything C_SignInit and
 * C_VerifyInit share. */
#include "signature_operation.h"

#include <cstring>

#include "crypto/ec_params.h"
#include "crypto/key_loading.h"
#include "library.h"
#include "mechanism_catalog.h"
#include "objects/object_store.h"
#include "session.h"

namespace p11 {

namespace {

// v2.40 §4.7: an empty or absent list puts no restriction.
bool mechanism_allowed(const AttributeSet &key, CK_MECHANISM_TYPE mechanism)
{
    const ByteView *list = key.get(CKA_ALLOWED_MECHANISMS);
    if (list == nullptr || list->empty()) {
        return true;
    }
    for (std::size_t at = 0; at + sizeof(CK_MECHANISM_TYPE) <= list->size(); at += sizeof(CK_MECHANISM_TYPE)) {
        CK_MECHANISM_TYPE allowed;
        std::memcpy(&allowed, list->data() + at, sizeof allowed);
        if (allowed == mechanism) {
            return true;
        }
    }
    return false;
}

// The key's size in C_GetMechanismInfo's unit: curve bits, modulus bits, or
// bytes of a secret. False when the key has none of these.
bool key_size(const AttributeSet &key, CK_KEY_TYPE key_type, CK_ULONG *size)
{
    if (key_type == CKK_EC) {
        const ByteView *params = key.get(CKA_EC_PARAMS);
        const EcCurve *curve = params != nullptr ? ec_curve_from_params(*params) : nullptr;
        if (curve == nullptr) {
            return false;
        }
        *size = curve->bits;
        return true;
    }
    const ByteView *value = key.get(key_type == CKK_RSA ? CKA_MODULUS : CKA_VALUE);
    if (value == nullptr) {
        return false;
    }
    *size = key_type == CKK_RSA ? big_endian_bits(value->data(), value->size()) : value->size();
    return true;
}

bool size_in_range(const CK_MECHANISM_INFO &info, CK_ULONG size)
{
    return info.ulMaxKeySize == 0 || (size >= info.ulMinKeySize && size <= info.ulMaxKeySize);
}

} // namespace

void signature_operation_end(SignatureOperation *op)
{
    sign_engine_free(op->engine);
    op->engine = nullptr;
    op->key.reset();
    op->multipart = false;
    op->single_part = false;
    op->needs_context_login = false;
    op->context_login_done = false;
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
    // v2.40 §5.1.6: CKR_KEY_TYPE_INCONSISTENT "has a higher priority than
    // CKR_KEY_FUNCTION_NOT_PERMITTED": an object that is no key (it has no
    // CKA_SIGN or CKA_VERIFY at all), or a key of another type, is told so.
    const CK_KEY_TYPE key_type = object->attrs.ulong_or(CKA_KEY_TYPE, CK_UNAVAILABLE_INFORMATION);
    if (object->klass != CKO_PRIVATE_KEY && object->klass != CKO_PUBLIC_KEY && object->klass != CKO_SECRET_KEY) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    if (!sign_key_fits(mechanism->mechanism, key_type, object->klass, purpose)) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    const CK_ATTRIBUTE_TYPE permission = purpose == SignPurpose::sign ? CKA_SIGN : CKA_VERIFY;
    if (!object->attrs.bool_or(permission, false)) {
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    }
    if (!mechanism_allowed(object->attrs, mechanism->mechanism)) {
        return CKR_MECHANISM_INVALID;
    }
    WC_RNG *rng = nullptr;
    rv = session_rng(session, &rng);
    if (rv != CKR_OK) {
        return rv;
    }
    // The engine borrows a parsed key from the object's pool; `object` (then
    // op->key) keeps the pool alive until sign_engine_free gives it back.
    rv = sign_engine_init(mechanism, key_type, object->klass, object->attrs, purpose, rng, &op->engine,
                          &object->parsed_keys);
    if (rv != CKR_OK) {
        op->engine = nullptr;
        return rv;
    }
    // After the engine, which has checked that key and mechanism fit.
    CK_ULONG size = 0;
    if (!key_size(object->attrs, key_type, &size) || !size_in_range(info, size)) {
        sign_engine_free(op->engine);
        op->engine = nullptr;
        return CKR_KEY_SIZE_RANGE;
    }
    op->needs_context_login = purpose == SignPurpose::sign && object->klass == CKO_PRIVATE_KEY &&
                              object->attrs.bool_or(CKA_ALWAYS_AUTHENTICATE, false);
    op->context_login_done = false;
    op->key = std::move(object);
    op->multipart = false;
    op->single_part = false;
    return CKR_OK;
}

} // namespace p11
