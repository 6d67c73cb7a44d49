/* The object store: every session and token object of the running library,
 * by handle (O(1)) and by CKA_LABEL / CKA_CLASS / CKA_ID (indexed), with the
 * visibility and permission rules of v2.40 §4.4 and §5.6:
 *  - a private object (CKA_PRIVATE TRUE) is invisible and unusable unless the
 *    user is logged in;
 *  - a session object is visible to every session of the application until
 *    the session that created it closes, which destroys it;
 *  - creating, changing or destroying a token object needs a R/W session
 *    (CKR_SESSION_READ_ONLY), creating a private object a user login
 *    (CKR_USER_NOT_LOGGED_IN).
 * Handles are never 0 and never reused within the process. Token objects
 * are loaded in one pass at C_Initialize and persisted through TokenStorage.
 *
 * Locks: `lock_` guards the maps and is held only for lookups and swaps;
 * `write_lock_` serializes every change, including its PAL writes; a change
 * of token objects holds the PAL's store lock around it (objects/pal_io.h).
 * Order: library lock -> store lock -> write_lock_ -> lock_; never an
 * earlier one inside a later one.
 *
 * For the rest of the backend (sign, verify, key generation):
 *
 *   CK_RV object_for_use(p11_session *s, CK_OBJECT_HANDLE h, ObjectRef *out);
 *     The object, if the session may use it: CKR_OBJECT_HANDLE_INVALID when
 *     there is no such object or it is invisible (private, not logged in).
 *     Callers that take a key map that code to CKR_KEY_HANDLE_INVALID. The
 *     reference stays valid (and unchanged) however long it is held.
 *
 *   CK_RV object_store_add(p11_session *s, std::vector<AttributeSet> objects,
 *                          CK_OBJECT_HANDLE *handles_out);
 *     Adds all the objects or none (a key pair never half exists), built by
 *     build_object and completed by the caller; token objects are persisted
 *     before any handle is handed out. handles_out[i] is objects[i]'s handle.
 *     CKR_SESSION_READ_ONLY, CKR_USER_NOT_LOGGED_IN, CKR_DEVICE_MEMORY (the
 *     profile's max_objects), CKR_ATTRIBUTE_VALUE_INVALID (fixed-label
 *     store: a token object's CKA_LABEL not listed or taken),
 *     CKR_DEVICE_ERROR (the PAL refused), CKR_SESSION_CLOSED. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_STORE_H
#define P11_BACKEND_OBJECTS_OBJECT_STORE_H

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "attribute_set.h"
#include "mutex.h"
#include "objects/object.h"
#include "objects/label_set.h"
#include "objects/object_index.h"
#include "objects/object_table.h"
#include "objects/pal_io.h"
#include "objects/token_storage.h"
#include "p11_backend_core.h"
#include "token_state.h"

namespace p11 {

CK_RV object_for_use(p11_session *s, CK_OBJECT_HANDLE h, ObjectRef *out);
CK_RV object_store_add(p11_session *s, std::vector<AttributeSet> objects, CK_OBJECT_HANDLE *handles_out);

// The application's login state (an atomic read, no lock).
Login current_login();

class ObjectStore {
  public:
    ObjectStore() = default;
    ObjectStore(const ObjectStore &) = delete;
    ObjectStore &operator=(const ObjectStore &) = delete;

    // C_Initialize: creates the locks and loads the token objects.
    CK_RV start(const LockStrategy &strategy);
    // C_Finalize: forgets every object (held references stay valid).
    void stop();

    // The object if it exists and is visible, else NULL.
    ObjectRef lookup(CK_OBJECT_HANDLE handle, Login login);

    CK_RV add(p11_session *s, Login login, std::vector<AttributeSet> objects, CK_OBJECT_HANDLE *handles_out);
    // C_SetAttributeValue.
    CK_RV update(p11_session *s, Login login, CK_OBJECT_HANDLE handle, const CK_ATTRIBUTE *tmpl, CK_ULONG count);
    // C_DestroyObject.
    CK_RV destroy(p11_session *s, Login login, CK_OBJECT_HANDLE handle);

    // The visible objects whose attributes equal every template attribute (a
    // hidden secret never matches), in creation order.
    CK_RV search(const AttributeSet &tmpl, Login login, std::vector<ObjectRef> *out);
    // Copies to out up to max handles of found[*next..] that still exist and
    // are still visible; advances *next past what it looked at.
    CK_ULONG take_visible(const std::vector<ObjectRef> &found, std::size_t *next, CK_ULONG max, Login login,
                          CK_OBJECT_HANDLE *out);

    // The session closed (the library lock is held): its objects go.
    void drop_session_objects(CK_SESSION_HANDLE session);
    void drop_all_session_objects();
    // C_Logout (the library lock is held): the private session objects go and
    // the private token objects get new handles (v2.40 §5.6 C_Logout); those
    // bound to the token key drop their secrets from memory (sealed again).
    void drop_private_session_objects();
    // C_Login of the user (the library lock is held, the token key held, the
    // login not yet shown): the objects sealed under the token key are opened
    // from their records, and records from before encryption are rewritten
    // sealed. A record that no longer opens leaves the process (reported).
    void open_sealed_objects();
    // store_sync.h, with the library and store locks held: the token objects
    // under these PAL labels (another process saved or destroyed them) are
    // read again: added with a new handle, replaced under their handle, or
    // gone. NULL: every token object is read again.
    void apply_changes(const LabelSet *pal_labels);
    // The last session closed (the library lock is held): the user is logged
    // out, and the values bound to the token key leave memory; handles stay.
    void seal_private_token_objects();
    // C_InitToken (the library lock is held): every token object goes.
    CK_RV destroy_token_objects();

    std::size_t size();

  private:
    bool visible(const Object &object, Login login) const
    {
        return !object.sealed && (!object.is_private || login == Login::user);
    }
    // The object under the same handle, as its record now reads (opened
    // with the keys held); NULL when the record is gone or unusable.
    ObjectRef reread_locked(const Object &object);
    ObjectRef find_locked(CK_OBJECT_HANDLE handle) const;
    // After a logout (both locks held): the private token objects' PIN-bound
    // values leave memory; new_handles (C_Logout) renumbers every one of them.
    void reseal_private_token_objects_locked(bool new_handles);
    // The store lock, before the write lock, when the object is a token object.
    void lock_store_for(CK_OBJECT_HANDLE handle, Login login, std::optional<StoreLock> *store);
    // Fixed-label stores: the objects the new ones replace (same CKA_LABEL,
    // and the caller could destroy them), as corePKCS11 replaces on create.
    void find_replaced_locked(const std::vector<ObjectPtr> &built, Login login,
                              LabelSet *replaceable, std::vector<CK_OBJECT_HANDLE> *replaced);
    void insert_locked(const ObjectRef &object);
    void erase_locked(CK_OBJECT_HANDLE handle);

    Mutex lock_;
    Mutex write_lock_;
    ObjectTable<ByHandle> objects_;
    ObjectIndex index_;
    ObjectTable<ByHandle> session_objects_;  // also in objects_
    ObjectTable<ByPalLabel> by_pal_label_; // token objects, also in objects_

    TokenStorage storage_;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_STORE_H
