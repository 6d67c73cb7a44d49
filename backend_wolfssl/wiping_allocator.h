/* An allocator that wipes memory before giving it back, so every buffer that
 * ever held key material (attribute values, encoded records) is cleared when
 * freed or regrown, without each owner remembering to do it. */
#ifndef P11_BACKEND_WIPING_ALLOCATOR_H
#define P11_BACKEND_WIPING_ALLOCATOR_H

#include <cstddef>
#include <new>
#include <vector>

#include "secure_wipe.h"

namespace p11 {

template <typename T> struct WipingAllocator {
    using value_type = T;

    WipingAllocator() = default;
    template <typename U> WipingAllocator(const WipingAllocator<U> &) noexcept {}

    T *allocate(std::size_t n) { return static_cast<T *>(::operator new(n * sizeof(T))); }
    void deallocate(T *p, std::size_t n) noexcept
    {
        secure_wipe(p, n * sizeof(T));
// GCC 12 at -O2 misreads std::vector's range insert as freeing a pointer
// with an offset (-Wfree-nonheap-object); `p` is always allocate()'s result.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif
        ::operator delete(p);
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    }

    template <typename U> bool operator==(const WipingAllocator<U> &) const noexcept { return true; }
    template <typename U> bool operator!=(const WipingAllocator<U> &) const noexcept { return false; }
};

// Bytes that may be secret.
using Bytes = std::vector<unsigned char, WipingAllocator<unsigned char>>;

} // namespace p11

#endif // P11_BACKEND_WIPING_ALLOCATOR_H
