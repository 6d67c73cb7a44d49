/* The flash PAL (pal/flash/) over the simulated NOR flash (flash_device.h):
 * the driver, a fresh device of a chosen geometry for tests, and the fault
 * injector of the device underneath. Firmware self-tests and the host's
 * provisioning tool use it too. */
#ifndef P11_PAL_FLASH_SIM_H
#define P11_PAL_FLASH_SIM_H

#include <stddef.h>

#include "flash_device.h"
#include "flash_pal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Used when PKCS11_PAL_Initialize finds no device: 8 blocks of 4 KiB,
 * 8-byte write units, 256-byte pages. */
extern const struct flash_geometry flash_sim_default_geometry;

/* A new, erased device (NULL: the default geometry) and an empty PAL, as if
 * the process had just started on blank flash. Call PKCS11_PAL_Initialize
 * after it. 0 on success. */
int flash_sim_reset(const struct flash_geometry *geometry);

/* Where the record that holds the label's current value (or its tombstone)
 * lies: flash offset and size in bytes. 0 when the label has no record. */
int flash_sim_record_span(const unsigned char *label, size_t label_len, size_t *offset, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* P11_PAL_FLASH_SIM_H */
