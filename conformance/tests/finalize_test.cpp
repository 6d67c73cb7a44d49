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
