/* An allocator whose blocks start on a 64-byte cache line, for the value
 * index's slots (value_index.h), and the alignment of an Object (object.h):
 * a cache line on hosts, where a find reads one line of each Object; none
 * beyond the natural one on firmware, where the padding would cost heap. */
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

    T *allocate(std::size_t n) { return static_cast<T *>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine))); }
    void deallocate(T *p, std::size_t) noexcept { ::operator delete(p, std::align_val_t(kCacheLine)); }

    template <typename U> bool operator==(const LineAllocator<U> &) const noexcept { return true; }
    template <typename U> bool operator!=(const LineAllocator<U> &) const noexcept { return false; }
};

} // namespace p11

#endif // P11_BACKEND_OBJECTS_LINE_ALLOCATOR_H
