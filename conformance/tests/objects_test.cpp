// Object management (v2.40 §5.7): creating, finding, reading, destroying,
// and who may see what.
#include <cstring>
#include <string>
#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

class Objects : public ModuleTest {
protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("objects") || !ProfileHas("C_CreateObject") || !ProfileHas("C_FindObjectsInit")) {
            GTEST_SKIP() << "not applicable: the profile does not select the object tests";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!OpenSession()) {
            GTEST_SKIP() << skip_reason();
        }
    }

    std::string Label(const std::string &role, bool token_object = false) const
    {
        return TestObjectLabel(role, token_object);
    }

    Template Data(const std::string &label, bool token = false, bool is_private = false)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_DATA).Text(CKA_LABEL, label).Bool(CKA_TOKEN, token).Bool(CKA_PRIVATE, is_private);
        tmpl.Text(CKA_VALUE, "payload of " + label);
        return tmpl;
    }

    Template ByLabel(const std::string &label)
    {
        Template tmpl;
        tmpl.Text(CKA_LABEL, label);
        return tmpl;
    }
};

TEST_F(Objects, CreatedDataObjectIsFoundByLabelAndClass)
{
    Template data = Data(Label("data"));
    CK_OBJECT_HANDLE object = Create(data);
    Template query = ByLabel(Label("data"));
    query.Ulong(CKA_CLASS, CKO_DATA);
    std::vector<CK_OBJECT_HANDLE> found = Find(query);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], object);
    Template other_class = ByLabel(Label("data"));
    other_class.Ulong(CKA_CLASS, CKO_CERTIFICATE);
    EXPECT_TRUE(Find(other_class).empty()) << "the class is part of the match";
    Template prefix = ByLabel(Label("data").substr(0, 4));
    EXPECT_TRUE(Find(prefix).empty()) << "a label prefix is not a match";
}

TEST_F(Objects, FindReturnsEveryMatchInBatchesThenZero)
{
    for (int i = 0; i < 5; ++i) {
        Template data = Data(Label("batch"));
        Create(data);
    }
    Template query = ByLabel(Label("batch"));
    ASSERT_TRUE(RvIsOneOf(fl()->C_FindObjectsInit(session_, query.data(), query.size()), {CKR_OK}));
    std::vector<CK_ULONG> batches;
    for (int guard = 0; guard < 10; ++guard) {
        CK_OBJECT_HANDLE handles[2];
        CK_ULONG count = 99;
        ASSERT_TRUE(RvIsOneOf(fl()->C_FindObjects(session_, handles, 2, &count), {CKR_OK}));
        batches.push_back(count);
        if (count == 0) {
            break;
        }
    }
    EXPECT_EQ(batches, (std::vector<CK_ULONG>{2, 2, 1, 0})) << "v2.40 §5.7 C_FindObjects";
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjectsFinal(session_), {CKR_OK}));
}

TEST_F(Objects, FindStateMachineFollowsTheSpec)
{
    CK_OBJECT_HANDLE handle;
    CK_ULONG count = 0;
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjects(session_, &handle, 1, &count), {CKR_OPERATION_NOT_INITIALIZED}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjectsFinal(session_), {CKR_OPERATION_NOT_INITIALIZED}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_FindObjectsInit(session_, nullptr, 0), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjectsInit(session_, nullptr, 0), {CKR_OPERATION_ACTIVE}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjectsFinal(session_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjects(session_, &handle, 1, &count), {CKR_OPERATION_NOT_INITIALIZED}));
}

TEST_F(Objects, GetAttributeValueGivesSizesValuesAndPerAttributeErrors)
{
    Template data = Data(Label("attrs"));
    CK_OBJECT_HANDLE object = Create(data);
    CK_OBJECT_CLASS klass = 0xFFFF;
    unsigned char small[2] = {0x5A, 0x5A};
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &klass, sizeof(klass)},
        {CKA_LABEL, nullptr, 0},           // size query
        {CKA_MODULUS, nullptr, 0},         // not an attribute of a data object
        {CKA_VALUE, small, sizeof(small)}, // too small
    };
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetAttributeValue(session_, object, tmpl, 4),
                          {CKR_ATTRIBUTE_TYPE_INVALID, CKR_BUFFER_TOO_SMALL}))
        << "v2.40 §5.7.5: either code may be returned";
    EXPECT_EQ(klass, static_cast<CK_OBJECT_CLASS>(CKO_DATA)) << "every attribute is processed";
    EXPECT_EQ(tmpl[1].ulValueLen, Label("attrs").size());
    EXPECT_EQ(tmpl[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    EXPECT_EQ(tmpl[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_F(Objects, DestroyedObjectIsGone)
{
    Template data = Data(Label("gone"));
    CK_OBJECT_HANDLE object = Create(data);
    ASSERT_TRUE(RvIsOneOf(fl()->C_DestroyObject(session_, object), {CKR_OK}));
    Template query = ByLabel(Label("gone"));
    EXPECT_TRUE(Find(query).empty());
    CK_ATTRIBUTE read = {CKA_CLASS, nullptr, 0};
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetAttributeValue(session_, object, &read, 1), {CKR_OBJECT_HANDLE_INVALID}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_DestroyObject(session_, object), {CKR_OBJECT_HANDLE_INVALID}));
}

TEST_F(Objects, ReadOnlySessionCannotCreateTokenObjects)
{
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    Template data = Data(Label("Root Cert", true), true);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    EXPECT_TRUE(RvIsOneOf(fl()->C_CreateObject(session_, data.data(), data.size(), &object), {CKR_SESSION_READ_ONLY}))
        << "v2.40 §5.7 C_CreateObject";
}

TEST_F(Objects, PrivateObjectsNeedALogin)
{
    if (!LoginUser()) {
        GTEST_SKIP() << skip_reason();
    }
    Template data = Data(Label("private"), false, true);
    CK_OBJECT_HANDLE object = Create(data);
    Template query = ByLabel(Label("private"));
    EXPECT_EQ(Find(query).size(), 1u);
    ASSERT_TRUE(RvIsOneOf(fl()->C_Logout(session_), {CKR_OK}));
    EXPECT_TRUE(Find(query).empty()) << "a private object is invisible without a login";
    CK_ATTRIBUTE read = {CKA_CLASS, nullptr, 0};
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetAttributeValue(session_, object, &read, 1),
                          {CKR_OBJECT_HANDLE_INVALID, CKR_USER_NOT_LOGGED_IN}));
    Template again = Data(Label("private2"), false, true);
    CK_OBJECT_HANDLE refused = CK_INVALID_HANDLE;
    EXPECT_TRUE(RvIsOneOf(fl()->C_CreateObject(session_, again.data(), again.size(), &refused),
                          {CKR_USER_NOT_LOGGED_IN}))
        << "v2.40 §4.4: private objects only in user sessions";
}

TEST_F(Objects, SessionObjectsAreSharedUntilTheirSessionCloses)
{
    const CK_SESSION_HANDLE creator = session_;
    Template data = Data(Label("session object"));
    Create(data);
    ASSERT_TRUE(OpenSession());
    Template query = ByLabel(Label("session object"));
    EXPECT_EQ(Find(query).size(), 1u) << "visible to every session of the application";
    ASSERT_TRUE(RvIsOneOf(fl()->C_CloseSession(creator), {CKR_OK}));
    EXPECT_TRUE(Find(query).empty()) << "destroyed with the session that created it";
}

TEST_F(Objects, TokenDataObjectsSurviveFinalize)
{
    Template data = Data(Label("JITP Cert", true), true);
    CK_OBJECT_HANDLE object = Create(data);
    ASSERT_NE(object, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
    ASSERT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK}));
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(OpenSession());
    Template query = ByLabel(Label("JITP Cert", true));
    std::vector<CK_OBJECT_HANDLE> found = Find(query);
    ASSERT_EQ(found.size(), 1u);
    const std::string expected = "payload of " + Label("JITP Cert", true);
    EXPECT_EQ(Attribute(found[0], CKA_VALUE), ByteVector(expected.begin(), expected.end()));
    EXPECT_TRUE(RvIsOneOf(fl()->C_DestroyObject(session_, found[0]), {CKR_OK}));
}

} // namespace
} // namespace p11conf
