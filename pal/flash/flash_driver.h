/* The flash driver a port gives the flash PAL: its partition of a NOR (or
 * NOR-like) flash, read, programmed and erased through three functions.
 *
 * The PAL relies on what NOR gives: an erase sets a whole sector to 0xFF; a
 * program can only clear bits (a 1 written over a 0 may silently stay 0); a
 * program may be torn by a power cut at any bit. It asks nothing more: it
 * reads back every program and every erase, and never trusts a sector that
 * merely reads erased. docs/porting.md says how to write one and how to run
 * the PAL test kit against it. */
#ifndef P11_FLASH_DRIVER_H
#define P11_FLASH_DRIVER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct p11_flash_driver {
    size_t sector_size;  /* bytes per erase sector */
    size_t sector_count; /* at least 2: one is always kept free for compaction */
    size_t program_unit; /* offsets and lengths of a program are multiples of it; a power of two up to 256 */
    size_t page_size;    /* a program never crosses a multiple of it; 0: no pages */
    /* Offsets are bytes from the start of the partition. 0 on success. */
    int (*read)(size_t offset, void *out, size_t len);
    int (*program)(size_t offset, const void *data, size_t len);
    int (*erase)(size_t sector);
};

/* Supplied by the port (or the simulator): the partition the PAL owns, or
 * NULL when there is none. Called by PKCS11_PAL_Initialize. */
const struct p11_flash_driver *p11_flash_driver_get(void);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_DRIVER_H */
