/* Object management (v2.40 §5.7): C_CreateObject, C_CopyObject,
 * C_DestroyObject, C_GetObjectSize, C_GetAttributeValue, C_SetAttributeValue.
 * The attribute tables (attribute_rules.h) decide what a template may say;
 * the store (object_store.h) decides who may see and change what. */
#include <new>
#include <cstring>
#include <utility>
#include <vector>

#include "backend_api.h"
#include "out_of_memory.h"
#include "crypto/key_check.h"
#include "library.h"
#include "objects/attribute_rules.h"
#include "objects/object_codec.h"
#include "objects/object_store.h"
#include "store_sync.h"

using namespace p11;

namespace {

CK_RV add_one(p11_session *session, Login login, AttributeSet attrs, CK_OBJECT_HANDLE *handle)
{
    std::vector<AttributeSet> objects;
    objects.push_back(std::move(attrs));
    return library().objects.add(session, login, std::move(objects), handle);
}

} // namespace

extern "C" {

CK_RV p11be_C_CreateObject(p11_session *session, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                           CK_OBJECT_HANDLE_PTR phObject)
P11_TRY {
    AttributeSet attrs;
    CK_RV rv = build_object(pTemplate, ulCount, ObjectOrigin::create, kNotImplied, kNotImplied, &attrs);
    if (rv != CKR_OK) {
        return rv;
    }
    // A key the token holds is a valid key: refused here, never at first use.
    rv = check_key_material(attrs.ulong_or(CKA_CLASS, CK_UNAVAILABLE_INFORMATION),
                            attrs.ulong_or(CKA_KEY_TYPE, CK_UNAVAILABLE_INFORMATION), attrs);
    if (rv != CKR_OK) {
        return rv;
    }
    const Login login = current_login();
    if (template_needs_so(pTemplate, ulCount) && login != Login::so) {
        return CKR_ATTRIBUTE_READ_ONLY; // v2.40 Table 10 footnote 10
    }
    return add_one(session, login, std::move(attrs), phObject);
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_CopyObject(p11_session *session, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                         CK_OBJECT_HANDLE_PTR phNewObject)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    const Login login = current_login();
    ObjectRef original = library().objects.lookup(hObject, login);
    if (!original) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    AttributeSet attrs = original->attrs;
    CK_RV rv = build_object(pTemplate, ulCount, ObjectOrigin::copy, kNotImplied, kNotImplied, &attrs);
    if (rv != CKR_OK) {
        return rv;
    }
    if (template_needs_so(pTemplate, ulCount) && login != Login::so) {
        return CKR_ATTRIBUTE_READ_ONLY;
    }
    return add_one(session, login, std::move(attrs), phNewObject);
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_DestroyObject(p11_session *session, CK_OBJECT_HANDLE hObject)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    return library().objects.destroy(session, current_login(), hObject);
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_GetObjectSize(p11_session *session, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    ObjectRef object = library().objects.lookup(hObject, current_login());
    if (!object) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    // The size of its stored record, whether or not it is a token object.
    *pulSize = object_record_size(object->attrs);
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

// v2.40 §5.7.5: every attribute is processed, whatever happened to the
// others; when several codes apply, any may be returned, and this returns
// them in the order the spec lists the cases.
CK_RV p11be_C_GetAttributeValue(p11_session *session, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                                CK_ULONG ulCount)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    ObjectRef object = library().objects.lookup(hObject, current_login());
    if (!object) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    bool sensitive = false;
    bool type_invalid = false;
    bool too_small = false;
    for (CK_ULONG i = 0; i < ulCount; ++i) {
        CK_ATTRIBUTE &attribute = pTemplate[i];
        if (attribute_hidden(object->attrs, attribute.type)) { // case 1: buffer untouched
            attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            sensitive = true;
            continue;
        }
        const ByteView *value = object->attrs.get(attribute.type);
        Bytes fallback;
        ByteView fallback_view;
        if (value == nullptr && attribute_default(object->attrs, attribute.type, &fallback)) {
            fallback_view = fallback;
            value = &fallback_view; // §4.1: every object of a class has all its attributes
        }
        if (value == nullptr) { // case 2
            attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            type_invalid = true;
            continue;
        }
        if (attribute.pValue == nullptr) { // case 3
            attribute.ulValueLen = value->size();
            continue;
        }
        if (attribute.ulValueLen >= value->size()) { // case 4
            if (!value->empty()) {
                std::memcpy(attribute.pValue, value->data(), value->size());
            }
            attribute.ulValueLen = value->size();
            continue;
        }
        attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION; // case 5
        too_small = true;
    }
    if (sensitive) {
        return CKR_ATTRIBUTE_SENSITIVE;
    }
    if (type_invalid) {
        return CKR_ATTRIBUTE_TYPE_INVALID;
    }
    return too_small ? CKR_BUFFER_TOO_SMALL : CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_SetAttributeValue(p11_session *session, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                                CK_ULONG ulCount)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    return library().objects.update(session, current_login(), hObject, pTemplate, ulCount);
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
