/* Extra entry points of the flash PAL (the six FreeRTOS functions are in
 * core_pkcs11_pal.h), for tests, the PAL test kit and diagnostics. */
#ifndef P11_FLASH_PAL_H
#define P11_FLASH_PAL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest label the PAL stores: a full store always keeps room for the
 * tombstone of a label this long, so it can always destroy. */
#ifndef P11_FLASH_PAL_MAX_LABEL
#define P11_FLASH_PAL_MAX_LABEL 64
#endif

/* Forgets everything held in RAM (labels, handles, the index), as a new
 * process would start; the next PAL call scans the flash again. */
void p11_flash_pal_forget(void);

/* Where the record that holds the label's current value (or its tombstone)
 * lies: flash offset and size in bytes. 0 when the label has no record. */
int p11_flash_pal_record_span(const unsigned char *label, size_t label_len, size_t *offset, size_t *size);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_PAL_H */
