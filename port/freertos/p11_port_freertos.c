/* The FreeRTOS port (port/p11_port.h): mutexes from a static pool of
 * StaticSemaphore_t (no heap for them, a bound known at link time), the API
 * lock a static mutex made on first use, memory from FreeRTOS's heap
 * (pvPortMalloc / vPortFree). Like the bare-metal port it leaves
 * p11_port_entropy (the device's TRNG) and p11_port_log (its console) to the
 * application. Calls come from tasks, never from interrupts or before the
 * scheduler starts. Build with -DP11_PORT_THREADS=0 (the FreeRTOS toolchains'
 * C++ libraries have no atomic reference counts either: docs/firmware.md). */
#include "FreeRTOS.h"
#include "semphr.h"
#include "task.h"

#include "p11_port.h"

/* Mutexes the backend makes: the library's, the object store's two, the
 * PAL's, and one per open session (limits.sessions: 32 in the freertos
 * profiles). */
#ifndef P11_PORT_FREERTOS_MUTEXES
#define P11_PORT_FREERTOS_MUTEXES 36
#endif

struct p11_port_mutex {
    StaticSemaphore_t storage;
    SemaphoreHandle_t handle;
    int taken; /* in use; guarded by a critical section */
};

static struct p11_port_mutex pool[P11_PORT_FREERTOS_MUTEXES];

struct p11_port_mutex *p11_port_mutex_create(void)
{
    struct p11_port_mutex *mutex = NULL;
    taskENTER_CRITICAL();
    for (size_t i = 0; i < P11_PORT_FREERTOS_MUTEXES && mutex == NULL; i++) {
        if (!pool[i].taken) {
            pool[i].taken = 1;
            mutex = &pool[i];
        }
    }
    taskEXIT_CRITICAL();
    if (mutex != NULL) {
        mutex->handle = xSemaphoreCreateMutexStatic(&mutex->storage);
    }
    return mutex; /* NULL: the pool is used up, which the backend answers as CKR_HOST_MEMORY */
}

void p11_port_mutex_lock(struct p11_port_mutex *mutex)
{
    (void)xSemaphoreTake(mutex->handle, portMAX_DELAY);
}

void p11_port_mutex_unlock(struct p11_port_mutex *mutex)
{
    (void)xSemaphoreGive(mutex->handle);
}

void p11_port_mutex_free(struct p11_port_mutex *mutex)
{
    if (mutex == NULL) {
        return;
    }
    vSemaphoreDelete(mutex->handle);
    taskENTER_CRITICAL();
    mutex->taken = 0;
    taskEXIT_CRITICAL();
}

static StaticSemaphore_t api_storage;
static SemaphoreHandle_t api_mutex;

void p11_port_api_enter(void)
{
    /* Made by the first call; the critical section keeps two first calls
     * from making two. */
    taskENTER_CRITICAL();
    if (api_mutex == NULL) {
        api_mutex = xSemaphoreCreateMutexStatic(&api_storage);
    }
    taskEXIT_CRITICAL();
    (void)xSemaphoreTake(api_mutex, portMAX_DELAY);
}

void p11_port_api_leave(void)
{
    (void)xSemaphoreGive(api_mutex);
}

/* Counted under the scheduler's critical section: a task and an interrupt
 * handler may both allocate. */
static volatile unsigned long heap_refusals;

void *p11_port_malloc(size_t size)
{
    void *block = pvPortMalloc(size);
    if (block == NULL) {
        taskENTER_CRITICAL();
        heap_refusals++;
        taskEXIT_CRITICAL();
    }
    return block;
}

unsigned long p11_port_heap_refusals(void)
{
    return heap_refusals;
}

void p11_port_free(void *block)
{
    vPortFree(block);
}
