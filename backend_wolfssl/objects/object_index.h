/* Secondary indexes of the object store: CKA_LABEL, CKA_CLASS and CKA_ID ->
 * the handles of the objects with that value, so a find by any of them
 * touches only the matching objects, not the whole store. Labels and ids
 * are keyed by a hash of their bytes, not a copy: no allocation per lookup
 * and no key to fetch from memory; two values that share a hash share a set,
 * and the caller compares every template value anyway. Handle sets are
 * ordered, which keeps find results in creation order. Not thread safe: the
 * store's lock guards it. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_INDEX_H
#define P11_BACKEND_OBJECTS_OBJECT_INDEX_H

#include <cstddef>
#include <set>
#include <unordered_map>

#include "attribute_set.h"
#include "pkcs11.h"

namespace p11 {

using HandleSet = std::set<CK_OBJECT_HANDLE>;

class ObjectIndex {
  public:
    void add(CK_OBJECT_HANDLE handle, const AttributeSet &attrs);
    void remove(CK_OBJECT_HANDLE handle, const AttributeSet &attrs);
    void clear();

    // The smallest candidate set the template's label, class or id select (a
    // superset of the matches): *indexed is false when the template names
    // none of them (every object is a candidate); otherwise the result is
    // NULL when nothing matches.
    const HandleSet *candidates(const AttributeSet &tmpl, bool *indexed) const;

  private:
    std::unordered_map<std::size_t, HandleSet> by_label_; // hash of the value
    std::unordered_map<CK_ULONG, HandleSet> by_class_;
    std::unordered_map<std::size_t, HandleSet> by_id_; // hash of the value
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_INDEX_H
