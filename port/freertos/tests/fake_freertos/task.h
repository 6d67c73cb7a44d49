/* Stand-in for FreeRTOS's task.h (see FreeRTOS.h here): critical sections. */
#ifndef FAKE_FREERTOS_TASK_H
#define FAKE_FREERTOS_TASK_H

#include "FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif

void fake_enter_critical(void);
void fake_exit_critical(void);
#define taskENTER_CRITICAL() fake_enter_critical()
#define taskEXIT_CRITICAL() fake_exit_critical()

#ifdef __cplusplus
}
#endif

#endif /* FAKE_FREERTOS_TASK_H */
