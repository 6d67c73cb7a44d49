/* TokenStorage: the fixed-label store here, the any-label one in
 * IndexedStorage. */
#include "objects/token_storage.h"

#include "objects/pal_io.h"
#include "objects/record_labels.h"
#include "p11_profile.h"
#include "token_record.h"

namespace p11 {

namespace {

std::string label_of(const AttributeSet &attrs)
{
    const ByteView *label = attrs.get(CKA_LABEL);
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
    taken_.clear();
    indexed_.clear();
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
        indexed_.load(out, lock.rv() == CKR_OK);
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
        bool ok = read_stored_object(label, &object, &present);
        if (present) {
            taken_.insert(label); // taken, even by a damaged record
        }
        if (ok && label_of(object.attrs) != label) {
            report_object_record(label, "holds an object with another CKA_LABEL");
            ok = false;
        }
        if (ok) {
            out->push_back(std::move(object));
        }
    }
}

CK_RV TokenStorage::add(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels,
                        const LabelSet &replaceable)
{
    pal_labels->clear();
    return fixed_ ? add_fixed(objects, pal_labels, replaceable) : indexed_.add(objects, pal_labels);
}

CK_RV TokenStorage::add_fixed(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels,
                              const LabelSet &replaceable)
{
    StoreLock lock;
    if (lock.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    LabelSet taken = taken_;
    LabelSet batch;
    std::vector<std::string> labels;
    std::vector<Bytes> previous(objects.size()); // what a replaced label held
    for (std::size_t i = 0; i < objects.size(); ++i) {
        std::string label = label_of(*objects[i]);
        if (!label_listed(label) || !batch.insert(label)) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        if (replaceable.contains(label)) {
            // Replaced as corePKCS11's PAL_SaveObject does; kept to put back.
            if (pal_read(label, &previous[i]) != ReadResult::ok) {
                return CKR_ATTRIBUTE_VALUE_INVALID; // another process removed it meanwhile
            }
        } else if (taken.contains(label) || pal_find(label) != CK_INVALID_HANDLE) {
            // Probing the PAL catches a label another process took since load.
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        taken.insert(label);
        labels.push_back(label);
    }
    for (std::size_t i = 0; i < objects.size(); ++i) {
        const CK_RV rv = write_stored_object(labels[i], *objects[i]);
        if (rv != CKR_OK) {
            for (std::size_t j = 0; j < i; ++j) {
                if (previous[j].empty()) {
                    (void)pal_destroy(labels[j]);
                } else {
                    (void)pal_write(labels[j], previous[j].data(), previous[j].size());
                }
            }
            return rv;
        }
    }
    taken_ = std::move(taken);
    *pal_labels = std::move(labels);
    return CKR_OK;
}

bool TokenStorage::object_label(const std::string &pal_label) const
{
    std::uint64_t id = 0;
    return fixed_ ? label_listed(pal_label) : parse_object_record_label(pal_label, &id);
}

bool TokenStorage::holds(const std::string &pal_label)
{
    if (!fixed_) {
        return indexed_.listed(pal_label);
    }
    const bool present = pal_find(pal_label) != CK_INVALID_HANDLE;
    if (present) {
        taken_.insert(pal_label);
    } else {
        taken_.erase(pal_label);
    }
    return present;
}

CK_RV TokenStorage::replace(const std::string &pal_label, const AttributeSet &attrs)
{
    if (!fixed_) {
        return indexed_.replace(pal_label, attrs);
    }
    // A record another process destroyed is not written back.
    return rewrite_stored_object(pal_label, attrs);
}

CK_RV TokenStorage::remove(const std::string &pal_label)
{
    if (!fixed_) {
        return indexed_.remove(pal_label);
    }
    if (!pal_destroy(pal_label)) {
        return CKR_DEVICE_ERROR;
    }
    taken_.erase(pal_label);
    return CKR_OK;
}

CK_RV TokenStorage::remove_all()
{
    return fixed_ ? remove_all_fixed() : indexed_.remove_all();
}

CK_RV TokenStorage::remove_all_fixed()
{
    StoreLock lock;
    if (lock.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    const p11_profile &profile = p11_active_profile;
    for (CK_ULONG i = 0; i < profile.pal_label_count; ++i) {
        if (!reserved(profile.pal_labels[i]) && !pal_destroy(profile.pal_labels[i])) {
            return CKR_DEVICE_ERROR;
        }
    }
    taken_.clear();
    return CKR_OK;
}

} // namespace p11
