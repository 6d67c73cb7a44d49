/* The six FreeRTOS PAL functions over a port's flash driver (flash_driver.h):
 * a log of records (format: flash_record.h) spread over erase blocks.
 *
 * - A save or destroy appends one record (a destroy appends a tombstone);
 *   it never rewrites another object. The body is programmed and read back,
 *   then the commit slot: after a power cut a record is either committed
 *   (new value) or not (the label's previous record still wins: old value).
 * - The record with the highest sequence number wins for its label. When
 *   that record has rotted (committed, body no longer checks), the label is
 *   refused (CKR_DEVICE_ERROR), never rolled back to an older value, and a
 *   destroyed object never comes back.
 * - Records go to the newest block (the head). One block is always kept
 *   free as the spare. When the head is full and only the spare is free,
 *   the oldest block is compacted: its winning records are copied to the
 *   spare, the spare's block header (naming the block it replaces) is
 *   written last as the commit point, then the old block is erased. A cut
 *   before the header leaves the spare headerless (erased before reuse); a
 *   cut after it leaves two copies, and the next scan erases the replaced
 *   block. Tombstones in the oldest block are dropped: any older record of
 *   their label lies in that block too (copied records are winners when
 *   copied, and appends only go to newer blocks).
 * - PKCS11_PAL_Initialize scans every block and rebuilds the label -> record
 *   index in RAM; it fails unless it indexed everything. A scan never reads
 *   past bytes it cannot parse: the rest of that block is closed.
 * - Every program and erase is read back; a block that only reads erased is
 *   erased again before use. Handles: one per label for the life of the
 *   process. */
#define _DEFAULT_SOURCE /* explicit_bzero */

#include "flash_pal.h"

#include <stdint.h>
#include <string.h>

#include "core_pkcs11_pal.h"
#include "crc32.h"
#include "flash_driver.h"
#include "flash_record.h"
#include "p11_log_text.h"
#include "p11_port.h"
#include "pal_label_index.h"

#define NO_BLOCK SIZE_MAX

/* A label entry's value: where its winning record lies. */
struct location {
    size_t offset; /* of the record on flash */
    size_t size;   /* its bytes on flash, commit slot included */
    struct flash_record_header header;
    int damaged; /* committed but rotted: the label is refused */
    size_t twin; /* another valid copy of the same record (a compaction was cut), or SIZE_MAX */
};

struct block {
    int in_use; /* has a valid block header */
    int clean;  /* erased and read back by this process: usable without an erase */
    uint32_t seq;
    size_t used; /* bytes from the block start that are never programmed again */
};

/* A rotted record whose label bytes rotted too: matched to a label by its
 * length and CRC once the scan has seen every label. */
struct unnamed_damage {
    size_t offset;
    size_t size;
    struct flash_record_header header;
};

/* Made on first use: C_Initialize calls PKCS11_PAL_Initialize before any
 * other PAL function, never twice at once. */
static struct p11_port_mutex *lock;
static const struct p11_flash_driver *drv;
static size_t slot; /* the PAL's program unit */
static struct p11_label_index labels = P11_LABEL_INDEX_INIT;
static struct block *blocks;
static size_t blocks_len;
static size_t head = NO_BLOCK;
static uint32_t next_block_seq = 1;
static uint32_t next_record_seq = 1;
static int scanned; /* the RAM index matches the flash */
static struct unnamed_damage *unnamed;
static size_t unnamed_count;
static CK_OBJECT_HANDLE writing; /* the label a save or destroy is writing: never forgotten meanwhile */

static size_t free_block_count(void);
static CK_RV compact_oldest(void);
static CK_RV erase_block(size_t b);

/* Takes the PAL's lock, making it on first use. 0 when out of memory. */
static int lock_pal(void)
{
    if (lock == NULL && (lock = p11_port_mutex_create()) == NULL) {
        return 0;
    }
    p11_port_mutex_lock(lock);
    return 1;
}

/* "flash PAL: <what> at flash offset <offset><tail>". */
static void log_at(const char *what, size_t offset, const char *tail)
{
    char number[P11_DECIMAL_SIZE];
    (void)p11_decimal(number, offset);
    const char *parts[] = {"flash PAL: ", what, " at flash offset ", number, tail};
    p11_log_parts(parts, 5);
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

/* Driver access: every program and erase is read back. */

enum program_result { PROGRAM_OK, PROGRAM_FAILED, PROGRAM_MISMATCH };

static int matches_flash(size_t offset, const unsigned char *expected, size_t len, int any_erased_byte_value)
{
    unsigned char chunk[64];
    for (size_t done = 0; done < len;) {
        size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (drv->read(offset + done, chunk, n) != 0) {
            return 0;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned char want = expected != NULL ? expected[done + i] : (unsigned char)any_erased_byte_value;
            if (chunk[i] != want) {
                return 0;
            }
        }
        done += n;
    }
    return 1;
}

/* Programs len bytes (whole slots), page by page, and reads them back. */
static enum program_result program(size_t offset, const unsigned char *data, size_t len)
{
    for (size_t done = 0; done < len;) {
        size_t n = len - done;
        if (drv->page_size != 0) {
            size_t to_page_end = drv->page_size - (offset + done) % drv->page_size;
            n = n < to_page_end ? n : to_page_end;
        }
        if (drv->program(offset + done, data + done, n) != 0) {
            return PROGRAM_FAILED;
        }
        done += n;
    }
    return matches_flash(offset, data, len, 0) ? PROGRAM_OK : PROGRAM_MISMATCH;
}

static CK_RV erase_block(size_t b)
{
    blocks[b].clean = 0;
    if (drv->erase(b) != 0 || !matches_flash(b * drv->sector_size, NULL, drv->sector_size, 0xFF)) {
        log_at("an erase that failed or does not read back erased", b * drv->sector_size, "");
        return CKR_DEVICE_ERROR;
    }
    blocks[b].clean = 1;
    return CKR_OK;
}

static struct location *location_of(CK_OBJECT_HANDLE handle)
{
    struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
    return entry == NULL ? NULL : entry->value;
}

/* The label holds an object, or a record that rotted (refused on read). */
static int is_present(const struct location *loc)
{
    return loc != NULL && (loc->damaged || loc->header.kind == FLASH_RECORD_OBJECT);
}

static void forget_locations(void)
{
    for (size_t i = 0; i < labels.count; i++) {
        struct p11_label_entry *entry = p11_label_index_at(&labels, i);
        p11_port_free(entry->value);
        entry->value = NULL;
    }
    p11_port_free(unnamed);
    unnamed = NULL;
    unnamed_count = 0;
}

/* Called for each committed record (valid or rotted) a block walk finds.
 * Returns 0 to stop the walk. */
typedef int (*record_fn)(size_t offset, const unsigned char *record, const struct flash_record_header *header,
                         size_t size, int damaged, void *ctx);

/* Walks the records of the block held in buf and returns the bytes in use
 * (where the next append may start). A record's length comes from its
 * header (two copies); bytes that are neither a header nor erased end the
 * walk, and the block is closed: nothing behind them is trusted, and
 * nothing is appended after them. */
static size_t walk_block(size_t b, const unsigned char *buf, record_fn fn, void *ctx, int loud)
{
    const size_t bs = drv->sector_size;
    const size_t base = b * bs;
    size_t pos = flash_block_header_size(slot);

    while (pos < bs) {
        if (all_erased(buf + pos, slot)) {
            if (all_erased(buf + pos, bs - pos)) {
                return pos;
            }
            break; /* something after a gap: never written by this PAL */
        }
        struct flash_record_header header;
        unsigned copies = flash_record_header_parse(buf + pos, bs - pos, &header);
        size_t size = copies != 0 ? flash_record_size(header.label_len, header.data_len, slot) : 0;
        if (size == 0 || size > bs - pos) {
            break;
        }
        if (copies != 3 && loud) {
            log_at("a record header copy is damaged (the other copy is used)", base + pos, "");
        }
        if (header.seq >= next_record_seq) {
            next_record_seq = header.seq + 1; /* taken, whatever the record's state */
        }
        enum flash_record_state state = flash_record_check(buf + pos, &header, slot);
        if (state == FLASH_RECORD_UNCOMMITTED) {
            if (loud) {
                log_at("an unfinished record (a save cut before its commit)", base + pos, "; skipped");
            }
        } else {
            if (state == FLASH_RECORD_DAMAGED && loud) {
                log_at("a committed record that no longer checks", base + pos, "; its label is refused");
            }
            if (fn != NULL && !fn(base + pos, buf + pos, &header, size, state == FLASH_RECORD_DAMAGED, ctx)) {
                return bs;
            }
        }
        pos += size;
    }
    if (loud && pos < bs) {
        log_at("unreadable bytes (a torn write or damage)", base + pos, "; the rest of the block is closed");
    }
    return bs;
}

/* Makes the record the label's winner when it is newer. 0 when out of memory. */
static int place(CK_OBJECT_HANDLE handle, size_t offset, const struct flash_record_header *header, size_t size,
                 int damaged)
{
    struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
    if (entry == NULL) {
        return 0;
    }
    struct location *loc = entry->value;
    if (loc != NULL && loc->header.seq == header->seq && !damaged) {
        /* Two copies of one record: a compaction was cut before it erased
         * the block it copied from. A valid copy beats a rotted one. */
        if (loc->damaged) {
            loc->offset = offset;
            loc->damaged = 0;
        } else {
            loc->twin = offset;
        }
        return 1;
    }
    if (loc != NULL && loc->header.seq >= header->seq) {
        return 1;
    }
    if (loc == NULL && (loc = p11_port_malloc(sizeof *loc)) == NULL) {
        return 0;
    }
    loc->offset = offset;
    loc->size = size;
    loc->header = *header;
    loc->damaged = damaged;
    loc->twin = SIZE_MAX;
    entry->value = loc;
    return 1;
}

/* Scan callback. ctx: an int set when out of memory. */
static int index_record(size_t offset, const unsigned char *record, const struct flash_record_header *header,
                        size_t size, int damaged, void *ctx)
{
    int *out_of_memory = ctx;
    if (damaged && !flash_record_label_intact(record, header)) {
        struct unnamed_damage *grown = p11_port_malloc((unnamed_count + 1) * sizeof *grown);
        if (grown == NULL) {
            *out_of_memory = 1;
            return 0;
        }
        if (unnamed_count != 0) {
            memcpy(grown, unnamed, unnamed_count * sizeof *grown);
        }
        p11_port_free(unnamed);
        unnamed = grown;
        unnamed[unnamed_count++] = (struct unnamed_damage){offset, size, *header};
        return 1;
    }
    CK_OBJECT_HANDLE handle = p11_label_index_intern(&labels, record + FLASH_RECORD_HEADER_BYTES, header->label_len);
    if (handle == CK_INVALID_HANDLE || !place(handle, offset, header, size, damaged)) {
        *out_of_memory = 1;
        return 0;
    }
    return 1;
}

/* A rotted record whose label bytes rotted still refuses every label of
 * that length and CRC it is newer than. 0 when out of memory. */
static int place_unnamed_damage(void)
{
    for (size_t i = 0; i < unnamed_count; i++) {
        const struct unnamed_damage *d = &unnamed[i];
        int matched = 0;
        for (size_t e = 0; e < labels.count; e++) {
            struct p11_label_entry *entry = p11_label_index_at(&labels, e);
            if (entry->label_len == d->header.label_len &&
                crc32_update(0, entry->label, entry->label_len) == d->header.label_crc) {
                matched = 1;
                if (!place(entry->handle, d->offset, &d->header, d->size, 1)) {
                    return 0;
                }
            }
        }
        if (!matched) {
            log_at("a rotted record of an unknown label (no older record of it)", d->offset, "; skipped");
        }
    }
    return 1;
}

static enum program_result read_block(size_t b, unsigned char *buf)
{
    return drv->read(b * drv->sector_size, buf, drv->sector_size) == 0 ? PROGRAM_OK : PROGRAM_FAILED;
}

/* Whether the driver's partition is one this PAL can use. */
static int geometry_usable(const struct p11_flash_driver *d)
{
    if (d == NULL || d->read == NULL || d->program == NULL || d->erase == NULL || d->sector_count < 2 ||
        d->program_unit == 0 || (d->program_unit & (d->program_unit - 1)) != 0 || d->program_unit > 256) {
        return 0;
    }
    const size_t s = flash_slot_size(d->program_unit);
    const size_t tombstone = flash_record_size(P11_FLASH_PAL_MAX_LABEL, 0, s);
    return d->sector_size % s == 0 && (d->page_size == 0 || (d->page_size % s == 0)) &&
           d->sector_size >= flash_block_header_size(s) + 2 * tombstone &&
           d->sector_count <= SIZE_MAX / d->sector_size;
}

/* Reads both header copies of every block; writes a missing copy B. */
static CK_RV read_block_headers(unsigned char *buf)
{
    for (size_t b = 0; b < blocks_len; b++) {
        struct flash_block_header header = {0, FLASH_NO_BLOCK};
        if (read_block(b, buf) != PROGRAM_OK) {
            return CKR_DEVICE_ERROR;
        }
        if (flash_block_header_is_format_1(buf)) {
            log_at("a block of format 1 (this PAL reads format 2; erase the partition to use it)",
                   b * drv->sector_size, "");
            return CKR_DEVICE_ERROR;
        }
        unsigned copies = flash_block_header_parse(buf, slot, &header);
        memset(&blocks[b], 0, sizeof blocks[b]);
        blocks[b].in_use = copies != 0;
        blocks[b].seq = header.seq;
        const size_t half = flash_block_header_size(slot) / 2;
        if (copies == 1 && all_erased(buf + half, half)) {
            /* A cut between the copies: write copy B now, so one later flip
             * of copy A cannot lose the block. */
            (void)program(b * drv->sector_size + half, buf, half);
        } else if (copies != 0 && copies != 3) {
            log_at("a block header copy is damaged (the other copy is used)", b * drv->sector_size, "");
        }
    }
    return CKR_OK;
}

/* Forgets the labels that have no record on the flash. */
static void forget_unrecorded_labels(void)
{
    for (size_t i = 0; i < labels.count;) {
        struct p11_label_entry *entry = p11_label_index_at(&labels, i);
        if (entry->value == NULL) {
            p11_label_index_remove(&labels, entry->handle); /* the last entry moves to i */
        } else {
            i++;
        }
    }
}

/* A block in use whose every winner has a twin in another block (a spare a
 * cut compaction was filling), or NO_BLOCK. */
static size_t redundant_block(void)
{
    const size_t bs = drv->sector_size;
    for (size_t b = 0; b < blocks_len; b++) {
        int redundant = blocks[b].in_use;
        for (size_t i = 0; i < labels.count && redundant; i++) {
            const struct location *loc = p11_label_index_at(&labels, i)->value;
            if (loc != NULL && loc->offset / bs == b) {
                redundant = loc->twin != SIZE_MAX && loc->twin / bs != b;
            }
        }
        if (redundant) {
            return b;
        }
    }
    return NO_BLOCK;
}

/* Erases a redundant block; its winners are read from their twins. */
static CK_RV drop_redundant_block(size_t b)
{
    const size_t bs = drv->sector_size;
    for (size_t i = 0; i < labels.count; i++) {
        struct location *loc = p11_label_index_at(&labels, i)->value;
        if (loc != NULL && loc->offset / bs == b) {
            loc->offset = loc->twin;
            loc->twin = SIZE_MAX;
        } else if (loc != NULL && loc->twin != SIZE_MAX && loc->twin / bs == b) {
            loc->twin = SIZE_MAX;
        }
    }
    blocks[b].in_use = 0;
    if (head == b) {
        head = NO_BLOCK; /* the newest block left is the head */
        for (size_t x = 0; x < blocks_len; x++) {
            if (blocks[x].in_use && (head == NO_BLOCK || blocks[x].seq > blocks[head].seq)) {
                head = x;
            }
        }
    }
    return erase_block(b);
}

/* Rebuilds the RAM index from the flash. */
static CK_RV scan_flash(void)
{
    const struct p11_flash_driver *d = p11_flash_driver_get();
    if (!geometry_usable(d)) {
        p11_port_log("flash PAL: no flash driver, or a geometry it cannot use (docs/porting.md)");
        return CKR_DEVICE_ERROR;
    }
    drv = d;
    slot = flash_slot_size(d->program_unit);
    const size_t count = d->sector_count;
    forget_locations();
    scanned = 0;
    head = NO_BLOCK;
    next_block_seq = 1;
    next_record_seq = 1;
    if (blocks_len != count) {
        p11_port_free(blocks);
        blocks = p11_port_malloc(count * sizeof *blocks);
        blocks_len = blocks == NULL ? 0 : count;
        if (blocks == NULL) {
            return CKR_HOST_MEMORY;
        }
    }
    unsigned char *buf = p11_port_malloc(d->sector_size);
    CK_RV rv = buf == NULL ? CKR_HOST_MEMORY : read_block_headers(buf);
    int out_of_memory = 0;
    for (size_t b = 0; rv == CKR_OK && b < count; b++) {
        if (!blocks[b].in_use) {
            continue;
        }
        if (read_block(b, buf) != PROGRAM_OK) {
            rv = CKR_DEVICE_ERROR;
            break;
        }
        blocks[b].used = walk_block(b, buf, index_record, &out_of_memory, 1);
        if (out_of_memory) {
            rv = CKR_HOST_MEMORY;
        }
        if (head == NO_BLOCK || blocks[b].seq > blocks[head].seq) {
            head = b;
        }
        if (blocks[b].seq >= next_block_seq) {
            next_block_seq = blocks[b].seq + 1;
        }
    }
    if (rv == CKR_OK && !place_unnamed_damage()) {
        rv = CKR_HOST_MEMORY;
    }
    p11_port_free(buf);
    if (rv != CKR_OK) {
        if (rv == CKR_HOST_MEMORY) {
            p11_port_log("flash PAL: out of memory while indexing the flash; nothing is written until a scan succeeds");
        }
        forget_locations();
        return rv;
    }
    forget_unrecorded_labels();
    scanned = 1;
    if (free_block_count() == 0) {
        /* A compaction was cut after it took the spare. A block that holds
         * only copies of records still stored elsewhere goes (the spare the
         * cut compaction was filling); otherwise the compaction is finished
         * (the head has room for what was not yet copied). Either way the
         * store can compact again. */
        p11_port_log("flash PAL: recovering the spare block after an interrupted compaction");
        size_t redundant = redundant_block();
        CK_RV recovered = redundant != NO_BLOCK ? drop_redundant_block(redundant) : compact_oldest();
        if (recovered != CKR_OK) {
            p11_port_log("flash PAL: could not recover it; saves may be refused until a destroy makes room");
        }
    }
    return CKR_OK;
}

static CK_RV ensure_scanned(void)
{
    return scanned ? CKR_OK : scan_flash();
}

/* A free block, preferring one already known erased. */
static size_t pick_free_block(void)
{
    size_t pick = NO_BLOCK;
    for (size_t b = 0; b < blocks_len; b++) {
        if (!blocks[b].in_use && (pick == NO_BLOCK || (!blocks[pick].clean && blocks[b].clean))) {
            pick = b;
        }
    }
    return pick;
}

/* Writes block b's header (both copies; copy A commits the block) and makes
 * it the head. */
static CK_RV commit_block(size_t b)
{
    unsigned char header[2 * 256];
    const size_t header_size = flash_block_header_size(slot);
    if (next_block_seq > FLASH_SEQ_LAST) {
        p11_port_log("flash PAL: block sequence numbers are used up; erase the partition (C_InitToken)");
        return CKR_DEVICE_MEMORY;
    }
    struct flash_block_header fields = {next_block_seq, FLASH_NO_BLOCK};
    flash_block_header_encode(&fields, header, slot);
    blocks[b].clean = 0;
    if (program(b * drv->sector_size, header, header_size) != PROGRAM_OK) {
        log_at("a block header that failed or does not read back", b * drv->sector_size, "");
        return CKR_DEVICE_ERROR;
    }
    blocks[b].in_use = 1;
    blocks[b].seq = next_block_seq++;
    blocks[b].used = header_size;
    head = b;
    return CKR_OK;
}

static size_t free_block_count(void)
{
    size_t n = 0;
    for (size_t b = 0; b < blocks_len; b++) {
        n += !blocks[b].in_use;
    }
    return n;
}

/* Erases a free block if needed and makes it the new head. */
static CK_RV open_head(void)
{
    const size_t b = pick_free_block();
    if (b == NO_BLOCK) {
        return CKR_DEVICE_ERROR;
    }
    CK_RV rv = blocks[b].clean ? CKR_OK : erase_block(b);
    return rv != CKR_OK ? rv : commit_block(b);
}

static size_t head_room(void)
{
    return head == NO_BLOCK ? 0 : drv->sector_size - blocks[head].used;
}

/* Programs a record (body, then commit slot) at the head, which has room.
 * A program that fails or does not read back closes the head: bytes the
 * next scan may not parse would hide whatever came after them. */
static enum program_result program_at_head(const unsigned char *record, size_t size, size_t *offset)
{
    *offset = head * drv->sector_size + blocks[head].used;
    blocks[head].used += size; /* whatever lands below here is never programmed again */
    enum program_result written = program(*offset, record, size - slot);
    if (written == PROGRAM_OK) {
        written = program(*offset + size - slot, record + size - slot, slot);
    }
    if (written != PROGRAM_OK) {
        blocks[head].used = drv->sector_size;
    }
    return written;
}

/* Whether the label's winning record is the one at offset and compaction
 * keeps it (an object, or a rotted record that keeps its label refused). */
static struct location *kept_winner_at(size_t offset, const unsigned char *record,
                                       const struct flash_record_header *header, int damaged)
{
    struct location *loc = NULL;
    if (!damaged || flash_record_label_intact(record, header)) {
        loc = location_of(p11_label_index_find(&labels, record + FLASH_RECORD_HEADER_BYTES, header->label_len));
    } else {
        for (size_t i = 0; i < labels.count && loc == NULL; i++) {
            loc = p11_label_index_at(&labels, i)->value;
            loc = loc != NULL && loc->offset == offset ? loc : NULL;
        }
    }
    return loc != NULL && loc->offset == offset && is_present(loc) ? loc : NULL;
}

/* Compaction callback: moves a kept winner of the victim to the head,
 * opening the spare when the head is full. ctx: the CK_RV. */
static int move_winner(size_t offset, const unsigned char *record, const struct flash_record_header *header,
                       size_t size, int damaged, void *ctx)
{
    CK_RV *rv = ctx;
    struct location *loc = kept_winner_at(offset, record, header, damaged);
    if (loc == NULL) {
        return 1; /* superseded, or a tombstone: dropped with the block */
    }
    const size_t bs = drv->sector_size;
    if (loc->twin != SIZE_MAX && loc->twin / bs != offset / bs) {
        loc->offset = loc->twin; /* already copied before a cut: that copy stays */
        loc->twin = SIZE_MAX;
        return 1;
    }
    if (head_room() < size && (*rv = open_head()) != CKR_OK) {
        return 0;
    }
    size_t to = 0;
    if (program_at_head(record, size, &to) != PROGRAM_OK) {
        log_at("a record copy that failed or does not read back", to, "");
        *rv = CKR_DEVICE_ERROR;
        return 0;
    }
    loc->offset = to; /* the copy keeps the record's sequence: either copy is the record */
    return 1;
}

static size_t oldest_block(void)
{
    size_t oldest = NO_BLOCK;
    for (size_t b = 0; b < blocks_len; b++) {
        if (blocks[b].in_use && (oldest == NO_BLOCK || blocks[b].seq < blocks[oldest].seq)) {
            oldest = b;
        }
    }
    return oldest;
}

/* Compacts the oldest block: its kept winners are appended to the head (and
 * the spare, when the head fills), then it is erased. Its tombstones are
 * dropped: every older record of their label lies in this block too
 * (appends and copies only go to the head, and copies are winners). A cut
 * leaves two copies of a record, both valid, with one sequence number. */
static CK_RV compact_oldest(void)
{
    const size_t bs = drv->sector_size;
    const size_t victim = oldest_block();
    unsigned char *buf = p11_port_malloc(bs);
    CK_RV rv = buf == NULL ? CKR_HOST_MEMORY : CKR_OK;
    if (rv == CKR_OK && victim == head) {
        rv = open_head();
    }
    if (rv == CKR_OK && read_block(victim, buf) != PROGRAM_OK) {
        rv = CKR_DEVICE_ERROR;
    }
    if (rv == CKR_OK) {
        (void)walk_block(victim, buf, move_winner, &rv, 0);
    }
    if (rv == CKR_OK) {
        /* What still points into the victim was not kept: forgotten with it. */
        for (size_t i = 0; i < labels.count;) {
            struct p11_label_entry *entry = p11_label_index_at(&labels, i);
            struct location *loc = entry->value;
            if (loc != NULL && loc->twin != SIZE_MAX && loc->twin / bs == victim) {
                loc->twin = SIZE_MAX;
            }
            if (loc != NULL && loc->offset / bs == victim) {
                if (is_present(loc)) {
                    log_at("a record that no longer reads back was dropped by compaction", loc->offset, "");
                }
                p11_port_free(loc);
                entry->value = NULL;
            }
            if (entry->value == NULL && entry->handle != writing) {
                p11_label_index_remove(&labels, entry->handle); /* the last entry moves to i */
            } else {
                i++;
            }
        }
        blocks[victim].in_use = 0;
        rv = erase_block(victim);
    }
    p11_port_free(buf);
    return rv;
}

/* Offsets and sizes of the kept winners of block b that compaction must
 * copy (not those with a copy elsewhere), in flash order; the count, or
 * SIZE_MAX when out of memory. *out is the caller's to free. */
static size_t kept_records_of(size_t b, size_t **out)
{
    const size_t bs = drv->sector_size;
    size_t n = 0;
    *out = p11_port_malloc((labels.count + 1) * 2 * sizeof **out);
    if (*out == NULL) {
        return SIZE_MAX;
    }
    for (size_t i = 0; i < labels.count; i++) {
        const struct location *loc = p11_label_index_at(&labels, i)->value;
        if (is_present(loc) && loc->offset / bs == b && (loc->twin == SIZE_MAX || loc->twin / bs == b)) {
            size_t at = n++;
            while (at > 0 && (*out)[2 * (at - 1)] > loc->offset) { /* insertion sort by offset */
                (*out)[2 * at] = (*out)[2 * (at - 1)];
                (*out)[2 * at + 1] = (*out)[2 * (at - 1) + 1];
                at--;
            }
            (*out)[2 * at] = loc->offset;
            (*out)[2 * at + 1] = loc->size;
        }
    }
    return n;
}

/* compact_oldest played over the index, without writing anything: where
 * records would go if saves and compactions went on from here. */
struct plan {
    size_t room;        /* at the head */
    size_t free_blocks;
    int head_original;  /* the head is still the block that is the head now */
    size_t rounds_left; /* blocks in use now, not yet compacted */
    uint32_t after;     /* sequence of the last block compacted */
    size_t stale;       /* offset of a record no longer kept (SIZE_MAX: none) */
    size_t *placed;     /* sizes placed in the original head: moved again if it is compacted */
    size_t placed_count;
    size_t placed_cap;
};

/* 0 when out of memory. plan_end frees what it took. */
static int plan_start(struct plan *p)
{
    p->room = head_room();
    p->free_blocks = free_block_count();
    p->head_original = 1;
    p->rounds_left = blocks_len - p->free_blocks;
    p->after = 0;
    p->stale = SIZE_MAX;
    p->placed_count = 0;
    p->placed_cap = labels.count + 4; /* every live record once, and what a save adds */
    p->placed = p11_port_malloc(p->placed_cap * sizeof *p->placed);
    return p->placed != NULL;
}

static void plan_end(struct plan *p)
{
    p11_port_free(p->placed);
    p->placed = NULL;
}

/* Takes size bytes at the head of the plan, which has the room. */
static void plan_take(struct plan *p, size_t size)
{
    p->room -= size;
    if (p->head_original && size != 0 && p->placed_count < p->placed_cap) {
        p->placed[p->placed_count++] = size;
    }
}

/* Opens a block in the plan, as open_head would. 0 when none is free. */
static int plan_open(struct plan *p)
{
    if (p->free_blocks == 0) {
        return 0;
    }
    p->free_blocks--;
    p->room = drv->sector_size - flash_block_header_size(slot);
    p->head_original = 0;
    return 1;
}

/* Plays compact_oldest once. 1 done, 0 cannot, -1 out of memory. */
static int plan_compact(struct plan *p)
{
    size_t victim = NO_BLOCK;
    for (size_t b = 0; b < blocks_len; b++) {
        if (blocks[b].in_use && blocks[b].seq > p->after && (victim == NO_BLOCK || blocks[b].seq < blocks[victim].seq)) {
            victim = b;
        }
    }
    if (p->rounds_left == 0 || victim == NO_BLOCK) {
        return 0;
    }
    p->rounds_left--;
    p->after = blocks[victim].seq;
    if (victim == head && p->head_original && !plan_open(p)) {
        return 0;
    }
    size_t *kept = NULL;
    size_t n = kept_records_of(victim, &kept);
    if (n == SIZE_MAX) {
        return -1;
    }
    int ok = 1;
    const size_t placed = victim == head ? p->placed_count : 0;
    for (size_t i = 0; i < n + placed && ok; i++) {
        /* The records of the block, then what the plan placed in it. */
        size_t size = i < n ? kept[2 * i + 1] : p->placed[i - n];
        if (i < n && kept[2 * i] == p->stale) {
            continue;
        }
        if (p->room < size) {
            ok = plan_open(p);
        }
        if (ok) {
            plan_take(p, size);
        }
    }
    p11_port_free(kept);
    p->free_blocks += ok;
    return ok;
}

/* Plays make_room(needed) and then an append of `take` bytes. 1 when it
 * would succeed, 0 when not, -1 when out of memory. */
static int plan_place(struct plan *p, size_t needed, size_t take)
{
    for (;;) {
        if (p->room >= needed) {
            plan_take(p, take);
            return 1;
        }
        if (p->free_blocks >= 2) {
            (void)plan_open(p);
            continue;
        }
        int done = plan_compact(p);
        if (done <= 0) {
            return done;
        }
    }
}

/* Makes the head able to take size bytes and still keep `reserve` free.
 * CKR_DEVICE_MEMORY, with nothing written, when even compaction could not
 * make the room. */
static CK_RV make_room(size_t size, size_t reserve)
{
    const size_t capacity = drv->sector_size - flash_block_header_size(slot);
    if (size > capacity || reserve > capacity - size) {
        return CKR_DEVICE_MEMORY;
    }
    const size_t needed = size + reserve;
    if (head_room() >= needed) {
        return CKR_OK;
    }
    if (free_block_count() >= 2) {
        return open_head();
    }
    struct plan p;
    int possible = plan_start(&p) ? plan_place(&p, needed, 0) : -1;
    plan_end(&p);
    if (possible <= 0) {
        return possible < 0 ? CKR_HOST_MEMORY : CKR_DEVICE_MEMORY;
    }
    for (size_t round = 0; round < blocks_len; round++) {
        CK_RV rv = compact_oldest();
        if (rv != CKR_OK) {
            return rv;
        }
        if (head_room() >= needed) {
            return CKR_OK;
        }
        if (free_block_count() >= 2) {
            return open_head();
        }
    }
    return CKR_DEVICE_MEMORY;
}

/* Appends an encoded record: body first (read back), then the commit slot.
 * A body that does not read back closes the block and is tried once more in
 * another. */
static CK_RV append(const unsigned char *record, size_t size, size_t reserve, size_t *offset)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        CK_RV rv = make_room(size, reserve);
        if (rv != CKR_OK) {
            return rv;
        }
        enum program_result written = program_at_head(record, size, offset);
        if (written == PROGRAM_MISMATCH) {
            log_at("a record that does not read back", *offset, "; its block is closed");
            continue;
        }
        return written == PROGRAM_OK ? CKR_OK : CKR_DEVICE_ERROR;
    }
    return CKR_DEVICE_ERROR;
}

/* Whether an object save of `size` bytes may go ahead. It must leave room
 * for one tombstone, so a full store can always destroy (and so make room
 * again); and, unless it replaces a value at least as large, room to
 * replace the largest object too, so a full store can always replace any
 * object with a value of the same size. CKR_DEVICE_MEMORY when not. */
static CK_RV admit_object(const struct location *old, size_t size)
{
    const size_t tombstone = flash_record_size(P11_FLASH_PAL_MAX_LABEL, 0, slot);
    if (is_present(old) && size <= old->size) {
        return CKR_OK; /* make_room finds room for it and its tombstone */
    }
    size_t largest = size;
    for (size_t i = 0; i < labels.count; i++) {
        const struct location *loc = p11_label_index_at(&labels, i)->value;
        if (is_present(loc) && loc->size > largest) {
            largest = loc->size;
        }
    }
    struct plan p;
    int fits = plan_start(&p) ? plan_place(&p, size + tombstone, size) : -1;
    if (fits > 0) {
        /* Then a replace of the largest object, as make_room would take it. */
        p.stale = is_present(old) ? old->offset : SIZE_MAX;
        fits = plan_place(&p, largest + tombstone, largest);
    }
    plan_end(&p);
    return fits > 0 ? CKR_OK : fits < 0 ? CKR_HOST_MEMORY : CKR_DEVICE_MEMORY;
}

/* Writes a record for the label and makes it the label's winner. */
static CK_RV write_record(CK_OBJECT_HANDLE handle, enum flash_record_kind kind, const unsigned char *data,
                          size_t data_len)
{
    struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
    const size_t size = flash_record_size(entry->label_len, data_len, slot);
    if (size == 0 || size > drv->sector_size) {
        return CKR_DEVICE_MEMORY;
    }
    if (next_record_seq > FLASH_SEQ_LAST) {
        p11_port_log("flash PAL: record sequence numbers are used up; erase the partition (C_InitToken)");
        return CKR_DEVICE_MEMORY;
    }
    /* A new location, allocated before anything is written; the old one may
     * be dropped by a compaction on the way. */
    struct location *loc = p11_port_malloc(sizeof *loc);
    unsigned char *record = p11_port_malloc(size);
    CK_RV rv = CKR_HOST_MEMORY;

    if (loc != NULL && record != NULL) {
        struct flash_record_header header = {kind, (uint16_t)entry->label_len, (uint32_t)data_len, next_record_seq++,
                                             0};
        flash_record_encode(&header, entry->label, data, record, slot);
        /* An object leaves room for a tombstone after it, so it can be destroyed. */
        const size_t reserve = kind == FLASH_RECORD_OBJECT ? flash_record_size(P11_FLASH_PAL_MAX_LABEL, 0, slot) : 0;
        size_t offset = 0;
        rv = kind == FLASH_RECORD_OBJECT ? admit_object(entry->value, size) : CKR_OK;
        writing = handle; /* compaction on the way keeps this entry */
        rv = rv == CKR_OK ? append(record, size, reserve, &offset) : rv;
        writing = CK_INVALID_HANDLE;
        if (rv == CKR_OK) {
            loc->offset = offset;
            loc->size = size;
            loc->header = header;
            loc->damaged = 0;
            loc->twin = SIZE_MAX;
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
    if (pxLabel == NULL || (pxLabel->pValue == NULL && pxLabel->ulValueLen != 0) ||
        pxLabel->ulValueLen > P11_FLASH_PAL_MAX_LABEL || (pucData == NULL && ulDataSize != 0) ||
        ulDataSize > UINT32_MAX) {
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
        if (!is_present(location_of(handle))) {
            handle = CK_INVALID_HANDLE; /* never saved, or destroyed */
        }
    }
    p11_port_mutex_unlock(lock);
    return handle;
}

/* Copies the label's value out of its record, checked again on this read:
 * the bits may have rotted since the scan. */
static CK_RV read_value(const struct location *loc, CK_BYTE_PTR *ppucData, CK_ULONG_PTR pulDataSize)
{
    unsigned char *record = p11_port_malloc(loc->size);
    if (record == NULL) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = CKR_OK;
    struct flash_record_header header;
    if (drv->read(loc->offset, record, loc->size) != 0 ||
        flash_record_header_parse(record, loc->size, &header) == 0 || header.seq != loc->header.seq ||
        header.data_len != loc->header.data_len ||
        flash_record_check(record, &header, slot) != FLASH_RECORD_VALID) {
        log_at("a record that no longer reads back", loc->offset, "");
        rv = CKR_DEVICE_ERROR;
    } else {
        unsigned char *copy = p11_port_malloc(header.data_len ? header.data_len : 1);
        if (copy == NULL) {
            rv = CKR_HOST_MEMORY;
        } else {
            memcpy(copy, record + FLASH_RECORD_HEADER_BYTES + header.label_len, header.data_len);
            *ppucData = copy;
            *pulDataSize = header.data_len;
        }
    }
    explicit_bzero(record, loc->size);
    p11_port_free(record);
    return rv;
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
    if (rv == CKR_OK && !is_present(loc)) {
        rv = CKR_OBJECT_HANDLE_INVALID;
    } else if (rv == CKR_OK && loc->damaged) {
        log_at("the label's newest record has rotted", loc->offset, "; refused");
        rv = CKR_DEVICE_ERROR;
    } else if (rv == CKR_OK) {
        rv = read_value(loc, ppucData, pulDataSize);
        *pIsPrivate = CK_TRUE; /* as the other host PALs: every value is treated as secret */
    }
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
    if (rv == CKR_OK && !is_present(location_of(xHandle))) {
        rv = CKR_OBJECT_HANDLE_INVALID;
    }
    if (rv == CKR_OK) {
        rv = write_record(xHandle, FLASH_RECORD_TOMBSTONE, NULL, 0);
    }
    p11_port_mutex_unlock(lock);
    return rv;
}

void p11_flash_pal_forget(void)
{
    if (!lock_pal()) {
        return;
    }
    forget_locations();
    p11_label_index_clear(&labels);
    p11_port_free(blocks);
    blocks = NULL;
    blocks_len = 0;
    head = NO_BLOCK;
    scanned = 0;
    p11_port_mutex_unlock(lock);
}

int p11_flash_pal_record_span(const unsigned char *label, size_t label_len, size_t *offset, size_t *size)
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
