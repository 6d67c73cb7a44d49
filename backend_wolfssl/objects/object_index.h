/* Secondary indexes of the object store: CKA_LABEL, CKA_CLASS and CKA_ID ->
 * the objects with that value, so a find by any of them touches only the
 * matching objects, not the whole store. Labels and ids are keyed by a hash
 * of their bytes, not a copy: no allocation per lookup and no key to fetch
 * from memory; two values that share a hash share a slot, and the caller
 * compares every template value anyway. The indexes hold the object
 * references themselves (value_index.h), in creation order. Not thread safe:
 * the store's lock guards it. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_INDEX_H
#define P11_BACKEND_OBJECTS_OBJECT_INDEX_H

#include "attribute_set.h"
#include "objects/object.h"
#include "objects/value_index.h"

namespace p11 {

class ObjectIndex {
  public:
    void add(const ObjectRef &object);
    void remove(const Object &object);
    void clear();

    // The smallest candidate set the template's label, class or id select (a
    // superset of the matches): *indexed is false when the template names
    // none of them (every object is a candidate); otherwise the result is
    // empty when nothing matches.
    ValueIndex::Hits candidates(const AttributeSet &tmpl, bool *indexed) const;

  private:
    ValueIndex by_label_; // hash of the value
    ValueIndex by_class_;
    ValueIndex by_id_; // hash of the value
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_INDEX_H
