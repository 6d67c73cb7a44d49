/* C_DestroyObject (v2.40 §5.7) for a lean profile: the object as this login
 * sees it, the full backend's checks in its order (a token object needs a
 * R/W session, CKA_DESTROYABLE FALSE forbids it), then off the store's page
 * before its record goes (store_write.h), or out of RAM. */
#include "lean/lean_library.h"
#include "lean/session_objects.h"
#include "lean/store_write.h"
#include "p11_backend.h"

using namespace p11;
using namespace p11::lean;

extern "C" {

CK_RV p11be_C_DestroyObject(p11_session *session, CK_OBJECT_HANDLE hObject)
{
    ObjectRead object;
    CK_RV rv = read_visible(library(), hObject, &object);
    if (rv != CKR_OK) {
        return rv;
    }
    const bool token = !is_session_object(hObject);
    if (token && (session->flags & CKF_RW_SESSION) == 0) {
        return CKR_SESSION_READ_ONLY;
    }
    if (!record_bool(object.view(), CKA_DESTROYABLE, true)) {
        return CKR_ACTION_PROHIBITED;
    }
    if (!token) {
        return session_object_remove(hObject) ? CKR_OK : CKR_OBJECT_HANDLE_INVALID;
    }
    // Another process may have destroyed it since: then it is gone already.
    return store_remove(hObject);
}

} // extern "C"
