/* PAL access for the token storage (see pal_io.h). */
#include "objects/pal_io.h"

#include "core_pkcs11_pal.h"
#include "core_pkcs11_pal_changes.h"
#include "core_pkcs11_pal_lock.h"
#include "threading.h"

namespace p11 {

namespace {

Counter64 g_changes_seen{0};
// The store lock nests in a thread; the count is taken at the outermost hold.
P11_THREAD_LOCAL unsigned t_lock_depth = 0;
P11_THREAD_LOCAL bool t_counted = false;
P11_THREAD_LOCAL std::uint64_t t_count_before = 0;

} // namespace

bool pal_change_count_of_pal(std::uint64_t *out)
{
    return PKCS11_PAL_ChangeCount != nullptr && PKCS11_PAL_ChangesSince != nullptr &&
           PKCS11_PAL_ChangeCount(out) == CKR_OK;
}

Counter64 &changes_seen()
{
    return g_changes_seen;
}

StoreLock::StoreLock()
{
    if (PKCS11_PAL_LockStore != nullptr && PKCS11_PAL_UnlockStore != nullptr) {
        rv_ = PKCS11_PAL_LockStore();
        held_ = rv_ == CKR_OK;
    }
    if (held_ && t_lock_depth++ == 0) {
        t_counted = pal_change_count(&t_count_before);
    }
}

StoreLock::~StoreLock()
{
    if (!held_) {
        return;
    }
    // The changes made under this hold are this process's own, and its memory
    // has them: when it was up to date before, it still is.
    std::uint64_t after = 0;
    if (--t_lock_depth == 0 && t_counted && pal_change_count(&after)) {
        std::uint64_t expected = t_count_before;
        (void)g_changes_seen.compare_exchange_strong(expected, after);
    }
    PKCS11_PAL_UnlockStore();
}

CK_OBJECT_HANDLE pal_find(const std::string &label)
{
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())),
                                 static_cast<CK_ULONG>(label.size()));
}

namespace {

// The PAL's copy of a value: handed back to the PAL (which wipes it) however
// the scope ends, a std::bad_alloc of the copy out included.
struct PalValue {
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    PalValue() = default;
    PalValue(const PalValue &) = delete;
    PalValue &operator=(const PalValue &) = delete;
    ~PalValue()
    {
        if (data != nullptr) {
            PKCS11_PAL_GetObjectValueCleanup(data, size);
        }
    }
};

} // namespace

ReadResult pal_read(const std::string &label, Bytes *out)
{
    CK_OBJECT_HANDLE handle = pal_find(label);
    if (handle == CK_INVALID_HANDLE) {
        return ReadResult::missing;
    }
    PalValue value;
    CK_BBOOL is_private = CK_FALSE;
    if (PKCS11_PAL_GetObjectValue(handle, &value.data, &value.size, &is_private) != CKR_OK) {
        value.data = nullptr; // a PAL that failed owes nothing back
        return ReadResult::failed;
    }
    out->assign(value.data, value.data + value.size);
    return ReadResult::ok;
}

bool pal_write(const std::string &label, const void *data, std::size_t size)
{
    CK_ATTRIBUTE attribute = {CKA_LABEL, const_cast<char *>(label.data()), static_cast<CK_ULONG>(label.size())};
    return PKCS11_PAL_SaveObject(&attribute, static_cast<CK_BYTE_PTR>(const_cast<void *>(data)),
                                 static_cast<CK_ULONG>(size)) != CK_INVALID_HANDLE;
}

bool pal_destroy(const std::string &label)
{
    CK_OBJECT_HANDLE handle = pal_find(label);
    return handle == CK_INVALID_HANDLE || PKCS11_PAL_DestroyObject(handle) == CKR_OK;
}

} // namespace p11
