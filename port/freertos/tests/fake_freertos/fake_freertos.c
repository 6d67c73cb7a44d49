/* The stand-in FreeRTOS API on POSIX threads (see FreeRTOS.h here). */
#include <stdlib.h>

#include "FreeRTOS.h"
#include "semphr.h"
#include "task.h"

struct fake_freertos_counters fake_freertos;

/* One lock for every critical section (FreeRTOS masks interrupts). */
static pthread_mutex_t critical = PTHREAD_MUTEX_INITIALIZER;

void fake_enter_critical(void)
{
    pthread_mutex_lock(&critical);
}

void fake_exit_critical(void)
{
    pthread_mutex_unlock(&critical);
}

SemaphoreHandle_t xSemaphoreCreateMutexStatic(StaticSemaphore_t *buffer)
{
    pthread_mutex_init(&buffer->mutex, NULL);
    buffer->live = 1;
    __atomic_add_fetch(&fake_freertos.mutexes_made, 1, __ATOMIC_SEQ_CST);
    return buffer;
}

BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t ticks)
{
    (void)ticks; /* the port always waits forever */
    if (semaphore == NULL || !semaphore->live) {
        abort(); /* taking a deleted or never made mutex: a port bug */
    }
    pthread_mutex_lock(&semaphore->mutex);
    return pdTRUE;
}

BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore)
{
    pthread_mutex_unlock(&semaphore->mutex);
    return pdTRUE;
}

void vSemaphoreDelete(SemaphoreHandle_t semaphore)
{
    pthread_mutex_destroy(&semaphore->mutex);
    semaphore->live = 0;
    __atomic_add_fetch(&fake_freertos.mutexes_deleted, 1, __ATOMIC_SEQ_CST);
}

void *pvPortMalloc(size_t size)
{
    fake_enter_critical();
    int refuse = fake_freertos.mallocs_before_failure == 1;
    if (fake_freertos.mallocs_before_failure > 1) {
        fake_freertos.mallocs_before_failure--;
    }
    void *block = refuse ? NULL : malloc(size);
    if (block != NULL) {
        fake_freertos.heap_blocks++;
    }
    fake_exit_critical();
    return block;
}

void vPortFree(void *block)
{
    if (block == NULL) {
        return;
    }
    fake_enter_critical();
    fake_freertos.heap_blocks--;
    fake_exit_critical();
    free(block);
}
