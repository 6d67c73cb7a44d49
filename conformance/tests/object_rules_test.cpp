// The storage attributes that forbid an action (v2.40 §4.4: CKA_COPYABLE,
// CKA_DESTROYABLE, CKA_MODIFIABLE), a template that gives one attribute two
// values (§4.1.1), a CKA_CHECK_VALUE that does not match the key (§4.10), and
// many token objects kept across C_Finalize / C_Initialize.
#include <functional>
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class ObjectRules : public KeyTest {
  protected:
    // A public session data object with `extra` added; the code of C_CreateObject.
    CK_RV CreateDataWith(Template &tmpl, CK_OBJECT_HANDLE *object)
    {
        tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false).Text(CKA_VALUE, "rules");
        return TryCreateObject(tmpl, "Data", object);
    }
};

P11_CASE(ObjectRules, CopyOfAnObjectWhoseCkaCopyableIsFalseIsActionProhibited, .group = "objects",
         .functions = "C_CreateObject C_CopyObject", .section = "v2.40 §5.7 C_CopyObject")
{
    Template tmpl;
    tmpl.Bool(CKA_COPYABLE, false);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    const CK_RV created = CreateDataWith(tmpl, &object);
    if (created == CKR_ATTRIBUTE_TYPE_INVALID) {
        GTEST_SKIP() << "not applicable: the token has no CKA_COPYABLE (a v2.40 addition)";
    }
    ASSERT_RV(created, CKR_OK);
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    const CK_RV rv = fl()->C_CopyObject(session_, object, nullptr, 0, &copy);
    if (rv == CKR_OK) {
        Keep(copy);
    }
    EXPECT_RV(rv, CKR_ACTION_PROHIBITED) << "§4.4 CKA_COPYABLE: \"If CK_FALSE, the object cannot be copied\"";
}

P11_CASE(ObjectRules, DestroyOfAnObjectWhoseCkaDestroyableIsFalseIsActionProhibited, .group = "objects",
         .functions = "C_CreateObject C_DestroyObject", .section = "v2.40 §5.7 C_DestroyObject")
{
    Template tmpl;
    tmpl.Bool(CKA_DESTROYABLE, false);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    const CK_RV created = CreateDataWith(tmpl, &object);
    if (created == CKR_ATTRIBUTE_TYPE_INVALID) {
        GTEST_SKIP() << "not applicable: the token has no CKA_DESTROYABLE (a v2.40 addition)";
    }
    ASSERT_RV(created, CKR_OK);
    EXPECT_RV(fl()->C_DestroyObject(session_, object), CKR_ACTION_PROHIBITED)
        << "§4.4 CKA_DESTROYABLE: \"If CK_FALSE, the object cannot be destroyed\"";
}

P11_CASE(ObjectRules, SetAttributeValueOfAnUnmodifiableObjectIsRefused, .group = "objects",
         .functions = "C_CreateObject C_CopyObject C_SetAttributeValue C_GetAttributeValue",
         .section = "v2.40 §5.7 C_SetAttributeValue")
{
    // CKA_MODIFIABLE false by the template of C_CreateObject, or else of a copy.
    Template tmpl;
    tmpl.Bool(CKA_MODIFIABLE, false);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    CK_RV created = CreateDataWith(tmpl, &object);
    if (created != CKR_OK) {
        Template plain;
        ASSERT_RV(CreateDataWith(plain, &object), CKR_OK);
        CK_BBOOL no = CK_FALSE;
        CK_ATTRIBUTE copy_template[] = {{CKA_MODIFIABLE, &no, sizeof(no)}};
        CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
        created = fl()->C_CopyObject(session_, object, copy_template, 1, &copy);
        if (created == CKR_ATTRIBUTE_TYPE_INVALID) {
            GTEST_SKIP() << "not applicable: the token has no CKA_MODIFIABLE";
        }
        ASSERT_RV(created, CKR_OK) << "C_CopyObject with CKA_MODIFIABLE false";
        object = Keep(copy);
    }
    std::string label = Label("Changed");
    CK_ATTRIBUTE set[] = {{CKA_LABEL, &label[0], label.size()}};
    EXPECT_RV(fl()->C_SetAttributeValue(session_, object, set, 1), CKR_ACTION_PROHIBITED, CKR_ATTRIBUTE_READ_ONLY)
        << "§4.4 CKA_MODIFIABLE: \"If CK_FALSE, the object is read-only\"";
    EXPECT_NE(Attribute(object, CKA_LABEL), ByteVector(label.begin(), label.end())) << "the label changed anyway";
}

P11_CASE(ObjectRules, TemplateGivingAnAttributeTwoValuesIsTemplateInconsistent, .group = "objects",
         .functions = "C_CreateObject", .section = "v2.40 §4.1.1 C_CreateObject")
{
    Template tmpl;
    tmpl.Text(CKA_LABEL, Label("One")).Text(CKA_LABEL, Label("Two"));
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    EXPECT_RV(CreateDataWith(tmpl, &object), CKR_TEMPLATE_INCONSISTENT)
        << "§4.1.1: attribute values \"inconsistent\" in the supplied template";
}

P11_CASE(ObjectRules, SecretKeyWithACheckValueThatDoesNotMatchIsAttributeValueInvalid, .group = "keys",
         .functions = "C_CreateObject", .mechanisms = "CKM_SHA256_HMAC", .section = "v2.40 §4.10 CKA_CHECK_VALUE")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    const ByteVector secret = HmacSecret();
    ByteVector wrong = ref::Sha1(secret);
    wrong.resize(3);
    wrong[2] ^= 0x01;
    Template tmpl = HmacTemplate(secret);
    tmpl.Bytes(CKA_CHECK_VALUE, wrong);
    EXPECT_RV(TryCreateObject(tmpl, "HMAC Key"), CKR_ATTRIBUTE_VALUE_INVALID)
        << "mechanisms v2.40 generic secret keys: CKA_CHECK_VALUE is the first three bytes of SHA-1(CKA_VALUE); "
           "§4.1.1 an invalid value for a valid attribute is CKR_ATTRIBUTE_VALUE_INVALID";
}

class ManyTokenObjects : public KeyTest {
  protected:
    // Creates `count` public token data objects ("<role> 0", ...), destroys
    // those `destroyed` picks, and after C_Finalize + C_Initialize finds
    // every other one with its value and none of the destroyed.
    void CreateDestroyAndFindAgain(const std::string &role, int count, const std::function<bool(int)> &destroyed,
                                   const std::string &which)
    {
        if (ActiveProfile().FixedLabelStore()) {
            GTEST_SKIP() << "not applicable: the store keeps token objects under its fixed labels only";
        }
        std::vector<CK_OBJECT_HANDLE> objects;
        for (int i = 0; i < count; ++i) {
            Template tmpl;
            tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false).Text(CKA_VALUE, "object " + std::to_string(i));
            tmpl.Bool(CKA_TOKEN, true).Text(CKA_LABEL, Label(role + " " + std::to_string(i), true));
            CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
            const CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &object);
            if (rv == CKR_DEVICE_MEMORY && i >= 20) {
                GTEST_SKIP() << "not applicable: the token holds " << i << " such objects (C_CreateObject answers "
                             << "CKR_DEVICE_MEMORY), fewer than this case needs";
            }
            ASSERT_RV(rv, CKR_OK) << "token object " << i;
            objects.push_back(Keep(object));
        }
        for (int i = 0; i < count; ++i) {
            if (destroyed(i)) {
                ASSERT_RV(fl()->C_DestroyObject(session_, objects[static_cast<size_t>(i)]), CKR_OK) << "object " << i;
            }
        }
        created_.clear();
        ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
        ASSERT_NO_FATAL_FAILURE(Initialize());
        ASSERT_TRUE(OpenSession());
        for (int i = 0; i < count; ++i) {
            Template query;
            query.Text(CKA_LABEL, Label(role + " " + std::to_string(i), true)).Ulong(CKA_CLASS, CKO_DATA);
            const std::vector<CK_OBJECT_HANDLE> found = KeepAll(Find(query));
            if (destroyed(i)) {
                EXPECT_TRUE(found.empty()) << "destroyed token object " << i << " came back";
                continue;
            }
            ASSERT_EQ(found.size(), 1u) << "token object " << i << " of " << count << " (" << which
                                        << " destroyed) was not found again after C_Finalize / C_Initialize";
            const std::string value = "object " + std::to_string(i);
            EXPECT_EQ(Attribute(found[0], CKA_VALUE), ByteVector(value.begin(), value.end())) << "object " << i;
        }
    }
};

P11_CASE(ManyTokenObjects, TwentyCreatedTenDestroyedTheRestFoundAfterReinitialize, .group = "objects",
         .functions = "C_Finalize C_CreateObject C_DestroyObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal "
                      "C_GetAttributeValue",
         .section = "v2.40 §4.4 CKA_TOKEN")
{
    CreateDestroyAndFindAgain("Object", 20, [](int i) { return i % 2 == 0; }, "every other one, the first included");
}

// Enough token objects to fill more than one of any store's pages or blocks
// (ours keeps 256 per index page), then the earlier ones destroyed: whatever
// a store frees or compacts, the later objects stay findable.
P11_CASE(ManyTokenObjects, ThreeHundredCreatedTheFirst256DestroyedTheRestFoundAfterReinitialize, .group = "objects",
         .functions = "C_Finalize C_CreateObject C_DestroyObject C_FindObjectsInit C_FindObjects C_FindObjectsFinal "
                      "C_GetAttributeValue",
         .section = "v2.40 §4.4 CKA_TOKEN")
{
    CreateDestroyAndFindAgain("Bulk", 300, [](int i) { return i < 256; }, "the first 256");
}

// v2.40 §4.6.3: CKA_VALUE of an X.509 certificate is its encoding; bytes
// that are no certificate are a value the token must not take (§5.1.6
// CKR_ATTRIBUTE_VALUE_INVALID), whether cut short, one byte longer, or no DER.
P11_CASE(ObjectRules, ACertificateValueThatIsNoCertificateIsAttributeValueInvalid, .group = "objects",
         .functions = "C_CreateObject", .section = "v2.40 §4.6.3 X.509 public key certificate objects")
{
    const Certificate cert = SelfSignedCertificate("p11conform malformed");
    ByteVector cut(cert.der.begin(), cert.der.end() - 1);
    ByteVector longer = cert.der;
    longer.push_back(0x00);
    const ByteVector not_der = {'n', 'o', 't', ' ', 'a', ' ', 'c', 'e', 'r', 't'};
    for (const ByteVector *value : std::vector<const ByteVector *>{&cut, &longer, &not_der}) {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_CERTIFICATE).Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509).Bool(CKA_TOKEN, false);
        tmpl.Bytes(CKA_SUBJECT, cert.subject).Bytes(CKA_VALUE, *value).Text(CKA_LABEL, Label("Device Cert"));
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &object);
        if (rv == CKR_OK) {
            Keep(object);
        }
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_ATTRIBUTE_VALUE_INVALID}))
            << "a CKA_VALUE of " << value->size() << " bytes that is no DER certificate";
    }
}

} // namespace
} // namespace p11conf
