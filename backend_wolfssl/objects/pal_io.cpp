/* PAL access for the token storage (see pal_io.h). */
#include "objects/pal_io.h"

#include "core_pkcs11_pal.h"
#include "core_pkcs11_pal_lock.h"

namespace p11 {

StoreLock::StoreLock()
{
    if (PKCS11_PAL_LockStore != nullptr && PKCS11_PAL_UnlockStore != nullptr) {
        rv_ = PKCS11_PAL_LockStore();
        held_ = rv_ == CKR_OK;
    }
}

StoreLock::~StoreLock()
{
    if (held_) {
        PKCS11_PAL_UnlockStore();
    }
}

CK_OBJECT_HANDLE pal_find(const std::string &label)
{
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())),
                                 static_cast<CK_ULONG>(label.size()));
}

ReadResult pal_read(const std::string &label, Bytes *out)
{
    CK_OBJECT_HANDLE handle = pal_find(label);
    if (handle == CK_INVALID_HANDLE) {
        return ReadResult::missing;
    }
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    if (PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private) != CKR_OK) {
        return ReadResult::failed;
    }
    out->assign(data, data + size);
    PKCS11_PAL_GetObjectValueCleanup(data, size);
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
