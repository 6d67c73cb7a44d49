/* The attributes of one object as the backend keeps them: type -> value
 * bytes, sorted by type (O(log n) lookup, compact for small sets). Values are
 * stored exactly as PKCS #11 passes them: CK_BBOOL is one byte, CK_ULONG is
 * the platform's unsigned long. Values are wiped when freed. */
#ifndef P11_BACKEND_ATTRIBUTE_SET_H
#define P11_BACKEND_ATTRIBUTE_SET_H

#include <cstddef>
#include <utility>
#include <vector>

#include "pkcs11.h"
#include "wiping_allocator.h"

namespace p11 {

struct Attribute {
    CK_ATTRIBUTE_TYPE type;
    Bytes value;
};

class AttributeSet {
public:
    // nullptr when absent.
    const Bytes *get(CK_ATTRIBUTE_TYPE type) const;
    bool has(CK_ATTRIBUTE_TYPE type) const { return get(type) != nullptr; }

    // false when absent or not of the right size.
    bool get_bool(CK_ATTRIBUTE_TYPE type, bool *out) const;
    bool get_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG *out) const;
    // The value, or `fallback` when absent or malformed.
    bool bool_or(CK_ATTRIBUTE_TYPE type, bool fallback) const;
    CK_ULONG ulong_or(CK_ATTRIBUTE_TYPE type, CK_ULONG fallback) const;

    // Adds or replaces a value.
    void set(CK_ATTRIBUTE_TYPE type, const void *value, std::size_t size);
    void set_bool(CK_ATTRIBUTE_TYPE type, bool value);
    void set_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
    void erase(CK_ATTRIBUTE_TYPE type);

    const std::vector<Attribute> &items() const { return items_; }
    std::size_t size() const { return items_.size(); }

private:
    std::vector<Attribute>::const_iterator lower_bound(CK_ATTRIBUTE_TYPE type) const;
    std::vector<Attribute> items_; // sorted by type, types unique
};

} // namespace p11

#endif // P11_BACKEND_ATTRIBUTE_SET_H
