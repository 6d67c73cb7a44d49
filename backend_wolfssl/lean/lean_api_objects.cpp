/* Object search and attribute reading (v2.40 §5.7) for the lean backend:
 * every object is read from the store when asked about (store_read.h). A
 * search's result set is fixed at C_FindObjectsInit; C_FindObjects hands out
 * only handles that still name an object this login may see. */
#include <cstring>

#include "lean/lean_library.h"
#include "lean/sealed_value.h"
#include "lean/session_objects.h"
#include "lean/store_read.h"
#include "p11_backend.h"
#include "p11_port.h"
#include "secure_wipe.h"

namespace p11::lean {

bool visible(const Library &lib, const RecordView &view)
{
    return lib.login == Login::user || !record_bool(view, CKA_PRIVATE, true);
}

CK_RV read_visible(const Library &lib, CK_OBJECT_HANDLE handle, ObjectRead *object)
{
    const CK_RV rv = object->read(handle, true);
    if (rv != CKR_OK) {
        return rv;
    }
    return visible(lib, object->view()) ? CKR_OK : CKR_OBJECT_HANDLE_INVALID;
}

} // namespace p11::lean

using namespace p11;
using namespace p11::lean;

namespace {

struct Search {
    const Library *lib;
    const CK_ATTRIBUTE *tmpl;
    CK_ULONG count;
    FindState *state;
    CK_RV rv;
};

bool template_matches(const RecordView &view, const CK_ATTRIBUTE *tmpl, CK_ULONG count)
{
    for (CK_ULONG i = 0; i < count; ++i) {
        const std::uint8_t *stored = nullptr;
        std::uint32_t stored_len = 0;
        if (!record_find(view, tmpl[i].type, &stored, &stored_len)) {
            return false; // sealed attributes are never listed: no oracle for them
        }
        if (attribute_is_bool(tmpl[i].type) && stored_len == 1 && tmpl[i].ulValueLen == 1) {
            if ((stored[0] != CK_FALSE) != (*static_cast<const CK_BYTE *>(tmpl[i].pValue) != CK_FALSE)) {
                return false;
            }
        } else if (!host_equal(tmpl[i].type, stored, stored_len, tmpl[i].pValue, tmpl[i].ulValueLen)) {
            return false;
        }
    }
    return true;
}

bool add_found(FindState *state, CK_OBJECT_HANDLE handle)
{
    if (state->count == state->capacity) {
        const CK_ULONG capacity = state->capacity == 0 ? 16 : 2 * state->capacity;
        auto *grown = static_cast<CK_OBJECT_HANDLE *>(p11_port_malloc(capacity * sizeof(CK_OBJECT_HANDLE)));
        if (grown == nullptr) {
            return false;
        }
        if (state->count != 0) {
            std::memcpy(grown, state->found, state->count * sizeof(CK_OBJECT_HANDLE));
        }
        p11_port_free(state->found);
        state->found = grown;
        state->capacity = capacity;
    }
    state->found[state->count++] = handle;
    return true;
}

// A listed token object (by its record number) or a session object (by its handle).
bool visit(CK_OBJECT_HANDLE listed, void *context)
{
    auto *search = static_cast<Search *>(context);
    ObjectRead object;
    CK_OBJECT_HANDLE handle = listed;
    const CK_RV rv = is_session_object(listed) ? object.read(listed, false) : object.read_listed(listed, &handle);
    if (rv != CKR_OK || !visible(*search->lib, object.view()) ||
        !template_matches(object.view(), search->tmpl, search->count)) {
        return true;
    }
    if (!add_found(search->state, handle)) {
        search->rv = CKR_HOST_MEMORY;
        return false;
    }
    return true;
}

// A secret attribute may be shown only for a key neither sensitive nor
// unextractable (v2.40 §5.7.5 case 1). A profile that cannot open sealed
// values (it only verifies) never shows one: its keys came from provisioning.
bool revealable(const RecordView &view)
{
    return P11_LEAN_SEALS && !record_bool(view, CKA_SENSITIVE, true) && record_bool(view, CKA_EXTRACTABLE, false);
}

#if P11_LEAN_SEALS
// Cases 2-5 of §5.7.5 for a sealed value, opened from the record's box.
CK_RV sealed_copy(const RecordView &view, CK_ATTRIBUTE &attribute, bool *type_invalid, bool *too_small)
{
    auto *value = static_cast<std::uint8_t *>(p11_port_malloc(view.box_len));
    if (value == nullptr) {
        return CKR_HOST_MEMORY;
    }
    std::size_t len = 0;
    CK_RV rv = sealed_value(library(), view, attribute.type, value, view.box_len, &len);
    if (rv == CKR_TEMPLATE_INCOMPLETE) { // case 2: the box lacks it
        attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
        *type_invalid = true;
        rv = CKR_OK;
    } else if (rv == CKR_OK && attribute.pValue == nullptr) { // case 3
        attribute.ulValueLen = len;
    } else if (rv == CKR_OK && attribute.ulValueLen >= len) { // case 4
        std::memcpy(attribute.pValue, value, len);
        attribute.ulValueLen = len;
    } else if (rv == CKR_OK) { // case 5
        attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
        *too_small = true;
    }
    secure_wipe(value, view.box_len);
    p11_port_free(value);
    return rv;
}
#endif

} // namespace

extern "C" {

CK_RV p11be_C_FindObjectsInit(p11_session *session, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
    for (CK_ULONG i = 0; i < ulCount; ++i) {
        if (pTemplate[i].pValue == nullptr && pTemplate[i].ulValueLen != 0) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
    }
    if (session->find.active) {
        return CKR_OPERATION_ACTIVE;
    }
    FindState state;
    Search search = {&library(), pTemplate, ulCount, &state, CKR_OK};
    // Reading the index fails only when it is damaged: then no object is
    // listed, which the log has said.
    (void)for_each_listed(visit, &search);
    if (search.rv == CKR_OK) {
        session_objects_for_each(visit, &search);
    }
    if (search.rv != CKR_OK) {
        p11_port_free(state.found);
        return search.rv;
    }
    state.active = true;
    session->find = state;
    return CKR_OK;
}

CK_RV p11be_C_FindObjects(p11_session *session, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount,
                          CK_ULONG_PTR pulObjectCount)
{
    FindState &state = session->find;
    if (!state.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    const Library &lib = library();
    CK_ULONG given = 0;
    while (given < ulMaxObjectCount && state.next < state.count) {
        const CK_OBJECT_HANDLE handle = state.found[state.next++];
        // Read again: another module may have destroyed it since C_FindObjectsInit.
        ObjectRead object;
        if (read_visible(lib, handle, &object) == CKR_OK) {
            phObject[given++] = handle;
        }
    }
    *pulObjectCount = given;
    return CKR_OK;
}

CK_RV p11be_C_FindObjectsFinal(p11_session *session)
{
    if (!session->find.active) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    p11_port_free(session->find.found);
    session->find = FindState();
    return CKR_OK;
}

// v2.40 §5.7.5: every attribute is processed; the codes in the order the
// spec lists the cases.
CK_RV p11be_C_GetAttributeValue(p11_session *session, CK_OBJECT_HANDLE hObject, CK_ATTRIBUTE_PTR pTemplate,
                                CK_ULONG ulCount)
{
    (void)session;
    ObjectRead object;
    const CK_RV rv = read_visible(library(), hObject, &object);
    if (rv != CKR_OK) {
        return rv;
    }
    const RecordView &view = object.view();
    CK_ULONG klass = CK_UNAVAILABLE_INFORMATION;
    CK_ULONG key_type = CK_UNAVAILABLE_INFORMATION;
    (void)record_ulong(view, CKA_CLASS, &klass);
    (void)record_ulong(view, CKA_KEY_TYPE, &key_type);
    bool sensitive = false;
    bool type_invalid = false;
    bool too_small = false;
    for (CK_ULONG i = 0; i < ulCount; ++i) {
        CK_ATTRIBUTE &attribute = pTemplate[i];
        const std::uint8_t *stored = nullptr;
        std::uint32_t stored_len = 0;
        if (sealed_attribute(klass, key_type, attribute.type)) {
            if (!revealable(view)) { // case 1: buffer untouched
                attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
                sensitive = true;
                continue;
            }
#if P11_LEAN_SEALS
            const CK_RV rv = sealed_copy(view, attribute, &type_invalid, &too_small);
            if (rv != CKR_OK) {
                return rv;
            }
#endif
            continue;
        }
        if (!record_find(view, attribute.type, &stored, &stored_len)) { // case 2
            attribute.ulValueLen = CK_UNAVAILABLE_INFORMATION;
            type_invalid = true;
            continue;
        }
        const std::size_t size = host_size(attribute.type, stored_len);
        if (attribute.pValue == nullptr) { // case 3
            attribute.ulValueLen = size;
            continue;
        }
        if (attribute.ulValueLen >= size) { // case 4
            host_copy(attribute.type, stored, stored_len, static_cast<std::uint8_t *>(attribute.pValue));
            attribute.ulValueLen = size;
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
}

} // extern "C"
