/* The flash PAL test kit on the target (Cortex-M4 under QEMU): the same
 * campaign CI runs on the host, compiled for the device, over a RAM flash.
 * A port replaces the RAM driver by its own (docs/porting.md) and runs this
 * image on a bench. Exit status 0 when every check passed. */
#include <stdio.h>

#include "flash_device.h"
#include "flash_driver.h"
#include "flash_fault_driver.h"
#include "flash_sim_driver.h"
#include "flash_pal_testkit.h"

int main(void)
{
    const struct flash_geometry geometry = {4096, 6, 8, 256};
    if (flash_device_create(&geometry) != FLASH_OK) {
        printf("flash testkit: no RAM for the flash\n");
        return 2;
    }
    flash_faults_attach(flash_sim_driver());
    struct p11_flash_testkit_result result;
    p11_flash_testkit_run(7, &result);
    printf("flash PAL test kit on the target: %lu checks, %lu failed; %lu power cuts reached, %lu bit flips\n",
           result.checks, result.failures, result.cuts, result.flips);
    const int passed = result.failures == 0 && result.cuts > 100 && result.flips > 100;
    if (passed) {
        printf("selftest passed\n"); /* what firmware/run_selftest.py looks for */
    }
    return passed ? 0 : 1;
}
