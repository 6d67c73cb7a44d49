// wolfCrypt's allocations through the countdown of failing_operator_new.h:
// on a device one heap serves both. Apart from the operators, so that a test
// program without wolfCrypt's allocator hooks can take those alone.
#include "failing_operator_new.h"

#include <cstdlib>

#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/memory.h>

namespace {

void *WolfMalloc(size_t size)
{
    return p11test::AllocationShouldFail() ? nullptr : std::malloc(size == 0 ? 1 : size);
}

void WolfFree(void *block)
{
    std::free(block);
}

void *WolfRealloc(void *block, size_t size)
{
    return p11test::AllocationShouldFail() ? nullptr : std::realloc(block, size);
}

} // namespace

namespace p11test {

void InstallFailingWolfcryptAllocators()
{
    wolfSSL_SetAllocators(WolfMalloc, WolfFree, WolfRealloc);
}

} // namespace p11test
