/* TokenStorage: token object records through the six PAL functions. */
#include "objects/token_storage.h"

#include <cstdio>
#include <cstring>

#include "core_pkcs11_pal.h"
#include "core_pkcs11_pal_lock.h"
#include "objects/attribute_rules.h"
#include "objects/object_codec.h"
#include "p11_profile.h"
#include "token_record.h"

namespace p11 {

namespace {

enum class ReadResult { ok, missing, failed };

// Holds the PAL's store lock for a scope; a PAL without one (the weak hooks
// are unset) needs none, since nothing else writes its store.
class StoreLock {
  public:
    StoreLock()
    {
        if (PKCS11_PAL_LockStore != nullptr && PKCS11_PAL_UnlockStore != nullptr) {
            rv_ = PKCS11_PAL_LockStore();
            held_ = rv_ == CKR_OK;
        }
    }
    ~StoreLock()
    {
        if (held_) {
            PKCS11_PAL_UnlockStore();
        }
    }
    StoreLock(const StoreLock &) = delete;
    StoreLock &operator=(const StoreLock &) = delete;
    CK_RV rv() const { return rv_; }

  private:
    CK_RV rv_ = CKR_OK;
    bool held_ = false;
};

CK_OBJECT_HANDLE pal_find(const std::string &label)
{
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())),
                                 static_cast<CK_ULONG>(label.size()));
}

ReadResult pal_read(const std::string &label, Bytes *out)
{
    CK_OBJECT_HANDLE handle = pal_find(label);
    if (handle == CK_INVALID_HANDLE) {
        return ReadResult::missing;
    }
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    if (PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private) != CKR_OK) {
        return ReadResult::failed;
    }
    out->assign(data, data + size);
    PKCS11_PAL_GetObjectValueCleanup(data, size);
    return ReadResult::ok;
}

bool pal_write(const std::string &label, unsigned char *data, std::size_t size)
{
    CK_ATTRIBUTE attribute = {CKA_LABEL, const_cast<char *>(label.data()), static_cast<CK_ULONG>(label.size())};
    return PKCS11_PAL_SaveObject(&attribute, data, static_cast<CK_ULONG>(size)) != CK_INVALID_HANDLE;
}

bool pal_destroy(const std::string &label)
{
    CK_OBJECT_HANDLE handle = pal_find(label);
    return handle == CK_INVALID_HANDLE || PKCS11_PAL_DestroyObject(handle) == CKR_OK;
}

bool write_object(const std::string &label, const AttributeSet &attrs)
{
    Bytes record;
    object_record_encode(attrs, &record);
    return pal_write(label, record.data(), record.size());
}

bool write_index(const StorageIndex &index)
{
    std::vector<std::uint8_t> bytes = storage_index_encode(index);
    return pal_write(kIndexRecordLabel, bytes.data(), bytes.size());
}

void report(const std::string &label, const char *what)
{
    std::fprintf(stderr, "p11forge: token object record \"%s\" %s; skipped\n", label.c_str(), what);
}

// Reads and checks one record; false (reported) when it cannot be used.
bool read_object(const std::string &label, StoredObject *out, bool *present)
{
    Bytes bytes;
    ReadResult read = pal_read(label, &bytes);
    *present = read != ReadResult::missing;
    if (read == ReadResult::missing) {
        return false;
    }
    if (read == ReadResult::failed) {
        report(label, "could not be read");
        return false;
    }
    AttributeSet attrs;
    RecordStatus status = object_record_decode(bytes.data(), bytes.size(), &attrs);
    if (status == RecordStatus::ok && (!object_class_supported(attrs) || !attrs.bool_or(CKA_TOKEN, false))) {
        status = RecordStatus::damaged; // well formed, but not an object this token makes
    }
    if (status != RecordStatus::ok) {
        report(label, status == RecordStatus::damaged ? "is damaged" : "is written by a newer format version");
        return false;
    }
    out->attrs = std::move(attrs);
    out->pal_label = label;
    return true;
}

std::string label_of(const AttributeSet &attrs)
{
    const Bytes *label = attrs.get(CKA_LABEL);
    return label == nullptr ? std::string() : std::string(label->begin(), label->end());
}

bool reserved(const std::string &label)
{
    return label == kTokenRecordLabel;
}

bool label_listed(const std::string &label)
{
    if (reserved(label)) {
        return false; // the token record's, never an object's
    }
    const p11_profile &profile = p11_active_profile;
    for (CK_ULONG i = 0; i < profile.pal_label_count; ++i) {
        if (label == profile.pal_labels[i]) {
            return true;
        }
    }
    return false;
}

} // namespace

void TokenStorage::clear()
{
    index_ = StorageIndex();
    index_blocked_ = false;
}

void TokenStorage::load(std::vector<StoredObject> *out)
{
    clear();
    fixed_ = p11_active_profile.pal_labels != nullptr;
    // No other process is half way through a write while we read.
    StoreLock lock;
    if (fixed_) {
        load_fixed(out);
    } else {
        load_indexed(out);
    }
}

void TokenStorage::load_fixed(std::vector<StoredObject> *out)
{
    const p11_profile &profile = p11_active_profile;
    for (CK_ULONG i = 0; i < profile.pal_label_count; ++i) {
        const std::string label = profile.pal_labels[i];
        if (reserved(label)) {
            continue;
        }
        StoredObject object;
        bool present = false;
        bool ok = read_object(label, &object, &present);
        if (present) {
            index_.labels.insert(label); // taken, even by a damaged record
        }
        if (ok && label_of(object.attrs) != label) {
            report(label, "holds an object with another CKA_LABEL");
            ok = false;
        }
        if (ok) {
            out->push_back(std::move(object));
        }
    }
}

void TokenStorage::load_indexed(std::vector<StoredObject> *out)
{
    Bytes bytes;
    ReadResult read = pal_read(kIndexRecordLabel, &bytes);
    if (read == ReadResult::missing) {
        return; // a fresh store
    }
    RecordStatus status = RecordStatus::damaged;
    if (read == ReadResult::ok) {
        status = storage_index_decode(bytes.data(), bytes.size(), &index_);
    }
    if (status != RecordStatus::ok) {
        std::fprintf(stderr, "p11forge: the token object index is %s; no token objects until C_InitToken\n",
                     read == ReadResult::failed ? "unreadable" : record_status_name(status));
        index_ = StorageIndex();
        index_blocked_ = true;
        return;
    }
    std::vector<std::string> missing;
    for (const std::string &label : index_.labels) {
        StoredObject object;
        bool present = false;
        if (read_object(label, &object, &present)) {
            out->push_back(std::move(object));
        } else if (!present) {
            report(label, "is missing");
            missing.push_back(label); // the next index write drops it
        }
    }
    for (const std::string &label : missing) {
        index_.labels.erase(label);
    }
}

CK_RV TokenStorage::add(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels)
{
    pal_labels->clear();
    return fixed_ ? add_fixed(objects, pal_labels) : add_indexed(objects, pal_labels);
}

CK_RV TokenStorage::add_fixed(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels)
{
    StoreLock lock;
    if (lock.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    std::set<std::string> taken = index_.labels;
    std::vector<std::string> labels;
    for (const AttributeSet *attrs : objects) {
        std::string label = label_of(*attrs);
        // Probing the PAL catches a label another process took since load.
        if (!label_listed(label) || !taken.insert(label).second || pal_find(label) != CK_INVALID_HANDLE) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        labels.push_back(label);
    }
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (!write_object(labels[i], *objects[i])) {
            for (std::size_t j = 0; j < i; ++j) {
                (void)pal_destroy(labels[j]);
            }
            return CKR_DEVICE_ERROR;
        }
    }
    index_.labels = std::move(taken);
    *pal_labels = std::move(labels);
    return CKR_OK;
}

CK_RV TokenStorage::add_indexed(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels)
{
    StoreLock lock;
    if (lock.rv() != CKR_OK || reread_index() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    StorageIndex next = index_;
    std::vector<std::string> written;
    bool ok = true;
    for (const AttributeSet *attrs : objects) {
        std::string label = object_record_label(next.next_id++);
        if (!write_object(label, *attrs)) {
            ok = false;
            break;
        }
        written.push_back(label);
        next.labels.insert(label);
    }
    // The records exist before the index names them.
    if (ok && !write_index(next)) {
        ok = false;
    }
    if (!ok) {
        for (const std::string &label : written) {
            (void)pal_destroy(label);
        }
        return CKR_DEVICE_ERROR;
    }
    index_ = std::move(next);
    *pal_labels = std::move(written);
    return CKR_OK;
}

CK_RV TokenStorage::reread_index()
{
    Bytes bytes;
    ReadResult read = pal_read(kIndexRecordLabel, &bytes);
    if (read == ReadResult::missing) {
        // Nothing stored yet (or an index this process could not read):
        // keep what we have.
        return index_blocked_ ? CKR_DEVICE_ERROR : CKR_OK;
    }
    StorageIndex stored;
    if (read != ReadResult::ok || storage_index_decode(bytes.data(), bytes.size(), &stored) != RecordStatus::ok) {
        std::fprintf(stderr, "p11forge: the token object index cannot be read; not written\n");
        return CKR_DEVICE_ERROR;
    }
    // next_id only grows, whoever wrote last.
    if (stored.next_id < index_.next_id) {
        stored.next_id = index_.next_id;
    }
    index_ = std::move(stored);
    index_blocked_ = false;
    return CKR_OK;
}

CK_RV TokenStorage::replace(const std::string &pal_label, const AttributeSet &attrs)
{
    return write_object(pal_label, attrs) ? CKR_OK : CKR_DEVICE_ERROR;
}

CK_RV TokenStorage::remove(const std::string &pal_label)
{
    if (fixed_) {
        if (!pal_destroy(pal_label)) {
            return CKR_DEVICE_ERROR;
        }
        index_.labels.erase(pal_label);
        return CKR_OK;
    }
    StoreLock lock;
    if (lock.rv() != CKR_OK || reread_index() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    StorageIndex next = index_;
    next.labels.erase(pal_label);
    // Out of the index first: from then on the object is gone for good.
    if (!write_index(next)) {
        return CKR_DEVICE_ERROR;
    }
    index_ = std::move(next);
    if (!pal_destroy(pal_label)) {
        std::fprintf(stderr, "p11forge: could not remove the unlisted record \"%s\"\n", pal_label.c_str());
    }
    return CKR_OK;
}

CK_RV TokenStorage::remove_all()
{
    StoreLock lock;
    if (lock.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    if (fixed_) {
        const p11_profile &profile = p11_active_profile;
        for (CK_ULONG i = 0; i < profile.pal_label_count; ++i) {
            if (!reserved(profile.pal_labels[i]) && !pal_destroy(profile.pal_labels[i])) {
                return CKR_DEVICE_ERROR;
            }
        }
        index_.labels.clear();
        return CKR_OK;
    }
    // Every stored object goes, also those another process made since load;
    // a damaged index leaves only this process's view to remove.
    if (reread_index() != CKR_OK) {
        index_blocked_ = false;
    }
    StorageIndex fresh;
    fresh.next_id = index_.next_id; // record labels are not handed out twice
    if (!write_index(fresh)) {
        return CKR_DEVICE_ERROR;
    }
    for (const std::string &label : index_.labels) {
        if (!pal_destroy(label)) {
            std::fprintf(stderr, "p11forge: could not remove the unlisted record \"%s\"\n", label.c_str());
        }
    }
    index_ = std::move(fresh);
    index_blocked_ = false;
    return CKR_OK;
}

} // namespace p11
