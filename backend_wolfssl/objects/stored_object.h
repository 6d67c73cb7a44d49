/* One token object record in the PAL: read and checked (a damaged record is
 * reported on stderr and skipped, never trusted), or written. */
#ifndef P11_BACKEND_OBJECTS_STORED_OBJECT_H
#define P11_BACKEND_OBJECTS_STORED_OBJECT_H

#include <string>

#include "attribute_set.h"

namespace p11 {

struct StoredObject {
    AttributeSet attrs;
    std::string pal_label;
};

// False (reported) when the record cannot be used; *present says whether the
// PAL holds a record under the label at all.
bool read_stored_object(const std::string &pal_label, StoredObject *out, bool *present);

// Creates or atomically replaces the record; false when the PAL refused.
bool write_stored_object(const std::string &pal_label, const AttributeSet &attrs);

// Under the store lock, replaces the record only while the PAL still holds
// one under the label: CKR_OBJECT_HANDLE_INVALID when it is gone (nothing
// written), CKR_DEVICE_ERROR when the lock or the write failed.
CK_RV rewrite_stored_object(const std::string &pal_label, const AttributeSet &attrs);

// "p11forge: token object record "<label>" <what>; skipped" on stderr.
void report_object_record(const std::string &pal_label, const char *what);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_STORED_OBJECT_H
