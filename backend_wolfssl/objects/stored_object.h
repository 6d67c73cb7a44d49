/* One token object record in the PAL: read, checked and opened with the
 * keys the process holds (secrets/held_keys.h; a damaged record, or one
 * sealed under a key this token does not have, is reported on stderr and
 * skipped, never trusted), or sealed and written. */
#ifndef P11_BACKEND_OBJECTS_STORED_OBJECT_H
#define P11_BACKEND_OBJECTS_STORED_OBJECT_H

#include <string>

#include "attribute_set.h"
#include "objects/object_codec.h"

namespace p11 {

struct StoredObject {
    AttributeSet attrs; // without its secrets while they are sealed
    std::string pal_label;
    SecretsState secrets = SecretsState::none;
};

// False (reported) when the record cannot be used; *present says whether the
// PAL holds a record under the label at all.
bool read_stored_object(const std::string &pal_label, StoredObject *out, bool *present);

// Creates or atomically replaces the record, sealed: CKR_OK, the codes of
// object_record_encode, or CKR_DEVICE_ERROR when the PAL refused. Callers
// serialize (the object store's write lock: the sealing DRBG).
CK_RV write_stored_object(const std::string &pal_label, const AttributeSet &attrs);

// Under the store lock, replaces the record only while the PAL still holds
// one under the label: CKR_OBJECT_HANDLE_INVALID when it is gone (nothing
// written), CKR_DEVICE_ERROR when the lock or the write failed, else as
// write_stored_object.
CK_RV rewrite_stored_object(const std::string &pal_label, const AttributeSet &attrs);

// "p11forge: token object record "<label>" <what>; skipped" on stderr.
void report_object_record(const std::string &pal_label, const char *what);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_STORED_OBJECT_H
