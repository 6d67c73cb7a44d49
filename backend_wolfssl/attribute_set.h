/* The attributes of one object as the backend keeps them: type -> value
 * bytes, sorted by type (O(log n) lookup, compact for small sets). Values are
 * stored exactly as PKCS #11 passes them: CK_BBOOL is one byte, CK_ULONG is
 * the platform's unsigned long.
 *
 * All values live in one buffer per set (an object costs two allocations,
 * not one per attribute: an EC public key has about 25), wiped when freed,
 * regrown or compacted. A value replaced by a longer one, or erased, leaves
 * wiped bytes behind until they outweigh the live ones; a copy holds only
 * live bytes. A pointer from get() stays valid, and reads the current value,
 * until that attribute is erased or the set is changed by adding a type. */
#ifndef P11_BACKEND_ATTRIBUTE_SET_H
#define P11_BACKEND_ATTRIBUTE_SET_H

#include <cstddef>
#include <utility>
#include <vector>

#include "byte_view.h"
#include "pkcs11.h"
#include "wiping_allocator.h"

namespace p11 {

struct Attribute {
    CK_ATTRIBUTE_TYPE type;
    ByteView value; // in the set's buffer
};

class AttributeSet {
public:
    AttributeSet() = default;
    AttributeSet(const AttributeSet &other);
    AttributeSet(AttributeSet &&other) noexcept { swap(other); }
    AttributeSet &operator=(AttributeSet other) noexcept
    {
        swap(other);
        return *this;
    }
    void swap(AttributeSet &other) noexcept
    {
        items_.swap(other.items_);
        buffer_.swap(other.buffer_); // the views move with the buffer
        std::swap(garbage_, other.garbage_);
    }

    // nullptr when absent.
    const ByteView *get(CK_ATTRIBUTE_TYPE type) const;
    bool has(CK_ATTRIBUTE_TYPE type) const { return get(type) != nullptr; }

    // false when absent or not of the right size.
    bool get_bool(CK_ATTRIBUTE_TYPE type, bool *out) const;
    bool get_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG *out) const;
    // The value, or `fallback` when absent or malformed.
    bool bool_or(CK_ATTRIBUTE_TYPE type, bool fallback) const;
    CK_ULONG ulong_or(CK_ATTRIBUTE_TYPE type, CK_ULONG fallback) const;

    // Adds or replaces a value (which may be one of this set's own).
    void set(CK_ATTRIBUTE_TYPE type, const void *value, std::size_t size);
    void set_bool(CK_ATTRIBUTE_TYPE type, bool value);
    void set_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
    void erase(CK_ATTRIBUTE_TYPE type);

    const std::vector<Attribute> &items() const { return items_; }
    std::size_t size() const { return items_.size(); }
    // Bytes of the buffer holding no value (for tests).
    std::size_t garbage() const { return garbage_; }

private:
    std::vector<Attribute>::const_iterator lower_bound(CK_ATTRIBUTE_TYPE type) const;
    // Moves the live values into a buffer with room for `extra` more bytes.
    void compact(std::size_t extra);
    // Wipes a value's bytes and counts them as garbage.
    void discard(const ByteView &value);

    std::vector<Attribute> items_; // sorted by type, types unique
    Bytes buffer_;                 // the values; never regrown in place (views point into it)
    std::size_t garbage_ = 0;
};

} // namespace p11

#endif // P11_BACKEND_ATTRIBUTE_SET_H
