/* On-flash format of the simulated-flash PAL. Integers little-endian.
 *
 * Block header, at the start of every block in use (padded to a write unit):
 *   magic "P11K" | block sequence u32 | replaces u32 | CRC-32 of the 12 bytes before
 * "replaces" is the sequence of the block this one was compacted from
 * (FLASH_NO_BLOCK for a block opened empty). The header is written last, so
 * it is the commit point of a compaction.
 *
 * Record, appended after the block header or the previous record:
 *   magic "P11R" | kind u8 | 0 u8 | label length u16 | data length u32 |
 *   record sequence u32 | CRC-32 of the 16 bytes before |
 *   label | data | 0xFF up to a write unit |
 *   trailer unit: CRC-32 of header+label+data | its complement | zeros
 * The trailer is written after the rest, so it is the commit point of a
 * save; a CRC and its complement are never both 0xFFFFFFFF, so a committed
 * record never ends in erased bytes. The header CRC lets a scan trust the
 * lengths (and skip the record) even when the body is damaged. */
#ifndef P11_FLASH_RECORD_H
#define P11_FLASH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLASH_NO_BLOCK 0xFFFFFFFFu
#define FLASH_BLOCK_HEADER_BYTES 16u
#define FLASH_RECORD_HEADER_BYTES 20u

enum flash_record_kind {
    FLASH_RECORD_OBJECT = 1,
    FLASH_RECORD_TOMBSTONE = 2, /* the label's object was destroyed */
};

struct flash_block_header {
    uint32_t seq;
    uint32_t replaces;
};

struct flash_record_header {
    enum flash_record_kind kind;
    uint16_t label_len;
    uint32_t data_len;
    uint32_t seq;
};

size_t flash_align_up(size_t n, size_t unit);

/* Bytes the block header takes: one or more whole write units. */
size_t flash_block_header_size(size_t unit);
void flash_block_header_encode(const struct flash_block_header *header, unsigned char *out, size_t unit);
/* 1 when magic and CRC are right. */
int flash_block_header_parse(const unsigned char *in, struct flash_block_header *out);

/* Bytes the whole record takes on flash, trailer included. */
size_t flash_record_size(size_t label_len, size_t data_len, size_t unit);
/* Writes the whole record into out (flash_record_size bytes). */
void flash_record_encode(const struct flash_record_header *header, const unsigned char *label,
                         const unsigned char *data, unsigned char *out, size_t unit);
/* 1 when the header (FLASH_RECORD_HEADER_BYTES at in) has its magic, a known
 * kind and a right CRC. */
int flash_record_header_parse(const unsigned char *in, struct flash_record_header *out);
/* 1 when the record at in (flash_record_size bytes, header already parsed)
 * has a right trailer. */
int flash_record_body_valid(const unsigned char *in, const struct flash_record_header *header, size_t unit);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_RECORD_H */
