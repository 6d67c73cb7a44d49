/* The simulated NOR flash (flash_device.h) as a flash PAL driver
 * (flash_driver.h): for the flash PAL's tests, the test kit's RAM runs and
 * the firmware self-tests. */
#ifndef P11_FLASH_SIM_DRIVER_H
#define P11_FLASH_SIM_DRIVER_H

#include "flash_driver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The driver over the device as created now (its geometry), or NULL when
 * there is no device. */
const struct p11_flash_driver *flash_sim_driver(void);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_SIM_DRIVER_H */
