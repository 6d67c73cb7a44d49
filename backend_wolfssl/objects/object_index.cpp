/* ObjectIndex: three ValueIndexes. */
#include "objects/object_index.h"

#include <functional>
#include <string_view>

namespace p11 {

namespace {

std::size_t key_of(ByteView value)
{
    return std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char *>(value.data()), value.size()));
}

} // namespace

void ObjectIndex::add(const ObjectRef &object)
{
    const AttributeSet &attrs = object->attrs;
    if (const ByteView *label = attrs.get(CKA_LABEL)) {
        by_label_.insert(key_of(*label), object);
    }
    CK_ULONG klass = 0;
    if (attrs.get_ulong(CKA_CLASS, &klass)) {
        by_class_.insert(klass, object);
    }
    if (const ByteView *id = attrs.get(CKA_ID)) {
        by_id_.insert(key_of(*id), object);
    }
}

void ObjectIndex::remove(const Object &object)
{
    const AttributeSet &attrs = object.attrs;
    if (const ByteView *label = attrs.get(CKA_LABEL)) {
        by_label_.erase(key_of(*label), object.handle);
    }
    CK_ULONG klass = 0;
    if (attrs.get_ulong(CKA_CLASS, &klass)) {
        by_class_.erase(klass, object.handle);
    }
    if (const ByteView *id = attrs.get(CKA_ID)) {
        by_id_.erase(key_of(*id), object.handle);
    }
}

void ObjectIndex::clear()
{
    by_label_.clear();
    by_class_.clear();
    by_id_.clear();
}

ValueIndex::Hits ObjectIndex::candidates(const AttributeSet &tmpl, bool *indexed) const
{
    ValueIndex::Hits best;
    *indexed = false;
    auto consider = [&](const ValueIndex::Hits &hits) {
        // An indexed value no object has leaves nothing to look at.
        if (!*indexed || hits.size() < best.size()) {
            best = hits;
        }
        *indexed = true;
    };
    if (const ByteView *label = tmpl.get(CKA_LABEL)) {
        consider(by_label_.find(key_of(*label)));
    }
    CK_ULONG klass = 0;
    if (tmpl.get_ulong(CKA_CLASS, &klass)) {
        consider(by_class_.find(klass));
    }
    if (const ByteView *id = tmpl.get(CKA_ID)) {
        consider(by_id_.find(key_of(*id)));
    }
    return best;
}

} // namespace p11
