/* Encoding and checking of the on-flash blocks and records (flash_record.h). */
#include "flash_record.h"

#include <string.h>

#include "crc32.h"

static const unsigned char block_magic[4] = {'P', '1', '1', 'K'};
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

size_t flash_align_up(size_t n, size_t unit)
{
    return (n + unit - 1) / unit * unit;
}

size_t flash_block_header_size(size_t unit)
{
    return flash_align_up(FLASH_BLOCK_HEADER_BYTES, unit);
}

void flash_block_header_encode(const struct flash_block_header *header, unsigned char *out, size_t unit)
{
    memset(out, 0xFF, flash_block_header_size(unit));
    memcpy(out, block_magic, 4);
    put32(out + 4, header->seq);
    put32(out + 8, header->replaces);
    put32(out + 12, crc32_update(0, out, 12));
}

int flash_block_header_parse(const unsigned char *in, struct flash_block_header *out)
{
    if (memcmp(in, block_magic, 4) != 0 || get32(in + 12) != crc32_update(0, in, 12)) {
        return 0;
    }
    out->seq = get32(in + 4);
    out->replaces = get32(in + 8);
    return 1;
}

size_t flash_record_size(size_t label_len, size_t data_len, size_t unit)
{
    return flash_align_up(FLASH_RECORD_HEADER_BYTES + label_len + data_len, unit) + unit;
}

void flash_record_encode(const struct flash_record_header *header, const unsigned char *label,
                         const unsigned char *data, unsigned char *out, size_t unit)
{
    const size_t covered = FLASH_RECORD_HEADER_BYTES + header->label_len + header->data_len;
    const size_t body = flash_align_up(covered, unit);

    memcpy(out, record_magic, 4);
    out[4] = (unsigned char)header->kind;
    out[5] = 0;
    out[6] = (unsigned char)header->label_len;
    out[7] = (unsigned char)(header->label_len >> 8);
    put32(out + 8, header->data_len);
    put32(out + 12, header->seq);
    put32(out + 16, crc32_update(0, out, 16));
    if (header->label_len != 0) {
        memcpy(out + FLASH_RECORD_HEADER_BYTES, label, header->label_len);
    }
    if (header->data_len != 0) {
        memcpy(out + FLASH_RECORD_HEADER_BYTES + header->label_len, data, header->data_len);
    }
    memset(out + covered, 0xFF, body - covered); /* padding stays erased */
    uint32_t crc = crc32_update(0, out, covered);
    memset(out + body, 0, unit);
    put32(out + body, crc);
    put32(out + body + 4, ~crc);
}

int flash_record_header_parse(const unsigned char *in, struct flash_record_header *out)
{
    if (memcmp(in, record_magic, 4) != 0 || in[5] != 0 || get32(in + 16) != crc32_update(0, in, 16) ||
        (in[4] != FLASH_RECORD_OBJECT && in[4] != FLASH_RECORD_TOMBSTONE)) {
        return 0;
    }
    out->kind = (enum flash_record_kind)in[4];
    out->label_len = (uint16_t)(in[6] | in[7] << 8);
    out->data_len = get32(in + 8);
    out->seq = get32(in + 12);
    return out->kind == FLASH_RECORD_OBJECT || out->data_len == 0;
}

int flash_record_body_valid(const unsigned char *in, const struct flash_record_header *header, size_t unit)
{
    const size_t covered = FLASH_RECORD_HEADER_BYTES + header->label_len + header->data_len;
    const unsigned char *trailer = in + flash_align_up(covered, unit);
    uint32_t crc = crc32_update(0, in, covered);
    if (get32(trailer) != crc || get32(trailer + 4) != ~crc) {
        return 0;
    }
    /* Padding and trailer zeros are checked too, so every byte of a record
     * is covered: any flipped bit makes the record invalid. */
    for (size_t i = covered; i < flash_align_up(covered, unit); i++) {
        if (in[i] != 0xFF) {
            return 0;
        }
    }
    for (size_t i = 8; i < unit; i++) {
        if (trailer[i] != 0) {
            return 0;
        }
    }
    return 1;
}
