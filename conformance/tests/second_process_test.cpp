// Another application on the same token (a second process, second_process.h):
// what it creates or destroys among the token objects, this one sees without
// C_Finalize (PKCS #11 Usage Guide v2.40: "Token objects are visible by all
// applications connected to the token that have sufficient permission").
#include <string>
#include <vector>

#include "key_fixture.h"
#include "second_process.h"

namespace p11conf {
namespace {

class SecondProcess : public WithSession<KeyTest> {
  protected:
    std::vector<CK_OBJECT_HANDLE> FindData(const std::string &label)
    {
        Template query;
        query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, CKO_DATA);
        return Find(query);
    }

    void InAnotherProcess(const std::string &action, const std::vector<std::string> &arguments)
    {
        std::string output;
        const int status = RunSecondProcess(options().module_path, slot_, action, arguments, &output);
        ASSERT_EQ(status, 0) << "the second process could not " << action << " \"" << arguments[0]
                             << "\": " << output;
    }
};

P11_CASE(SecondProcess, TokenObjectAnotherProcessCreatesIsFound, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_GetAttributeValue C_CreateObject",
         .section = "v2.40 §4.4 CKA_TOKEN")
{
    const std::string label = Label("JITP Cert", true);
    ASSERT_TRUE(FindData(label).empty()) << "left over from an earlier run";
    ASSERT_NO_FATAL_FAILURE(InAnotherProcess("create", {label, "made by another process"}));
    const std::vector<CK_OBJECT_HANDLE> found = KeepAll(FindData(label));
    ASSERT_EQ(found.size(), 1u) << "a token object another application created, while this one was initialized";
    const std::string expected = "made by another process";
    EXPECT_EQ(Attribute(found[0], CKA_VALUE), ByteVector(expected.begin(), expected.end()));
}

P11_CASE(SecondProcess, TokenObjectAnotherProcessDestroysIsGone, .group = "objects",
         .functions = "C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_GetAttributeValue",
         .section = "v2.40 §5.7 C_DestroyObject")
{
    const std::string label = Label("Root Cert", true);
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false).Text(CKA_VALUE, "doomed");
    const CK_OBJECT_HANDLE object = CreateObject(tmpl, "Root Cert", true);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    ASSERT_NO_FATAL_FAILURE(InAnotherProcess("destroy", {label}));
    created_.clear();
    const std::vector<CK_OBJECT_HANDLE> found = KeepAll(FindData(label));
    EXPECT_TRUE(found.empty()) << "another application destroyed the token object; this one still finds it";
    CK_OBJECT_CLASS klass = 0;
    CK_ATTRIBUTE read = {CKA_CLASS, &klass, sizeof(klass)};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &read, 1), CKR_OBJECT_HANDLE_INVALID)
        << "the old handle of an object another application destroyed";
}

P11_CASE(SecondProcess, FortyTokenObjectsAnotherProcessCreatesAreAllFound, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_GetAttributeValue C_CreateObject",
         .section = "v2.40 §4.4 CKA_TOKEN")
{
    if (ActiveProfile().FixedLabelStore()) {
        GTEST_SKIP() << "not applicable: the store keeps token objects under its fixed labels only";
    }
    // More changes than a store may note one by one while this application
    // waits: it must still see every object.
    const std::string label = Label("Batch", true);
    ASSERT_NO_FATAL_FAILURE(InAnotherProcess("create-many", {label, "40"}));
    for (int i = 0; i < 40; ++i) {
        const std::vector<CK_OBJECT_HANDLE> found = KeepAll(FindData(label + " " + std::to_string(i)));
        ASSERT_EQ(found.size(), 1u) << "object " << i << " of the 40 the other application created";
        const std::string expected = "object " + std::to_string(i);
        EXPECT_EQ(Attribute(found[0], CKA_VALUE), ByteVector(expected.begin(), expected.end()));
    }
}

// Another application starts the token again (C_InitToken, the user PIN set
// by the SO) and, as the user, makes a private token key, while this one is
// logged in with what it knew before. Once this one starts its sessions again
// and logs in, the key is there and signs: token objects "are visible by all
// applications connected to the token that have sufficient permission".
P11_CASE(SecondProcess, PrivateKeyMadeAfterAnotherProcessReinitializedTheTokenIsFoundAfterLogin, .group = "objects",
         .functions = "C_InitToken C_InitPIN C_Login C_CloseAllSessions C_CreateObject C_FindObjectsInit "
                      "C_FindObjects C_FindObjectsFinal C_SignInit C_Sign",
         .mechanisms = "CKM_SHA256_HMAC", .section = "v2.40 §4.4 CKA_TOKEN", .destructive = true)
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    if (SoPin().empty()) {
        GTEST_SKIP() << "not applicable: no SO PIN (pass --so-pin)";
    }
    P11_SKIP_UNLESS(LoginUser());
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    std::string token_label(reinterpret_cast<const char *>(info.label), sizeof(info.label));
    token_label.erase(token_label.find_last_not_of(' ') + 1);
    const std::string secret = "a 32-byte HMAC key, from afar...";
    const std::string label = Label("HMAC Key", true);
    ASSERT_NO_FATAL_FAILURE(
        InAnotherProcess("reinit-with-key", {SoPin(), UserPin(), token_label, label, secret}));
    created_.clear(); // C_InitToken took every token object this case knew
    ASSERT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
    ASSERT_TRUE(OpenSession());
    ASSERT_TRUE(LoginUser()) << "the user PIN the other application set (the same as before)";
    Template query;
    query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, CKO_SECRET_KEY);
    const std::vector<CK_OBJECT_HANDLE> found = KeepAll(Find(query));
    ASSERT_EQ(found.size(), 1u) << "the private key the other application made after its C_InitToken";
    EXPECT_EQ(Sign(found[0], CKM_SHA256_HMAC, kMessage),
              ref::HmacSha256(ByteVector(secret.begin(), secret.end()), kMessage))
        << "the key found is not the key the other application made";
}

} // namespace
} // namespace p11conf
