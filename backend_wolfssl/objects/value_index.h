/* One secondary index of the object store: a key (the hash of a label or an
 * id, or a class value) -> the objects with that key, in handle (creation)
 * order. One flat array with linear probing: a find by a unique label reads
 * one slot, and the slot holds the object reference itself, so no node, no
 * handle set and no handle -> object lookup follow it; the CPU cache misses
 * of a lookup do not grow with the store. A key several objects share (a key
 * pair's label, a class) keeps them in a Group hung off its slot.
 * Not thread safe: the store's lock guards it. */
#ifndef P11_BACKEND_OBJECTS_VALUE_INDEX_H
#define P11_BACKEND_OBJECTS_VALUE_INDEX_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "objects/line_allocator.h"
#include "objects/object.h"
#include "pkcs11.h"

namespace p11 {

class ValueIndex {
  public:
    // The objects under one key, in handle order, in one vector (no node per
    // object). An erase leaves a hole under its handle, so it costs a binary
    // search and no shift of the rest (a class shared by 100,000 objects);
    // the holes go when they outnumber the objects. New handles are the
    // largest, so an insert appends; an object replaced under its handle
    // (C_SetAttributeValue) fills its hole again.
    class Group {
      public:
        void insert(const ObjectRef &object);
        // Whether the object was there.
        bool erase(CK_OBJECT_HANDLE handle);
        std::size_t size() const { return live_; }
        // The one object left (size() == 1).
        ObjectRef only() const;
        template <typename F> void for_each(F f) const
        {
            for (const Entry &entry : entries_) {
                if (entry.object != nullptr) {
                    f(entry.object);
                }
            }
        }

      private:
        struct Entry {
            CK_OBJECT_HANDLE handle;
            ObjectRef object; // NULL: a hole
        };
        std::vector<Entry>::iterator position(CK_OBJECT_HANDLE handle);

        std::vector<Entry> entries_; // by handle
        std::size_t live_ = 0;
    };

    // The objects under one key: none, one, or a group.
    class Hits {
      public:
        std::size_t size() const { return one_ != nullptr ? 1 : many_ != nullptr ? many_->size() : 0; }
        // f(const ObjectRef &) for each, in handle order.
        template <typename F> void for_each(F f) const
        {
            if (one_ != nullptr) {
                f(*one_);
            } else if (many_ != nullptr) {
                many_->for_each(f);
            }
        }

      private:
        friend class ValueIndex;
        const ObjectRef *one_ = nullptr;
        const Group *many_ = nullptr;
    };

    void insert(std::size_t key, const ObjectRef &object);
    // Nothing happens when the object is not under that key.
    void erase(std::size_t key, CK_OBJECT_HANDLE handle);
    Hits find(std::size_t key) const;
    void clear();

    std::size_t keys() const { return keys_; }
    std::size_t capacity() const { return slots_.size(); }

  private:
    // A used slot has exactly one of `one` and `many`.
    struct Slot {
        std::size_t key = 0;
        ObjectRef one;
        std::unique_ptr<Group> many;
        bool used() const { return one != nullptr || many != nullptr; }
    };

    std::size_t home(std::size_t key) const;
    // The slot holding `key`, or the free slot where it would go.
    std::size_t probe(std::size_t key) const;
    void grow();
    void vacate(std::size_t at);

    // A power of two long, at most half used; on cache lines, so that no
    // 32-byte slot straddles two.
    std::vector<Slot, LineAllocator<Slot>> slots_;
    std::size_t keys_ = 0;
    unsigned shift_ = 64; // 64 - log2(capacity)
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_VALUE_INDEX_H
