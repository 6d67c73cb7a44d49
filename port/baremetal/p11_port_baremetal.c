/* The bare-metal port (port/p11_port.h): one thread of execution and no OS.
 * Mutexes only check their use (a second lock of a held mutex would be a
 * deadlock under an RTOS; here it stops the program), memory is newlib's
 * heap. The application defines p11_port_entropy (its TRNG) and
 * p11_port_log (its console): a link error, not a silent default, when
 * either is missing. */
#include "p11_port.h"

#include <stdlib.h>

struct p11_port_mutex {
    int held;
};

static void misuse(void)
{
    p11_port_log("port: a mutex locked twice or unlocked while free");
    abort();
}

struct p11_port_mutex *p11_port_mutex_create(void)
{
    return calloc(1, sizeof(struct p11_port_mutex));
}

void p11_port_mutex_lock(struct p11_port_mutex *mutex)
{
    if (mutex->held) {
        misuse();
    }
    mutex->held = 1;
}

void p11_port_mutex_unlock(struct p11_port_mutex *mutex)
{
    if (!mutex->held) {
        misuse();
    }
    mutex->held = 0;
}

void p11_port_mutex_free(struct p11_port_mutex *mutex)
{
    free(mutex);
}

/* One thread: calls cannot overlap, but a call made from inside another (an
 * interrupt handler calling in) would; refuse it loudly. */
static int api_held;

void p11_port_api_enter(void)
{
    if (api_held) {
        misuse();
    }
    api_held = 1;
}

void p11_port_api_leave(void)
{
    api_held = 0;
}

static unsigned long heap_refusals;

void *p11_port_malloc(size_t size)
{
    void *block = malloc(size);
    if (block == NULL) {
        heap_refusals++;
    }
    return block;
}

unsigned long p11_port_heap_refusals(void)
{
    return heap_refusals;
}

void p11_port_free(void *block)
{
    free(block);
}
