/* In-memory PAL: the six FreeRTOS PAL functions with objects kept in process
 * memory, for tests and for hosts that want no files. Same semantics as the
 * POSIX PAL: one stable handle per label for the life of the store, an
 * atomic replace (the old value stays if the new one cannot be copied), and
 * values wiped when replaced, destroyed or reset. */
#define _DEFAULT_SOURCE /* explicit_bzero */

#include "pal_memory.h"

#include "core_pkcs11_pal.h"
#include "core_pkcs11_pal_device_key.h"
#include "pal_label_index.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* What a label entry's value points to while the object exists. */
struct stored_value {
    size_t size;
    unsigned char bytes[];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct p11_label_index labels = P11_LABEL_INDEX_INIT;
static struct p11_pal_memory_counts counts; /* under lock */
static CK_RV initialize_rv = CKR_OK;        /* under lock */

static void free_value(struct stored_value *value)
{
    if (value != NULL) {
        /* explicit_bzero is not removed by the optimizer as a dead store. */
        explicit_bzero(value->bytes, value->size);
        free(value);
    }
}

CK_RV PKCS11_PAL_Initialize(void)
{
    /* Nothing to prepare, and nothing to clear: objects outlive C_Finalize. */
    pthread_mutex_lock(&lock);
    CK_RV rv = initialize_rv;
    pthread_mutex_unlock(&lock);
    return rv;
}

CK_OBJECT_HANDLE PKCS11_PAL_SaveObject(CK_ATTRIBUTE_PTR pxLabel,
                                       CK_BYTE_PTR pucData,
                                       CK_ULONG ulDataSize)
{
    if (pxLabel == NULL || pxLabel->pValue == NULL ||
        (pucData == NULL && ulDataSize != 0) ||
        ulDataSize > SIZE_MAX - sizeof(struct stored_value)) {
        return CK_INVALID_HANDLE;
    }
    /* Copy before taking the lock, and before touching the old value, so a
     * failed copy leaves the store as it was. */
    struct stored_value *value = malloc(sizeof(*value) + ulDataSize);
    if (value == NULL) {
        return CK_INVALID_HANDLE;
    }
    value->size = ulDataSize;
    if (ulDataSize != 0) {
        memcpy(value->bytes, pucData, ulDataSize);
    }

    pthread_mutex_lock(&lock);
    CK_OBJECT_HANDLE handle =
        p11_label_index_intern(&labels, pxLabel->pValue, pxLabel->ulValueLen);
    struct stored_value *old = NULL;
    if (handle != CK_INVALID_HANDLE) {
        struct p11_label_entry *entry = p11_label_index_entry(&labels, handle);
        old = entry->value;
        entry->value = value;
        value = NULL;
        counts.saves++;
    }
    pthread_mutex_unlock(&lock);

    free_value(old);
    free_value(value); /* only when the label could not be added */
    return handle;
}

CK_OBJECT_HANDLE PKCS11_PAL_FindObject(CK_BYTE_PTR pxLabel, CK_ULONG usLength)
{
    if (pxLabel == NULL) {
        return CK_INVALID_HANDLE;
    }
    pthread_mutex_lock(&lock);
    CK_OBJECT_HANDLE handle = p11_label_index_find(&labels, pxLabel, usLength);
    /* A destroyed object keeps its label's handle for a later save, but is
     * not found until then. */
    if (handle != CK_INVALID_HANDLE &&
        p11_label_index_entry(&labels, handle)->value == NULL) {
        handle = CK_INVALID_HANDLE;
    }
    pthread_mutex_unlock(&lock);
    return handle;
}

CK_RV PKCS11_PAL_GetObjectValue(CK_OBJECT_HANDLE xHandle,
                                CK_BYTE_PTR *ppucData,
                                CK_ULONG_PTR pulDataSize,
                                CK_BBOOL *pIsPrivate)
{
    CK_RV rv = CKR_OK;

    if (ppucData == NULL || pulDataSize == NULL || pIsPrivate == NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    *ppucData = NULL;
    *pulDataSize = 0;

    pthread_mutex_lock(&lock);
    const struct p11_label_entry *entry =
        p11_label_index_entry(&labels, xHandle);
    const struct stored_value *value = entry ? entry->value : NULL;
    if (value == NULL) {
        rv = CKR_OBJECT_HANDLE_INVALID;
    } else {
        /* A copy, so the caller's cleanup never frees what the store owns. */
        unsigned char *copy = malloc(value->size ? value->size : 1);
        if (copy == NULL) {
            rv = CKR_HOST_MEMORY;
        } else {
            if (value->size != 0) {
                memcpy(copy, value->bytes, value->size);
            }
            *ppucData = copy;
            *pulDataSize = (CK_ULONG)value->size;
            counts.values_out++;
            /* As in the POSIX PAL: every value is treated as secret. */
            *pIsPrivate = CK_TRUE;
        }
    }
    pthread_mutex_unlock(&lock);
    return rv;
}

void PKCS11_PAL_GetObjectValueCleanup(CK_BYTE_PTR pucData, CK_ULONG ulDataSize)
{
    if (pucData == NULL) {
        return;
    }
    explicit_bzero(pucData, ulDataSize);
    free(pucData);
    pthread_mutex_lock(&lock);
    counts.values_out--;
    pthread_mutex_unlock(&lock);
}

CK_RV PKCS11_PAL_DestroyObject(CK_OBJECT_HANDLE xHandle)
{
    struct stored_value *old = NULL;

    pthread_mutex_lock(&lock);
    struct p11_label_entry *entry = p11_label_index_entry(&labels, xHandle);
    if (entry != NULL) {
        old = entry->value;
        entry->value = NULL;
    }
    pthread_mutex_unlock(&lock);

    if (old == NULL) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    free_value(old);
    return CKR_OK;
}

/* The device key of a store that lives as long as the process: random, made
 * on first use, forgotten with the store (p11_pal_memory_reset). */
static unsigned char device_key[P11_PAL_DEVICE_KEY_SIZE];
static int device_key_made;

CK_RV PKCS11_PAL_GetDeviceKey(CK_BYTE_PTR key, CK_ULONG key_len)
{
    if (key == NULL || key_len != P11_PAL_DEVICE_KEY_SIZE) {
        return CKR_ARGUMENTS_BAD;
    }
    CK_RV rv = CKR_OK;
    pthread_mutex_lock(&lock);
    if (!device_key_made) {
        device_key_made = getrandom(device_key, sizeof(device_key), 0) == (ssize_t)sizeof(device_key);
    }
    if (device_key_made) {
        memcpy(key, device_key, sizeof(device_key));
    } else {
        rv = CKR_DEVICE_ERROR;
    }
    pthread_mutex_unlock(&lock);
    return rv;
}

void p11_pal_memory_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(device_key, 0, sizeof(device_key));
    device_key_made = 0;
    for (size_t i = 0; i < labels.count; i++) {
        struct p11_label_entry *entry = p11_label_index_at(&labels, i);
        free_value(entry->value);
        entry->value = NULL;
    }
    p11_label_index_clear(&labels);
    memset(&counts, 0, sizeof counts);
    pthread_mutex_unlock(&lock);
}

struct p11_pal_memory_counts p11_pal_memory_counts(void)
{
    pthread_mutex_lock(&lock);
    struct p11_pal_memory_counts now = counts;
    pthread_mutex_unlock(&lock);
    return now;
}

void p11_pal_memory_fail_initialize(CK_RV rv)
{
    pthread_mutex_lock(&lock);
    initialize_rv = rv;
    pthread_mutex_unlock(&lock);
}

/* The snapshot: labels and values in one array, values owned here. */
struct snapshot_entry {
    unsigned char *label;
    size_t label_len;
    struct stored_value *value;
};
static struct snapshot_entry *snapshot;
static size_t snapshot_count;
static unsigned char snapshot_device_key[P11_PAL_DEVICE_KEY_SIZE];
static int snapshot_device_key_made;

static struct stored_value *copy_value(const struct stored_value *value)
{
    struct stored_value *copy = malloc(sizeof(*copy) + value->size);
    if (copy != NULL) {
        copy->size = value->size;
        memcpy(copy->bytes, value->bytes, value->size);
    }
    return copy;
}

static void free_snapshot(struct snapshot_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(entries[i].label);
        free_value(entries[i].value);
    }
    free(entries);
}

CK_RV p11_pal_memory_snapshot(void)
{
    CK_RV rv = CKR_OK;
    pthread_mutex_lock(&lock);
    struct snapshot_entry *entries = calloc(labels.count + 1, sizeof(*entries));
    size_t count = 0;
    for (size_t i = 0; entries != NULL && i < labels.count; i++) {
        const struct p11_label_entry *entry = p11_label_index_at(&labels, i);
        if (entry->value == NULL) {
            continue; /* destroyed: nothing to keep */
        }
        struct snapshot_entry *kept = &entries[count];
        kept->label = malloc(entry->label_len + 1); /* + 1: malloc(0) may answer NULL, read as exhaustion */
        kept->value = copy_value(entry->value);
        kept->label_len = entry->label_len;
        count++;
        if (kept->label == NULL || kept->value == NULL) {
            rv = CKR_HOST_MEMORY;
            break;
        }
        memcpy(kept->label, entry->label, entry->label_len);
    }
    if (entries == NULL) {
        rv = CKR_HOST_MEMORY;
    }
    if (rv == CKR_OK) {
        free_snapshot(snapshot, snapshot_count);
        snapshot = entries;
        snapshot_count = count;
        memcpy(snapshot_device_key, device_key, sizeof(device_key));
        snapshot_device_key_made = device_key_made;
    } else if (entries != NULL) {
        free_snapshot(entries, count);
    }
    pthread_mutex_unlock(&lock);
    return rv;
}

CK_RV p11_pal_memory_restore(void)
{
    p11_pal_memory_reset();
    CK_RV rv = CKR_OK;
    pthread_mutex_lock(&lock);
    memcpy(device_key, snapshot_device_key, sizeof(device_key));
    device_key_made = snapshot_device_key_made;
    for (size_t i = 0; i < snapshot_count && rv == CKR_OK; i++) {
        struct stored_value *value = copy_value(snapshot[i].value);
        CK_OBJECT_HANDLE handle = value == NULL ? CK_INVALID_HANDLE
                                                : p11_label_index_intern(&labels, snapshot[i].label,
                                                                         snapshot[i].label_len);
        if (handle == CK_INVALID_HANDLE) {
            free_value(value);
            rv = CKR_HOST_MEMORY;
        } else {
            p11_label_index_entry(&labels, handle)->value = value;
        }
    }
    pthread_mutex_unlock(&lock);
    if (rv != CKR_OK) {
        p11_pal_memory_reset();
    }
    return rv;
}

/* Snapshot bytes: "P11MEMS1", the device key's flag and bytes, a count, and
 * per entry its label and value, each as a 4-byte little-endian length and
 * the bytes. */
static const unsigned char kSnapshotMagic[8] = {'P', '1', '1', 'M', 'E', 'M', 'S', '1'};

static void put_u32(unsigned char **at, size_t value)
{
    for (int i = 0; i < 4; i++) {
        *(*at)++ = (unsigned char)(value >> (8 * i));
    }
}

static void put_bytes(unsigned char **at, const void *bytes, size_t len)
{
    put_u32(at, len);
    memcpy(*at, bytes, len);
    *at += len;
}

unsigned char *p11_pal_memory_snapshot_bytes(size_t *len)
{
    pthread_mutex_lock(&lock);
    size_t total = sizeof kSnapshotMagic + 1 + sizeof snapshot_device_key + 4;
    for (size_t i = 0; i < snapshot_count; i++) {
        total += 8 + snapshot[i].label_len + snapshot[i].value->size;
    }
    unsigned char *bytes = malloc(total);
    if (bytes != NULL) {
        unsigned char *at = bytes;
        memcpy(at, kSnapshotMagic, sizeof kSnapshotMagic);
        at += sizeof kSnapshotMagic;
        *at++ = (unsigned char)(snapshot_device_key_made != 0);
        memcpy(at, snapshot_device_key, sizeof snapshot_device_key);
        at += sizeof snapshot_device_key;
        put_u32(&at, snapshot_count);
        for (size_t i = 0; i < snapshot_count; i++) {
            put_bytes(&at, snapshot[i].label, snapshot[i].label_len);
            put_bytes(&at, snapshot[i].value->bytes, snapshot[i].value->size);
        }
        *len = total;
    }
    pthread_mutex_unlock(&lock);
    return bytes;
}

/* The next length-prefixed field of bytes[*at, len): 0 when it overruns. */
static int take_field(const unsigned char *bytes, size_t len, size_t *at, const unsigned char **field,
                      size_t *field_len)
{
    if (len - *at < 4) {
        return 0;
    }
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        n |= (size_t)bytes[*at + (size_t)i] << (8 * i);
    }
    *at += 4;
    if (len - *at < n) {
        return 0;
    }
    *field = bytes + *at;
    *field_len = n;
    *at += n;
    return 1;
}

CK_RV p11_pal_memory_snapshot_load(const unsigned char *bytes, size_t len)
{
    const size_t header = sizeof kSnapshotMagic + 1 + P11_PAL_DEVICE_KEY_SIZE;
    if (bytes == NULL || len < header || memcmp(bytes, kSnapshotMagic, sizeof kSnapshotMagic) != 0) {
        return CKR_ARGUMENTS_BAD;
    }
    size_t at = header;
    const unsigned char *field = NULL;
    size_t count = 0;
    if (len - at < 4) {
        return CKR_ARGUMENTS_BAD;
    }
    for (int i = 0; i < 4; i++) {
        count |= (size_t)bytes[at + (size_t)i] << (8 * i);
    }
    at += 4;
    if (count > len) {
        return CKR_ARGUMENTS_BAD; /* each entry takes at least 8 bytes */
    }
    struct snapshot_entry *entries = calloc(count + 1, sizeof(*entries));
    if (entries == NULL) {
        return CKR_HOST_MEMORY;
    }
    CK_RV rv = CKR_OK;
    size_t loaded = 0;
    for (; loaded < count && rv == CKR_OK; loaded++) {
        size_t label_len = 0, value_len = 0;
        const unsigned char *label = NULL;
        if (!take_field(bytes, len, &at, &label, &label_len) || !take_field(bytes, len, &at, &field, &value_len)) {
            rv = CKR_ARGUMENTS_BAD;
            break;
        }
        entries[loaded].label = malloc(label_len + 1);
        entries[loaded].value = malloc(sizeof(struct stored_value) + value_len);
        entries[loaded].label_len = label_len;
        if (entries[loaded].value != NULL) {
            entries[loaded].value->size = value_len; /* free_value wipes that many bytes */
        }
        if (entries[loaded].label == NULL || entries[loaded].value == NULL) {
            rv = CKR_HOST_MEMORY;
            loaded++;
            break;
        }
        memcpy(entries[loaded].label, label, label_len);
        memcpy(entries[loaded].value->bytes, field, value_len);
    }
    if (rv == CKR_OK && at != len) {
        rv = CKR_ARGUMENTS_BAD;
    }
    if (rv != CKR_OK) {
        free_snapshot(entries, loaded);
        return rv;
    }
    pthread_mutex_lock(&lock);
    free_snapshot(snapshot, snapshot_count);
    snapshot = entries;
    snapshot_count = count;
    snapshot_device_key_made = bytes[sizeof kSnapshotMagic];
    memcpy(snapshot_device_key, bytes + sizeof kSnapshotMagic + 1, sizeof snapshot_device_key);
    pthread_mutex_unlock(&lock);
    return CKR_OK;
}
