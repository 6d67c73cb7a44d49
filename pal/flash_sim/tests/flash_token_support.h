/* Support for the token tests over the simulated flash: the tests play the
 * generated entry points' part (acquire a session, call p11be_, release),
 * restart the token the way a reset does, and describe the object kinds
 * they store. Templates come from the object tests (object_test_support). */
#ifndef P11_FLASH_TOKEN_SUPPORT_H
#define P11_FLASH_TOKEN_SUPPORT_H

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "object_test_support.h"
#include "pal_flash_sim.h"

namespace p11flash {

using p11test::ByteVec;
using p11test::Tmpl;

// Room for an RSA key record per block, and a few blocks.
constexpr flash_geometry kTokenFlash = {4096, 6, 8, 256};

// One kind of token object: its template and the attribute that tells its
// value apart (readable without being sensitive).
struct ObjectKind {
    const char *name;
    Tmpl (*make)(const std::string &label, bool token);
    CK_ATTRIBUTE_TYPE check;
};
extern const ObjectKind kObjectKinds[5];

class FlashTokenTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    // An R/W session with the user logged in.
    CK_SESSION_HANDLE OpenUser();
    // The state after a reset: power back on, C_Initialize (CKR_OK asserted
    // by the caller through the return value).
    CK_RV PowerOnAndInitialize();

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
    CK_RV Create(CK_SESSION_HANDLE h, Tmpl t, CK_OBJECT_HANDLE *object = nullptr);
    CK_RV Destroy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object);
    CK_RV SetLabel(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, const std::string &label);
    std::vector<CK_OBJECT_HANDLE> FindByLabel(CK_SESSION_HANDLE h, const std::string &label);
    // The attribute's value, or nullopt when it cannot be read.
    std::optional<ByteVec> Attr(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    // The value of the kind's check attribute in its template.
    static ByteVec Expected(const ObjectKind &kind);
    // Exactly one object under the label, holding the kind's value.
    void ExpectOne(CK_SESSION_HANDLE h, const std::string &label, const ObjectKind &kind);

    std::vector<unsigned char> SaveImage();
    void LoadImage(const std::vector<unsigned char> &image);

    // One power cut: from the image, C_Initialize and a user session, the
    // cut armed after n flash operations, run, then C_Finalize (what it
    // would write is lost with the power). *cut: the cut was reached.
    CK_RV RunWithCutAfter(const std::vector<unsigned char> &image, unsigned long n,
                          const std::function<CK_RV(CK_SESSION_HANDLE)> &run, bool *cut);
    // Power back on and C_Initialize; *errors is what it said on stderr.
    CK_RV PowerOnCapturingErrors(std::string *errors);
};

} // namespace p11flash

#endif // P11_FLASH_TOKEN_SUPPORT_H
