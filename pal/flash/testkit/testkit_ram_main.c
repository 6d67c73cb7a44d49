/* The PAL test kit over a RAM flash (the simulator's device, without its
 * own faults): what CI runs. A port runs the same kit over its own driver
 * (docs/porting.md).
 *   p11-flash-testkit-ram <sector size> <sectors> <program unit> <page size> <seed>
 * Exit status 0 when every check passed. */
#include <stdio.h>
#include <stdlib.h>

#include "flash_device.h"
#include "flash_driver.h"
#include "flash_fault_driver.h"
#include "flash_sim_driver.h"
#include "flash_pal_testkit.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s <sector size> <sectors> <program unit> <page size> <seed>\n", argv[0]);
        return 2;
    }
    const struct flash_geometry geometry = {strtoul(argv[1], NULL, 0), strtoul(argv[2], NULL, 0),
                                            strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0)};
    if (flash_device_create(&geometry) != FLASH_OK) {
        fprintf(stderr, "%s: a geometry the RAM flash cannot take\n", argv[0]);
        return 2;
    }
    flash_faults_attach(flash_sim_driver());
    struct p11_flash_testkit_result result;
    p11_flash_testkit_run((uint32_t)strtoul(argv[5], NULL, 0), &result);
    printf("flash PAL test kit: %lu checks, %lu failed; %lu power cuts reached, %lu bit flips\n", result.checks,
           result.failures, result.cuts, result.flips);
    flash_device_destroy();
    return result.failures == 0 && result.cuts > 100 && result.flips > 100 ? 0 : 1;
}
