/* POSIX PAL: the change count and journal (core_pkcs11_pal_changes.h),
 * kept in the store's lock file "<store>/.lock", which every process sharing
 * the store maps (MAP_SHARED). Saves and destroys write their entry with the
 * store lock held (flock orders the processes); readers load the count with
 * acquire order, without a lock. The journal holds the last JOURNAL_SLOTS
 * labels; a reader further behind re-reads the store. A lock file without
 * the magic (first use, or an older version's empty file) is grown and
 * started afresh under the lock: the count restarts, and every process that
 * saw a higher one re-reads the store. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "core_pkcs11_pal_changes.h"
#include "core_pkcs11_pal_lock.h"
#include "pal_posix_internal.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define JOURNAL_MAGIC UINT64_C(0x703131666A726E31) /* "p11fjrn1" */
#define JOURNAL_SLOTS 64u
#define JOURNAL_LABEL_MAX 128u /* POSIX PAL labels are at most 125 bytes */

struct journal_entry {
    uint64_t number; /* the change this slot holds */
    uint32_t label_len;
    uint32_t reserved;
    unsigned char label[JOURNAL_LABEL_MAX];
};

struct journal {
    uint64_t magic;
    uint64_t count;
    struct journal_entry slots[JOURNAL_SLOTS];
};

static struct journal *mapped; /* NULL: no journal (no store, or mmap failed) */

void p11_pal_posix_journal_close(void)
{
    if (mapped != NULL) {
        munmap(mapped, sizeof(*mapped));
        mapped = NULL;
    }
}

int p11_pal_posix_journal_open(int lock_fd)
{
    p11_pal_posix_journal_close();
    if (lock_fd < 0) {
        return -1;
    }
    int rc;
    do {
        rc = flock(lock_fd, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        return -1;
    }
    /* Only ever grown: shrinking a file other processes have mapped would
     * kill them (SIGBUS) at their next read. */
    struct stat st;
    int ok = fstat(lock_fd, &st) == 0;
    if (ok && (uintmax_t)st.st_size < sizeof(struct journal)) {
        ok = ftruncate(lock_fd, sizeof(struct journal)) == 0;
    }
    void *map = ok ? mmap(NULL, sizeof(struct journal), PROT_READ | PROT_WRITE, MAP_SHARED, lock_fd, 0)
                   : MAP_FAILED;
    if (map != MAP_FAILED) {
        struct journal *j = map;
        if (j->magic != JOURNAL_MAGIC) {
            memset(j, 0, sizeof(*j));
            __atomic_store_n(&j->magic, JOURNAL_MAGIC, __ATOMIC_RELEASE);
        }
        mapped = j;
    }
    (void)flock(lock_fd, LOCK_UN);
    return mapped != NULL ? 0 : -1;
}

void p11_pal_posix_journal_note(const unsigned char *label, size_t label_len)
{
    if (mapped == NULL) {
        return;
    }
    const uint64_t number = mapped->count + 1;
    struct journal_entry *slot = &mapped->slots[number % JOURNAL_SLOTS];
    slot->number = number;
    slot->label_len = (uint32_t)(label_len < JOURNAL_LABEL_MAX ? label_len : JOURNAL_LABEL_MAX);
    memcpy(slot->label, label, slot->label_len);
    __atomic_store_n(&mapped->count, number, __ATOMIC_RELEASE); /* the entry first, then the count */
}

CK_RV PKCS11_PAL_ChangeCount(uint64_t *count)
{
    if (count == NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    if (mapped == NULL) {
        return CKR_DEVICE_ERROR;
    }
    *count = __atomic_load_n(&mapped->count, __ATOMIC_ACQUIRE);
    return CKR_OK;
}

CK_RV PKCS11_PAL_ChangesSince(uint64_t since, p11_pal_change_visitor visit, void *context, uint64_t *now)
{
    if (visit == NULL || now == NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    if (mapped == NULL) {
        return CKR_DEVICE_ERROR;
    }
    const uint64_t count = __atomic_load_n(&mapped->count, __ATOMIC_ACQUIRE);
    *now = count;
    /* Behind by more than the journal holds, or a restarted count. */
    if (since > count || count - since > JOURNAL_SLOTS) {
        return CKR_DATA_LEN_RANGE;
    }
    for (uint64_t number = since + 1; number <= count; number++) {
        const struct journal_entry *slot = &mapped->slots[number % JOURNAL_SLOTS];
        if (slot->number != number || slot->label_len > JOURNAL_LABEL_MAX) {
            return CKR_DATA_LEN_RANGE; /* damaged: re-read everything */
        }
        visit(slot->label, slot->label_len, context);
    }
    return CKR_OK;
}
