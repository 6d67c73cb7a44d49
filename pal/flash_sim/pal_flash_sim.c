/* The six FreeRTOS PAL functions on the simulated NOR flash (flash_device.h):
 * a log of records (format: flash_record.h) spread over erase blocks.
 *
 * - A save or destroy appends one record (a destroy appends a tombstone);
 *   it never rewrites another object. The record's trailer is written last,
 *   so after a power cut the record is either whole (new value) or invalid
 *   (the previous record of the label still wins: old value).
 * - The record with the highest sequence number wins for its label.
 * - Records go to the newest block (the head). One block is always kept
 *   free as the spare. When the head is full and only the spare is free,
 *   the oldest block is compacted: its winning records are copied to the
 *   spare, the spare's block header (naming the block it replaces) is
 *   written last as the commit point, then the old block is erased. A cut
 *   before the header leaves the spare headerless (ignored, erased before
 *   reuse); a cut after it leaves two copies, and the next scan erases the
 *   replaced block. Tombstones in the oldest block are dropped: any older
 *   record of their label lies in that block too (copied records are winners
 *   when copied, and appends only go to newer blocks).
 * - PKCS11_PAL_Initialize scans every block and rebuilds the label -> record
 *   index in RAM; torn and damaged records are reported (p11_port_log) and
 *   skipped. Handles: one per label for the life of the process. */
#define _DEFAULT_SOURCE /* explicit_bzero */

#include "pal_flash_sim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core_pkcs11_pal.h"
#include "flash_record.h"
#include "p11_port.h"
#include "pal_label_index.h"

const struct flash_geometry flash_sim_default_geometry = {4096, 8, 8};

#define NO_HEAD SIZE_MAX
/* Label bytes a full store keeps room for in one tombstone. */
#define TOMBSTONE_RESERVE_LABEL 64

/* A label entry's value: where its winning record lies. */
struct location {
    size_t offset; /* of the record on flash */
    size_t size;   /* its bytes on flash, trailer included */
    struct flash_record_header header;
};

struct block {
    int in_use; /* has a valid block header */
    int dirty;  /* not in use, and not all erased */
    uint32_t seq;
    size_t used; /* bytes from the block start that are never programmed again */
};

/* Made on first use: C_Initialize calls PKCS11_PAL_Initialize before any
 * other PAL function, never twice at once. */
static struct p11_port_mutex *lock;
static struct p11_label_index labels = P11_LABEL_INDEX_INIT;
static struct block *blocks;
static size_t blocks_len;
static size_t head = NO_HEAD;
static uint32_t next_block_seq = 1;
static uint32_t next_record_seq = 1;
static int scanned; /* the RAM index matches the flash */

/* Takes the PAL's lock, making it on first use. 0 when out of memory. */
static int lock_pal(void)
{
    if (lock == NULL && (lock = p11_port_mutex_create()) == NULL) {
        return 0;
    }
    p11_port_mutex_lock(lock);
    return 1;
}

/* "flash PAL: <what> at flash offset <offset><tail>", without stdio. */
static void log_at(const char *what, size_t offset, const char *tail)
{
    char line[160];
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + offset % 10);
        offset /= 10;
    } while (offset != 0);
    size_t len = 0;
    const char *parts[] = {"flash PAL: ", what, " at flash offset "};
    for (size_t p = 0; p < 3; p++) {
        for (const char *c = parts[p]; *c != '\0' && len < sizeof line - 32; c++) {
            line[len++] = *c;
        }
    }
    while (n > 0) {
        line[len++] = digits[--n];
    }
    for (const char *c = tail; *c != '\0' && len < sizeof line - 1; c++) {
        line[len++] = *c;
    }
    line[len] = '\0';
    p11_port_log(line);
}

static void report(const char *what, size_t offset)
{
    log_at(what, offset, "; skipped");
}

static const struct flash_geometry *geo(void)
{
    return flash_device_geometry();
}

static int all_erased(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

static struct location *location_of(CK_OBJECT_HANDLE handle)
{
    struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
    return entry == NULL ? NULL : entry->value;
}

static int is_object(const struct location *loc)
{
    return loc != NULL && loc->header.kind == FLASH_RECORD_OBJECT;
}

static void forget_locations(void)
{
    for (CK_OBJECT_HANDLE h = 1; h <= labels.count; h++) {
        struct p11_label_entry *entry = p11_label_index_entry(&labels, h);
        p11_port_free(entry->value);
        entry->value = NULL;
    }
}

/* Called for each valid record a block walk finds. */
typedef int (*record_fn)(size_t offset, const unsigned char *record, const struct flash_record_header *header,
                         size_t size, void *ctx);

/* Walks the records of the block held in buf and returns the bytes in use
 * (where the next append may start). Whole-record skips rely on the header
 * CRC; anything else is stepped over one write unit at a time, so records
 * after a damaged header are still found. Stops early when fn returns 0. */
static size_t walk_block(size_t b, const unsigned char *buf, record_fn fn, void *ctx, int loud)
{
    const size_t unit = geo()->write_unit;
    const size_t bs = geo()->block_size;
    const size_t base = b * bs;
    size_t pos = flash_block_header_size(unit);
    size_t used = pos;
    size_t garbage = SIZE_MAX; /* start of a run of unreadable units */

    while (pos < bs) {
        struct flash_record_header header;
        size_t size = 0;
        if (bs - pos >= FLASH_RECORD_HEADER_BYTES && flash_record_header_parse(buf + pos, &header)) {
            size = flash_record_size(header.label_len, header.data_len, unit);
        }
        if (size != 0 && size <= bs - pos) {
            if (garbage != SIZE_MAX && loud) {
                report("unreadable bytes (a torn write or damage)", base + garbage);
            }
            garbage = SIZE_MAX;
            if (flash_record_body_valid(buf + pos, &header, unit)) {
                if (fn != NULL && !fn(base + pos, buf + pos, &header, size, ctx)) {
                    return used;
                }
            } else {
                /* Its header checks, so its sequence number is real: never
                 * handed out again, whatever the body says. */
                if (header.seq >= next_record_seq) {
                    next_record_seq = header.seq + 1;
                }
                if (loud) {
                    report("a torn or damaged record", base + pos);
                }
            }
            pos += size;
            used = pos;
            continue;
        }
        if (!all_erased(buf + pos, unit)) {
            if (garbage == SIZE_MAX) {
                garbage = pos;
            }
            used = pos + unit;
        } else if (garbage != SIZE_MAX) {
            if (loud) {
                report("unreadable bytes (a torn write or damage)", base + garbage);
            }
            garbage = SIZE_MAX;
        }
        pos += unit;
    }
    if (garbage != SIZE_MAX && loud) {
        report("unreadable bytes (a torn write or damage)", base + garbage);
    }
    return used;
}

/* Scan callback: the record wins for its label when its sequence is newer. */
static int index_record(size_t offset, const unsigned char *record, const struct flash_record_header *header,
                        size_t size, void *ctx)
{
    (void)ctx;
    if (header->seq >= next_record_seq) {
        next_record_seq = header->seq + 1;
    }
    CK_OBJECT_HANDLE handle = p11_label_index_intern(&labels, record + FLASH_RECORD_HEADER_BYTES, header->label_len);
    struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
    if (entry == NULL) {
        report("no memory to index a record", offset);
        return 1;
    }
    struct location *loc = entry->value;
    if (loc != NULL && loc->header.seq >= header->seq) {
        return 1;
    }
    if (loc == NULL && (loc = p11_port_malloc(sizeof *loc)) == NULL) {
        report("no memory to index a record", offset);
        return 1;
    }
    loc->offset = offset;
    loc->size = size;
    loc->header = *header;
    entry->value = loc;
    return 1;
}

static enum flash_status read_block(size_t b, unsigned char *buf)
{
    return flash_device_read(b * geo()->block_size, buf, geo()->block_size);
}

/* Rebuilds the RAM index from the flash. */
static CK_RV scan_flash(void)
{
    if (geo() == NULL && flash_device_create(&flash_sim_default_geometry) != FLASH_OK) {
        return CKR_DEVICE_ERROR;
    }
    const size_t count = geo()->block_count;
    if (blocks_len != count) {
        p11_port_free(blocks);
        blocks = calloc(count, sizeof *blocks);
        blocks_len = blocks == NULL ? 0 : count;
        if (blocks == NULL) {
            return CKR_HOST_MEMORY;
        }
    }
    unsigned char *buf = p11_port_malloc(geo()->block_size);
    uint32_t *replaces = calloc(count, sizeof *replaces);
    CK_RV rv = (buf == NULL || replaces == NULL) ? CKR_HOST_MEMORY : CKR_OK;
    forget_locations();
    scanned = 0;
    head = NO_HEAD;
    next_block_seq = 1;
    next_record_seq = 1;

    for (size_t b = 0; rv == CKR_OK && b < count; b++) {
        struct flash_block_header header = {0, FLASH_NO_BLOCK};
        if (read_block(b, buf) != FLASH_OK) {
            rv = CKR_DEVICE_ERROR;
            break;
        }
        memset(&blocks[b], 0, sizeof blocks[b]);
        blocks[b].in_use = flash_block_header_parse(buf, &header);
        blocks[b].dirty = !blocks[b].in_use && !all_erased(buf, geo()->block_size);
        blocks[b].seq = header.seq;
        replaces[b] = blocks[b].in_use ? header.replaces : FLASH_NO_BLOCK;
    }
    /* A compaction cut after its commit: finish it by erasing the block it
     * replaced, before that block's stale copies could ever be read. */
    for (size_t x = 0; rv == CKR_OK && x < count; x++) {
        for (size_t y = 0; replaces[x] != FLASH_NO_BLOCK && y < count; y++) {
            if (y != x && blocks[y].in_use && blocks[y].seq == replaces[x]) {
                log_at("finishing an interrupted compaction: erasing the replaced block", y * geo()->block_size, "");
                if (flash_device_erase(y) != FLASH_OK) {
                    rv = CKR_DEVICE_ERROR;
                }
                blocks[y].in_use = 0;
                blocks[y].dirty = rv != CKR_OK;
            }
        }
    }
    for (size_t b = 0; rv == CKR_OK && b < count; b++) {
        if (!blocks[b].in_use) {
            continue;
        }
        if (read_block(b, buf) != FLASH_OK) {
            rv = CKR_DEVICE_ERROR;
            break;
        }
        blocks[b].used = walk_block(b, buf, index_record, NULL, 1);
        if (head == NO_HEAD || blocks[b].seq > blocks[head].seq) {
            head = b;
        }
        if (blocks[b].seq >= next_block_seq) {
            next_block_seq = blocks[b].seq + 1;
        }
    }
    p11_port_free(buf);
    p11_port_free(replaces);
    if (rv != CKR_OK) {
        forget_locations();
        return rv;
    }
    scanned = 1;
    return CKR_OK;
}

static CK_RV ensure_scanned(void)
{
    return scanned ? CKR_OK : scan_flash();
}

static size_t pick_free_block(void)
{
    size_t pick = NO_HEAD;
    for (size_t b = 0; b < blocks_len; b++) {
        if (!blocks[b].in_use && (pick == NO_HEAD || (blocks[pick].dirty && !blocks[b].dirty))) {
            pick = b;
        }
    }
    return pick;
}

static CK_RV erase_if_dirty(size_t b)
{
    if (blocks[b].dirty) {
        if (flash_device_erase(b) != FLASH_OK) {
            return CKR_DEVICE_ERROR;
        }
        blocks[b].dirty = 0;
    }
    return CKR_OK;
}

/* Erases block b if needed and writes its header, making it the head. */
static CK_RV open_block(size_t b, uint32_t replaced_seq, size_t used)
{
    const size_t unit = geo()->write_unit;
    unsigned char header[256];
    const size_t header_size = flash_block_header_size(unit);
    if (header_size > sizeof header) {
        return CKR_DEVICE_ERROR;
    }
    struct flash_block_header fields = {next_block_seq, replaced_seq};
    flash_block_header_encode(&fields, header, unit);
    blocks[b].dirty = 1; /* until the header is known to have landed */
    if (flash_device_write(b * geo()->block_size, header, header_size) != FLASH_OK) {
        return CKR_DEVICE_ERROR;
    }
    blocks[b].dirty = 0;
    blocks[b].in_use = 1;
    blocks[b].seq = next_block_seq++;
    blocks[b].used = used;
    head = b;
    return CKR_OK;
}

struct compaction {
    size_t spare_base;       /* flash offset of the spare block */
    size_t pos;              /* next free byte in the spare */
    struct location **moved; /* winners copied, and where to */
    size_t *moved_to;
    size_t moved_count;
    int failed;
};

/* Compaction callback: copies the record when it still wins its label. */
static int copy_winner(size_t offset, const unsigned char *record, const struct flash_record_header *header,
                       size_t size, void *ctx)
{
    struct compaction *c = ctx;
    CK_OBJECT_HANDLE handle = p11_label_index_find(&labels, record + FLASH_RECORD_HEADER_BYTES, header->label_len);
    struct location *loc = location_of(handle);
    if (!is_object(loc) || loc->offset != offset) {
        return 1; /* superseded, or a tombstone: dropped */
    }
    if (flash_device_write(c->spare_base + c->pos, record, size) != FLASH_OK) {
        c->failed = 1;
        return 0;
    }
    c->moved[c->moved_count] = loc;
    c->moved_to[c->moved_count] = c->spare_base + c->pos;
    c->moved_count++;
    c->pos += size;
    return 1;
}

/* Compacts block src into the one free block; the copy becomes the head. */
static CK_RV compact(size_t src)
{
    const size_t bs = geo()->block_size;
    const size_t spare = pick_free_block();
    if (spare == NO_HEAD) {
        return CKR_DEVICE_ERROR;
    }
    CK_RV rv = erase_if_dirty(spare);
    unsigned char *buf = p11_port_malloc(bs);
    struct compaction c = {spare * bs, flash_block_header_size(geo()->write_unit), NULL, NULL, 0, 0};
    c.moved = calloc(labels.count + 1, sizeof *c.moved);
    c.moved_to = calloc(labels.count + 1, sizeof *c.moved_to);
    if (rv == CKR_OK && (buf == NULL || c.moved == NULL || c.moved_to == NULL)) {
        rv = CKR_HOST_MEMORY;
    }
    if (rv == CKR_OK && read_block(src, buf) != FLASH_OK) {
        rv = CKR_DEVICE_ERROR;
    }
    if (rv == CKR_OK) {
        blocks[spare].dirty = 1; /* copies land before the commit */
        (void)walk_block(src, buf, copy_winner, &c, 0);
        rv = c.failed ? CKR_DEVICE_ERROR : open_block(spare, blocks[src].seq, c.pos);
    }
    if (rv == CKR_OK) {
        /* Committed: the index follows the copies. A winner of src that was
         * not copied (a tombstone, or a record damaged since the scan) is
         * gone with the block. */
        for (size_t i = 0; i < c.moved_count; i++) {
            c.moved[i]->offset = c.moved_to[i];
        }
        const size_t src_start = src * bs;
        for (CK_OBJECT_HANDLE h = 1; h <= labels.count; h++) {
            struct p11_label_entry *entry = p11_label_index_entry(&labels, h);
            struct location *loc = entry->value;
            if (loc != NULL && loc->offset >= src_start && loc->offset < src_start + bs) {
                if (is_object(loc)) {
                    report("a record that no longer reads back was dropped by compaction", loc->offset);
                }
                p11_port_free(loc);
                entry->value = NULL;
            }
        }
        blocks[src].in_use = 0;
        blocks[src].dirty = 1;
        rv = erase_if_dirty(src);
    }
    p11_port_free(buf);
    p11_port_free(c.moved);
    p11_port_free(c.moved_to);
    return rv;
}

/* Bytes of winning objects (not tombstones) in block b. */
static size_t live_bytes(size_t b)
{
    const size_t bs = geo()->block_size;
    size_t live = 0;
    for (CK_OBJECT_HANDLE h = 1; h <= labels.count; h++) {
        const struct location *loc = location_of(h);
        if (is_object(loc) && loc->offset / bs == b) {
            live += loc->size;
        }
    }
    return live;
}

static size_t oldest_block(void)
{
    size_t oldest = NO_HEAD;
    for (size_t b = 0; b < blocks_len; b++) {
        if (blocks[b].in_use && (oldest == NO_HEAD || blocks[b].seq < blocks[oldest].seq)) {
            oldest = b;
        }
    }
    return oldest;
}

static int head_has_room(size_t size)
{
    return head != NO_HEAD && geo()->block_size - blocks[head].used >= size;
}

/* Makes the head able to take size bytes and still keep `reserve` free.
 * CKR_DEVICE_MEMORY, with nothing written, when even compaction could not
 * make the room. */
static CK_RV make_room(size_t size, size_t reserve)
{
    const size_t capacity = geo()->block_size - flash_block_header_size(geo()->write_unit);
    const size_t needed = size + reserve;
    if (needed > capacity) {
        return CKR_DEVICE_MEMORY;
    }
    if (head_has_room(needed)) {
        return CKR_OK;
    }
    size_t free_blocks = 0;
    for (size_t b = 0; b < blocks_len; b++) {
        free_blocks += !blocks[b].in_use;
    }
    if (free_blocks >= 2) {
        size_t b = pick_free_block();
        CK_RV rv = erase_if_dirty(b);
        return rv != CKR_OK ? rv : open_block(b, FLASH_NO_BLOCK, flash_block_header_size(geo()->write_unit));
    }
    if (free_blocks == 0) {
        return CKR_DEVICE_ERROR;
    }
    /* Compacting blocks oldest first, the head gains room once a block whose
     * live bytes leave space for this record has been compacted: find out
     * whether there is one before moving anything. */
    int possible = 0;
    for (size_t b = 0; b < blocks_len; b++) {
        if (blocks[b].in_use && live_bytes(b) + needed <= capacity) {
            possible = 1;
        }
    }
    if (!possible) {
        return CKR_DEVICE_MEMORY;
    }
    for (size_t round = 0; round < blocks_len; round++) {
        CK_RV rv = compact(oldest_block());
        if (rv != CKR_OK) {
            return rv;
        }
        if (head_has_room(needed)) {
            return CKR_OK;
        }
    }
    return CKR_DEVICE_MEMORY;
}

/* Appends an encoded record: body first, then the trailer that commits it. */
static CK_RV append(const unsigned char *record, size_t size, size_t reserve, size_t *offset)
{
    const size_t unit = geo()->write_unit;
    CK_RV rv = make_room(size, reserve);
    if (rv != CKR_OK) {
        return rv;
    }
    *offset = head * geo()->block_size + blocks[head].used;
    blocks[head].used += size; /* whatever lands below here is never programmed again */
    if (flash_device_write(*offset, record, size - unit) != FLASH_OK ||
        flash_device_write(*offset + size - unit, record + size - unit, unit) != FLASH_OK) {
        return CKR_DEVICE_ERROR;
    }
    return CKR_OK;
}

/* Writes a record for the label and makes it the label's winner. */
static CK_RV write_record(CK_OBJECT_HANDLE handle, enum flash_record_kind kind, const unsigned char *data,
                          size_t data_len)
{
    struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
    const size_t unit = geo()->write_unit;
    const size_t size = flash_record_size(entry->label_len, data_len, unit);
    /* A new location, allocated before anything is written; the old one may
     * be dropped by a compaction on the way. */
    struct location *loc = p11_port_malloc(sizeof *loc);
    unsigned char *record = p11_port_malloc(size);
    CK_RV rv = CKR_HOST_MEMORY;

    if (loc != NULL && record != NULL) {
        struct flash_record_header header = {kind, (uint16_t)entry->label_len, (uint32_t)data_len, next_record_seq++};
        flash_record_encode(&header, entry->label, data, record, unit);
        /* An object save leaves room for one tombstone, so a full store can
         * still destroy an object (and so make room again). */
        const size_t reserve = kind == FLASH_RECORD_OBJECT ? flash_record_size(TOMBSTONE_RESERVE_LABEL, 0, unit) : 0;
        size_t offset = 0;
        rv = append(record, size, reserve, &offset);
        if (rv == CKR_OK) {
            loc->offset = offset;
            loc->size = size;
            loc->header = header;
            p11_port_free(entry->value);
            entry->value = loc;
            loc = NULL;
        }
        explicit_bzero(record, size); /* the value may be a key */
    }
    p11_port_free(loc);
    p11_port_free(record);
    return rv;
}

CK_RV PKCS11_PAL_Initialize(void)
{
    if (!lock_pal()) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = scan_flash();
    p11_port_mutex_unlock(lock);
    return rv;
}

CK_OBJECT_HANDLE PKCS11_PAL_SaveObject(CK_ATTRIBUTE_PTR pxLabel, CK_BYTE_PTR pucData, CK_ULONG ulDataSize)
{
    if (pxLabel == NULL || (pxLabel->pValue == NULL && pxLabel->ulValueLen != 0) || pxLabel->ulValueLen > UINT16_MAX ||
        (pucData == NULL && ulDataSize != 0) || ulDataSize > UINT32_MAX) {
        return CK_INVALID_HANDLE;
    }
    if (!lock_pal()) {
        return CK_INVALID_HANDLE;
    }
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    if (ensure_scanned() == CKR_OK) {
        handle = p11_label_index_intern(&labels, pxLabel->pValue, pxLabel->ulValueLen);
        if (handle != CK_INVALID_HANDLE && write_record(handle, FLASH_RECORD_OBJECT, pucData, ulDataSize) != CKR_OK) {
            handle = CK_INVALID_HANDLE;
        }
    }
    p11_port_mutex_unlock(lock);
    return handle;
}

CK_OBJECT_HANDLE PKCS11_PAL_FindObject(CK_BYTE_PTR pxLabel, CK_ULONG usLength)
{
    if (pxLabel == NULL) {
        return CK_INVALID_HANDLE;
    }
    if (!lock_pal()) {
        return CK_INVALID_HANDLE;
    }
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    if (ensure_scanned() == CKR_OK) {
        handle = p11_label_index_find(&labels, pxLabel, usLength);
        if (!is_object(location_of(handle))) {
            handle = CK_INVALID_HANDLE; /* never saved, or destroyed */
        }
    }
    p11_port_mutex_unlock(lock);
    return handle;
}

CK_RV PKCS11_PAL_GetObjectValue(CK_OBJECT_HANDLE xHandle, CK_BYTE_PTR *ppucData, CK_ULONG_PTR pulDataSize,
                                CK_BBOOL *pIsPrivate)
{
    if (ppucData == NULL || pulDataSize == NULL || pIsPrivate == NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    *ppucData = NULL;
    *pulDataSize = 0;

    if (!lock_pal()) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = ensure_scanned();
    const struct location *loc = rv == CKR_OK ? location_of(xHandle) : NULL;
    unsigned char *record = NULL;
    if (rv == CKR_OK && !is_object(loc)) {
        rv = CKR_OBJECT_HANDLE_INVALID;
    } else if (rv == CKR_OK && (record = p11_port_malloc(loc->size)) == NULL) {
        rv = CKR_HOST_MEMORY;
    } else if (rv == CKR_OK) {
        /* Checked again on every read: the bits may have rotted since the scan. */
        struct flash_record_header header;
        if (flash_device_read(loc->offset, record, loc->size) != FLASH_OK ||
            !flash_record_header_parse(record, &header) || header.seq != loc->header.seq ||
            header.data_len != loc->header.data_len || !flash_record_body_valid(record, &header, geo()->write_unit)) {
            report("a record that no longer reads back", loc->offset);
            rv = CKR_DEVICE_ERROR;
        } else {
            unsigned char *copy = p11_port_malloc(header.data_len ? header.data_len : 1);
            if (copy == NULL) {
                rv = CKR_HOST_MEMORY;
            } else {
                memcpy(copy, record + FLASH_RECORD_HEADER_BYTES + header.label_len, header.data_len);
                *ppucData = copy;
                *pulDataSize = header.data_len;
                *pIsPrivate = CK_TRUE; /* as the other host PALs: every value is treated as secret */
            }
        }
        explicit_bzero(record, loc->size);
    }
    p11_port_free(record);
    p11_port_mutex_unlock(lock);
    return rv;
}

void PKCS11_PAL_GetObjectValueCleanup(CK_BYTE_PTR pucData, CK_ULONG ulDataSize)
{
    if (pucData != NULL) {
        explicit_bzero(pucData, ulDataSize);
        p11_port_free(pucData);
    }
}

CK_RV PKCS11_PAL_DestroyObject(CK_OBJECT_HANDLE xHandle)
{
    if (!lock_pal()) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = ensure_scanned();
    if (rv == CKR_OK && !is_object(location_of(xHandle))) {
        rv = CKR_OBJECT_HANDLE_INVALID;
    }
    if (rv == CKR_OK) {
        rv = write_record(xHandle, FLASH_RECORD_TOMBSTONE, NULL, 0);
    }
    p11_port_mutex_unlock(lock);
    return rv;
}

int flash_sim_reset(const struct flash_geometry *geometry)
{
    if (!lock_pal()) {
        return -1;
    }
    forget_locations();
    p11_label_index_clear(&labels);
    p11_port_free(blocks);
    blocks = NULL;
    blocks_len = 0;
    head = NO_HEAD;
    scanned = 0;
    enum flash_status status = flash_device_create(geometry != NULL ? geometry : &flash_sim_default_geometry);
    p11_port_mutex_unlock(lock);
    return status == FLASH_OK ? 0 : -1;
}

int flash_sim_record_span(const unsigned char *label, size_t label_len, size_t *offset, size_t *size)
{
    if (!lock_pal()) {
        return 0;
    }
    const struct location *loc = (label != NULL && ensure_scanned() == CKR_OK)
                                     ? location_of(p11_label_index_find(&labels, label, label_len))
                                     : NULL;
    if (loc != NULL) {
        *offset = loc->offset;
        *size = loc->size;
    }
    p11_port_mutex_unlock(lock);
    return loc != NULL;
}
