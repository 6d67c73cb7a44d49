/* CK_ULONG values on disk, the same whatever the word size: 8 bytes each.
 * CK_UNAVAILABLE_INFORMATION (all ones in any width) is stored as all ones
 * in 64 bits, so a store written by a 64-bit host reads the same on a 32-bit
 * device and back; any other value a 32-bit CK_ULONG cannot hold makes the
 * record damaged there. Templates, so that both widths are tested on any
 * host. */
#ifndef P11_BACKEND_OBJECTS_STORED_ULONG_H
#define P11_BACKEND_OBJECTS_STORED_ULONG_H

#include <cstdint>
#include <limits>

namespace p11 {

template <typename Ulong> std::uint64_t stored_ulong(Ulong value)
{
    return value == std::numeric_limits<Ulong>::max() ? UINT64_MAX : static_cast<std::uint64_t>(value);
}

// False when the value does not fit the width (and is not "unavailable").
template <typename Ulong> bool loaded_ulong(std::uint64_t stored, Ulong *out)
{
    if (stored == UINT64_MAX) {
        *out = std::numeric_limits<Ulong>::max();
        return true;
    }
    if (stored > std::numeric_limits<Ulong>::max()) {
        return false;
    }
    *out = static_cast<Ulong>(stored);
    return true;
}

} // namespace p11

#endif // P11_BACKEND_OBJECTS_STORED_ULONG_H
