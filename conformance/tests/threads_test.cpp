// Concurrent use of one module from several threads, as FreeRTOS's
// qualification tests do it: two threads x 10 iterations, each thread on its
// own session (find by label + class, C_GetAttributeValue, sign, verify;
// random; digest), and reads from two threads on one shared session. The
// library is initialized with CKF_OS_LOCKING_OK, so it must lock for itself
// (v2.40 §5.4 C_Initialize). Failures inside a thread are collected and
// reported after the join.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

constexpr int kThreads = 2;
constexpr int kIterations = 10;
constexpr int kDeadlineSeconds = 120;

using Failures = std::vector<std::string>;

// Records a failure unless rv is CKR_OK; true when it is.
bool Ok(CK_RV rv, const std::string &what, Failures *failures)
{
    if (rv != CKR_OK) {
        failures->push_back(what + " returned " + RvName(rv));
    }
    return rv == CKR_OK;
}

ByteVector Bytes(const std::string &text)
{
    return ByteVector(text.begin(), text.end());
}

class Threads : public WithSession<KeyTest> {
  protected:
    // Runs body(thread, session, failures) on kThreads threads; each gets its
    // own session when `shared` is CK_INVALID_HANDLE, else all use `shared`.
    // A module that deadlocks would hang the run: after kDeadlineSeconds the
    // runner says so and exits 1 (the stuck threads cannot be joined).
    template <typename Body>
    void Run(Body body, CK_SESSION_HANDLE shared = CK_INVALID_HANDLE, CK_FLAGS flags = CKF_SERIAL_SESSION)
    {
        CK_SESSION_HANDLE sessions[kThreads];
        for (CK_SESSION_HANDLE &session : sessions) {
            session = shared;
            if (shared == CK_INVALID_HANDLE) {
                ASSERT_RV(fl()->C_OpenSession(slot_, flags, nullptr, nullptr, &session), CKR_OK);
            }
        }
        Failures failures[kThreads];
        std::mutex mutex;
        std::condition_variable finished;
        int done = 0;
        std::vector<std::thread> threads;
        threads.reserve(kThreads);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                body(t, sessions[t], &failures[t]);
                const std::lock_guard<std::mutex> lock(mutex);
                ++done;
                finished.notify_all();
            });
        }
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (!finished.wait_for(lock, std::chrono::seconds(kDeadlineSeconds), [&] { return done == kThreads; })) {
                const ::testing::TestInfo *test = ::testing::UnitTest::GetInstance()->current_test_info();
                std::fprintf(stderr,
                             "p11conform: %s.%s: %d of %d threads still inside the module after %d s: a deadlock "
                             "(v2.40 §5.4: with CKF_OS_LOCKING_OK the library locks for itself); stopping the run\n",
                             test->test_suite_name(), test->name(), kThreads - done, kThreads, kDeadlineSeconds);
                std::fflush(stderr);
                std::_Exit(1);
            }
        }
        for (std::thread &thread : threads) {
            thread.join();
        }
        for (int t = 0; t < kThreads; ++t) {
            EXPECT_TRUE(failures[t].empty()) << "thread " << t << ": " << failures[t].size()
                                             << " failures, the first: " << (failures[t].empty() ? "" : failures[t][0]);
        }
    }

    // The one object of `klass` labelled `label`, seen from `session`.
    CK_OBJECT_HANDLE FindOne(CK_SESSION_HANDLE session, const std::string &label, CK_OBJECT_CLASS klass,
                             Failures *failures)
    {
        CK_ATTRIBUTE query[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                                {CKA_CLASS, &klass, sizeof(klass)}};
        CK_OBJECT_HANDLE found[2] = {CK_INVALID_HANDLE, CK_INVALID_HANDLE};
        CK_ULONG count = 0;
        if (!Ok(fl()->C_FindObjectsInit(session, query, 2), "C_FindObjectsInit", failures)) {
            return CK_INVALID_HANDLE;
        }
        Ok(fl()->C_FindObjects(session, found, 2, &count), "C_FindObjects", failures);
        Ok(fl()->C_FindObjectsFinal(session), "C_FindObjectsFinal", failures);
        if (count != 1) {
            failures->push_back("C_FindObjects found " + std::to_string(count) + " objects labelled " + label);
            return CK_INVALID_HANDLE;
        }
        return found[0];
    }
};

P11_CASE(Threads, TwoThreadsFindReadSignAndVerifyOnTheirOwnSessions, .group = "threads",
         .functions = "C_Sign C_SignInit C_Verify C_VerifyInit C_FindObjectsInit C_FindObjects C_FindObjectsFinal "
                      "C_GetAttributeValue",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.4 C_Initialize")
{
    P11_SKIP_UNLESS(LoginUser() && Offers(CKM_ECDSA, CKF_SIGN | CKF_VERIFY));
    // The key comes the way the profile can make it.
    ByteVector point;
    if (ActiveProfile().Has("C_CreateObject")) {
        const ref::EcKey key = ref::GenerateEcKey("P-256");
        Template priv = EcPrivateTemplate(key);
        ASSERT_NE(CreateObject(priv, "Device Priv TLS Key", false), CK_INVALID_HANDLE);
        Template pub = EcPublicTemplate(key);
        ASSERT_NE(CreateObject(pub, "Device Pub TLS Key", false), CK_INVALID_HANDLE);
        point = key.point;
    } else if (ActiveProfile().Has("C_GenerateKeyPair")) {
        P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
        const KeyPair pair = GenerateP256(false);
        ASSERT_TRUE(pair.ok());
        point = EcPoint(pair.public_key);
    } else {
        GTEST_SKIP() << "not applicable: the profile can neither create nor generate a key pair";
    }
    const std::string priv_label = Label("Device Priv TLS Key");
    const std::string pub_label = Label("Device Pub TLS Key");
    const ByteVector der_point = ref::DerOctetString(point);
    Run([&](int t, CK_SESSION_HANDLE session, Failures *failures) {
        for (int i = 0; i < kIterations; ++i) {
            const CK_OBJECT_HANDLE priv_key = FindOne(session, priv_label, CKO_PRIVATE_KEY, failures);
            const CK_OBJECT_HANDLE pub_key = FindOne(session, pub_label, CKO_PUBLIC_KEY, failures);
            if (priv_key == CK_INVALID_HANDLE || pub_key == CK_INVALID_HANDLE) {
                continue;
            }
            CK_KEY_TYPE type = 0;
            CK_ATTRIBUTE read_type = {CKA_KEY_TYPE, &type, sizeof(type)};
            if (Ok(fl()->C_GetAttributeValue(session, priv_key, &read_type, 1), "C_GetAttributeValue", failures) &&
                type != CKK_EC) {
                failures->push_back("CKA_KEY_TYPE of the private key is not CKK_EC");
            }
            ByteVector read_point(der_point.size() + 8);
            CK_ATTRIBUTE read_ec = {CKA_EC_POINT, read_point.data(), read_point.size()};
            if (Ok(fl()->C_GetAttributeValue(session, pub_key, &read_ec, 1), "C_GetAttributeValue", failures)) {
                read_point.resize(read_ec.ulValueLen);
                if (read_point != der_point) {
                    failures->push_back("CKA_EC_POINT read differs");
                }
            }
            ByteVector hash = ref::Sha256(Bytes("thread " + std::to_string(t) + " iteration " + std::to_string(i)));
            ByteVector signature(64);
            CK_ULONG length = signature.size();
            CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
            if (!Ok(fl()->C_SignInit(session, &mechanism, priv_key), "C_SignInit", failures) ||
                !Ok(fl()->C_Sign(session, hash.data(), hash.size(), signature.data(), &length), "C_Sign", failures)) {
                continue;
            }
            signature.resize(length);
            if (!ref::EcdsaVerifyRaw(point, "P-256", hash, signature)) {
                failures->push_back("OpenSSL rejects a signature made on iteration " + std::to_string(i));
            }
            if (Ok(fl()->C_VerifyInit(session, &mechanism, pub_key), "C_VerifyInit", failures)) {
                Ok(fl()->C_Verify(session, hash.data(), hash.size(), signature.data(), signature.size()), "C_Verify",
                   failures);
            }
        }
    });
}

// Writers of the store at once: each thread creates a public token object,
// changes it and destroys it, again and again. Create, change and destroy
// take a module's locks (its tables, its store) in their own order; two
// orders that differ deadlock.
P11_CASE(Threads, TwoThreadsCreateChangeAndDestroyTokenObjectsAtOnce, .group = "threads",
         .functions = "C_CreateObject C_SetAttributeValue C_DestroyObject", .section = "v2.40 §5.4 C_Initialize")
{
    if (ActiveProfile().FixedLabelStore()) {
        GTEST_SKIP() << "not applicable: the store keeps token objects under its fixed labels only";
    }
    const std::string labels[kThreads] = {Label("Thread 0 Object", true), Label("Thread 1 Object", true)};
    Run(
        [&](int t, CK_SESSION_HANDLE session, Failures *failures) {
            for (int i = 0; i < 4 * kIterations; ++i) {
                CK_OBJECT_CLASS klass = CKO_DATA;
                CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
                std::string value = "iteration " + std::to_string(i);
                CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof(klass)},
                                       {CKA_TOKEN, &yes, sizeof(yes)},
                                       {CKA_PRIVATE, &no, sizeof(no)},
                                       {CKA_LABEL, const_cast<char *>(labels[t].data()), labels[t].size()},
                                       {CKA_VALUE, &value[0], value.size()}};
                CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
                if (!Ok(fl()->C_CreateObject(session, tmpl, 5, &object), "C_CreateObject", failures)) {
                    continue;
                }
                std::string application = "thread " + std::to_string(t);
                CK_ATTRIBUTE change = {CKA_APPLICATION, &application[0], application.size()};
                Ok(fl()->C_SetAttributeValue(session, object, &change, 1), "C_SetAttributeValue", failures);
                Ok(fl()->C_DestroyObject(session, object), "C_DestroyObject", failures);
            }
        },
        CK_INVALID_HANDLE, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    for (const std::string &label : labels) {
        Template query;
        query.Text(CKA_LABEL, label);
        EXPECT_TRUE(Find(query).empty()) << "every object labelled " << label << " was destroyed";
    }
}

// One thread makes private token keys while another logs the user out and
// in again: each C_CreateObject either makes the key (CKR_OK) or finds no
// user logged in (CKR_USER_NOT_LOGGED_IN, §5.7: "Only public objects can be
// created unless the normal user is logged in"); every key it made is kept.
P11_CASE(Threads, PrivateTokenKeysMadeWhileAnotherThreadLogsOutAndInAreKept, .group = "threads",
         .functions = "C_CreateObject C_Login C_Logout C_Finalize C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .mechanisms = "CKM_SHA256_HMAC", .section = "v2.40 §5.4 C_Initialize")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    if (ActiveProfile().FixedLabelStore()) {
        GTEST_SKIP() << "not applicable: the store keeps token objects under its fixed labels only";
    }
    P11_SKIP_UNLESS(LoginUser());
    const std::string label = Label("HMAC Key", true);
    const ByteVector secret = HmacSecret();
    const std::string pin = UserPin();
    int made = 0;
    Run(
        [&](int t, CK_SESSION_HANDLE session, Failures *failures) {
            for (int i = 0; i < 3 * kIterations; ++i) {
                if (t == 1) {
                    std::string copy = pin;
                    const CK_RV out = fl()->C_Logout(session);
                    if (out != CKR_OK && out != CKR_USER_NOT_LOGGED_IN) {
                        Ok(out, "C_Logout", failures);
                    }
                    const CK_RV in = fl()->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR *>(&copy[0]),
                                                   copy.size());
                    if (in != CKR_OK && in != CKR_USER_ALREADY_LOGGED_IN) {
                        Ok(in, "C_Login", failures);
                    }
                    continue;
                }
                CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
                CK_KEY_TYPE type = CKK_GENERIC_SECRET;
                CK_BBOOL yes = CK_TRUE;
                ByteVector value = secret;
                CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof(klass)},
                                       {CKA_KEY_TYPE, &type, sizeof(type)},
                                       {CKA_TOKEN, &yes, sizeof(yes)},
                                       {CKA_PRIVATE, &yes, sizeof(yes)},
                                       {CKA_SIGN, &yes, sizeof(yes)},
                                       {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                                       {CKA_VALUE, value.data(), value.size()}};
                CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
                const CK_RV rv = fl()->C_CreateObject(session, tmpl, 7, &key);
                if (rv == CKR_OK) {
                    ++made;
                } else if (rv != CKR_USER_NOT_LOGGED_IN) {
                    Ok(rv, "C_CreateObject of a private token key", failures);
                }
            }
        },
        CK_INVALID_HANDLE, CKF_SERIAL_SESSION | CKF_RW_SESSION);
    ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(OpenSession());
    ASSERT_TRUE(LoginUser());
    Template query;
    query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, CKO_SECRET_KEY);
    const std::vector<CK_OBJECT_HANDLE> found = KeepAll(Find(query));
    EXPECT_EQ(found.size(), static_cast<size_t>(made))
        << made << " keys were made (C_CreateObject answered CKR_OK); after C_Finalize and C_Initialize the token has "
        << found.size();
    for (CK_OBJECT_HANDLE key : found) {
        EXPECT_EQ(Sign(key, CKM_SHA256_HMAC, kMessage), ref::HmacSha256(secret, kMessage));
    }
}

P11_CASE(Threads, TwoThreadsDrawRandomOnTheirOwnSessions, .group = "threads", .functions = "C_GenerateRandom",
         .section = "v2.40 §5.4 C_Initialize")
{
    ByteVector draws[kThreads];
    Run([&](int t, CK_SESSION_HANDLE session, Failures *failures) {
        draws[t].assign(static_cast<std::size_t>(kIterations) * 32, 0);
        for (std::size_t i = 0; i < static_cast<std::size_t>(kIterations); ++i) {
            Ok(fl()->C_GenerateRandom(session, draws[t].data() + 32 * i, 32), "C_GenerateRandom", failures);
        }
    });
    EXPECT_NE(draws[0], draws[1]) << "two threads drew the same bytes";
}

P11_CASE(Threads, TwoThreadsDigestOnTheirOwnSessions, .group = "threads", .functions = "C_Digest C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.4 C_Initialize")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256, CKF_DIGEST));
    Run([&](int t, CK_SESSION_HANDLE session, Failures *failures) {
        for (int i = 0; i < kIterations; ++i) {
            ByteVector data = Bytes("thread " + std::to_string(t) + " iteration " + std::to_string(i));
            ByteVector digest(32);
            CK_ULONG length = digest.size();
            CK_MECHANISM mechanism = {CKM_SHA256, nullptr, 0};
            if (Ok(fl()->C_DigestInit(session, &mechanism), "C_DigestInit", failures) &&
                Ok(fl()->C_Digest(session, data.data(), data.size(), digest.data(), &length), "C_Digest", failures) &&
                digest != ref::Sha256(data)) {
                failures->push_back("a SHA-256 digest differs from OpenSSL's on iteration " + std::to_string(i));
            }
        }
    });
}

P11_CASE(Threads, TwoThreadsReadAttributesOnOneSharedSession, .group = "threads", .functions = "C_GetAttributeValue",
         .section = "v2.40 §5.4 C_Initialize")
{
    // v2.40 asks applications not to call into one session from two threads
    // at once; FreeRTOS's qualification test does it for reads, so a module
    // for FreeRTOS must take it.
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPublicTemplate(key);
    const CK_OBJECT_HANDLE pub_key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
    P11_SKIP_UNLESS(pub_key != CK_INVALID_HANDLE);
    const ByteVector der_point = ref::DerOctetString(key.point);
    Run(
        [&](int, CK_SESSION_HANDLE session, Failures *failures) {
            for (int i = 0; i < 10 * kIterations; ++i) {
                ByteVector point(der_point.size() + 8);
                CK_ATTRIBUTE read[] = {{CKA_EC_POINT, point.data(), point.size()}, {CKA_EC_PARAMS, nullptr, 0}};
                if (Ok(fl()->C_GetAttributeValue(session, pub_key, read, 2), "C_GetAttributeValue", failures)) {
                    point.resize(read[0].ulValueLen);
                    if (point != der_point || read[1].ulValueLen != key.ec_params.size()) {
                        failures->push_back("a read on the shared session gave other values");
                    }
                }
            }
        },
        session_);
}

} // namespace
} // namespace p11conf
