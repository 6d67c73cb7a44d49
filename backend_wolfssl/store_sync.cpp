/* Seeing other processes' changes (see store_sync.h). */
#include "store_sync.h"

#include <cstring>
#include <string>

#include "core_pkcs11_pal_changes.h"
#include "library.h"
#include "objects/label_set.h"
#include "objects/pal_io.h"
#include "session.h"

namespace p11 {

namespace {

struct Changes {
    LabelSet labels;
};

void note_label(const CK_BYTE *label, CK_ULONG len, void *context)
{
    static_cast<Changes *>(context)->labels.insert(std::string_view(reinterpret_cast<const char *>(label), len));
}

// Under both locks: reads what changed since `since` and applies it.
void apply(Library &lib, std::uint64_t since)
{
    Changes changes;
    std::uint64_t now = 0;
    const CK_RV rv = PKCS11_PAL_ChangesSince(since, note_label, &changes, &now);
    if (rv != CKR_OK && rv != CKR_DATA_LEN_RANGE) {
        return; // try again at the next call
    }
    bool everything = rv == CKR_DATA_LEN_RANGE;
    if (everything || changes.labels.contains(kTokenRecordLabel)) {
        std::uint8_t before[sizeof lib.token.record.instance];
        std::memcpy(before, lib.token.record.instance, sizeof before);
        if (token_refresh(&lib.token) == CKR_OK &&
            std::memcmp(before, lib.token.record.instance, sizeof before) != 0) {
            // Another process initialized the token: this one's sessions,
            // login and objects belonged to the token that is gone.
            close_all_sessions_locked(lib); // also forgets the token key
            everything = true;
        }
    }
    lib.objects.apply_changes(everything ? nullptr : &changes.labels);
    changes_seen().store(now, std::memory_order_release);
}

} // namespace

void store_sync_start()
{
    std::uint64_t now = 0;
    changes_seen().store(pal_change_count(&now) ? now : 0, std::memory_order_release);
}

CK_RV store_sync(p11_session *session)
{
    std::uint64_t now = 0;
    if (!pal_change_count(&now) || now == changes_seen().load(std::memory_order_acquire)) {
        return CKR_OK;
    }
    Library &lib = library();
    {
        LockGuard guard(lib.lock);
        if (guard.rv() != CKR_OK) {
            return CKR_OK; // the call itself will meet the same lock
        }
        StoreLock store;
        if (store.rv() == CKR_OK) {
            apply(lib, changes_seen().load(std::memory_order_acquire));
        }
    }
    const bool closed = session != nullptr && session->closed.load(std::memory_order_acquire);
    return closed ? CKR_SESSION_HANDLE_INVALID : CKR_OK;
}

} // namespace p11
