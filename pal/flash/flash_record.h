/* On-flash format of the flash PAL (format 2). Integers little-endian. A
 * "slot" is the PAL's program unit: the driver's program unit, at least 8.
 *
 * Block header, at the start of every block in use, twice (copy A at 0,
 * copy B one slot-aligned 16 bytes later), so one damaged copy loses nothing:
 *   magic "P11B" | block sequence u32 | replaces u32 | CRC-32 of the 12 bytes before
 * "replaces" is the sequence of the block this one was compacted from
 * (FLASH_NO_BLOCK for a block opened empty). Copy A is written last of a
 * compaction, so it is its commit point.
 *
 * Record, appended after the block header or the previous record:
 *   header copy A | header copy B | label | data | body CRC u32 | 0xFF up to a slot |
 *   commit slot (all zeros)
 *   header copy: magic "P11R" | kind u8 | 0 u8 | label length u16 | data length u32 |
 *                record sequence u32 | CRC-32 of the label | CRC-32 of the 20 bytes before
 * The body CRC covers both header copies, the label and the data. The commit
 * slot is programmed after the body has been read back whole, so a record
 * with an erased commit slot was cut before it counted (the label keeps its
 * previous record), and a committed record whose body CRC fails has rotted
 * (the label is refused, never rolled back). The header is kept twice so one
 * damaged copy still gives the record's length, sequence and label: a scan
 * never has to guess where the next record starts. */
#ifndef P11_FLASH_RECORD_H
#define P11_FLASH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FLASH_NO_BLOCK 0xFFFFFFFFu
/* Sequence numbers run from 1 up to FLASH_SEQ_LAST; anything else on flash
 * is not a header this PAL wrote. */
#define FLASH_SEQ_LAST 0xFFFFFFFEu
#define FLASH_BLOCK_HEADER_COPY_BYTES 16u
#define FLASH_RECORD_HEADER_COPY_BYTES 24u
#define FLASH_RECORD_HEADER_BYTES ((size_t)2 * FLASH_RECORD_HEADER_COPY_BYTES)

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
    uint32_t label_crc; /* filled in by flash_record_encode */
};

/* A record as a scan sees it. */
enum flash_record_state {
    FLASH_RECORD_UNCOMMITTED, /* cut before its commit: never counted */
    FLASH_RECORD_VALID,
    FLASH_RECORD_DAMAGED, /* committed, and its body no longer checks */
};

/* The PAL's slot for a driver's program unit (a power of two). */
size_t flash_slot_size(size_t program_unit);
/* n rounded up to a multiple of unit; 0 when that would overflow. */
size_t flash_align_up(size_t n, size_t unit);

/* Bytes both block header copies take: whole slots. */
size_t flash_block_header_size(size_t unit);
void flash_block_header_encode(const struct flash_block_header *header, unsigned char *out, size_t unit);
/* Which copies check: bit 0 copy A, bit 1 copy B (0: none, or two valid
 * copies that disagree). *out is filled from a valid copy. */
unsigned flash_block_header_parse(const unsigned char *in, size_t unit, struct flash_block_header *out);
/* 1 when the block starts with the header of format 1 (magic "P11K"). */
int flash_block_header_is_format_1(const unsigned char *in);

/* Bytes the whole record takes on flash, commit slot included; 0 when the
 * lengths would overflow. */
size_t flash_record_size(size_t label_len, size_t data_len, size_t unit);
/* Writes the whole record into out (flash_record_size bytes), commit slot
 * included, and sets header->label_crc. */
void flash_record_encode(struct flash_record_header *header, const unsigned char *label, const unsigned char *data,
                         unsigned char *out, size_t unit);
/* Parses the header copies at in (avail bytes readable). Which copies
 * check, as for blocks: 0 when neither does, or when both do and disagree. */
unsigned flash_record_header_parse(const unsigned char *in, size_t avail, struct flash_record_header *out);
/* The state of the record at in (flash_record_size bytes, header parsed). */
enum flash_record_state flash_record_check(const unsigned char *in, const struct flash_record_header *header,
                                           size_t unit);
/* 1 when the label bytes of the record at in match the header's label CRC. */
int flash_record_label_intact(const unsigned char *in, const struct flash_record_header *header);

#ifdef __cplusplus
}
#endif

#endif /* P11_FLASH_RECORD_H */
