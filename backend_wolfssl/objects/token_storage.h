/* Token objects in the PAL, and nothing else touches the PAL for them.
 * Two ways, as the profile says (p11_active_profile.pal_labels):
 *  - any label: each object record under its own generated PAL label
 *    ("p11forge obj 00000001"), never the user's CKA_LABEL, so objects may
 *    share a CKA_LABEL; an index record lists the labels. A new object's
 *    record is written before the index that names it, and a destroyed one
 *    leaves the index before its record goes, so a crash leaves at worst an
 *    unlisted record, never a listed object that was lost.
 *  - fixed labels (device ports): an object's record is stored under its
 *    CKA_LABEL, which must be one of the listed labels and not taken; objects
 *    are found by probing each listed label. No index record.
 *    The token record's PAL label ("p11forge token") may be listed too (a
 *    device port must accept it, so the profile lists it); it is never an
 *    object's label.
 * Several processes may share one store. Every write sequence runs under the
 * PAL's store lock (core_pkcs11_pal_lock.h, when the PAL has one) and starts
 * from the stored index, re-read (one PAL read), not from this process's
 * copy: so one process never hands out a record label another has used, nor
 * drops another's objects from the index; each sees the other's objects on
 * its next load. A fixed-label add probes the PAL for each new label.
 * Damaged records are reported on stderr and skipped. A damaged (or newer)
 * index is never overwritten: token objects cannot be written until
 * C_InitToken starts a fresh store. Not thread safe: the object store
 * serializes every call. */
#ifndef P11_BACKEND_OBJECTS_TOKEN_STORAGE_H
#define P11_BACKEND_OBJECTS_TOKEN_STORAGE_H

#include <string>
#include <vector>

#include "attribute_set.h"
#include "objects/storage_index.h"
#include "pkcs11.h"

namespace p11 {

struct StoredObject {
    AttributeSet attrs;
    std::string pal_label;
};

class TokenStorage {
  public:
    // Reads every token object (C_Initialize, after PKCS11_PAL_Initialize).
    void load(std::vector<StoredObject> *out);

    // Forgets what load learned (C_Finalize); the PAL keeps the records.
    void clear();

    // Writes new objects, all or none; (*pal_labels)[i] is where objects[i]
    // went. CKR_ATTRIBUTE_VALUE_INVALID: a fixed-label store and a CKA_LABEL
    // that is not listed or already taken; CKR_DEVICE_ERROR: the PAL refused.
    CK_RV add(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels);

    // Replaces one object's record (the PAL replaces atomically).
    CK_RV replace(const std::string &pal_label, const AttributeSet &attrs);

    // Removes one object's record.
    CK_RV remove(const std::string &pal_label);

    // Removes every object record and starts a fresh index (C_InitToken).
    CK_RV remove_all();

    // Fixed-label store: the CKA_LABEL of a token object names its record.
    bool fixed_labels() const { return fixed_; }

  private:
    CK_RV add_fixed(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels);
    CK_RV add_indexed(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels);
    void load_fixed(std::vector<StoredObject> *out);
    void load_indexed(std::vector<StoredObject> *out);
    // Replaces index_ with the stored index (caller holds the store lock).
    CK_RV reread_index();

    bool fixed_ = false;
    StorageIndex index_;         // labels in use (both ways); next id (any label)
    bool index_blocked_ = false; // the stored index could not be read
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_TOKEN_STORAGE_H
