/* ObjectIndex: three hash maps of ordered handle sets. */
#include "objects/object_index.h"

#include <functional>
#include <string_view>

namespace p11 {

namespace {

std::size_t key_of(const Bytes &value)
{
    return std::hash<std::string_view>()(std::string_view(reinterpret_cast<const char *>(value.data()), value.size()));
}

template <typename Map, typename Key> void erase_from(Map &map, const Key &key, CK_OBJECT_HANDLE handle)
{
    auto it = map.find(key);
    if (it == map.end()) {
        return;
    }
    it->second.erase(handle);
    if (it->second.empty()) {
        map.erase(it);
    }
}

template <typename Map, typename Key> const HandleSet *lookup(const Map &map, const Key &key)
{
    auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
}

} // namespace

void ObjectIndex::add(CK_OBJECT_HANDLE handle, const AttributeSet &attrs)
{
    if (const Bytes *label = attrs.get(CKA_LABEL)) {
        by_label_[key_of(*label)].insert(handle);
    }
    CK_ULONG klass = 0;
    if (attrs.get_ulong(CKA_CLASS, &klass)) {
        by_class_[klass].insert(handle);
    }
    if (const Bytes *id = attrs.get(CKA_ID)) {
        by_id_[key_of(*id)].insert(handle);
    }
}

void ObjectIndex::remove(CK_OBJECT_HANDLE handle, const AttributeSet &attrs)
{
    if (const Bytes *label = attrs.get(CKA_LABEL)) {
        erase_from(by_label_, key_of(*label), handle);
    }
    CK_ULONG klass = 0;
    if (attrs.get_ulong(CKA_CLASS, &klass)) {
        erase_from(by_class_, klass, handle);
    }
    if (const Bytes *id = attrs.get(CKA_ID)) {
        erase_from(by_id_, key_of(*id), handle);
    }
}

void ObjectIndex::clear()
{
    by_label_.clear();
    by_class_.clear();
    by_id_.clear();
}

const HandleSet *ObjectIndex::candidates(const AttributeSet &tmpl, bool *indexed) const
{
    const HandleSet *best = nullptr;
    bool none = false; // an indexed value no object has
    *indexed = false;
    auto consider = [&](const HandleSet *set) {
        *indexed = true;
        if (set == nullptr) {
            none = true;
        } else if (best == nullptr || set->size() < best->size()) {
            best = set;
        }
    };
    if (const Bytes *label = tmpl.get(CKA_LABEL)) {
        consider(lookup(by_label_, key_of(*label)));
    }
    CK_ULONG klass = 0;
    if (tmpl.get_ulong(CKA_CLASS, &klass)) {
        consider(lookup(by_class_, klass));
    }
    if (const Bytes *id = tmpl.get(CKA_ID)) {
        consider(lookup(by_id_, key_of(*id)));
    }
    return none ? nullptr : best;
}

} // namespace p11
