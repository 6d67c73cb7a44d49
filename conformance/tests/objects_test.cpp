// Object management (v2.40 §5.7): creating, copying, finding, reading,
// sizing, destroying, and what a read-only session may do. Searches match
// every attribute of the template exactly (the label whole, the class too)
// and end (FreeRTOS's reference matched a label prefix, ignored the class and
// never ended). A copy takes the template's changes to what can ordinarily be
// modified, and nothing else.
#include <algorithm>
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class Objects : public WithSession<KeyTest> {
  protected:
    Template DataTemplate(const std::string &payload)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false).Text(CKA_VALUE, payload);
        return tmpl;
    }

    // A public data object with exactly `label` (no test name appended).
    CK_OBJECT_HANDLE CreateDataLabelled(const std::string &label, bool token = false)
    {
        Template tmpl = DataTemplate("payload of " + label);
        tmpl.Bool(CKA_TOKEN, token).Text(CKA_LABEL, label);
        return Keep(Create(tmpl));
    }

    CK_OBJECT_HANDLE CreateData(const std::string &role, bool token = false)
    {
        return CreateDataLabelled(Label(role, token), token);
    }

    std::vector<CK_OBJECT_HANDLE> FindByLabel(const std::string &label)
    {
        Template query;
        query.Text(CKA_LABEL, label);
        return Find(query);
    }

    std::vector<CK_OBJECT_HANDLE> FindByLabelAndClass(const std::string &label, CK_OBJECT_CLASS klass)
    {
        Template query;
        query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, klass);
        return Find(query);
    }

    CK_RV FindNext(CK_ULONG *count)
    {
        CK_OBJECT_HANDLE handles[4];
        *count = 99;
        return fl()->C_FindObjects(session_, handles, 4, count);
    }

    // C_CopyObject on session_; a copy it makes is kept for cleanup. An
    // empty template is passed as a valid pointer and a count of 0 (a NULL
    // pTemplate may be CKR_ARGUMENTS_BAD).
    CK_RV Copy(CK_OBJECT_HANDLE object, Template &tmpl, CK_OBJECT_HANDLE *copy)
    {
        *copy = CK_INVALID_HANDLE;
        CK_ATTRIBUTE unused = {CKA_LABEL, nullptr, 0};
        CK_ATTRIBUTE *attributes = tmpl.size() == 0 ? &unused : tmpl.data();
        const CK_RV rv = fl()->C_CopyObject(session_, object, attributes, tmpl.size(), copy);
        if (rv == CKR_OK) {
            Keep(*copy);
        }
        return rv;
    }

    // The handle of a data object that was created and destroyed again.
    CK_OBJECT_HANDLE DestroyedObject()
    {
        Template tmpl = DataTemplate("destroyed");
        tmpl.Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label("destroyed"));
        const CK_OBJECT_HANDLE object = Create(tmpl);
        if (object != CK_INVALID_HANDLE) {
            EXPECT_RV(fl()->C_DestroyObject(session_, object), CKR_OK);
        }
        return object;
    }
};

P11_CASE(Objects, CreatedDataObjectIsFoundByLabelAndClass, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_CreateObject",
         .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const CK_OBJECT_HANDLE object = CreateData("data");
    ASSERT_NE(object, CK_INVALID_HANDLE);
    const std::vector<CK_OBJECT_HANDLE> found = FindByLabelAndClass(Label("data"), CKO_DATA);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], object);
}

P11_CASE(Objects, FindFiltersByClass, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_CreateObject",
         .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const std::string label = Label("Device Cert");
    const CK_OBJECT_HANDLE data = CreateDataLabelled(label);
    const Certificate cert = SelfSignedCertificate("p11conform find");
    Template cert_tmpl = CertificateTemplate(cert);
    const CK_OBJECT_HANDLE certificate = CreateObject(cert_tmpl, "Device Cert", false);
    Template key_tmpl = EcPublicTemplate(ref::GenerateEcKey("P-256"));
    const CK_OBJECT_HANDLE key = CreateObject(key_tmpl, "Device Cert", false);
    ASSERT_TRUE(data != CK_INVALID_HANDLE && certificate != CK_INVALID_HANDLE && key != CK_INVALID_HANDLE);
    EXPECT_EQ(FindByLabel(label).size(), 3u) << "three objects share the label";
    EXPECT_EQ(FindByLabelAndClass(label, CKO_DATA), std::vector<CK_OBJECT_HANDLE>{data});
    EXPECT_EQ(FindByLabelAndClass(label, CKO_CERTIFICATE), std::vector<CK_OBJECT_HANDLE>{certificate});
    EXPECT_EQ(FindByLabelAndClass(label, CKO_PUBLIC_KEY), std::vector<CK_OBJECT_HANDLE>{key});
    EXPECT_TRUE(FindByLabelAndClass(label, CKO_PRIVATE_KEY).empty());
}

P11_CASE(Objects, FindMatchesTheWholeLabelOnly, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_CreateObject",
         .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const std::string label = Label("Device Cert");
    const CK_OBJECT_HANDLE exact = CreateDataLabelled(label);
    const CK_OBJECT_HANDLE longer = CreateDataLabelled(label + " 2");
    ASSERT_TRUE(exact != CK_INVALID_HANDLE && longer != CK_INVALID_HANDLE);
    EXPECT_EQ(FindByLabel(label), std::vector<CK_OBJECT_HANDLE>{exact}) << "\"" << label << " 2\" does not match";
    EXPECT_EQ(FindByLabel(label + " 2"), std::vector<CK_OBJECT_HANDLE>{longer});
    EXPECT_TRUE(FindByLabel(label.substr(0, label.size() - 1)).empty()) << "a label prefix matches nothing";
    EXPECT_TRUE(FindByLabel(label + " 22").empty()) << "a longer label matches nothing";
}

P11_CASE(Objects, FindReturnsEveryMatchInBatchesThenZero, .group = "objects",
         .functions = "C_FindObjects C_FindObjectsInit C_FindObjectsFinal C_CreateObject",
         .section = "v2.40 §5.7 C_FindObjects")
{
    for (int i = 0; i < 5; ++i) {
        ASSERT_NE(CreateData("batch"), CK_INVALID_HANDLE);
    }
    Template query;
    query.Text(CKA_LABEL, Label("batch"));
    ASSERT_RV(fl()->C_FindObjectsInit(session_, query.data(), query.size()), CKR_OK);
    std::vector<CK_ULONG> batches;
    for (int guard = 0; guard < 10; ++guard) {
        CK_OBJECT_HANDLE handles[2];
        CK_ULONG count = 99;
        ASSERT_RV(fl()->C_FindObjects(session_, handles, 2, &count), CKR_OK);
        batches.push_back(count);
        if (count == 0) {
            break;
        }
    }
    EXPECT_EQ(batches, (std::vector<CK_ULONG>{2, 2, 1, 0})) << "at most ulMaxObjectCount at a time, then 0";
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
}

P11_CASE(Objects, FindKeepsReturningZeroAfterTheLastObject, .group = "objects",
         .functions = "C_FindObjects C_FindObjectsInit C_FindObjectsFinal C_CreateObject",
         .section = "v2.40 §5.7 C_FindObjects")
{
    ASSERT_NE(CreateData("last"), CK_INVALID_HANDLE);
    Template query;
    query.Text(CKA_LABEL, Label("last"));
    ASSERT_RV(fl()->C_FindObjectsInit(session_, query.data(), query.size()), CKR_OK);
    CK_ULONG count = 0;
    ASSERT_RV(FindNext(&count), CKR_OK);
    EXPECT_EQ(count, 1u);
    for (int call = 0; call < 3; ++call) {
        ASSERT_RV(FindNext(&count), CKR_OK);
        EXPECT_EQ(count, 0u) << "call " << call << " after the last object: the search has ended";
    }
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
}

P11_CASE(Objects, FindObjectsWithoutInitIsOperationNotInitialized, .group = "objects",
         .functions = "C_FindObjects C_FindObjectsFinal", .section = "v2.40 §5.7 C_FindObjects")
{
    CK_ULONG count = 0;
    EXPECT_RV(FindNext(&count), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OPERATION_NOT_INITIALIZED) << "v2.40 §5.7 C_FindObjectsFinal";
}

P11_CASE(Objects, SecondFindObjectsInitIsOperationActive, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjectsFinal", .section = "v2.40 §5.7 C_FindObjectsInit")
{
    ASSERT_RV(fl()->C_FindObjectsInit(session_, nullptr, 0), CKR_OK);
    EXPECT_RV(fl()->C_FindObjectsInit(session_, nullptr, 0), CKR_OPERATION_ACTIVE);
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
}

P11_CASE(Objects, FindObjectsAfterFinalIsOperationNotInitialized, .group = "objects",
         .functions = "C_FindObjectsFinal C_FindObjectsInit C_FindObjects", .section = "v2.40 §5.7 C_FindObjectsFinal")
{
    ASSERT_RV(fl()->C_FindObjectsInit(session_, nullptr, 0), CKR_OK);
    ASSERT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
    CK_ULONG count = 0;
    EXPECT_RV(FindNext(&count), CKR_OPERATION_NOT_INITIALIZED) << "C_FindObjectsFinal ends the search";
}

// v2.40 §5.7: C_FindObjects continues "a search for token and session
// objects that match a template". An object that matched when the search
// began and still matches, changed meanwhile in an attribute the template
// does not name, is one of them.
P11_CASE(Objects, ObjectChangedDuringASearchIsStillFound, .group = "objects",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_SetAttributeValue C_CreateObject",
         .section = "v2.40 §5.7 C_FindObjects")
{
    const CK_OBJECT_HANDLE object = CreateData("data");
    ASSERT_NE(object, CK_INVALID_HANDLE);
    const std::string label = Label("data");
    Template query;
    query.Text(CKA_LABEL, label);
    ASSERT_RV(fl()->C_FindObjectsInit(session_, query.data(), query.size()), CKR_OK);
    std::string application = "changed during the search";
    CK_ATTRIBUTE change = {CKA_APPLICATION, &application[0], application.size()};
    ASSERT_RV(fl()->C_SetAttributeValue(session_, object, &change, 1), CKR_OK) << "CKA_APPLICATION of a data object";
    CK_OBJECT_HANDLE found[4] = {};
    CK_ULONG count = 0;
    EXPECT_RV(fl()->C_FindObjects(session_, found, 4, &count), CKR_OK);
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
    ASSERT_EQ(count, 1u) << "the object labelled " << label << " matched when C_FindObjectsInit ran and still matches";
    EXPECT_EQ(found[0], object);
}

P11_CASE(Objects, GetAttributeValueGivesSizesValuesAndPerAttributeErrors, .group = "objects",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const CK_OBJECT_HANDLE object = CreateData("attrs");
    ASSERT_NE(object, CK_INVALID_HANDLE);
    CK_OBJECT_CLASS klass = 0xFFFF;
    unsigned char small[2] = {0x5A, 0x5A};
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &klass, sizeof(klass)},
        {CKA_LABEL, nullptr, 0},           // size query
        {CKA_MODULUS, nullptr, 0},         // not an attribute of a data object
        {CKA_VALUE, small, sizeof(small)}, // too small
    };
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, tmpl, 4), CKR_ATTRIBUTE_TYPE_INVALID, CKR_BUFFER_TOO_SMALL)
        << "v2.40 §5.7.5: either code may be returned";
    EXPECT_EQ(klass, static_cast<CK_OBJECT_CLASS>(CKO_DATA)) << "every attribute is processed";
    EXPECT_EQ(tmpl[1].ulValueLen, Label("attrs").size());
    EXPECT_EQ(tmpl[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    EXPECT_EQ(tmpl[3].ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

P11_CASE(Objects, DestroyedObjectIsGone, .group = "objects",
         .functions = "C_DestroyObject C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal "
                      "C_GetAttributeValue",
         .section = "v2.40 §5.7 C_DestroyObject")
{
    const CK_OBJECT_HANDLE object = CreateData("gone");
    ASSERT_NE(object, CK_INVALID_HANDLE);
    ASSERT_RV(fl()->C_DestroyObject(session_, object), CKR_OK);
    EXPECT_TRUE(FindByLabel(Label("gone")).empty());
    CK_ATTRIBUTE read = {CKA_CLASS, nullptr, 0};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &read, 1), CKR_OBJECT_HANDLE_INVALID);
    EXPECT_RV(fl()->C_DestroyObject(session_, object), CKR_OBJECT_HANDLE_INVALID);
}

P11_CASE(Objects, ReadOnlySessionCannotCreateTokenObjects, .group = "objects", .functions = "C_CreateObject",
         .section = "v2.40 §5.7 C_CreateObject")
{
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    Template tmpl = DataTemplate("refused");
    tmpl.Bool(CKA_TOKEN, true).Text(CKA_LABEL, Label("Root Cert", true));
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    const CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &object);
    if (rv == CKR_OK) {
        Keep(object);
    }
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_SESSION_READ_ONLY})) << "only session objects in a read-only session";
}

P11_CASE(Objects, ReadOnlySessionCanCreateSessionObjects, .group = "objects", .functions = "C_CreateObject",
         .section = "v2.40 §5.7 C_CreateObject")
{
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    Template tmpl = DataTemplate("allowed");
    tmpl.Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label("session object"));
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    EXPECT_RV(fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &object), CKR_OK);
    Keep(object);
}

P11_CASE(Objects, ReadOnlySessionCannotDestroyTokenObjects, .group = "objects",
         .functions = "C_DestroyObject C_CreateObject C_GetAttributeValue", .section = "v2.40 §5.7 C_DestroyObject")
{
    const CK_OBJECT_HANDLE object = CreateData("Root Cert", true);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    EXPECT_RV(fl()->C_DestroyObject(session_, object), CKR_SESSION_READ_ONLY)
        << "only session objects can be destroyed in a read-only session";
    CK_ATTRIBUTE read = {CKA_CLASS, nullptr, 0};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &read, 1), CKR_OK) << "the token object is still there";
}

P11_CASE(Objects, SessionObjectsAreSharedUntilTheirSessionCloses, .group = "objects",
         .functions = "C_CloseSession C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.6 C_CloseSession")
{
    const CK_SESSION_HANDLE creator = session_;
    ASSERT_NE(CreateData("session object"), CK_INVALID_HANDLE);
    created_.clear(); // destroyed with its session
    ASSERT_TRUE(OpenSession());
    EXPECT_EQ(FindByLabel(Label("session object")).size(), 1u) << "visible to every session of the application";
    ASSERT_RV(fl()->C_CloseSession(creator), CKR_OK);
    EXPECT_TRUE(FindByLabel(Label("session object")).empty()) << "destroyed with the session that created it";
}

P11_CASE(Objects, ObjectsSharingALabelAreFoundUntilEachIsDestroyed, .group = "objects",
         .functions = "C_CreateObject C_DestroyObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const std::string label = Label("shared");
    std::vector<CK_OBJECT_HANDLE> objects;
    for (int i = 0; i < 3; ++i) {
        objects.push_back(CreateDataLabelled(label));
        ASSERT_NE(objects.back(), CK_INVALID_HANDLE);
    }
    EXPECT_EQ(FindByLabel(label).size(), 3u);
    ASSERT_RV(fl()->C_DestroyObject(session_, objects[1]), CKR_OK);
    std::vector<CK_OBJECT_HANDLE> found = FindByLabel(label);
    std::sort(found.begin(), found.end());
    std::vector<CK_OBJECT_HANDLE> left = {objects[0], objects[2]};
    std::sort(left.begin(), left.end());
    EXPECT_EQ(found, left) << "three objects with one label, the middle one destroyed";
}

P11_CASE(Objects, HandleOfAnObjectOfAClosedSessionIsObjectHandleInvalid, .group = "objects",
         .functions = "C_CloseSession C_CreateObject C_GetAttributeValue", .section = "v2.40 §5.6 C_CloseSession")
{
    const CK_SESSION_HANDLE creator = session_;
    const CK_OBJECT_HANDLE object = CreateData("session object");
    ASSERT_NE(object, CK_INVALID_HANDLE);
    created_.clear(); // destroyed with its session
    ASSERT_TRUE(OpenSession());
    ASSERT_RV(fl()->C_CloseSession(creator), CKR_OK);
    CK_OBJECT_CLASS klass = 0;
    CK_ATTRIBUTE read = {CKA_CLASS, &klass, sizeof(klass)};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &read, 1), CKR_OBJECT_HANDLE_INVALID)
        << "§5.6 C_CloseSession: \"all session objects created by the session are destroyed\"; its handle "
           "reaches nothing from another session";
}

P11_CASE(Objects, FindByCkaTokenAloneSeparatesTokenAndSessionObjects, .group = "objects",
         .functions = "C_CreateObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal",
         .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const CK_OBJECT_HANDLE session_object = CreateData("Session Cert", false);
    const CK_OBJECT_HANDLE token_object = CreateData("JITP Cert", true);
    ASSERT_NE(session_object, CK_INVALID_HANDLE);
    ASSERT_NE(token_object, CK_INVALID_HANDLE);
    for (bool token : {true, false}) {
        Template query;
        query.Bool(CKA_TOKEN, token); // no label, class or id: every object is a candidate
        const std::vector<CK_OBJECT_HANDLE> found = Find(query);
        const CK_OBJECT_HANDLE wanted = token ? token_object : session_object;
        const CK_OBJECT_HANDLE other = token ? session_object : token_object;
        EXPECT_NE(std::find(found.begin(), found.end(), wanted), found.end())
            << "{CKA_TOKEN " << (token ? "true" : "false") << "} misses the " << (token ? "token" : "session")
            << " object";
        EXPECT_EQ(std::find(found.begin(), found.end(), other), found.end())
            << "{CKA_TOKEN " << (token ? "true" : "false") << "} finds the " << (token ? "session" : "token")
            << " object: \"objects that match the template\" only (§5.7)";
    }
}

P11_CASE(Objects, CopyOfADataObjectHasItsAttributesAndANewHandle, .group = "objects",
         .functions = "C_CopyObject C_CreateObject C_GetAttributeValue", .section = "v2.40 §5.7 C_CopyObject")
{
    Template tmpl = DataTemplate("payload to copy");
    tmpl.Text(CKA_APPLICATION, "p11conform").Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label("original"));
    const CK_OBJECT_HANDLE original = Keep(Create(tmpl));
    ASSERT_NE(original, CK_INVALID_HANDLE);
    Template nothing;
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    ASSERT_RV(Copy(original, nothing, &copy), CKR_OK) << "an empty template copies the object as it is";
    EXPECT_NE(copy, CK_INVALID_HANDLE);
    EXPECT_NE(copy, original) << "the copy is a new object with its own handle";
    const CK_ATTRIBUTE_TYPE types[] = {CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_LABEL, CKA_APPLICATION, CKA_VALUE};
    const char *const names[] = {"CKA_CLASS", "CKA_TOKEN", "CKA_PRIVATE", "CKA_LABEL", "CKA_APPLICATION", "CKA_VALUE"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); ++i) {
        EXPECT_EQ(Attribute(copy, types[i]), Attribute(original, types[i])) << names[i] << " of the copy";
    }
}

P11_CASE(Objects, CopyTemplateChangesTheLabelOfTheCopyOnly, .group = "objects",
         .functions = "C_CopyObject C_CreateObject C_GetAttributeValue", .section = "v2.40 §5.7 C_CopyObject")
{
    const CK_OBJECT_HANDLE original = CreateData("original");
    ASSERT_NE(original, CK_INVALID_HANDLE);
    Template relabel;
    relabel.Text(CKA_LABEL, Label("copy"));
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    ASSERT_RV(Copy(original, relabel, &copy), CKR_OK) << "CKA_LABEL can be modified (v2.40 §4.4)";
    const std::string original_label = Label("original"), copy_label = Label("copy");
    EXPECT_EQ(Attribute(copy, CKA_LABEL), ByteVector(copy_label.begin(), copy_label.end()))
        << "the copy takes the template's label";
    EXPECT_EQ(Attribute(original, CKA_LABEL), ByteVector(original_label.begin(), original_label.end()))
        << "the original keeps its label";
    EXPECT_EQ(Attribute(copy, CKA_VALUE), Attribute(original, CKA_VALUE)) << "and the copy the rest";
}

P11_CASE(Objects, ReadOnlySessionCannotCopyToATokenObject, .group = "objects",
         .functions = "C_CopyObject C_CreateObject", .section = "v2.40 §5.7 C_CopyObject")
{
    const CK_OBJECT_HANDLE original = CreateData("session object");
    ASSERT_NE(original, CK_INVALID_HANDLE);
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    Template to_token;
    to_token.Bool(CKA_TOKEN, true).Text(CKA_LABEL, Label("Root Cert", true));
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    EXPECT_RV(Copy(original, to_token, &copy), CKR_SESSION_READ_ONLY)
        << "the template may make the copy a token object, but \"only session objects can be created during a "
           "read-only session\"";
}

P11_CASE(Objects, CopyCannotTurnSensitiveOff, .group = "objects", .functions = "C_CopyObject C_CreateObject",
         .section = "v2.40 §5.7 C_CopyObject")
{
    P11_SKIP_UNLESS(LoginUser());
    Template tmpl = EcPrivateTemplate(ref::GenerateEcKey("P-256"));
    tmpl.Bool(CKA_SENSITIVE, true);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Device Priv TLS Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    Template revealing;
    revealing.Bool(CKA_SENSITIVE, false);
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    EXPECT_RV(Copy(key, revealing, &copy), CKR_ATTRIBUTE_READ_ONLY)
        << "v2.40 §4.9: CKA_SENSITIVE \"cannot be changed once set to CK_TRUE\"; a copy may only change "
           "attributes that can ordinarily be modified";
}

P11_CASE(Objects, CopyOfADestroyedObjectIsObjectHandleInvalid, .group = "objects",
         .functions = "C_CopyObject C_CreateObject C_DestroyObject", .section = "v2.40 §5.7 C_CopyObject")
{
    const CK_OBJECT_HANDLE gone = DestroyedObject();
    ASSERT_NE(gone, CK_INVALID_HANDLE);
    Template nothing;
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    EXPECT_RV(Copy(gone, nothing, &copy), CKR_OBJECT_HANDLE_INVALID);
}

P11_CASE(Objects, ObjectSizeOfADataObjectIsGiven, .group = "objects", .functions = "C_GetObjectSize C_CreateObject",
         .section = "v2.40 §5.7 C_GetObjectSize")
{
    const CK_OBJECT_HANDLE object = CreateData("sized");
    ASSERT_NE(object, CK_INVALID_HANDLE);
    CK_ULONG size = 0;
    ASSERT_RV(fl()->C_GetObjectSize(session_, object, &size), CKR_OK);
    EXPECT_NE(size, 0u) << "an object with a label and a value has a size in bytes (or CK_UNAVAILABLE_INFORMATION)";
}

P11_CASE(Objects, ObjectSizeOfADestroyedObjectIsObjectHandleInvalid, .group = "objects",
         .functions = "C_GetObjectSize C_CreateObject C_DestroyObject", .section = "v2.40 §5.7 C_GetObjectSize")
{
    const CK_OBJECT_HANDLE gone = DestroyedObject();
    ASSERT_NE(gone, CK_INVALID_HANDLE);
    CK_ULONG size = 0;
    EXPECT_RV(fl()->C_GetObjectSize(session_, gone, &size), CKR_OBJECT_HANDLE_INVALID);
}

} // namespace
} // namespace p11conf
