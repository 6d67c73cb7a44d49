/* Object search (v2.40 §5.7): C_FindObjectsInit, C_FindObjects,
 * C_FindObjectsFinal. The result set is fixed at C_FindObjectsInit; each
 * C_FindObjects call hands out the next handles that still exist and are
 * still visible, so a search never returns an object the session may not
 * see, even after a C_Logout in between. */
#include <memory>

#include "backend_api.h"
#include "out_of_memory.h"
#include "library.h"
#include "objects/attribute_rules.h"
#include "objects/find_operation.h"
#include "objects/object_store.h"
#include "session.h"
#include "store_sync.h"

namespace p11 {

void find_operation_free(FindOperation *op)
{
    delete op;
}

} // namespace p11

using namespace p11;

extern "C" {

CK_RV p11be_C_FindObjectsInit(p11_session *session, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
P11_TRY {
    const CK_RV synced = store_sync(session); // other processes' changes first (store_sync.h)
    if (synced != CKR_OK) {
        return synced;
    }
    // The template as stored values compare: booleans as CK_TRUE/CK_FALSE. An
    // attribute asked for twice with different values matches nothing.
    AttributeSet wanted;
    bool contradictory = false;
    for (CK_ULONG i = 0; i < ulCount; ++i) {
        const CK_ATTRIBUTE &attribute = pTemplate[i];
        const auto *p = static_cast<const unsigned char *>(attribute.pValue);
        if (p == nullptr && attribute.ulValueLen != 0) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        Bytes value(p, p + attribute.ulValueLen);
        if (attribute_is_bool(attribute.type) && value.size() == 1) {
            value[0] = value[0] != CK_FALSE ? CK_TRUE : CK_FALSE;
        }
        const ByteView *earlier = wanted.get(attribute.type);
        contradictory = contradictory || (earlier != nullptr && *earlier != value);
        wanted.set(attribute.type, value.data(), value.size());
    }
    const Login login = current_login();

    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->find != nullptr) {
        return CKR_OPERATION_ACTIVE;
    }
    // Owned here until the search is done: a search that runs out of memory
    // (std::bad_alloc) leaves nothing behind.
    std::unique_ptr<FindOperation> op(new (std::nothrow) FindOperation);
    if (op == nullptr) {
        return CKR_HOST_MEMORY;
    }
    if (!contradictory) {
        CK_RV rv = library().objects.search(wanted, login, &op->found);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    session->find = op.release();
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_FindObjects(p11_session *session, CK_OBJECT_HANDLE_PTR phObject, CK_ULONG ulMaxObjectCount,
                          CK_ULONG_PTR pulObjectCount)
P11_TRY {
    const Login login = current_login();
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    FindOperation *op = session->find;
    if (op == nullptr) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    *pulObjectCount = library().objects.take_visible(op->found, &op->next, ulMaxObjectCount, login, phObject);
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

CK_RV p11be_C_FindObjectsFinal(p11_session *session)
P11_TRY {
    LockGuard guard(session->op_lock);
    if (guard.rv() != CKR_OK) {
        return guard.rv();
    }
    if (session->find == nullptr) {
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    find_operation_free(session->find);
    session->find = nullptr;
    return CKR_OK;
} P11_HOST_MEMORY_ON_BAD_ALLOC

} // extern "C"
