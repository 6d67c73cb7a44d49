/* The PAL under test reaches the flash through the kit's fault layer. */
#include "flash_driver.h"
#include "flash_fault_driver.h"

const struct p11_flash_driver *p11_flash_driver_get(void)
{
    return flash_faults_driver();
}
