/* The self-test image's main: runs the profile's checks (selftest_run) and
 * measures what they cost the device: the stack's high-water mark (the
 * stack below main is painted first) and the token's peak heap
 * (selftest_heap_used). Prints them for firmware/size_report.py. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "selftest.h"

#define PAINT 0x5AA5C33Cu
#define PAINTED_BYTES (48u * 1024u)

/* Below the caller's frame, as far as PAINTED_BYTES (never into the heap). */
static __attribute__((noinline)) uint32_t *paint_stack(void)
{
    uint32_t *top = (uint32_t *)__builtin_frame_address(0) - 64;
    uint32_t *bottom = top - PAINTED_BYTES / 4;
    char *heap_now = sbrk(0);
    if ((char *)bottom < heap_now + 4096) {
        bottom = (uint32_t *)(heap_now + 4096);
    }
    for (volatile uint32_t *p = bottom; p < top; ++p) {
        *p = PAINT;
    }
    return bottom;
}

static size_t stack_used(const uint32_t *bottom, const char *main_frame)
{
    const uint32_t *p = bottom;
    while (*p == PAINT) {
        ++p;
    }
    return (size_t)(main_frame - (const char *)p);
}

int main(void)
{
    char *main_frame = __builtin_frame_address(0);
    const uint32_t *bottom = paint_stack();

    int failed = selftest_run();

    size_t stack = stack_used(bottom, main_frame);
    printf("selftest-measure stack %u heap %u\n", (unsigned)stack, (unsigned)selftest_heap_used());
    printf("selftest %s: %d check(s) failed\n", failed == 0 ? "passed" : "FAILED", failed);
    return failed == 0 ? 0 : 1;
}
