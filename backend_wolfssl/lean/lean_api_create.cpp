/* C_CreateObject (v2.40 §5.7) for a lean profile: the template checked by
 * the attribute tables as the full backend checks it (new_object.h), the
 * key material by key_import.h, CKA_TRUSTED TRUE for the SO only, then the
 * object stored as a key pair is (new_object_store.h): a token object by
 * one page write, a session object in RAM, private values sealed under the
 * device key. */
#include "lean/key_import.h"
#include "lean/lean_library.h"
#include "lean/new_object.h"
#include "lean/new_object_store.h"
#include "p11_backend.h"

using namespace p11;
using namespace p11::lean;

extern "C" {

CK_RV p11be_C_CreateObject(p11_session *session, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                           CK_OBJECT_HANDLE_PTR phObject)
{
    NewObject object;
    CK_RV rv = object.build(pTemplate, ulCount, Origin::create, kNothingImplied, kNothingImplied);
    if (rv == CKR_OK) {
        rv = check_import(object); // a key the token holds is a valid key
    }
    if (rv != CKR_OK) {
        return rv;
    }
    Library &lib = library();
    if (object.needs_so() && lib.login != Login::so) {
        return CKR_ATTRIBUTE_READ_ONLY; // v2.40 Table 10 footnote 10
    }
    const NewObject *one[] = {&object};
    rv = new_objects_allowed(lib, session, one, 1);
    if (rv != CKR_OK) {
        return rv;
    }
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    rv = new_objects_store(lib, session, one, 1, &handle);
    if (rv == CKR_OK) {
        *phObject = handle;
    }
    return rv;
}

} // extern "C"
