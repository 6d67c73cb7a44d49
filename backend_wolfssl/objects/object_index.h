/* Secondary indexes of the object store: CKA_LABEL, CKA_CLASS and CKA_ID ->
 * the handles of the objects with that value, so a find by any of them
 * touches only the matching objects, not the whole store. Handle sets are
 * ordered, which keeps find results in creation order. Not thread safe: the
 * store's lock guards it. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_INDEX_H
#define P11_BACKEND_OBJECTS_OBJECT_INDEX_H

#include <set>
#include <string>
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

    // The smallest candidate set the template's label, class or id select:
    // *indexed is false when the template names none of them (every object is
    // a candidate); otherwise the result is NULL when nothing matches.
    const HandleSet *candidates(const AttributeSet &tmpl, bool *indexed) const;

  private:
    std::unordered_map<std::string, HandleSet> by_label_;
    std::unordered_map<CK_ULONG, HandleSet> by_class_;
    std::unordered_map<std::string, HandleSet> by_id_;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_INDEX_H
