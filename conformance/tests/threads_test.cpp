// Concurrent use of one module from several threads, as FreeRTOS's
// qualification tests do it: two threads x 10 iterations, each thread on its
// own session (find by label + class, C_GetAttributeValue, sign, verify;
// random; digest), and reads from two threads on one shared session. The
// library is initialized with CKF_OS_LOCKING_OK, so it must lock for itself
// (v2.40 §5.4 C_Initialize). Failures inside a thread are collected and
// reported after the join.
#include <string>
#include <thread>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

constexpr int kThreads = 2;
constexpr int kIterations = 10;

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
    template <typename Body> void Run(Body body, CK_SESSION_HANDLE shared = CK_INVALID_HANDLE)
    {
        CK_SESSION_HANDLE sessions[kThreads];
        for (CK_SESSION_HANDLE &session : sessions) {
            session = shared;
            if (shared == CK_INVALID_HANDLE) {
                ASSERT_RV(fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK);
            }
        }
        Failures failures[kThreads];
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] { body(t, sessions[t], &failures[t]); });
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

P11_CASE(Threads, TwoThreadsDrawRandomOnTheirOwnSessions, .group = "threads", .functions = "C_GenerateRandom",
         .section = "v2.40 §5.4 C_Initialize")
{
    ByteVector draws[kThreads];
    Run([&](int t, CK_SESSION_HANDLE session, Failures *failures) {
        draws[t].assign(kIterations * 32, 0);
        for (int i = 0; i < kIterations; ++i) {
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
