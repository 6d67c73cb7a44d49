/* Label -> handle index shared by the host PALs (see pal_label_index.h). */
#include "pal_label_index.h"

#include <stdint.h>
#include <string.h>

#include "p11_port.h"

/* FNV-1a over every byte: labels may contain any byte, NUL included. */
static size_t hash_label(const unsigned char *label, size_t label_len)
{
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < label_len; i++) {
        hash = (hash ^ label[i]) * 16777619u;
    }
    return hash;
}

static int same_label(const struct p11_label_entry *entry, const unsigned char *label, size_t label_len)
{
    return entry->label_len == label_len && (label_len == 0 || memcmp(entry->label, label, label_len) == 0);
}

/* The slot holding the label's handle, or the empty slot where it would go. */
static size_t probe(const struct p11_label_index *index, const unsigned char *label, size_t label_len)
{
    size_t mask = index->slot_count - 1;
    size_t slot = hash_label(label, label_len) & mask;
    while (index->slots[slot] != CK_INVALID_HANDLE &&
           !same_label(index->entries[index->slots[slot] - 1], label, label_len)) {
        slot = (slot + 1) & mask;
    }
    return slot;
}

/* Doubles the table (or makes the first), re-placing every handle. 0 when out of memory. */
static int grow_slots(struct p11_label_index *index)
{
    size_t count = index->slot_count ? index->slot_count * 2 : 32;
    if (count < index->slot_count || count > SIZE_MAX / sizeof(CK_OBJECT_HANDLE)) {
        return 0;
    }
    CK_OBJECT_HANDLE *slots = p11_port_malloc(count * sizeof(*slots));
    if (slots == NULL) {
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        slots[i] = CK_INVALID_HANDLE;
    }
    p11_port_free(index->slots);
    index->slots = slots;
    index->slot_count = count;
    for (size_t i = 0; i < index->count; i++) {
        const struct p11_label_entry *entry = index->entries[i];
        index->slots[probe(index, entry->label, entry->label_len)] = entry->handle;
    }
    return 1;
}

CK_OBJECT_HANDLE p11_label_index_find(const struct p11_label_index *index,
                                      const unsigned char *label,
                                      size_t label_len)
{
    if (index->slot_count == 0) {
        return CK_INVALID_HANDLE;
    }
    return index->slots[probe(index, label, label_len)];
}

CK_OBJECT_HANDLE p11_label_index_intern(struct p11_label_index *index,
                                        const unsigned char *label,
                                        size_t label_len)
{
    CK_OBJECT_HANDLE handle = p11_label_index_find(index, label, label_len);
    if (handle != CK_INVALID_HANDLE) {
        return handle;
    }
    /* At most half full after this label: probes stay short. */
    if ((index->count + 1) * 2 > index->slot_count && !grow_slots(index)) {
        return CK_INVALID_HANDLE;
    }
    if (index->count == index->capacity) {
        /* The port's heap has no realloc (FreeRTOS's has none): copy. */
        size_t capacity = index->capacity ? index->capacity * 2 : 16;
        struct p11_label_entry **entries = p11_port_malloc(capacity * sizeof(*entries));
        if (entries == NULL) {
            return CK_INVALID_HANDLE;
        }
        if (index->count > 0) {
            memcpy(entries, index->entries, index->count * sizeof(*entries));
        }
        p11_port_free(index->entries);
        index->entries = entries;
        index->capacity = capacity;
    }

    struct p11_label_entry *entry = p11_port_malloc(sizeof(*entry));
    /* p11_port_malloc(0) may return NULL, so an empty label still gets one byte. */
    unsigned char *copy = p11_port_malloc(label_len ? label_len : 1);
    if (entry == NULL || copy == NULL) {
        p11_port_free(entry);
        p11_port_free(copy);
        return CK_INVALID_HANDLE;
    }
    if (label_len) {
        memcpy(copy, label, label_len);
    }
    entry->label = copy;
    entry->label_len = label_len;
    entry->handle = (CK_OBJECT_HANDLE)(index->count + 1);
    entry->value = NULL;
    index->entries[index->count++] = entry;
    index->slots[probe(index, label, label_len)] = entry->handle;
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
        p11_port_free(index->entries[i]->label);
        p11_port_free(index->entries[i]);
    }
    p11_port_free(index->entries);
    p11_port_free(index->slots);
    index->entries = NULL;
    index->count = 0;
    index->capacity = 0;
    index->slots = NULL;
    index->slot_count = 0;
}
