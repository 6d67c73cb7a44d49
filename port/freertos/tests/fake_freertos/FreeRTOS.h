/* A stand-in for the FreeRTOS API the FreeRTOS port uses, on POSIX threads,
 * so the port's own logic runs as a host test (port_freertos_test.cpp). Not
 * FreeRTOS: only the declarations the port needs, with the same names and
 * argument types, and counters for the test to read. */
#ifndef FAKE_FREERTOS_H
#define FAKE_FREERTOS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef long BaseType_t;
typedef uint32_t TickType_t;
#define pdTRUE ((BaseType_t)1)
#define pdFALSE ((BaseType_t)0)
#define portMAX_DELAY ((TickType_t)0xffffffffu)

typedef struct fake_semaphore {
    pthread_mutex_t mutex;
    int live;
} StaticSemaphore_t;
typedef StaticSemaphore_t *SemaphoreHandle_t;

void *pvPortMalloc(size_t size);
void vPortFree(void *block);

/* What the test reads and sets. */
struct fake_freertos_counters {
    unsigned long mutexes_made;   /* xSemaphoreCreateMutexStatic calls */
    unsigned long mutexes_deleted;
    unsigned long heap_blocks;    /* live pvPortMalloc blocks */
    unsigned long mallocs_before_failure; /* 0: never fail */
};
extern struct fake_freertos_counters fake_freertos;

#ifdef __cplusplus
}
#endif

#endif /* FAKE_FREERTOS_H */
