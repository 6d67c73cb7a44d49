/* A set of the store's Objects by one key (their handle, or their PAL label),
 * in one flat array: open addressing, linear probing and backward-shift
 * erase, as the value index (value_index.h). One slot is one reference, so
 * an object costs no node and no key copy, and nothing here rehashes by a
 * prime table or a floating-point load factor (the code std::unordered_map
 * brings into a firmware image). reserve() sizes it once from the profile's
 * limits, after which it never allocates. Not thread safe: the store's lock
 * guards it. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_TABLE_H
#define P11_BACKEND_OBJECTS_OBJECT_TABLE_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "objects/flat_probe.h"
#include "objects/object.h"
#include "pkcs11.h"

namespace p11 {

struct ByHandle {
    using Key = CK_OBJECT_HANDLE;
    static Key key_of(const Object &object) { return object.handle; }
    static std::uint64_t hash(Key key) { return key; }
};

struct ByPalLabel {
    using Key = std::string_view;
    static Key key_of(const Object &object) { return object.pal_label; }
    static std::uint64_t hash(Key key) { return std::hash<std::string_view>()(key); }
};

template <typename By> class ObjectTable {
  public:
    using Key = typename By::Key;

    // The object under key, or NULL.
    const ObjectRef *find(Key key) const
    {
        if (slots_.empty()) {
            return nullptr;
        }
        const ObjectRef &slot = slots_[probe(key)];
        return slot != nullptr ? &slot : nullptr;
    }
    // Adds the object, or replaces the one under the same key.
    void put(const ObjectRef &object)
    {
        if ((size_ + 1) * 2 > slots_.size()) {
            rebuild(slots_.empty() ? kMinCapacity : slots_.size() * 2);
        }
        ObjectRef &slot = slots_[probe(By::key_of(*object))];
        if (slot == nullptr) {
            ++size_;
        }
        slot = object;
    }
    // Whether an object was under key (it is not now).
    bool erase(Key key)
    {
        if (slots_.empty()) {
            return false;
        }
        std::size_t at = probe(key);
        if (slots_[at] == nullptr) {
            return false;
        }
        const std::size_t mask = slots_.size() - 1;
        slots_[at].reset();
        --size_;
        for (std::size_t next = (at + 1) & mask; slots_[next] != nullptr; next = (next + 1) & mask) {
            if (flat_fills_hole(next, home(By::key_of(*slots_[next])), at, mask)) {
                slots_[at] = std::move(slots_[next]);
                at = next;
            }
        }
        return true;
    }
    // Removes each object for which erase(const ObjectRef &) says true (it
    // may change other tables, not this one). Allocates nothing, so it
    // serves where a failure must not stop halfway (a session closing).
    template <typename P> void erase_if(P erase_it)
    {
        for (std::size_t at = 0; at < slots_.size();) {
            if (slots_[at] != nullptr && erase_it(slots_[at])) {
                erase(By::key_of(*slots_[at])); // may pull a later object into `at`: looked at next
            } else {
                ++at;
            }
        }
    }
    // f(const ObjectRef &) for each object, in no particular order; f must
    // not change the table.
    template <typename F> void for_each(F f) const
    {
        for (const ObjectRef &slot : slots_) {
            if (slot != nullptr) {
                f(slot);
            }
        }
    }
    // Room for n objects without allocating again.
    void reserve(std::size_t n)
    {
        std::size_t capacity = slots_.empty() ? kMinCapacity : slots_.size();
        while (capacity < n * 2) {
            capacity *= 2;
        }
        if (capacity != slots_.size()) {
            rebuild(capacity);
        }
    }
    void clear()
    {
        std::vector<ObjectRef>().swap(slots_);
        size_ = 0;
    }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return slots_.size(); }

  private:
    static constexpr std::size_t kMinCapacity = 16;

    std::size_t home(Key key) const { return flat_home(By::hash(key), shift_); }
    // The slot holding key, or the empty slot where it would go.
    std::size_t probe(Key key) const
    {
        const std::size_t mask = slots_.size() - 1;
        std::size_t at = home(key);
        while (slots_[at] != nullptr && By::key_of(*slots_[at]) != key) {
            at = (at + 1) & mask;
        }
        return at;
    }
    void rebuild(std::size_t capacity)
    {
        std::vector<ObjectRef> old(capacity);
        old.swap(slots_);
        shift_ = flat_shift_for(capacity);
        for (ObjectRef &object : old) {
            if (object != nullptr) {
                // The slot first: the right side of `=` is evaluated first (C++17).
                const std::size_t at = probe(By::key_of(*object));
                slots_[at] = std::move(object);
            }
        }
    }

    std::vector<ObjectRef> slots_; // a power of two long, at most half used
    std::size_t size_ = 0;
    unsigned shift_ = 64;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_TABLE_H
