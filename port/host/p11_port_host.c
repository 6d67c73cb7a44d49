/* The host port (port/p11_port.h): POSIX threads, the C library's heap, the
 * kernel's random numbers, stderr. */
#define _DEFAULT_SOURCE /* getentropy */

#include "p11_port.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <unistd.h>

struct p11_port_mutex {
    pthread_mutex_t mutex;
};

struct p11_port_mutex *p11_port_mutex_create(void)
{
    struct p11_port_mutex *mutex = malloc(sizeof(*mutex));
    if (mutex != NULL && pthread_mutex_init(&mutex->mutex, NULL) != 0) {
        free(mutex);
        mutex = NULL;
    }
    return mutex;
}

void p11_port_mutex_lock(struct p11_port_mutex *mutex)
{
    pthread_mutex_lock(&mutex->mutex);
}

void p11_port_mutex_unlock(struct p11_port_mutex *mutex)
{
    pthread_mutex_unlock(&mutex->mutex);
}

void p11_port_mutex_free(struct p11_port_mutex *mutex)
{
    if (mutex != NULL) {
        pthread_mutex_destroy(&mutex->mutex);
        free(mutex);
    }
}

/* Only what is built with P11_PORT_THREADS 0 calls these on a host: the
 * lean backend's module (backend_wolfssl/lean/), whose calls run one at a
 * time. */
static pthread_mutex_t api_lock = PTHREAD_MUTEX_INITIALIZER;

void p11_port_api_enter(void)
{
    pthread_mutex_lock(&api_lock);
}

void p11_port_api_leave(void)
{
    pthread_mutex_unlock(&api_lock);
}

static unsigned long heap_refusals; /* atomic: threads allocate in parallel */

void *p11_port_malloc(size_t size)
{
    void *block = malloc(size);
    if (block == NULL) {
        __atomic_add_fetch(&heap_refusals, 1, __ATOMIC_RELAXED);
    }
    return block;
}

unsigned long p11_port_heap_refusals(void)
{
    return __atomic_load_n(&heap_refusals, __ATOMIC_RELAXED);
}

void p11_port_free(void *block)
{
    free(block);
}

int p11_port_entropy(unsigned char *out, size_t len)
{
    /* getentropy gives at most 256 bytes per call. */
    while (len > 0) {
        size_t chunk = len < 256 ? len : 256;
        if (getentropy(out, chunk) != 0) {
            return errno != 0 ? errno : -1;
        }
        out += chunk;
        len -= chunk;
    }
    return 0;
}

void p11_port_log(const char *message)
{
    (void)fprintf(stderr, "p11forge: %s\n", message);
    /* Inside an agent or a browser stderr goes nowhere: the system log
     * (journald) keeps the line, under the host program's own name (no
     * openlog). */
    syslog(LOG_USER | LOG_WARNING, "p11forge: %s", message);
}
