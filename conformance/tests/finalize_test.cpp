// What C_Finalize ends and what it keeps (v2.40 §5.4 C_Finalize, §5.6
// C_CloseSession): after C_Finalize + C_Initialize every old session handle
// is invalid, the user is logged out, no operation is still active and
// session objects are gone, while token objects are found again by label and
// class. FreeRTOS's reference let sessions survive C_Finalize.

#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class Finalize : public WithSession<KeyTest> {
  protected:
    // C_Finalize, then C_Initialize; session_ is left as it was (invalid).
    void Reinitialize()
    {
        ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
        ASSERT_NO_FATAL_FAILURE(Initialize());
    }

    CK_STATE StateOf(CK_SESSION_HANDLE session)
    {
        CK_SESSION_INFO info{};
        EXPECT_RV(fl()->C_GetSessionInfo(session, &info), CKR_OK);
        return info.state;
    }

    CK_OBJECT_HANDLE CreateData(const std::string &role, bool token)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false).Text(CKA_VALUE, "payload of " + role);
        return CreateObject(tmpl, role, token);
    }

    // A public token HMAC key created (by the user when `logged_in`, else
    // with no login), then C_Finalize + C_Initialize: found again (without
    // a login) and signing as OpenSSL does with the same secret.
    void ExpectPublicTokenSecretKeyKept(bool logged_in)
    {
        P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
        if (logged_in) {
            P11_SKIP_UNLESS(LoginUser());
        }
        const std::string label = Label("HMAC Key", true);
        const ByteVector secret = HmacSecret();
        Template tmpl = HmacTemplate(secret);
        tmpl.Bool(CKA_PRIVATE, false).Bool(CKA_TOKEN, true).Text(CKA_LABEL, label);
        CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
        const CK_RV created = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &key);
        if (created == CKR_TEMPLATE_INCONSISTENT || created == CKR_ATTRIBUTE_VALUE_INVALID) {
            GTEST_SKIP() << "not applicable: the token keeps secret keys private (" << RvName(created) << ")";
        }
        ASSERT_RV(created, CKR_OK) << "a public token secret key, " << (logged_in ? "by the user" : "no login")
                                   << ": \"Only public objects can be created unless the normal user is logged "
                                      "in\" (§5.7 C_CreateObject)";
        ASSERT_NO_FATAL_FAILURE(Reinitialize());
        ASSERT_TRUE(OpenSession());
        Template query;
        query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, CKO_SECRET_KEY);
        const std::vector<CK_OBJECT_HANDLE> found = KeepAll(Find(query));
        ASSERT_EQ(found.size(), 1u) << "the public token key made " << (logged_in ? "by the user" : "without a login")
                                    << " did not outlive C_Finalize";
        EXPECT_EQ(Sign(found[0], CKM_SHA256_HMAC, kMessage), ref::HmacSha256(secret, kMessage))
            << "the key read back is not the key made";
    }

    std::vector<CK_OBJECT_HANDLE> FindData(const std::string &role, bool token)
    {
        Template query;
        query.Text(CKA_LABEL, Label(role, token)).Ulong(CKA_CLASS, CKO_DATA);
        return Find(query);
    }
};

P11_CASE(Finalize, OldSessionHandlesAreInvalid, .group = "general", .functions = "C_Finalize C_GetSessionInfo",
         .section = "v2.40 §5.4 C_Finalize")
{
    const CK_SESSION_HANDLE rw = session_;
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    const CK_SESSION_HANDLE ro = session_;
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    CK_SESSION_INFO info{};
    EXPECT_RV(fl()->C_GetSessionInfo(rw, &info), CKR_SESSION_HANDLE_INVALID) << "the R/W session";
    EXPECT_RV(fl()->C_GetSessionInfo(ro, &info), CKR_SESSION_HANDLE_INVALID) << "the R/O session";
}

P11_CASE(Finalize, TheUserIsLoggedOut, .group = "general", .functions = "C_Finalize C_Login C_GetSessionInfo",
         .section = "v2.40 §5.4 C_Finalize")
{
    P11_SKIP_UNLESS(LoginUser());
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    EXPECT_EQ(StateOf(session_), CKS_RW_PUBLIC_SESSION) << "closing every session logs the user out (§5.6)";
}

P11_CASE(Finalize, AnActiveDigestIsGone, .group = "general", .functions = "C_Finalize C_DigestInit C_DigestUpdate",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.4 C_Finalize")
{
    CK_MECHANISM mechanism = {CKM_SHA256, nullptr, 0};
    ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK);
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession()); // may well get the old handle back
    unsigned char data[] = {'a', 'b', 'c'};
    EXPECT_RV(fl()->C_DigestUpdate(session_, data, sizeof(data)), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK) << "no digest is active any more";
}

P11_CASE(Finalize, AnActiveSearchIsGone, .group = "general",
         .functions = "C_Finalize C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.4 C_Finalize")
{
    ASSERT_RV(fl()->C_FindObjectsInit(session_, nullptr, 0), CKR_OK);
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession()); // may well get the old handle back
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    CK_ULONG count = 0;
    EXPECT_RV(fl()->C_FindObjects(session_, &object, 1, &count), CKR_OPERATION_NOT_INITIALIZED);
}

P11_CASE(Finalize, TokenObjectsAreFoundAgainByLabelAndClass, .group = "general",
         .functions = "C_Finalize C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §4.4 CKA_TOKEN")
{
    ASSERT_NE(CreateData("JITP Cert", true), CK_INVALID_HANDLE);
    created_.clear(); // handles change across C_Finalize; found again below
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    const std::vector<CK_OBJECT_HANDLE> found = FindData("JITP Cert", true);
    ASSERT_EQ(found.size(), 1u) << "a token object outlives C_Finalize";
    Keep(found[0]);
    const std::string expected = "payload of JITP Cert";
    EXPECT_EQ(Attribute(found[0], CKA_VALUE), ByteVector(expected.begin(), expected.end()));
}

// Every call that changes a token object, checked after C_Finalize and
// C_Initialize too: what a token keeps is its store, not its memory. The
// roles are FreeRTOS labels, which a fixed-label store takes.
P11_CASE(Finalize, DestroyedTokenObjectStaysDestroyed, .group = "general",
         .functions = "C_Finalize C_CreateObject C_DestroyObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.7 C_DestroyObject")
{
    const CK_OBJECT_HANDLE doomed = CreateData("Root Cert", true);
    ASSERT_NE(CreateData("JITP Cert", true), CK_INVALID_HANDLE);
    ASSERT_NE(doomed, CK_INVALID_HANDLE);
    ASSERT_RV(fl()->C_DestroyObject(session_, doomed), CKR_OK);
    created_.clear();
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    const std::vector<CK_OBJECT_HANDLE> kept = KeepAll(FindData("JITP Cert", true));
    EXPECT_EQ(kept.size(), 1u) << "the token object not destroyed is still there";
    const std::vector<CK_OBJECT_HANDLE> back = KeepAll(FindData("Root Cert", true));
    EXPECT_TRUE(back.empty()) << "a destroyed token object came back after C_Finalize / C_Initialize";
}

P11_CASE(Finalize, TokenObjectChangedBySetAttributeValueStaysChanged, .group = "general",
         .functions = "C_Finalize C_CreateObject C_SetAttributeValue C_FindObjectsInit C_FindObjects "
                      "C_FindObjectsFinal C_GetAttributeValue",
         .section = "v2.40 §5.7 C_SetAttributeValue")
{
    const CK_OBJECT_HANDLE object = CreateData("Device Cert", true);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    std::string label = Label("Claim Cert", true);
    const std::string value = "changed payload";
    std::string changed = value;
    CK_ATTRIBUTE set[] = {{CKA_LABEL, &label[0], label.size()}, {CKA_VALUE, &changed[0], changed.size()}};
    const CK_RV rv = fl()->C_SetAttributeValue(session_, object, set, 2);
    if (rv == CKR_ATTRIBUTE_READ_ONLY || rv == CKR_ACTION_PROHIBITED) {
        GTEST_SKIP() << "not applicable: the token keeps data objects as they were made (" << RvName(rv) << ")";
    }
    ASSERT_RV(rv, CKR_OK);
    created_.clear();
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    const std::vector<CK_OBJECT_HANDLE> before = FindData("Device Cert", true);
    const std::vector<CK_OBJECT_HANDLE> after = FindData("Claim Cert", true);
    for (CK_OBJECT_HANDLE found : before) {
        Keep(found);
    }
    for (CK_OBJECT_HANDLE found : after) {
        Keep(found);
    }
    EXPECT_TRUE(before.empty()) << "the old label came back after C_Finalize / C_Initialize";
    ASSERT_EQ(after.size(), 1u) << "the new label was not kept";
    EXPECT_EQ(Attribute(after[0], CKA_VALUE), ByteVector(value.begin(), value.end())) << "the new value was not kept";
}

P11_CASE(Finalize, TokenCopyOfAnObjectIsKept, .group = "general",
         .functions = "C_Finalize C_CreateObject C_CopyObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal "
                      "C_GetAttributeValue",
         .section = "v2.40 §5.7 C_CopyObject")
{
    const CK_OBJECT_HANDLE original = CreateData("Original", false);
    ASSERT_NE(original, CK_INVALID_HANDLE);
    std::string label = Label("Root Cert", true);
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE tmpl[] = {{CKA_TOKEN, &yes, sizeof(yes)}, {CKA_LABEL, &label[0], label.size()}};
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_CopyObject(session_, original, tmpl, 2, &copy), CKR_OK)
        << "a token copy of a session object (§5.7: the template may change CKA_TOKEN)";
    created_.clear();
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    const std::vector<CK_OBJECT_HANDLE> found = KeepAll(FindData("Root Cert", true));
    ASSERT_EQ(found.size(), 1u) << "the token copy did not outlive C_Finalize";
    const std::string expected = "payload of Original";
    EXPECT_EQ(Attribute(found[0], CKA_VALUE), ByteVector(expected.begin(), expected.end()));
    EXPECT_TRUE(FindData("Original", false).empty()) << "the session object it was copied from outlived C_Finalize";
}

P11_CASE(Finalize, AllowedMechanismsOfATokenKeyAreKept, .group = "keys",
         .functions = "C_Finalize C_CreateObject C_GetAttributeValue C_VerifyInit C_FindObjectsInit C_FindObjects "
                      "C_FindObjectsFinal",
         .mechanisms = "CKM_ECDSA CKM_ECDSA_SHA256", .section = "v2.40 §4.8 CKA_ALLOWED_MECHANISMS")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA_SHA256, CKF_VERIFY) && Offers(CKM_ECDSA, CKF_VERIFY));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPublicTemplate(key);
    tmpl.Bytes(CKA_ALLOWED_MECHANISMS, MechanismList({CKM_ECDSA_SHA256}));
    ASSERT_NE(CreateObject(tmpl, "Code Verify Key", true), CK_INVALID_HANDLE);
    created_.clear();
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    Template query;
    query.Text(CKA_LABEL, Label("Code Verify Key", true)).Ulong(CKA_CLASS, CKO_PUBLIC_KEY);
    const std::vector<CK_OBJECT_HANDLE> found = KeepAll(Find(query));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(Attribute(found[0], CKA_ALLOWED_MECHANISMS), MechanismList({CKM_ECDSA_SHA256}))
        << "CKA_ALLOWED_MECHANISMS read back from the store";
    ASSERT_RV(VerifyInit(CKM_ECDSA_SHA256, found[0]), CKR_OK) << "the mechanism the key allows";
    ByteVector data = kMessage, signature(64, 0x01);
    fl()->C_Verify(session_, data.data(), data.size(), signature.data(), signature.size()); // ends the operation
    EXPECT_RV(VerifyInit(CKM_ECDSA, found[0]), CKR_MECHANISM_INVALID) << "a mechanism the key does not allow";
}

// v2.40 §5.7 C_CreateObject: "Only public objects can be created unless the
// normal user is logged in": a public (CKA_PRIVATE false) token secret key,
// made without a login and with one, is the token's like any other object.
P11_CASE(Finalize, PublicTokenSecretKeyMadeWithoutALoginIsKept, .group = "keys",
         .functions = "C_Finalize C_CreateObject C_SignInit C_Sign C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .mechanisms = "CKM_SHA256_HMAC", .section = "v2.40 §4.4 CKA_PRIVATE")
{
    ExpectPublicTokenSecretKeyKept(false);
}

P11_CASE(Finalize, PublicTokenSecretKeyMadeByTheUserIsKept, .group = "keys",
         .functions = "C_Finalize C_Login C_CreateObject C_SignInit C_Sign C_FindObjectsInit C_FindObjects "
                      "C_FindObjectsFinal",
         .mechanisms = "CKM_SHA256_HMAC", .section = "v2.40 §4.4 CKA_PRIVATE")
{
    ExpectPublicTokenSecretKeyKept(true);
}

P11_CASE(Finalize, SessionObjectsAreGone, .group = "general",
         .functions = "C_Finalize C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.6 C_CloseSession")
{
    ASSERT_NE(CreateData("JITP Cert", false), CK_INVALID_HANDLE);
    created_.clear();
    ASSERT_NO_FATAL_FAILURE(Reinitialize());
    ASSERT_TRUE(OpenSession());
    EXPECT_TRUE(FindData("JITP Cert", false).empty()) << "session objects end with their session";
}

} // namespace
} // namespace p11conf
