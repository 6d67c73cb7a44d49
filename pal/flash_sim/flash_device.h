/* A simulated NOR flash in RAM, and a fault injector for power-cut tests.
 * Like real NOR: the device is made of erase blocks; an erase sets a whole
 * block to 0xFF; a write programs whole write units within one page and can
 * only clear bits (1 -> 0): a 1 written over a 0 silently stays 0. Contents
 * survive a power cycle. One device per process; not thread safe (the PAL
 * holds its own lock). */
#ifndef P11_FLASH_DEVICE_H
#define P11_FLASH_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct flash_geometry {
    size_t block_size;  /* bytes per erase block, a multiple of write_unit */
    size_t block_count; /* at least 2 */
    size_t write_unit;  /* bytes per program unit, a power of two (1 for a byte-programmable NOR) */
    size_t page_size;   /* a write never crosses a page; 0: no pages */
};

enum flash_status {
    FLASH_OK = 0,
    FLASH_ERR_POWER,   /* the power was cut; nothing works until a power cycle */
    FLASH_ERR_RANGE,   /* outside the device, or not aligned to a write unit */
    FLASH_ERR_NO_DEVICE,
};

struct flash_counters {
    unsigned long reads;
    unsigned long writes; /* write operations, each of one or more units */
    unsigned long erases;
    unsigned long failed; /* operations refused for any reason */
};

/* Creates the device, every byte 0xFF, counters zero, no cut armed.
 * FLASH_ERR_RANGE for a geometry that breaks the rules above. */
enum flash_status flash_device_create(const struct flash_geometry *geometry);
void flash_device_destroy(void);
/* NULL before flash_device_create. */
const struct flash_geometry *flash_device_geometry(void);

enum flash_status flash_device_read(size_t offset, void *out, size_t len);
/* offset and len are multiples of the write unit. */
enum flash_status flash_device_write(size_t offset, const void *data, size_t len);
enum flash_status flash_device_erase(size_t block);

/* Fault injector. */

/* After n more write/erase operations succeed, the next one is torn (its
 * first half lands: half of its units, then half of the next unit's bytes;
 * for an erase, the first half of the block) and fails, and so does every
 * operation after it, reads included, until flash_sim_power_cycle. */
void flash_sim_cut_after(unsigned long n);
/* Whether an armed cut has been reached since it was armed. */
int flash_sim_cut_reached(void);
/* Power back on: disarms the cut; the contents stay as they were. */
void flash_sim_power_cycle(void);
/* The block reads erased but is weak, as after an erase cut near its end:
 * until the block is erased again, what is programmed into it partly reads
 * erased after the next flash_sim_power_cycle. */
enum flash_status flash_sim_weaken_block(size_t block);
/* Flips one bit of the stored contents (a retention error). */
enum flash_status flash_sim_flip_bit(size_t offset, unsigned bit);
void flash_sim_counters(struct flash_counters *out);

/* The whole contents, to snapshot a state and return to it between tests. */
size_t flash_sim_image_size(void);
enum flash_status flash_sim_image_save(void *out, size_t len);
enum flash_status flash_sim_image_load(const void *in, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_DEVICE_H */
