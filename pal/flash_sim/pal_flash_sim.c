/* The simulated NOR flash as the flash PAL's driver (see pal_flash_sim.h). */
#include "pal_flash_sim.h"

#include "flash_driver.h"

const struct flash_geometry flash_sim_default_geometry = {4096, 8, 8, 256};

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

const struct p11_flash_driver *p11_flash_driver_get(void)
{
    if (flash_device_geometry() == NULL && flash_device_create(&flash_sim_default_geometry) != FLASH_OK) {
        return NULL;
    }
    const struct flash_geometry *geometry = flash_device_geometry();
    driver.sector_size = geometry->block_size;
    driver.sector_count = geometry->block_count;
    driver.program_unit = geometry->write_unit;
    driver.page_size = geometry->page_size;
    return &driver;
}

int flash_sim_reset(const struct flash_geometry *geometry)
{
    p11_flash_pal_forget();
    return flash_device_create(geometry != NULL ? geometry : &flash_sim_default_geometry) == FLASH_OK ? 0 : -1;
}

int flash_sim_record_span(const unsigned char *label, size_t label_len, size_t *offset, size_t *size)
{
    return p11_flash_pal_record_span(label, label_len, offset, size);
}
