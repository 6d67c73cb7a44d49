// The replaceable global allocation functions, every form, over malloc (see
// failing_operator_new.h).
#include "failing_operator_new.h"

#include <cstddef>
#include <cstdlib>
#include <new>


namespace {

long countdown = -1;
bool failed = false;

} // namespace

namespace p11test {

bool AllocationShouldFail()
{
    if (countdown == 0) {
        failed = true;
        return true;
    }
    if (countdown > 0) {
        countdown--;
    }
    return false;
}

} // namespace p11test

namespace {

void *Allocate(std::size_t size, std::size_t align)
{
    if (p11test::AllocationShouldFail()) {
        return nullptr;
    }
    if (size == 0) {
        size = 1;
    }
    if (align <= alignof(std::max_align_t)) {
        return std::malloc(size);
    }
    return std::aligned_alloc(align, (size + align - 1) / align * align);
}

void *AllocateOrThrow(std::size_t size, std::size_t align)
{
    void *block = Allocate(size, align);
    if (block == nullptr) {
        throw std::bad_alloc();
    }
    return block;
}

} // namespace

namespace p11test {


void FailAllocationsAfter(long n)
{
    countdown = n;
    failed = false;
}

bool AnAllocationFailed()
{
    return failed;
}

} // namespace p11test

void *operator new(std::size_t size) { return AllocateOrThrow(size, 0); }
void *operator new[](std::size_t size) { return AllocateOrThrow(size, 0); }
void *operator new(std::size_t size, const std::nothrow_t &) noexcept { return Allocate(size, 0); }
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept { return Allocate(size, 0); }
void *operator new(std::size_t size, std::align_val_t align)
{
    return AllocateOrThrow(size, static_cast<std::size_t>(align));
}
void *operator new[](std::size_t size, std::align_val_t align)
{
    return AllocateOrThrow(size, static_cast<std::size_t>(align));
}
void *operator new(std::size_t size, std::align_val_t align, const std::nothrow_t &) noexcept
{
    return Allocate(size, static_cast<std::size_t>(align));
}
void *operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t &) noexcept
{
    return Allocate(size, static_cast<std::size_t>(align));
}
void operator delete(void *block) noexcept { std::free(block); }
void operator delete[](void *block) noexcept { std::free(block); }
void operator delete(void *block, std::size_t) noexcept { std::free(block); }
void operator delete[](void *block, std::size_t) noexcept { std::free(block); }
void operator delete(void *block, std::align_val_t) noexcept { std::free(block); }
void operator delete[](void *block, std::align_val_t) noexcept { std::free(block); }
void operator delete(void *block, std::size_t, std::align_val_t) noexcept { std::free(block); }
void operator delete[](void *block, std::size_t, std::align_val_t) noexcept { std::free(block); }
void operator delete(void *block, const std::nothrow_t &) noexcept { std::free(block); }
void operator delete[](void *block, const std::nothrow_t &) noexcept { std::free(block); }
void operator delete(void *block, std::align_val_t, const std::nothrow_t &) noexcept { std::free(block); }
void operator delete[](void *block, std::align_val_t, const std::nothrow_t &) noexcept { std::free(block); }
