/* Allocation failures for the PAL test kit: wraps the port's allocator
 * (link with -Wl,--wrap=p11_port_malloc, GNU ld; the kit is built with
 * P11_FLASH_TESTKIT_ALLOC_FAULTS then). */
#include <stddef.h>

#include "flash_testkit_alloc.h"

void *__real_p11_port_malloc(size_t size);
void *__wrap_p11_port_malloc(size_t size);

static long before_failure = -1; /* -1: never fail */
static int failed;

void *__wrap_p11_port_malloc(size_t size)
{
    if (before_failure == 0) {
        failed = 1;
        return NULL;
    }
    if (before_failure > 0) {
        before_failure--;
    }
    return __real_p11_port_malloc(size);
}

void flash_testkit_fail_allocation(long n)
{
    before_failure = n;
    failed = 0;
}

int flash_testkit_allocation_failed(void)
{
    return failed;
}
