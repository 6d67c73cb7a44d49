/* Storing new objects in the lean backend: the checks C_CreateObject and
 * C_GenerateKeyPair share with the full backend's object store (a token
 * object needs a R/W session, a private one the user's login, and the
 * profile's object limit), then the records encoded, secrets sealed under
 * the device key, and written all or nothing: token objects by one page
 * write of the store (store_write.h), session objects into RAM
 * (session_objects.h). */
#ifndef P11_LEAN_NEW_OBJECT_STORE_H
#define P11_LEAN_NEW_OBJECT_STORE_H

#include <cstddef>

#include "lean/lean_library.h"
#include "lean/new_object.h"
#include "pkcs11.h"

namespace p11::lean {

// CKR_SESSION_READ_ONLY, CKR_USER_NOT_LOGGED_IN or CKR_DEVICE_MEMORY before
// anything is made; CKR_OK.
CK_RV new_objects_allowed(const Library &lib, const p11_session *session, const NewObject *const *objects,
                          std::size_t count);

// Stores the objects (count <= 2), handles[i] for objects[i]; on failure
// none is stored. CKR_DEVICE_ERROR (the store, or no device key to seal a
// secret under), CKR_HOST_MEMORY, CKR_FUNCTION_FAILED (wolfCrypt).
CK_RV new_objects_store(Library &lib, const p11_session *session, const NewObject *const *objects,
                        std::size_t count, CK_OBJECT_HANDLE *handles);

} // namespace p11::lean

#endif // P11_LEAN_NEW_OBJECT_STORE_H
