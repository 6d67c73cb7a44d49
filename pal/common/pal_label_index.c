/* Label -> handle index shared by the PALs (see pal_label_index.h). */
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

static size_t hash_handle(CK_OBJECT_HANDLE handle)
{
    /* Multiplicative hashing in 32 bits (Knuth), wrapping on purpose. */
    uint32_t hash = (uint32_t)handle * 2654435761u;
    return (size_t)hash;
}

static int same_label(const struct p11_label_entry *entry, const unsigned char *label, size_t label_len)
{
    return entry->label_len == label_len && (label_len == 0 || memcmp(entry->label, label, label_len) == 0);
}

/* The by_label slot holding the label, or the empty slot where it would go. */
static size_t probe_label(const struct p11_label_index *index, const unsigned char *label, size_t label_len)
{
    size_t mask = index->slot_count - 1;
    size_t slot = hash_label(label, label_len) & mask;
    while (index->by_label[slot] != 0 && !same_label(index->entries[index->by_label[slot] - 1], label, label_len)) {
        slot = (slot + 1) & mask;
    }
    return slot;
}

static size_t probe_handle(const struct p11_label_index *index, CK_OBJECT_HANDLE handle)
{
    size_t mask = index->slot_count - 1;
    size_t slot = hash_handle(handle) & mask;
    while (index->by_handle[slot] != 0 && index->entries[index->by_handle[slot] - 1]->handle != handle) {
        slot = (slot + 1) & mask;
    }
    return slot;
}

/* Doubles both tables (or makes the first), re-placing every entry. 0 when
 * out of memory. */
static int grow_slots(struct p11_label_index *index)
{
    size_t count = index->slot_count ? index->slot_count * 2 : 32;
    if (count < index->slot_count || count > SIZE_MAX / sizeof(size_t)) {
        return 0;
    }
    size_t *by_label = p11_port_malloc(count * sizeof(size_t));
    size_t *by_handle = p11_port_malloc(count * sizeof(size_t));
    if (by_label == NULL || by_handle == NULL) {
        p11_port_free(by_label);
        p11_port_free(by_handle);
        return 0;
    }
    memset(by_label, 0, count * sizeof(size_t));
    memset(by_handle, 0, count * sizeof(size_t));
    p11_port_free(index->by_label);
    p11_port_free(index->by_handle);
    index->by_label = by_label;
    index->by_handle = by_handle;
    index->slot_count = count;
    for (size_t i = 0; i < index->count; i++) {
        const struct p11_label_entry *entry = index->entries[i];
        index->by_label[probe_label(index, entry->label, entry->label_len)] = i + 1;
        index->by_handle[probe_handle(index, entry->handle)] = i + 1;
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
    size_t position = index->by_label[probe_label(index, label, label_len)];
    return position == 0 ? CK_INVALID_HANDLE : index->entries[position - 1]->handle;
}

struct p11_label_entry *p11_label_index_entry(const struct p11_label_index *index,
                                              CK_OBJECT_HANDLE handle)
{
    if (handle == CK_INVALID_HANDLE || index->slot_count == 0) {
        return NULL;
    }
    size_t position = index->by_handle[probe_handle(index, handle)];
    return position == 0 ? NULL : index->entries[position - 1];
}

struct p11_label_entry *p11_label_index_at(const struct p11_label_index *index, size_t i)
{
    return i < index->count ? index->entries[i] : NULL;
}

/* A handle no entry holds: the counter, past any still in use after it wraps. */
static CK_OBJECT_HANDLE fresh_handle(struct p11_label_index *index)
{
    CK_OBJECT_HANDLE handle = index->next_handle;
    while (handle == CK_INVALID_HANDLE || p11_label_index_entry(index, handle) != NULL) {
        handle++;
    }
    index->next_handle = handle + 1;
    return handle;
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
        /* An array of entry pointers: sizeof a pointer is meant. */
        struct p11_label_entry **entries = p11_port_malloc(capacity * sizeof(*entries)); /* NOLINT(bugprone-sizeof-expression) */
        if (entries == NULL) {
            return CK_INVALID_HANDLE;
        }
        if (index->count > 0) {
            memcpy(entries, index->entries, index->count * sizeof(*entries)); /* NOLINT(bugprone-sizeof-expression) */
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
    entry->handle = fresh_handle(index);
    entry->value = NULL;
    entry->position = index->count;
    index->entries[index->count++] = entry;
    index->by_label[probe_label(index, label, label_len)] = entry->position + 1;
    index->by_handle[probe_handle(index, entry->handle)] = entry->position + 1;
    return entry->handle;
}

/* Empties a slot of a linear-probing table and shifts back the entries after
 * it that would no longer be found. */
static void delete_slot(struct p11_label_index *index, size_t *table, size_t hole, int by_label)
{
    const size_t mask = index->slot_count - 1;
    table[hole] = 0;
    for (size_t next = (hole + 1) & mask; table[next] != 0; next = (next + 1) & mask) {
        const struct p11_label_entry *entry = index->entries[table[next] - 1];
        size_t home = (by_label ? hash_label(entry->label, entry->label_len) : hash_handle(entry->handle)) & mask;
        /* The entry may move to the hole when its home is not cyclically in (hole, next]. */
        int home_in_between = hole < next ? (home > hole && home <= next) : (home > hole || home <= next);
        if (!home_in_between) {
            table[hole] = table[next];
            table[next] = 0;
            hole = next;
        }
    }
}

void p11_label_index_remove(struct p11_label_index *index, CK_OBJECT_HANDLE handle)
{
    struct p11_label_entry *entry = p11_label_index_entry(index, handle);
    if (entry == NULL) {
        return;
    }
    delete_slot(index, index->by_label, probe_label(index, entry->label, entry->label_len), 1);
    delete_slot(index, index->by_handle, probe_handle(index, handle), 0);
    const size_t position = entry->position;
    struct p11_label_entry *last = index->entries[index->count - 1];
    if (last != entry) {
        /* The last entry takes the freed position. */
        index->by_label[probe_label(index, last->label, last->label_len)] = position + 1;
        index->by_handle[probe_handle(index, last->handle)] = position + 1;
        last->position = position;
        index->entries[position] = last;
    }
    index->count--;
    p11_port_free(entry->label);
    p11_port_free(entry);
}

void p11_label_index_clear(struct p11_label_index *index)
{
    for (size_t i = 0; i < index->count; i++) {
        p11_port_free(index->entries[i]->label);
        p11_port_free(index->entries[i]);
    }
    p11_port_free(index->entries);
    p11_port_free(index->by_label);
    p11_port_free(index->by_handle);
    CK_OBJECT_HANDLE next = index->next_handle;
    memset(index, 0, sizeof *index);
    index->next_handle = next;
}
