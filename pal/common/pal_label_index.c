/* Label -> handle index shared by the host PALs (see pal_label_index.h). */
#define _DEFAULT_SOURCE /* tsearch family */

#include "pal_label_index.h"

#include <search.h>
#include <stdlib.h>
#include <string.h>

/* Labels may contain any byte (NUL included), so compare length first, then
 * bytes; never as strings. */
static int compare_labels(const void *a, const void *b)
{
    const struct p11_label_entry *x = a;
    const struct p11_label_entry *y = b;

    if (x->label_len != y->label_len) {
        return x->label_len < y->label_len ? -1 : 1;
    }
    if (x->label_len == 0) {
        return 0;
    }
    return memcmp(x->label, y->label, x->label_len);
}

CK_OBJECT_HANDLE p11_label_index_find(const struct p11_label_index *index,
                                      const unsigned char *label,
                                      size_t label_len)
{
    /* The key only borrows the caller's bytes; nothing is written through it. */
    struct p11_label_entry key = {(unsigned char *)label, label_len,
                                  CK_INVALID_HANDLE, NULL};
    void *const *node = tfind(&key, &index->tree, compare_labels);

    if (node == NULL) {
        return CK_INVALID_HANDLE;
    }
    return ((const struct p11_label_entry *)*node)->handle;
}

CK_OBJECT_HANDLE p11_label_index_intern(struct p11_label_index *index,
                                        const unsigned char *label,
                                        size_t label_len)
{
    CK_OBJECT_HANDLE handle = p11_label_index_find(index, label, label_len);
    if (handle != CK_INVALID_HANDLE) {
        return handle;
    }

    if (index->count == index->capacity) {
        size_t capacity = index->capacity ? index->capacity * 2 : 16;
        struct p11_label_entry **entries =
            realloc(index->entries, capacity * sizeof(*entries));
        if (entries == NULL) {
            return CK_INVALID_HANDLE;
        }
        index->entries = entries;
        index->capacity = capacity;
    }

    struct p11_label_entry *entry = calloc(1, sizeof(*entry));
    /* malloc(0) may return NULL, so an empty label still gets one byte. */
    unsigned char *copy = malloc(label_len ? label_len : 1);
    if (entry == NULL || copy == NULL) {
        free(entry);
        free(copy);
        return CK_INVALID_HANDLE;
    }
    if (label_len) {
        memcpy(copy, label, label_len);
    }
    entry->label = copy;
    entry->label_len = label_len;
    entry->handle = (CK_OBJECT_HANDLE)(index->count + 1);

    if (tsearch(entry, &index->tree, compare_labels) == NULL) {
        free(copy);
        free(entry);
        return CK_INVALID_HANDLE;
    }
    index->entries[index->count++] = entry;
    return entry->handle;
}

struct p11_label_entry *p11_label_index_entry(const struct p11_label_index *index,
                                              CK_OBJECT_HANDLE handle)
{
    if (handle == CK_INVALID_HANDLE || handle > index->count) {
        return NULL;
    }
    return index->entries[handle - 1];
}

void p11_label_index_clear(struct p11_label_index *index)
{
    for (size_t i = 0; i < index->count; i++) {
        struct p11_label_entry *entry = index->entries[i];
        tdelete(entry, &index->tree, compare_labels);
        free(entry->label);
        free(entry);
    }
    free(index->entries);
    index->entries = NULL;
    index->count = 0;
    index->capacity = 0;
    index->tree = NULL;
}
