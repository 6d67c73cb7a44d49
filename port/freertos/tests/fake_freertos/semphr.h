/* Stand-in for FreeRTOS's semphr.h (see FreeRTOS.h here). */
#ifndef FAKE_FREERTOS_SEMPHR_H
#define FAKE_FREERTOS_SEMPHR_H

#include "FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

SemaphoreHandle_t xSemaphoreCreateMutexStatic(StaticSemaphore_t *buffer);
BaseType_t xSemaphoreTake(SemaphoreHandle_t semaphore, TickType_t ticks);
BaseType_t xSemaphoreGive(SemaphoreHandle_t semaphore);
void vSemaphoreDelete(SemaphoreHandle_t semaphore);

#ifdef __cplusplus
}
#endif

#endif /* FAKE_FREERTOS_SEMPHR_H */
