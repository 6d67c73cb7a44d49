/* A read-only view of bytes someone else owns: an attribute's value inside
 * its object's one buffer (attribute_set.h), or a Bytes passed where a value
 * is read. The subset of std::vector's interface the readers use, so that a
 * value reads the same wherever it lives. */
#ifndef P11_BACKEND_BYTE_VIEW_H
#define P11_BACKEND_BYTE_VIEW_H

#include <cstddef>
#include <cstring>

#include "wiping_allocator.h"

namespace p11 {

class ByteView {
  public:
    ByteView() = default;
    ByteView(const unsigned char *data, std::size_t size) : data_(data), size_(size) {}
    ByteView(const Bytes &bytes) : data_(bytes.data()), size_(bytes.size()) {}

    const unsigned char *data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const unsigned char *begin() const { return data_; }
    const unsigned char *end() const { return data_ + size_; }
    unsigned char operator[](std::size_t i) const { return data_[i]; }
    Bytes to_bytes() const { return Bytes(begin(), end()); }

  private:
    friend class AttributeSet; // moves its views when its buffer moves
    const unsigned char *data_ = nullptr;
    std::size_t size_ = 0;
};

inline bool operator==(ByteView a, ByteView b)
{
    return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
inline bool operator!=(ByteView a, ByteView b)
{
    return !(a == b);
}

} // namespace p11

#endif // P11_BACKEND_BYTE_VIEW_H
