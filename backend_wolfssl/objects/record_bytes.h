/* Big-endian writer and bounds-checked reader for the object and index
 * records. The reader never reads past its range; each read says whether
 * the bytes were there. */
#ifndef P11_BACKEND_OBJECTS_RECORD_BYTES_H
#define P11_BACKEND_OBJECTS_RECORD_BYTES_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace p11 {

class RecordWriter {
  public:
    explicit RecordWriter(std::uint8_t *out) : p_(out) {}
    void u32(std::uint32_t v) { put(v, 4); }
    void u64(std::uint64_t v) { put(v, 8); }
    void bytes(const void *data, std::size_t len)
    {
        if (len != 0) {
            std::memcpy(p_, data, len);
            p_ += len;
        }
    }

  private:
    void put(std::uint64_t v, int size)
    {
        for (int shift = 8 * (size - 1); shift >= 0; shift -= 8) {
            *p_++ = static_cast<std::uint8_t>(v >> shift);
        }
    }
    std::uint8_t *p_;
};

class RecordReader {
  public:
    RecordReader(const std::uint8_t *data, std::size_t len) : p_(data), left_(len) {}
    bool u32(std::uint32_t *v)
    {
        std::uint64_t wide = 0;
        if (!get(4, &wide)) {
            return false;
        }
        *v = static_cast<std::uint32_t>(wide);
        return true;
    }
    bool u64(std::uint64_t *v) { return get(8, v); }
    // Points *data at the next len bytes and skips them.
    bool span(std::size_t len, const std::uint8_t **data)
    {
        if (len > left_) {
            return false;
        }
        *data = p_;
        p_ += len;
        left_ -= len;
        return true;
    }
    bool at_end() const { return left_ == 0; }

  private:
    bool get(std::size_t size, std::uint64_t *v)
    {
        if (size > left_) {
            return false;
        }
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < size; ++i) {
            value = (value << 8) | p_[i];
        }
        p_ += size;
        left_ -= size;
        *v = value;
        return true;
    }
    const std::uint8_t *p_;
    std::size_t left_;
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_RECORD_BYTES_H
