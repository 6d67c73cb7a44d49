/* CRC-32 (the IEEE 802.3 / zlib polynomial, reflected) for the flash records. */
#ifndef P11_FLASH_CRC32_H
#define P11_FLASH_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Continues a CRC: start with crc = 0; crc32_update(0, "123456789", 9) is
 * 0xCBF43926. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_CRC32_H */
