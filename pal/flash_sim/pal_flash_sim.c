/* The flash PAL over the simulated NOR flash (see pal_flash_sim.h). */
#include "pal_flash_sim.h"

#include "flash_sim_driver.h"

const struct flash_geometry flash_sim_default_geometry = {4096, 8, 8, 256};

const struct p11_flash_driver *p11_flash_driver_get(void)
{
    if (flash_device_geometry() == NULL && flash_device_create(&flash_sim_default_geometry) != FLASH_OK) {
        return NULL;
    }
    return flash_sim_driver();
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
