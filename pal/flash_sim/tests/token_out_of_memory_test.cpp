/* Out of memory in the middle of any call: the k-th allocation fails (a C++
 * container that cannot grow throws std::bad_alloc; wolfCrypt gets NULL and
 * answers MEMORY_E), for every k through a whole application flow. Defect: the backend was built without exceptions,
 * so the first failing container aborted the process that loaded the module
 * (on a device: a reset). Now each call answers CKR_HOST_MEMORY, and after a
 * restart the token holds exactly what the successful calls made; the failed
 * call's own object is as before or as the call would have left it (a record
 * the store committed before the failure is kept: docs/firmware.md). */
#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "backend_api.h"
#include "failing_operator_new.h"
#include "flash_token_support.h"

using namespace p11flash;

namespace {

struct Step {
    const char *name;
    std::function<CK_RV()> call;
    std::function<void()> on_success; // what the step adds to or takes from the token
    std::vector<std::string> touches = {}; // labels a failed call may have left in either state
};

class TokenOutOfMemoryTest : public FlashTokenTest {
  protected:
    // The session's calls, with allocation failures armed only inside them.
    CK_RV Armed(const std::function<CK_RV()> &call) { return call(); }
};

TEST_F(TokenOutOfMemoryTest, EveryAllocationFailureAnswersHostMemoryAndKeepsTheTokenConsistent)
{
    const Tmpl data_a = kObjectKinds[0].make("oom a", true);
    const Tmpl key = kObjectKinds[2].make("oom key", true);
    const Tmpl cert = kObjectKinds[1].make("oom cert", true);
    Tmpl relabel;
    relabel.Str(CKA_LABEL, "oom renamed");
    p11test::InstallFailingWolfcryptAllocators();
    unsigned long failures = 0;
    bool completed = false;
    for (long k = 0; k < 5000 && !completed; k++) {
        // A fresh token for each k.
        if (p11be_initialized()) {
            ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
        }
        ASSERT_EQ(0, flash_sim_reset(&kTokenFlash));
        ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));

        std::set<std::string> stored; // token objects by label, as the successful calls left them
        CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE a = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE k_obj = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE found[4];
        CK_ULONG found_count = 0;
        Tmpl a_copy = data_a;
        Tmpl key_copy = key;
        Tmpl cert_copy = cert;
        Tmpl relabel_copy = relabel;
        Tmpl find;
        find.Str(CKA_LABEL, "oom a");
        CK_MECHANISM sha256 = {CKM_SHA256, nullptr, 0};
        CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        CK_MECHANISM ecdsa = {CKM_ECDSA, nullptr, 0};
        CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
        CK_BBOOL yes = CK_TRUE;
        CK_BBOOL no = CK_FALSE;
        CK_ATTRIBUTE pub_template[] = {{CKA_EC_PARAMS, p256, sizeof p256}, {CKA_VERIFY, &yes, sizeof yes},
                                       {CKA_TOKEN, &no, sizeof no}};
        CK_ATTRIBUTE priv_template[] = {{CKA_SIGN, &yes, sizeof yes}, {CKA_TOKEN, &no, sizeof no}};
        CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
        unsigned char signature[64];
        CK_ULONG signature_len = sizeof signature;
        unsigned char digest[32];
        CK_ULONG digest_len = sizeof digest;
        unsigned char abc[] = {'a', 'b', 'c'};
        const std::vector<Step> steps = {
            {"C_OpenSession",
             [&] { return p11be_C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h); }, [] {}},
            {"C_Login",
             [&] {
                 return With(h, [](p11_session *s) {
                     return p11be_C_Login(s, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char *>("1234")),
                                          4);
                 });
             },
             [] {}},
            {"C_CreateObject data",
             [&] { return With(h, [&](p11_session *s) { return p11be_C_CreateObject(s, a_copy.data(), a_copy.size(), &a); }); },
             [&] { stored.insert("oom a"); }, {"oom a"}},
            {"C_CreateObject key",
             [&] {
                 return With(h, [&](p11_session *s) {
                     return p11be_C_CreateObject(s, key_copy.data(), key_copy.size(), &k_obj);
                 });
             },
             [&] { stored.insert("oom key"); }, {"oom key"}},
            {"C_FindObjects",
             [&] {
                 return With(h, [&](p11_session *s) {
                     CK_RV rv = p11be_C_FindObjectsInit(s, find.data(), find.size());
                     if (rv == CKR_OK) {
                         rv = p11be_C_FindObjects(s, found, 4, &found_count);
                         CK_RV end = p11be_C_FindObjectsFinal(s);
                         rv = rv == CKR_OK ? end : rv;
                     }
                     return rv;
                 });
             },
             [] {}},
            {"C_SetAttributeValue",
             [&] {
                 return With(h, [&](p11_session *s) {
                     return p11be_C_SetAttributeValue(s, k_obj, relabel_copy.data(), relabel_copy.size());
                 });
             },
             [&] {
                 stored.erase("oom key");
                 stored.insert("oom renamed");
             },
             {"oom key", "oom renamed"}},
            {"C_Digest",
             [&] {
                 return With(h, [&](p11_session *s) {
                     CK_RV rv = p11be_C_DigestInit(s, &sha256);
                     return rv == CKR_OK ? p11be_C_Digest(s, abc, sizeof abc, digest, &digest_len) : rv;
                 });
             },
             [] {}},
            {"C_GenerateKeyPair",
             [&] {
                 return With(h, [&](p11_session *s) {
                     return p11be_C_GenerateKeyPair(s, &keygen, pub_template, 3, priv_template, 2, &pub, &priv);
                 });
             },
             [] {}},
            {"C_Sign and C_Verify",
             [&] {
                 return With(h, [&](p11_session *s) {
                     CK_RV rv = p11be_C_SignInit(s, &ecdsa, priv);
                     rv = rv == CKR_OK ? p11be_C_Sign(s, digest, sizeof digest, signature, &signature_len) : rv;
                     rv = rv == CKR_OK ? p11be_C_VerifyInit(s, &ecdsa, pub) : rv;
                     return rv == CKR_OK ? p11be_C_Verify(s, digest, sizeof digest, signature, signature_len) : rv;
                 });
             },
             [] {}},
            {"C_CreateObject certificate",
             [&] {
                 return With(h, [&](p11_session *s) {
                     CK_OBJECT_HANDLE ignored = CK_INVALID_HANDLE;
                     return p11be_C_CreateObject(s, cert_copy.data(), cert_copy.size(), &ignored);
                 });
             },
             [&] { stored.insert("oom cert"); }, {"oom cert"}},
            {"C_DestroyObject", [&] { return With(h, [&](p11_session *s) { return p11be_C_DestroyObject(s, a); }); },
             [&] { stored.erase("oom a"); }, {"oom a"}},
            {"C_Logout", [&] { return With(h, [](p11_session *s) { return p11be_C_Logout(s); }); }, [] {}},
            {"C_CloseSession", [&] { return With(h, [](p11_session *s) { return p11be_C_CloseSession(s); }); }, [] {}},
            {"C_Finalize and C_Initialize",
             [&] {
                 CK_RV rv = p11be_C_Finalize(nullptr);
                 return rv == CKR_OK ? p11be_C_Initialize(nullptr) : rv;
             },
             [] {}},
        };

        p11test::FailAllocationsAfter(k);
        size_t done = 0;
        CK_RV rv = CKR_OK;
        for (; done < steps.size(); done++) {
            rv = steps[done].call();
            if (rv != CKR_OK) {
                break;
            }
        }
        const bool failed = p11test::AnAllocationFailed();
        p11test::FailAllocationsAfter(-1);
        for (size_t i = 0; i < done; i++) {
            steps[i].on_success(); // with memory back: the test's own bookkeeping allocates
        }
        if (done == steps.size()) {
            completed = !failed; // every allocation of the flow succeeded: all k tried
            continue;
        }
        failures++;
        ASSERT_TRUE(failed) << "k " << k << ": " << steps[done].name << " failed (" << rv
                            << ") without a failed allocation";
        ASSERT_EQ(CKR_HOST_MEMORY, rv) << "k " << k << ": " << steps[done].name;

        // Memory is back: restart, and the token holds what the successful calls made.
        if (p11be_initialized()) {
            ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr)) << "k " << k;
        }
        ASSERT_EQ(CKR_OK, PowerOnAndInitialize()) << "k " << k;
        CK_SESSION_HANDLE check = OpenUser();
        const std::vector<std::string> &touched = steps[done].touches;
        for (const char *label : {"oom a", "oom key", "oom renamed", "oom cert"}) {
            const size_t found_now = FindByLabel(check, label).size();
            if (std::find(touched.begin(), touched.end(), label) != touched.end()) {
                // The failed call's own object: as before or as the call would have left it
                // (a record committed before the failure is kept), never twice.
                EXPECT_LE(found_now, 1u) << "k " << k << " after " << steps[done].name << " failed: " << label;
            } else {
                EXPECT_EQ(stored.count(label), found_now)
                    << "k " << k << " after " << steps[done].name << " failed: " << label;
            }
        }
        EXPECT_EQ(CKR_OK, Create(check, kObjectKinds[0].make("after", true))) << "k " << k;
    }
    EXPECT_TRUE(completed) << "the flow never ran without an allocation failure";
    EXPECT_GT(failures, 50u);
}

} // namespace
