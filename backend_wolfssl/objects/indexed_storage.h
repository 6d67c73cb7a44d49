/* Token objects of a store that accepts any label (profile `labels: any`):
 * each object record under its own numbered PAL label, never the user's
 * CKA_LABEL (so objects may share one), listed by a paged index
 * (index_records.h). Every create or destroy costs the same whatever the
 * number of objects: a few PAL reads and writes of fixed-size records.
 *
 * Crash safety (writes are atomic in the PAL, but a sequence of them is
 * not): a new object's record is written before the page that lists it, and
 * a new page before the head that takes it in, so a cut leaves at worst an
 * unlisted record or page, never a listed object that was lost; its number
 * is handed out again by the next create, overwriting it. A destroyed
 * object leaves its page (the commit point) before its record goes; a
 * record a cut left behind is reclaimed by the next load under the lock.
 * Objects created together (a key pair) share one page, so one page write
 * lists them all or none.
 *
 * Several processes may share one store: every write runs under the PAL's
 * store lock and starts from the stored head and page, re-read (two small
 * PAL reads), so no number is handed out twice and no process drops
 * another's objects; each sees the other's objects on its next load.
 *
 * The head is written twice (kIndexCopyLabel after kIndexRecordLabel): a
 * head that is missing or damaged is read from its copy and written again.
 * Pages stored beyond the head's end (a create cut before its head, or a
 * head lost with its copy) are taken in, never overwritten, so no number a
 * stored page or record holds is handed out again. A newer head, or a
 * damaged one without a good copy, is never overwritten: token objects
 * cannot be written until C_InitToken starts a fresh store. A damaged page is never
 * overwritten either; its objects are skipped and new ones go elsewhere. A
 * listed record that is missing is reported and dropped from its page.
 * A format 1 index (index_v1.h) loads as it is and is converted to pages
 * by the first write. Not thread safe: the object store serializes calls. */
#ifndef P11_BACKEND_OBJECTS_INDEXED_STORAGE_H
#define P11_BACKEND_OBJECTS_INDEXED_STORAGE_H

#include <string>
#include <vector>

#include "attribute_set.h"
#include "objects/index_records.h"
#include "objects/stored_object.h"
#include "pkcs11.h"

namespace p11 {

enum class PageRead { ok, missing, unusable };

class IndexedStorage {
  public:
    // Reads every listed object in one pass. locked: the caller holds the
    // store lock, so a page that lists a missing record may be rewritten.
    void load(std::vector<StoredObject> *out, bool locked);
    void clear();

    // All objects or none, at most kIdsPerPage; (*pal_labels)[i] is where
    // objects[i] went. CKR_DEVICE_ERROR when the PAL refused or the index
    // cannot be read.
    CK_RV add(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels);
    CK_RV remove(const std::string &pal_label);
    // Rewrites a listed object's record; CKR_OBJECT_HANDLE_INVALID (nothing
    // written) when no page lists it any more.
    CK_RV replace(const std::string &pal_label, const AttributeSet &attrs);
    // Every object record and index record goes; a fresh head (C_InitToken).
    CK_RV remove_all();
    // Under the store lock: the label names an object record that a page
    // lists now (store_sync.h: another process created or destroyed it).
    bool listed(const std::string &label);

  private:
    void load_v1(const IndexV1 &index, std::vector<StoredObject> *out);
    void load_page(std::uint64_t page, std::vector<StoredObject> *out, bool locked);
    // The page that would list object `id`, read as the head (head_) knows
    // the store.
    PageRead read_page_of(std::uint64_t id, IndexPage *page) const;
    // Replaces head_ with the stored head (caller holds the store lock),
    // converting a format 1 index first.
    CK_RV sync_head();
    CK_RV upgrade(const IndexV1 &index);

    IndexHead head_;
    bool blocked_ = false; // the stored head could not be read at load
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_INDEXED_STORAGE_H
