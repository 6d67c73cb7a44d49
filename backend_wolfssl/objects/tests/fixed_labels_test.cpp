/* A device store that takes only the labels the profile lists
 * (profile_fixed_labels.cpp: "Device Priv TLS Key", "Device Pub TLS Key",
 * "Device Cert"; at most 4 objects): token objects are stored under their
 * CKA_LABEL and found at C_Initialize by probing those labels. */
#include "object_test_support.h"
#include "objects/attribute_rules.h"
#include "objects/object_store.h"

using namespace p11test;

namespace {
const char kSoPin[] = "87654321";
} // namespace

class FixedLabelTest : public UserSessionTest {
  protected:
    CK_RV CreateRv(Tmpl t)
    {
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        return Create(h, t, &object);
    }

    // Both templates stored in one call, as C_GenerateKeyPair stores a pair.
    CK_RV AddPair(Tmpl first, Tmpl second)
    {
        std::vector<p11::AttributeSet> pair(2);
        Tmpl *templates[2] = {&first, &second};
        for (int i = 0; i < 2; ++i) {
            CK_RV rv = p11::build_object(templates[i]->data(), templates[i]->size(), p11::ObjectOrigin::create,
                                         p11::kNotImplied, p11::kNotImplied, &pair[i]);
            if (rv != CKR_OK) {
                return rv;
            }
        }
        CK_OBJECT_HANDLE handles[2] = {};
        return With(h, [&](p11_session *s) { return p11::object_store_add(s, pair, handles); });
    }
};

TEST_F(FixedLabelTest, FixedLabelProfileRejectsOtherLabels)
{
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(EcPrivateTemplate("My Key", true)));
    EXPECT_FALSE(PalHas("My Key"));
    // Session objects never reach the PAL, so any label will do.
    EXPECT_EQ(CKR_OK, CreateRv(EcPrivateTemplate("My Key", false)));
}

TEST_F(FixedLabelTest, FixedLabelProfileFindsObjectsByProbing)
{
    CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", true));
    CreateOk(h, CertificateTemplate("Device Cert", true));
    EXPECT_TRUE(PalHas("Device Priv TLS Key"));
    EXPECT_TRUE(PalHas("Device Cert"));
    EXPECT_FALSE(PalHas("p11forge index"));
    Restart();
    Reopen();
    Tmpl key;
    key.Str(CKA_LABEL, "Device Priv TLS Key").Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    std::vector<CK_OBJECT_HANDLE> found = Find(h, key);
    ASSERT_EQ(1u, found.size());
    EXPECT_EQ(kP256Params, Get(h, found[0], CKA_EC_PARAMS));
    Tmpl cert;
    cert.Str(CKA_LABEL, "Device Cert").Ulong(CKA_CLASS, CKO_CERTIFICATE);
    EXPECT_EQ(1u, Find(h, cert).size());
    EXPECT_EQ(2u, Find(h, Tmpl()).size());
}

// corePKCS11's PAL_SaveObject overwrites a label, and FreeRTOS's own tests
// create a key under a label that already holds one: the store replaces it.
TEST_F(FixedLabelTest, CreateUnderATakenLabelReplacesTheObject)
{
    CK_OBJECT_HANDLE first = CreateOk(h, DataTemplate("Device Cert", true));
    Tmpl second;
    second.Ulong(CKA_CLASS, CKO_DATA).Str(CKA_LABEL, "Device Cert").Bool(CKA_TOKEN, true).Str(CKA_VALUE, "second");
    CK_OBJECT_HANDLE replacement = CreateOk(h, second);
    EXPECT_NE(first, replacement);
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Destroy(h, first)) << "the replaced object is gone";
    std::vector<CK_OBJECT_HANDLE> all = Find(h, Tmpl());
    ASSERT_EQ(1u, all.size());
    EXPECT_EQ(ByteVec({'s', 'e', 'c', 'o', 'n', 'd'}), Get(h, all[0], CKA_VALUE));
    Restart();
    Reopen();
    all = Find(h, Tmpl());
    ASSERT_EQ(1u, all.size());
    EXPECT_EQ(ByteVec({'s', 'e', 'c', 'o', 'n', 'd'}), Get(h, all[0], CKA_VALUE));
}

TEST_F(FixedLabelTest, CreateCannotReplaceAPrivateKeyWithoutTheUserLoggedIn)
{
    CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", true));
    ASSERT_EQ(CKR_OK, Logout(h));
    Tmpl overwrite;
    overwrite.Ulong(CKA_CLASS, CKO_DATA).Str(CKA_LABEL, "Device Priv TLS Key").Bool(CKA_TOKEN, true);
    overwrite.Bool(CKA_PRIVATE, false).Str(CKA_VALUE, "not a key");
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(overwrite));
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
    Tmpl key;
    key.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Str(CKA_LABEL, "Device Priv TLS Key");
    EXPECT_EQ(1u, Find(h, key).size()) << "the key is still there";
}

TEST_F(FixedLabelTest, CreateCannotReplaceAnObjectThatCannotBeDestroyed)
{
    Tmpl kept = DataTemplate("Device Cert", true);
    kept.Bool(CKA_DESTROYABLE, false);
    CreateOk(h, kept);
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(DataTemplate("Device Cert", true)));
    EXPECT_EQ(1u, Find(h, Tmpl()).size());
}

TEST_F(FixedLabelTest, OneCreateCannotNameALabelTwice)
{
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID,
              AddPair(EcPublicTemplate("Device Pub TLS Key", true), EcPublicTemplate("Device Pub TLS Key", true)));
    EXPECT_TRUE(Find(h, Tmpl()).empty());
}

TEST_F(FixedLabelTest, KeyPairWithAnUnlistedLabelLeavesNoHalf)
{
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID,
              AddPair(EcPublicTemplate("Device Pub TLS Key", true), EcPrivateTemplate("Not Listed", true)));
    EXPECT_FALSE(PalHas("Device Pub TLS Key"));
    EXPECT_TRUE(Find(h, Tmpl()).empty());
}

TEST_F(FixedLabelTest, TokenObjectLabelCannotChange)
{
    CK_OBJECT_HANDLE cert = CreateOk(h, CertificateTemplate("Device Cert", true));
    Tmpl t;
    t.Str(CKA_LABEL, "Device Pub TLS Key");
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, cert, t));
    Tmpl id;
    id.Str(CKA_ID, "1");
    EXPECT_EQ(CKR_OK, Set(h, cert, id)); // other attributes still change
}

TEST_F(FixedLabelTest, DestroyRemovesTheLabelsRecord)
{
    CK_OBJECT_HANDLE cert = CreateOk(h, CertificateTemplate("Device Cert", true));
    ASSERT_EQ(CKR_OK, Destroy(h, cert));
    EXPECT_FALSE(PalHas("Device Cert"));
    EXPECT_EQ(CKR_OK, CreateRv(CertificateTemplate("Device Cert", true))); // the label is free again
}

TEST_F(FixedLabelTest, MaxObjectsIsDeviceMemory)
{
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(CKR_OK, CreateRv(DataTemplate("session", false)));
    }
    EXPECT_EQ(CKR_DEVICE_MEMORY, CreateRv(DataTemplate("one too many", false)));
    EXPECT_EQ(4u, Find(h, Tmpl()).size());
}

TEST_F(FixedLabelTest, DamagedRecordUnderAListedLabelIsSkipped)
{
    CreateOk(h, CertificateTemplate("Device Cert", true));
    CreateOk(h, EcPublicTemplate("Device Pub TLS Key", true));
    ByteVec record = PalRead("Device Cert");
    record.resize(record.size() - 1);
    PalWrite("Device Cert", record);
    testing::internal::CaptureStderr();
    Restart();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("Device Cert")) << errors;
    Reopen();
    std::vector<CK_OBJECT_HANDLE> all = Find(h, Tmpl());
    ASSERT_EQ(1u, all.size());
    EXPECT_EQ(CKO_PUBLIC_KEY, GetUlong(h, all[0], CKA_CLASS));
    // The slot holds damaged bytes: it stays taken until C_InitToken.
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(CertificateTemplate("Device Cert", true)));
}

TEST_F(FixedLabelTest, InitTokenClearsEveryListedLabel)
{
    CreateOk(h, CertificateTemplate("Device Cert", true));
    CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", true));
    ASSERT_EQ(CKR_OK, Close(h));
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Fresh"));
    EXPECT_FALSE(PalHas("Device Cert"));
    EXPECT_FALSE(PalHas("Device Priv TLS Key"));
    Restart();
    CK_SESSION_HANDLE fresh = Open(false);
    EXPECT_TRUE(Find(fresh, Tmpl()).empty());
}
