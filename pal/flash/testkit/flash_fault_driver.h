/* Faults the flash PAL must survive, put in front of any flash driver (the
 * target: a port's real part, or the RAM driver), so the PAL test kit can
 * run the same campaign on a bench as in CI:
 * - a power cut after n more program/erase operations: the cut operation is
 *   torn (a program lands a random subset of the bits it clears; an erase
 *   leaves the sector neither erased nor as it was), and every operation
 *   after it fails until flash_faults_power_cycle;
 * - a program that silently lands only some of its bits;
 * - bit flips, applied to what the PAL reads (works on any part: NOR cannot
 *   raise a bit in place);
 * - snapshots of the whole partition, to return to a state between tries.
 * Not thread safe: one campaign at a time. */
#ifndef P11_FLASH_FAULT_DRIVER_H
#define P11_FLASH_FAULT_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "flash_driver.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Puts the faults in front of target; the PAL then sees flash_faults_driver(). */
void flash_faults_attach(const struct p11_flash_driver *target);
const struct p11_flash_driver *flash_faults_driver(void);

/* After n more program/erase operations succeed, the next is torn and the
 * power is off. The tear's random bits come from seed. */
void flash_faults_cut_after(unsigned long n, uint32_t seed);
int flash_faults_cut_reached(void);
/* Power back on: disarms the cut. */
void flash_faults_power_cycle(void);

/* The program after n more program/erase operations lands only a random
 * subset of the bits it clears and still reports success (a worn or
 * marginal part): only a read-back tells. */
void flash_faults_silent_program_after(unsigned long n, uint32_t seed);

/* Up to 8 bits flipped in every read that covers them; cleared by
 * flash_faults_clear_flips. 0 when the list is full. */
int flash_faults_flip_on_read(size_t offset, unsigned bit);
void flash_faults_clear_flips(void);

/* Program and erase operations since attach. */
unsigned long flash_faults_operations(void);

/* Bytes of the whole partition. */
size_t flash_faults_size(void);
/* 0 on success: the partition read into out (flash_faults_size bytes), or
 * written back from in (every sector erased, then its contents programmed). */
int flash_faults_snapshot(unsigned char *out);
int flash_faults_restore(const unsigned char *in);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_FAULT_DRIVER_H */
