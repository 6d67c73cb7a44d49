/* Label -> handle index shared by the host PALs. A label keeps the handle it
 * was first given for as long as the index lives; handles are small nonzero
 * numbers (position + 1), so handle -> entry is O(1), and label -> handle is
 * a hash table lookup, O(1) (portable C: no tsearch, whose prototype differs
 * between C libraries). Not thread safe: each PAL holds its own mutex. */
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
    CK_OBJECT_HANDLE handle; /* entries[handle - 1] is this entry */
    void *value; /* owned by the PAL using the index; NULL when unused */
};

struct p11_label_index {
    struct p11_label_entry **entries; /* entries[handle - 1] */
    size_t count;
    size_t capacity;
    /* Open addressing, linear probing: each slot holds a handle or
     * CK_INVALID_HANDLE; slot_count is 0 or a power of two, at most half full. */
    CK_OBJECT_HANDLE *slots;
    size_t slot_count;
};

#define P11_LABEL_INDEX_INIT {NULL, 0, 0, NULL, 0}

/* Handle for the label, or CK_INVALID_HANDLE when it was never interned. */
CK_OBJECT_HANDLE p11_label_index_find(const struct p11_label_index *index,
                                      const unsigned char *label,
                                      size_t label_len);

/* Handle for the label, adding it when new. CK_INVALID_HANDLE only when out
 * of memory. */
CK_OBJECT_HANDLE p11_label_index_intern(struct p11_label_index *index,
                                        const unsigned char *label,
                                        size_t label_len);

/* The entry behind a handle, or NULL for a handle the index never gave. */
struct p11_label_entry *p11_label_index_entry(const struct p11_label_index *index,
                                              CK_OBJECT_HANDLE handle);

/* Forgets every label; the caller must have released each entry's value. */
void p11_label_index_clear(struct p11_label_index *index);

#ifdef __cplusplus
}
#endif

#endif /* P11_PAL_LABEL_INDEX_H */
