/* BackendTest helpers (see backend_test_support.h). */
#include "backend_test_support.h"

#include <cstring>

#include "core_pkcs11_pal.h"
#include "pal_memory.h"

namespace p11test {

namespace {
const char kRecordLabel[] = "p11forge token";
}

void BackendTest::SetUp()
{
    p11_pal_memory_reset();
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
}

void BackendTest::TearDown()
{
    if (p11be_initialized()) {
        EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    }
    // A value read from the store is wiped only when handed back.
    EXPECT_EQ(0u, p11_pal_memory_counts().values_out) << "store values not handed back to the PAL";
    p11_pal_memory_fail_initialize(CKR_OK);
    p11_pal_memory_reset();
}

unsigned long BackendTest::Saves()
{
    return p11_pal_memory_counts().saves;
}

void BackendTest::Restart()
{
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
}

CK_RV BackendTest::OpenRv(CK_FLAGS flags, CK_SESSION_HANDLE *handle)
{
    return p11be_C_OpenSession(0, flags, nullptr, nullptr, handle);
}

CK_SESSION_HANDLE BackendTest::Open(bool rw)
{
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
    EXPECT_EQ(CKR_OK, OpenRv(flags, &handle));
    return handle;
}

CK_RV BackendTest::Login(CK_SESSION_HANDLE handle, CK_USER_TYPE user, const char *pin)
{
    return With(handle, [&](p11_session *s) {
        return p11be_C_Login(s, user, Pin(pin), std::strlen(pin));
    });
}

CK_RV BackendTest::Logout(CK_SESSION_HANDLE handle)
{
    return With(handle, [](p11_session *s) { return p11be_C_Logout(s); });
}

CK_RV BackendTest::Close(CK_SESSION_HANDLE handle)
{
    return With(handle, [](p11_session *s) { return p11be_C_CloseSession(s); });
}

CK_RV BackendTest::InitPin(CK_SESSION_HANDLE handle, const char *pin)
{
    return With(handle, [&](p11_session *s) {
        return p11be_C_InitPIN(s, Pin(pin), std::strlen(pin));
    });
}

CK_RV BackendTest::SetPin(CK_SESSION_HANDLE handle, const char *old_pin, const char *new_pin)
{
    return With(handle, [&](p11_session *s) {
        return p11be_C_SetPIN(s, Pin(old_pin), std::strlen(old_pin), Pin(new_pin),
                              std::strlen(new_pin));
    });
}

CK_RV BackendTest::InitToken(const char *so_pin, const char *label)
{
    std::string padded = Padded(label, 32);
    return p11be_C_InitToken(0, Pin(so_pin), std::strlen(so_pin), Pin(padded.c_str()));
}

CK_TOKEN_INFO BackendTest::TokenInfo()
{
    CK_TOKEN_INFO info;
    std::memset(&info, 0xA5, sizeof info);
    EXPECT_EQ(CKR_OK, p11be_C_GetTokenInfo(0, &info));
    return info;
}

CK_STATE BackendTest::State(CK_SESSION_HANDLE handle)
{
    CK_SESSION_INFO info;
    std::memset(&info, 0xA5, sizeof info);
    EXPECT_EQ(CKR_OK, With(handle, [&](p11_session *s) { return p11be_C_GetSessionInfo(s, &info); }));
    return info.state;
}

std::vector<std::uint8_t> BackendTest::ReadRecord()
{
    std::vector<std::uint8_t> bytes;
    CK_OBJECT_HANDLE handle = PKCS11_PAL_FindObject(
        reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(kRecordLabel)), sizeof kRecordLabel - 1);
    EXPECT_NE(CK_INVALID_HANDLE, handle);
    if (handle == CK_INVALID_HANDLE) {
        return bytes;
    }
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    EXPECT_EQ(CKR_OK, PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private));
    if (data != nullptr) {
        bytes.assign(data, data + size);
        PKCS11_PAL_GetObjectValueCleanup(data, size);
    }
    return bytes;
}

void BackendTest::WriteRecord(const std::vector<std::uint8_t> &bytes)
{
    CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>(kRecordLabel), sizeof kRecordLabel - 1};
    std::vector<std::uint8_t> copy = bytes;
    EXPECT_NE(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(&label, copy.data(), copy.size()));
}

} // namespace p11test
