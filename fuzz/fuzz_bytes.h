/* Reads a fuzz input as a stream of choices. Past the end every read gives
 * zero, so any input decodes to a whole, bounded program. */
#ifndef P11_FUZZ_FUZZ_BYTES_H
#define P11_FUZZ_FUZZ_BYTES_H

#include <cstddef>
#include <cstdint>
#include <vector>

class FuzzBytes {
public:
    FuzzBytes(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}

    bool done() const { return at_ >= size_; }

    std::uint8_t u8() { return at_ < size_ ? data_[at_++] : 0; }

    std::uint32_t u32()
    {
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            value = (value << 8) | u8();
        }
        return value;
    }

    // One of `count` choices (count > 0).
    std::size_t below(std::size_t count) { return u8() % count; }

    template <typename T, std::size_t N> const T &pick(const T (&items)[N]) { return items[below(N)]; }

    template <typename T> const T &pick(const std::vector<T> &items) { return items[u8() % items.size()]; }

    // A length up to `max`: mostly small, sometimes exactly max or wild within it.
    std::size_t length(std::size_t max)
    {
        switch (below(4)) {
        case 0:
            return 0;
        case 1:
            return max;
        case 2:
            return u8() % (max + 1);
        default:
            return u32() % (max + 1);
        }
    }

    // Up to `max` bytes taken from the input.
    std::vector<std::uint8_t> bytes(std::size_t max)
    {
        std::size_t count = u8() % (max + 1);
        std::vector<std::uint8_t> out;
        out.reserve(count);
        for (std::size_t i = 0; i < count && !done(); ++i) {
            out.push_back(u8());
        }
        return out;
    }

private:
    const std::uint8_t *data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

#endif // P11_FUZZ_FUZZ_BYTES_H
