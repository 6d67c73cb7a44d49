// Test helpers shared by the PAL tests: call the PAL with std::string labels
// and values (which may hold any byte, NUL included).
#ifndef P11_PAL_TEST_HELPERS_H
#define P11_PAL_TEST_HELPERS_H

#include <string>

#include "core_pkcs11_pal.h"

namespace p11test {

inline CK_OBJECT_HANDLE Save(const std::string &label, const std::string &value)
{
    CK_ATTRIBUTE attr = {CKA_LABEL, const_cast<char *>(label.data()),
                         label.size()};
    return PKCS11_PAL_SaveObject(
        &attr, reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(value.data())),
        value.size());
}

inline CK_OBJECT_HANDLE Find(const std::string &label)
{
    return PKCS11_PAL_FindObject(
        reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())),
        label.size());
}

// Reads the value into *out (cleared first) and releases the PAL's buffer.
inline CK_RV Get(CK_OBJECT_HANDLE handle, std::string *out,
                 CK_BBOOL *is_private = nullptr)
{
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL priv = CK_FALSE;
    CK_RV rv = PKCS11_PAL_GetObjectValue(handle, &data, &size, &priv);
    out->clear();
    if (rv == CKR_OK) {
        out->assign(reinterpret_cast<const char *>(data), size);
        PKCS11_PAL_GetObjectValueCleanup(data, size);
        if (is_private != nullptr) {
            *is_private = priv;
        }
    }
    return rv;
}

} // namespace p11test

#endif // P11_PAL_TEST_HELPERS_H
