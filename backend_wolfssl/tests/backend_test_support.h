/* Test support for the backend tests: the tests play the generated entry
 * point's part, so they acquire and release sessions themselves around each
 * p11be_ call. Each test starts from an empty memory PAL and an initialized
 * library. */
#ifndef P11_BACKEND_TEST_SUPPORT_H
#define P11_BACKEND_TEST_SUPPORT_H

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "backend_api.h"

namespace p11test {

// PKCS #11 takes PINs as non-const bytes; the backend only reads them.
inline CK_UTF8CHAR_PTR Pin(const char *text)
{
    return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char *>(text));
}

// A fixed-width info field as a string (for EXPECT_EQ).
inline std::string Field(const unsigned char *field, std::size_t width)
{
    return std::string(reinterpret_cast<const char *>(field), width);
}

// text followed by blanks up to width.
inline std::string Padded(const std::string &text, std::size_t width)
{
    return text + std::string(width - text.size(), ' ');
}

class BackendTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Finalize and initialize again: the store stays, everything else goes.
    void Restart();

    CK_RV OpenRv(CK_FLAGS flags, CK_SESSION_HANDLE *handle);
    CK_SESSION_HANDLE Open(bool rw); // adds a test failure when it fails

    // Acquire, call, release: what a generated entry point does.
    template <typename Fn> CK_RV With(CK_SESSION_HANDLE handle, Fn fn)
    {
        p11_session *session = nullptr;
        CK_RV rv = p11be_session_acquire(handle, &session);
        if (rv != CKR_OK) {
            return rv;
        }
        rv = fn(session);
        p11be_session_release(session);
        return rv;
    }

    CK_RV Login(CK_SESSION_HANDLE handle, CK_USER_TYPE user, const char *pin);
    CK_RV Logout(CK_SESSION_HANDLE handle);
    CK_RV Close(CK_SESSION_HANDLE handle);
    CK_RV InitPin(CK_SESSION_HANDLE handle, const char *pin);
    CK_RV SetPin(CK_SESSION_HANDLE handle, const char *old_pin, const char *new_pin);
    CK_RV InitToken(const char *so_pin, const char *label);
    CK_TOKEN_INFO TokenInfo();
    CK_STATE State(CK_SESSION_HANDLE handle);

    // How many values the store has saved (pal_memory.h): a call that
    // changes nothing must not wear a device's flash.
    static unsigned long Saves();

    // The token record's raw bytes, read and written through the PAL.
    std::vector<std::uint8_t> ReadRecord();
    void WriteRecord(const std::vector<std::uint8_t> &bytes);
};

} // namespace p11test

#endif // P11_BACKEND_TEST_SUPPORT_H
