/* Token object records through the PAL (see stored_object.h). */
#include "objects/stored_object.h"

#include <cstdio>

#include "objects/attribute_rules.h"
#include "objects/object_codec.h"
#include "objects/pal_io.h"
#include "token_record.h"

namespace p11 {

void report_object_record(const std::string &pal_label, const char *what)
{
    std::fprintf(stderr, "p11forge: token object record \"%s\" %s; skipped\n", pal_label.c_str(), what);
}

bool read_stored_object(const std::string &pal_label, StoredObject *out, bool *present)
{
    Bytes bytes;
    ReadResult read = pal_read(pal_label, &bytes);
    *present = read != ReadResult::missing;
    if (read == ReadResult::missing) {
        return false;
    }
    if (read == ReadResult::failed) {
        report_object_record(pal_label, "could not be read");
        return false;
    }
    AttributeSet attrs;
    RecordStatus status = object_record_decode(bytes.data(), bytes.size(), &attrs);
    if (status == RecordStatus::ok && (!object_class_supported(attrs) || !attrs.bool_or(CKA_TOKEN, false))) {
        status = RecordStatus::damaged; // well formed, but not an object this token makes
    }
    if (status != RecordStatus::ok) {
        report_object_record(pal_label, status == RecordStatus::damaged ? "is damaged"
                                                                        : "is written by a newer format version");
        return false;
    }
    out->attrs = std::move(attrs);
    out->pal_label = pal_label;
    return true;
}

bool write_stored_object(const std::string &pal_label, const AttributeSet &attrs)
{
    Bytes record;
    object_record_encode(attrs, &record);
    return pal_write(pal_label, record.data(), record.size());
}

CK_RV rewrite_stored_object(const std::string &pal_label, const AttributeSet &attrs)
{
    StoreLock lock;
    if (lock.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    if (pal_find(pal_label) == CK_INVALID_HANDLE) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    return write_stored_object(pal_label, attrs) ? CKR_OK : CKR_DEVICE_ERROR;
}

} // namespace p11
