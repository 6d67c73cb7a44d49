/* Encoding and checking of the on-flash blocks and records (flash_record.h). */
#include "flash_record.h"

#include <string.h>

#include "crc32.h"

static const unsigned char block_magic[4] = {'P', '1', '1', 'B'};
static const unsigned char block_magic_format_1[4] = {'P', '1', '1', 'K'};
static const unsigned char record_magic[4] = {'P', '1', '1', 'R'};

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t flash_slot_size(size_t program_unit)
{
    return program_unit < 8 ? 8 : program_unit;
}

size_t flash_align_up(size_t n, size_t unit)
{
    if (unit == 0 || n > SIZE_MAX - (unit - 1)) {
        return 0;
    }
    return (n + unit - 1) / unit * unit;
}

static size_t block_copy_stride(size_t unit)
{
    return flash_align_up(FLASH_BLOCK_HEADER_COPY_BYTES, unit);
}

size_t flash_block_header_size(size_t unit)
{
    return 2 * block_copy_stride(unit);
}

static void encode_block_copy(const struct flash_block_header *header, unsigned char *out)
{
    memcpy(out, block_magic, 4);
    put32(out + 4, header->seq);
    put32(out + 8, header->replaces);
    put32(out + 12, crc32_update(0, out, 12));
}

void flash_block_header_encode(const struct flash_block_header *header, unsigned char *out, size_t unit)
{
    memset(out, 0xFF, flash_block_header_size(unit));
    encode_block_copy(header, out);
    encode_block_copy(header, out + block_copy_stride(unit));
}

static int block_copy_valid(const unsigned char *in)
{
    return memcmp(in, block_magic, 4) == 0 && get32(in + 12) == crc32_update(0, in, 12);
}

unsigned flash_block_header_parse(const unsigned char *in, size_t unit, struct flash_block_header *out)
{
    const unsigned char *b = in + block_copy_stride(unit);
    unsigned copies = (unsigned)block_copy_valid(in) | (unsigned)block_copy_valid(b) << 1;
    if (copies == 3 && memcmp(in, b, FLASH_BLOCK_HEADER_COPY_BYTES) != 0) {
        return 0;
    }
    const unsigned char *use = (copies & 1) ? in : b;
    if (copies != 0) {
        out->seq = get32(use + 4);
        out->replaces = get32(use + 8);
        if (out->seq == 0 || out->seq > FLASH_SEQ_LAST) {
            return 0;
        }
    }
    return copies;
}

int flash_block_header_is_format_1(const unsigned char *in)
{
    return memcmp(in, block_magic_format_1, 4) == 0;
}

/* Header, label, data and body CRC: the bytes before the padding. */
static size_t covered_size(size_t label_len, size_t data_len)
{
    const size_t fixed = FLASH_RECORD_HEADER_BYTES + 4;
    if (label_len > SIZE_MAX - fixed || data_len > SIZE_MAX - fixed - label_len) {
        return 0;
    }
    return fixed + label_len + data_len;
}

size_t flash_record_size(size_t label_len, size_t data_len, size_t unit)
{
    const size_t covered = covered_size(label_len, data_len);
    const size_t body = covered == 0 ? 0 : flash_align_up(covered, unit);
    if (body == 0 || body > SIZE_MAX - unit) {
        return 0;
    }
    return body + unit;
}

static void encode_record_copy(const struct flash_record_header *header, unsigned char *out)
{
    memcpy(out, record_magic, 4);
    out[4] = (unsigned char)header->kind;
    out[5] = 0;
    out[6] = (unsigned char)header->label_len;
    out[7] = (unsigned char)(header->label_len >> 8);
    put32(out + 8, header->data_len);
    put32(out + 12, header->seq);
    put32(out + 16, header->label_crc);
    put32(out + 20, crc32_update(0, out, 20));
}

void flash_record_encode(struct flash_record_header *header, const unsigned char *label, const unsigned char *data,
                         unsigned char *out, size_t unit)
{
    const size_t covered = covered_size(header->label_len, header->data_len);
    const size_t body = flash_align_up(covered, unit);

    header->label_crc = crc32_update(0, label, header->label_len);
    encode_record_copy(header, out);
    encode_record_copy(header, out + FLASH_RECORD_HEADER_COPY_BYTES);
    if (header->label_len != 0) {
        memcpy(out + FLASH_RECORD_HEADER_BYTES, label, header->label_len);
    }
    if (header->data_len != 0) {
        memcpy(out + FLASH_RECORD_HEADER_BYTES + header->label_len, data, header->data_len);
    }
    put32(out + covered - 4, crc32_update(0, out, covered - 4));
    memset(out + covered, 0xFF, body - covered); /* padding stays erased */
    memset(out + body, 0, unit);                 /* the commit slot */
}

static int record_copy_parse(const unsigned char *in, struct flash_record_header *out)
{
    if (memcmp(in, record_magic, 4) != 0 || in[5] != 0 || get32(in + 20) != crc32_update(0, in, 20) ||
        (in[4] != FLASH_RECORD_OBJECT && in[4] != FLASH_RECORD_TOMBSTONE)) {
        return 0;
    }
    out->kind = (enum flash_record_kind)in[4];
    out->label_len = (uint16_t)(in[6] | in[7] << 8);
    out->data_len = get32(in + 8);
    out->seq = get32(in + 12);
    out->label_crc = get32(in + 16);
    return out->seq != 0 && out->seq <= FLASH_SEQ_LAST && (out->kind == FLASH_RECORD_OBJECT || out->data_len == 0);
}

unsigned flash_record_header_parse(const unsigned char *in, size_t avail, struct flash_record_header *out)
{
    if (avail < FLASH_RECORD_HEADER_BYTES) {
        return 0;
    }
    struct flash_record_header b;
    unsigned copies = (unsigned)record_copy_parse(in, out);
    copies |= (unsigned)record_copy_parse(in + FLASH_RECORD_HEADER_COPY_BYTES, &b) << 1;
    if (copies == 3 && memcmp(in, in + FLASH_RECORD_HEADER_COPY_BYTES, FLASH_RECORD_HEADER_COPY_BYTES) != 0) {
        return 0;
    }
    if (copies == 2) {
        *out = b;
    }
    return copies;
}

static int all_bytes(const unsigned char *p, size_t len, unsigned char value)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != value) {
            return 0;
        }
    }
    return 1;
}

enum flash_record_state flash_record_check(const unsigned char *in, const struct flash_record_header *header,
                                           size_t unit)
{
    const size_t covered = covered_size(header->label_len, header->data_len);
    const size_t body = flash_align_up(covered, unit);
    /* Any programmed bit in the commit slot commits: a cut while it was
     * being programmed still leaves a body that was read back whole. */
    if (all_bytes(in + body, unit, 0xFF)) {
        return FLASH_RECORD_UNCOMMITTED;
    }
    /* One header copy may be damaged: the CRC is checked over what was
     * written, both copies being identical. */
    unsigned char copy[FLASH_RECORD_HEADER_COPY_BYTES];
    uint32_t crc = 0;
    const unsigned a_valid = flash_record_header_parse(in, FLASH_RECORD_HEADER_BYTES, &(struct flash_record_header){0}) & 1u;
    memcpy(copy, a_valid ? in : in + FLASH_RECORD_HEADER_COPY_BYTES, sizeof copy);
    crc = crc32_update(crc, copy, sizeof copy);
    crc = crc32_update(crc, copy, sizeof copy);
    crc = crc32_update(crc, in + FLASH_RECORD_HEADER_BYTES, covered - 4 - FLASH_RECORD_HEADER_BYTES);
    if (get32(in + covered - 4) != crc || !all_bytes(in + covered, body - covered, 0xFF) ||
        crc32_update(0, in + FLASH_RECORD_HEADER_BYTES, header->label_len) != header->label_crc) {
        return FLASH_RECORD_DAMAGED;
    }
    return FLASH_RECORD_VALID;
}

int flash_record_label_intact(const unsigned char *in, const struct flash_record_header *header)
{
    return crc32_update(0, in + FLASH_RECORD_HEADER_BYTES, header->label_len) == header->label_crc;
}
