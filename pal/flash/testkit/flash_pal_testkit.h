/* The flash PAL test kit: the PAL's contract and a fault campaign, run
 * against the flash PAL over any driver (docs/porting.md). Plain C with no
 * test framework, so it runs on a host over the RAM driver (CI) and on the
 * device itself over its real part (a bench). The program that runs it
 * defines p11_flash_driver_get as flash_faults_driver() (flash_fault_driver.h)
 * after flash_faults_attach(its driver); flash_testkit_binding.c does that.
 *
 * Contract: save, replace (same handle), find, read, destroy, reboot; the
 * longest label and one too long; thousands of distinct labels over time;
 * a full store (refuses without writing, still replaces same-size values,
 * still destroys).
 * Campaign: a power cut at every driver operation of a save, a replace, a
 * destroy and saves that compact, each tear with random bits; two cuts in a
 * row (the second while the PAL recovers from the first); random operations
 * with random cuts against a model; programs that silently land only some
 * of their bits; a flipped bit in every byte of every block header and
 * record header (nothing lost, nothing back) and of whole records (the
 * label reads its value or is refused).
 * With P11_FLASH_TESTKIT_ALLOC_FAULTS (and flash_testkit_alloc.c linked with
 * -Wl,--wrap=p11_port_malloc): the k-th allocation fails, for every k, while
 * the PAL scans, saves and destroys.
 * Every step erases the partition first: run it on a partition of its own. */
#ifndef P11_FLASH_PAL_TESTKIT_H
#define P11_FLASH_PAL_TESTKIT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct p11_flash_testkit_result {
    unsigned long checks;   /* assertions evaluated */
    unsigned long failures; /* each also logged through p11_port_log */
    unsigned long cuts;     /* power cuts that were reached */
    unsigned long flips;    /* bit flips tried */
};

/* Runs everything over the driver flash_faults_attach was given. The seed
 * picks the tears' bits and the random operations. */
void p11_flash_testkit_run(uint32_t seed, struct p11_flash_testkit_result *result);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_PAL_TESTKIT_H */
