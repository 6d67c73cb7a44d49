/* Label -> handle index shared by the host and flash PALs. A label keeps its
 * handle until the PAL removes it; a handle is never given to another label
 * while the index lives (so a stale handle can never read another label's
 * value). Both directions are hash table lookups, O(1) (portable C: no
 * tsearch, whose prototype differs between C libraries). Entries sit in a
 * dense array for iteration. Not thread safe: each PAL holds its own mutex. */
#ifndef P11_PAL_LABEL_INDEX_H
#define P11_PAL_LABEL_INDEX_H

#include <stddef.h>

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

struct p11_label_entry {
    unsigned char *label; /* label bytes, not NUL terminated */
    size_t label_len;
    CK_OBJECT_HANDLE handle;
    void *value;     /* owned by the PAL using the index; NULL when unused */
    size_t position; /* entries[position] is this entry */
};

struct p11_label_index {
    struct p11_label_entry **entries; /* dense: entries[0 .. count) */
    size_t count;
    size_t capacity;
    /* Open addressing, linear probing; each slot holds position + 1, or 0.
     * slot_count is 0 or a power of two, at most half full. */
    size_t *by_label;
    size_t *by_handle;
    size_t slot_count;
    CK_OBJECT_HANDLE next_handle;
};

#define P11_LABEL_INDEX_INIT {NULL, 0, 0, NULL, NULL, 0, 1}

/* Handle for the label, or CK_INVALID_HANDLE when it is not in the index. */
CK_OBJECT_HANDLE p11_label_index_find(const struct p11_label_index *index,
                                      const unsigned char *label,
                                      size_t label_len);

/* Handle for the label, adding it when new. CK_INVALID_HANDLE only when out
 * of memory. */
CK_OBJECT_HANDLE p11_label_index_intern(struct p11_label_index *index,
                                        const unsigned char *label,
                                        size_t label_len);

/* The entry behind a handle, or NULL for a handle the index does not hold. */
struct p11_label_entry *p11_label_index_entry(const struct p11_label_index *index,
                                              CK_OBJECT_HANDLE handle);

/* The i-th entry, i < count (the order changes when an entry is removed). */
struct p11_label_entry *p11_label_index_at(const struct p11_label_index *index, size_t i);

/* Forgets one label; the caller must have released its value. The last
 * entry moves into its position. */
void p11_label_index_remove(struct p11_label_index *index, CK_OBJECT_HANDLE handle);

/* Forgets every label; the caller must have released each entry's value.
 * Handles given before are still never given again. */
void p11_label_index_clear(struct p11_label_index *index);

#ifdef __cplusplus
}
#endif

#endif /* P11_PAL_LABEL_INDEX_H */
