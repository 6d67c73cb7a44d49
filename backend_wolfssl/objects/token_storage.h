/* Token objects in the PAL, and nothing else touches the PAL for them.
 * Two ways, as the profile says (p11_active_profile.pal_labels):
 *  - any label: IndexedStorage (indexed_storage.h): numbered records listed
 *    by a paged index record set.
 *  - fixed labels (device ports): an object's record is stored under its
 *    CKA_LABEL, which must be one of the listed labels and not taken; objects
 *    are found by probing each listed label. No index record.
 *    The token record's PAL label ("p11forge token") may be listed too (a
 *    device port must accept it, so the profile lists it); it is never an
 *    object's label. A fixed-label add probes the PAL for each new label, so
 *    a label another process took since load is refused.
 * Every write sequence runs under the PAL's store lock (core_pkcs11_pal_lock.h,
 * when the PAL has one). Damaged records are reported on stderr and skipped.
 * Not thread safe: the object store serializes every call. */
#ifndef P11_BACKEND_OBJECTS_TOKEN_STORAGE_H
#define P11_BACKEND_OBJECTS_TOKEN_STORAGE_H

#include <string>
#include <vector>

#include "attribute_set.h"
#include "objects/indexed_storage.h"
#include "objects/label_set.h"
#include "objects/stored_object.h"
#include "pkcs11.h"

namespace p11 {

class TokenStorage {
  public:
    // Reads every token object (C_Initialize, after PKCS11_PAL_Initialize).
    void load(std::vector<StoredObject> *out);

    // Forgets what load learned (C_Finalize); the PAL keeps the records.
    void clear();

    // Writes new objects, all or none; (*pal_labels)[i] is where objects[i]
    // went. CKR_ATTRIBUTE_VALUE_INVALID: a fixed-label store and a CKA_LABEL
    // that is not listed or already taken; CKR_DEVICE_ERROR: the PAL refused.
    // A fixed-label store writes over the labels in `replaceable` (objects the
    // caller may destroy), as corePKCS11 does; on failure their old records
    // are put back.
    CK_RV add(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels,
              const LabelSet &replaceable = LabelSet());

    // Replaces one object's record (the PAL replaces atomically), under the
    // store lock and only while the store still holds it: else
    // CKR_OBJECT_HANDLE_INVALID and nothing written (a process that missed
    // another's C_DestroyObject or C_InitToken never writes a key back).
    CK_RV replace(const std::string &pal_label, const AttributeSet &attrs);

    // Removes one object's record.
    CK_RV remove(const std::string &pal_label);

    // Removes every object record and starts a fresh index (C_InitToken).
    CK_RV remove_all();

    // Fixed-label store: the CKA_LABEL of a token object names its record.
    bool fixed_labels() const { return fixed_; }

    // For store_sync.h, a PAL label another process saved or destroyed:
    // whether it can name an object record (not the token record or an
    // index page), and, under the store lock, whether the store holds that
    // object now.
    bool object_label(const std::string &pal_label) const;
    bool holds(const std::string &pal_label);

  private:
    CK_RV add_fixed(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels,
                    const LabelSet &replaceable);
    void load_fixed(std::vector<StoredObject> *out);
    CK_RV remove_all_fixed();

    bool fixed_ = false;
    LabelSet taken_; // fixed labels: those holding a record
    IndexedStorage indexed_;      // any label
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_TOKEN_STORAGE_H
