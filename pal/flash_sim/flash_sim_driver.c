/* The simulated NOR flash as a flash PAL driver (see flash_sim_driver.h). */
#include "flash_sim_driver.h"

#include "flash_device.h"

static int sim_read(size_t offset, void *out, size_t len)
{
    return flash_device_read(offset, out, len) == FLASH_OK ? 0 : -1;
}

static int sim_program(size_t offset, const void *data, size_t len)
{
    return flash_device_write(offset, data, len) == FLASH_OK ? 0 : -1;
}

static int sim_erase(size_t sector)
{
    return flash_device_erase(sector) == FLASH_OK ? 0 : -1;
}

static struct p11_flash_driver driver = {0, 0, 0, 0, sim_read, sim_program, sim_erase};

const struct p11_flash_driver *flash_sim_driver(void)
{
    const struct flash_geometry *geometry = flash_device_geometry();
    if (geometry == NULL) {
        return NULL;
    }
    driver.sector_size = geometry->block_size;
    driver.sector_count = geometry->block_count;
    driver.program_unit = geometry->write_unit;
    driver.page_size = geometry->page_size;
    return &driver;
}
