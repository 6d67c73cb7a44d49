/* An allocator whose blocks start on a 64-byte cache line. The store makes
 * its Objects with it (std::allocate_shared), so the shared_ptr's counts and
 * the Object's first fields share one line: a find by a short label reads
 * that one line of the Object and no other (see object.h). */
#ifndef P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H
#define P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H

#include <cstddef>
#include <new>

namespace p11 {

constexpr std::size_t kCacheLine = 64;

template <typename T> struct LineAllocator {
    using value_type = T;

    LineAllocator() = default;
    template <typename U> LineAllocator(const LineAllocator<U> &) noexcept {}

    T *allocate(std::size_t n) { return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine))); }
    void deallocate(T *p, std::size_t) noexcept { ::operator delete(p, std::align_val_t(kCacheLine)); }

    template <typename U> bool operator==(const LineAllocator<U> &) const noexcept { return true; }
    template <typename U> bool operator!=(const LineAllocator<U> &) const noexcept { return false; }
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H
