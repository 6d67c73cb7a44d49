/* One object as the store holds it. Objects are immutable once in the store
 * and shared as Ref<const Object> (ref_counted.h): C_SetAttributeValue builds a
 * new Object and swaps it in, so an operation holding a key keeps a
 * consistent (and live) copy even while another thread changes or destroys
 * it. The cached fields repeat what the attributes say, for fast checks: a
 * find by label, id or class reads only the first cache lines of the Object
 * (the hot fields come first), never the attribute vector. `parsed_keys`
 * keeps the key decoded for wolfCrypt between operations
 * (crypto/key_pool.h), and goes with the Object. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_H
#define P11_BACKEND_OBJECTS_OBJECT_H

#include <atomic>
#include <string>

#include "attribute_set.h"
#include "crypto/key_pool.h"
#include "objects/inline_value.h"
#include "objects/line_allocator.h"
#include "pkcs11.h"
#include "ref_counted.h"

namespace p11 {

// Whether the store still holds this version of the object: a search keeps
// references to what it found, and C_FindObjects skips the versions that were
// destroyed or replaced meanwhile (it then asks the store for the handle).
// Written and read under the store's lock; atomic only because C_SetAttributeValue
// copies an Object without that lock. A copied Object starts out not held.
class StoreMark {
  public:
    StoreMark() = default;
    StoreMark(const StoreMark &) {}
    StoreMark &operator=(const StoreMark &) = delete;
    bool held() const { return held_.load(std::memory_order_relaxed); }
    void set(bool held) const { held_.store(held, std::memory_order_relaxed); }

  private:
    mutable std::atomic<bool> held_{false};
};

// Hosts: on its own cache line, so a find by a short label reads one line of
// the Object (the count and the hot fields); firmware: no padding.
struct alignas(kObjectAlignment) Object : RefCounted {
    // What a find by label reads, first: these share the line of the count
    // (4 bytes + these 45).
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    bool token = false;      // CKA_TOKEN
    bool is_private = false; // CKA_PRIVATE: invisible unless the user is logged in
    // Its secret attributes are sealed under the token key, not in attrs:
    // invisible until the user's login opens it (ObjectStore::open_sealed_objects).
    bool sealed = false;
    StoreMark in_store;
    InlineValue label; // CKA_LABEL
    CK_OBJECT_CLASS klass = 0;
    InlineValue id; // CKA_ID

    AttributeSet attrs;
    CK_SESSION_HANDLE owner = CK_INVALID_HANDLE; // session objects: the session that made it
    std::string pal_label;                       // token objects: the PAL label its record is stored under
    bool stored_in_clear = false;                // token objects: a record from before encryption
    mutable KeyPool parsed_keys;                 // keys: idle wolfCrypt copies (a copied Object starts empty)
};

using ObjectRef = Ref<const Object>;
using ObjectPtr = Ref<Object>; // one being built, before the store shares it

// A new Object, or a copy (which starts unshared: count, store mark and key pool).
inline ObjectPtr make_object()
{
    return make_ref<Object>();
}
inline ObjectPtr make_object(const Object &original)
{
    return make_ref<Object>(original);
}

// Fills the cached fields from the attributes.
inline void object_cache_fields(Object *object)
{
    object->klass = object->attrs.ulong_or(CKA_CLASS, CK_UNAVAILABLE_INFORMATION);
    object->token = object->attrs.bool_or(CKA_TOKEN, false);
    object->is_private = object->attrs.bool_or(CKA_PRIVATE, true);
    object->label.assign(object->attrs.get(CKA_LABEL));
    object->id.assign(object->attrs.get(CKA_ID));
}

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_H
