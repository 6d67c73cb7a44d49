/* An allocator whose blocks start on a 64-byte cache line, for the value
 * index's slots (value_index.h), and the alignment of an Object (object.h):
 * a cache line on hosts, where a find reads one line of each Object; none
 * beyond the natural one on firmware, where the padding would cost heap
 * and aligned allocation would bypass the port's operator new. */
#ifndef P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H
#define P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H

#include <cstddef>
#include <new>

namespace p11 {

constexpr std::size_t kCacheLine = 64;
#ifdef P11_FIRMWARE
constexpr std::size_t kObjectAlignment = alignof(std::max_align_t);
#else
constexpr std::size_t kObjectAlignment = kCacheLine;
#endif

template <typename T> struct LineAllocator {
    using value_type = T;

    LineAllocator() = default;
    template <typename U> LineAllocator(const LineAllocator<U> &) noexcept {}

#ifdef P11_FIRMWARE
    // No cache to line up with: the port's heap, through plain operator new.
    T *allocate(std::size_t n) { return static_cast<T *>(::operator new(n * sizeof(T))); }
    void deallocate(T *p, std::size_t) noexcept { ::operator delete(p); }
#else
    T *allocate(std::size_t n) { return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine))); }
    void deallocate(T *p, std::size_t) noexcept { ::operator delete(p, std::align_val_t(kCacheLine)); }
#endif

    template <typename U> bool operator==(const LineAllocator<U> &) const noexcept { return true; }
    template <typename U> bool operator!=(const LineAllocator<U> &) const noexcept { return false; }
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H
