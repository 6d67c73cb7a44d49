/* The nothrow operator new of a test program, refusing on demand
 * (refused_new.h). It allocates through the ordinary operator new, so that
 * every delete still matches what the C++ library (or a sanitizer) gave. */
#include "refused_new.h"

#include <atomic>
#include <new>

namespace {
std::atomic<int> countdown{0}; // 0: never refuse
std::atomic<int> refusals{0};
} // namespace

namespace p11test {

void RefuseNothrowNew(int nth)
{
    countdown.store(nth);
}

int NothrowNewRefusals()
{
    return refusals.load();
}

} // namespace p11test

namespace {
bool refuse_now()
{
    int left = countdown.load();
    while (left > 0 && !countdown.compare_exchange_weak(left, left - 1)) {
    }
    if (left != 1) {
        return false;
    }
    refusals.fetch_add(1);
    return true;
}
} // namespace

void *operator new(std::size_t size, const std::nothrow_t &) noexcept
{
    if (refuse_now()) {
        return nullptr;
    }
    try {
        return ::operator new(size);
    } catch (...) {
        return nullptr;
    }
}

void *operator new[](std::size_t size, const std::nothrow_t &) noexcept
{
    if (refuse_now()) {
        return nullptr;
    }
    try {
        return ::operator new[](size);
    } catch (...) {
        return nullptr;
    }
}
