/* The arithmetic the store's flat tables share (value_index.h,
 * object_table.h): a power-of-two array, Fibonacci hashing into it (small
 * consecutive keys such as handles and class values spread over the whole
 * array), linear probing, and erase by backward shift (no tombstones). */
#ifndef P11_BACKEND_OBJECTS_FLAT_PROBE_H
#define P11_BACKEND_OBJECTS_FLAT_PROBE_H

#include <cstddef>
#include <cstdint>

namespace p11 {

// The shift that keeps log2(capacity) top bits of a 64-bit product.
inline unsigned flat_shift_for(std::size_t capacity)
{
    unsigned shift = 64;
    for (std::size_t c = capacity; c > 1; c >>= 1) {
        --shift;
    }
    return shift;
}

// The slot a key's probe starts at.
inline std::size_t flat_home(std::uint64_t hash, unsigned shift)
{
    return static_cast<std::size_t>((hash * 0x9E3779B97F4A7C15ull) >> shift);
}

// Erase: whether the entry at `next` (whose probe starts at `home`) moves
// back into the hole at `hole`, i.e. its home is not in (hole, next], so
// that no probe meets a hole before its key.
inline bool flat_fills_hole(std::size_t next, std::size_t home, std::size_t hole, std::size_t mask)
{
    return ((next - home) & mask) >= ((next - hole) & mask);
}

} // namespace p11

#endif // P11_BACKEND_OBJECTS_FLAT_PROBE_H
