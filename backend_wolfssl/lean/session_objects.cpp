/* The session object table (see session_objects.h). */
#include "lean/session_objects.h"

#include "lean/record_view.h"

#include "p11_port.h"
#include "p11_profile.h"
#include "secure_wipe.h"

namespace p11::lean {

namespace {

struct Entry {
    CK_OBJECT_HANDLE handle; // CK_INVALID_HANDLE: free
    CK_SESSION_HANDLE owner;
    std::uint8_t *record;
    std::size_t len;
};

// Without a profile limit, as many as a device could sensibly hold.
constexpr CK_ULONG kUnlimitedCapacity = 256;

Entry *g_entries = nullptr;
CK_ULONG g_capacity = 0;
CK_ULONG g_count = 0;
CK_OBJECT_HANDLE g_last = 0;

Entry *find(CK_OBJECT_HANDLE handle)
{
    for (CK_ULONG i = 0; i < g_capacity && is_session_object(handle); ++i) {
        if (g_entries[i].handle == handle) {
            return &g_entries[i];
        }
    }
    return nullptr;
}

void release(Entry &entry)
{
    secure_wipe(entry.record, entry.len); // sealed, but no trace is kept either
    p11_port_free(entry.record);
    entry = Entry{CK_INVALID_HANDLE, CK_INVALID_HANDLE, nullptr, 0};
    if (--g_count == 0) {
        p11_port_free(g_entries);
        g_entries = nullptr;
        g_capacity = 0;
    }
}

} // namespace

CK_RV session_object_add(CK_SESSION_HANDLE owner, std::uint8_t *record, std::size_t len, CK_OBJECT_HANDLE *out)
{
    const CK_ULONG limit = p11_active_profile.max_objects;
    if (g_entries == nullptr) {
        const CK_ULONG capacity = limit != 0 ? limit : kUnlimitedCapacity;
        g_entries = static_cast<Entry *>(p11_port_malloc(capacity * sizeof(Entry)));
        if (g_entries == nullptr) {
            secure_wipe(record, len);
            p11_port_free(record);
            return CKR_HOST_MEMORY;
        }
        for (CK_ULONG i = 0; i < capacity; ++i) {
            g_entries[i] = Entry{CK_INVALID_HANDLE, CK_INVALID_HANDLE, nullptr, 0};
        }
        g_capacity = capacity;
    }
    Entry *slot = nullptr;
    for (CK_ULONG i = 0; i < g_capacity && slot == nullptr; ++i) {
        slot = g_entries[i].handle == CK_INVALID_HANDLE ? &g_entries[i] : nullptr;
    }
    if (slot == nullptr) {
        secure_wipe(record, len);
        p11_port_free(record);
        return CKR_DEVICE_MEMORY;
    }
    g_last = (g_last + 1) & ~kSessionObjectBit;
    *slot = Entry{kSessionObjectBit | g_last, owner, record, len};
    ++g_count;
    *out = slot->handle;
    return CKR_OK;
}

bool session_object_record(CK_OBJECT_HANDLE handle, const std::uint8_t **data, std::size_t *len)
{
    const Entry *entry = find(handle);
    if (entry == nullptr) {
        return false;
    }
    *data = entry->record;
    *len = entry->len;
    return true;
}

bool session_object_remove(CK_OBJECT_HANDLE handle)
{
    Entry *entry = find(handle);
    if (entry == nullptr) {
        return false;
    }
    release(*entry);
    return true;
}

void session_objects_drop(CK_SESSION_HANDLE owner)
{
    for (CK_ULONG i = 0; i < g_capacity;) {
        Entry &entry = g_entries[i];
        const CK_ULONG capacity = g_capacity;
        if (entry.handle != CK_INVALID_HANDLE && (owner == CK_INVALID_HANDLE || entry.owner == owner)) {
            release(entry); // frees the table with the last one
        }
        i = capacity == g_capacity ? i + 1 : g_capacity;
    }
}

void session_objects_drop_private()
{
    for (CK_ULONG i = 0; i < g_capacity;) {
        Entry &entry = g_entries[i];
        const CK_ULONG capacity = g_capacity;
        RecordView view;
        if (entry.handle != CK_INVALID_HANDLE &&
            (record_view_open(entry.record, entry.len, &view) != RecordStatus::ok ||
             record_bool(view, CKA_PRIVATE, true))) {
            release(entry);
        }
        i = capacity == g_capacity ? i + 1 : g_capacity;
    }
}

CK_ULONG session_object_count()
{
    return g_count;
}

void session_objects_for_each(bool (*visit)(CK_OBJECT_HANDLE handle, void *context), void *context)
{
    // Handles grow with creation, and slots are reused: visit in handle order.
    CK_OBJECT_HANDLE after = 0;
    for (;;) {
        CK_OBJECT_HANDLE next = 0;
        for (CK_ULONG i = 0; i < g_capacity; ++i) {
            const CK_OBJECT_HANDLE h = g_entries[i].handle;
            if (h != CK_INVALID_HANDLE && h > after && (next == 0 || h < next)) {
                next = h;
            }
        }
        if (next == 0 || !visit(next, context)) {
            return;
        }
        after = next;
    }
}

} // namespace p11::lean
