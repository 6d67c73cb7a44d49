/* Token object records through the PAL (see stored_object.h). */
#include "objects/stored_object.h"

#include "log.h"
#include "objects/attribute_rules.h"
#include "objects/object_codec.h"
#include "objects/pal_io.h"
#include "secrets/held_keys.h"
#include "token_record.h"

namespace p11 {

void report_object_record(const std::string &pal_label, const char *what)
{
    log_line({"token object record \"", pal_label, "\" ", what, "; skipped"});
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
    SecretsState secrets = SecretsState::none;
    const KeyRef token_key = held_token_key();
    const KeyRef device_key = held_device_key();
    const SealKeys keys{token_key.get(), device_key.get()};
    RecordStatus status = object_record_decode(bytes.data(), bytes.size(), keys, &attrs, &secrets);
    if (status == RecordStatus::ok && (!object_class_supported(attrs, secrets == SecretsState::sealed) ||
                                       !attrs.bool_or(CKA_TOKEN, false))) {
        status = RecordStatus::damaged; // well formed, but not an object this token makes
    }
    if (status != RecordStatus::ok) {
        const std::string what = std::string("is ") + record_status_name(status);
        report_object_record(pal_label, what.c_str());
        return false;
    }
    out->attrs = std::move(attrs);
    out->pal_label = pal_label;
    out->secrets = secrets;
    return true;
}

CK_RV write_stored_object(const std::string &pal_label, const AttributeSet &attrs)
{
    WC_RNG *rng = sealing_rng();
    if (rng == nullptr) {
        return CKR_DEVICE_ERROR;
    }
    const KeyRef token_key = held_token_key();
    const KeyRef device_key = held_device_key();
    Bytes record;
    CK_RV rv = object_record_encode(attrs, SealKeys{token_key.get(), device_key.get()}, *rng, &record);
    if (rv == CKR_OK && !pal_write(pal_label, record.data(), record.size())) {
        rv = CKR_DEVICE_ERROR;
    }
    return rv;
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
    return write_stored_object(pal_label, attrs);
}

} // namespace p11
