/* Token objects through the PAL with a store that takes any label: records
 * under generated labels plus an index record, surviving restarts, damaged
 * records skipped, C_InitToken wiping them. */
#include <cstring>

#include "core_pkcs11_pal.h"
#include "object_test_support.h"
#include "test_certificate.h"
#include "wolfcrypt.h"

using namespace p11test;

namespace {
const char kSoPin[] = "87654321";
const char kIndex[] = "p11forge index";
const char kIndexCopy[] = "p11forge index copy";
} // namespace

class StorageTest : public UserSessionTest {
  protected:
    void RestartAndReopen()
    {
        Restart();
        Reopen();
    }
    CK_OBJECT_HANDLE FindOne(const std::string &label, CK_OBJECT_CLASS klass)
    {
        Tmpl t;
        t.Str(CKA_LABEL, label).Ulong(CKA_CLASS, klass);
        std::vector<CK_OBJECT_HANDLE> found = Find(h, t);
        EXPECT_EQ(1u, found.size()) << label;
        return found.empty() ? CK_INVALID_HANDLE : found[0];
    }
};

TEST_F(StorageTest, TokenObjectsSurviveFinalizeAndInitialize)
{
    CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", true));
    CreateOk(h, EcPublicTemplate("Device Pub TLS Key", true));
    CreateOk(h, RsaPrivateTemplate("Code Sign Key", true));
    CreateOk(h, RsaPublicTemplate("Code Verify Key", true));
    CreateOk(h, CertificateTemplate("Device Cert", true));
    CreateOk(h, DataTemplate("session only", false));
    RestartAndReopen();

    CK_OBJECT_HANDLE priv = FindOne("Device Priv TLS Key", CKO_PRIVATE_KEY);
    EXPECT_EQ(kP256Params, Get(h, priv, CKA_EC_PARAMS));
    CK_ATTRIBUTE value = {CKA_VALUE, nullptr, 0};
    EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, GetAttrs(h, priv, &value, 1));
    EXPECT_TRUE(GetBool(h, priv, CKA_TOKEN));
    CK_OBJECT_HANDLE pub = FindOne("Device Pub TLS Key", CKO_PUBLIC_KEY);
    EXPECT_EQ(DerPoint(32), Get(h, pub, CKA_EC_POINT));
    CK_OBJECT_HANDLE rsa = FindOne("Code Verify Key", CKO_PUBLIC_KEY);
    EXPECT_EQ(2048u, GetUlong(h, rsa, CKA_MODULUS_BITS));
    FindOne("Code Sign Key", CKO_PRIVATE_KEY);
    CK_OBJECT_HANDLE cert = FindOne("Device Cert", CKO_CERTIFICATE);
    EXPECT_EQ(ByteVec(kTestCertificate, kTestCertificate + kTestCertificateSize), Get(h, cert, CKA_VALUE));
    Tmpl session;
    session.Str(CKA_LABEL, "session only");
    EXPECT_TRUE(Find(h, session).empty());
}

TEST_F(StorageTest, RecordsUseGeneratedPalLabelsAndAnIndex)
{
    CreateOk(h, DataTemplate("Device Cert", true));
    EXPECT_FALSE(PalHas("Device Cert")); // never the user's CKA_LABEL
    EXPECT_TRUE(PalHas("p11forge obj 00000001"));
    EXPECT_TRUE(PalHas(kIndex));
}

TEST_F(StorageTest, TwoTokenObjectsMayShareALabel)
{
    CK_OBJECT_HANDLE a = CreateOk(h, DataTemplate("same", true));
    CK_OBJECT_HANDLE b = CreateOk(h, DataTemplate("same", true));
    EXPECT_NE(a, b);
    RestartAndReopen();
    Tmpl t;
    t.Str(CKA_LABEL, "same");
    EXPECT_EQ(2u, Find(h, t).size());
}

TEST_F(StorageTest, DestroyTokenObjectRemovesItFromStore)
{
    CK_OBJECT_HANDLE gone = CreateOk(h, DataTemplate("gone", true));
    CreateOk(h, DataTemplate("kept", true));
    ASSERT_TRUE(PalHas("p11forge obj 00000001"));
    ASSERT_EQ(CKR_OK, Destroy(h, gone));
    EXPECT_FALSE(PalHas("p11forge obj 00000001"));
    RestartAndReopen();
    Tmpl t;
    t.Str(CKA_LABEL, "gone");
    EXPECT_TRUE(Find(h, t).empty());
    FindOne("kept", CKO_DATA);
}

TEST_F(StorageTest, SetAttributeOfTokenObjectPersists)
{
    CK_OBJECT_HANDLE object = CreateOk(h, DataTemplate("before", true));
    Tmpl t;
    t.Str(CKA_LABEL, "after");
    ASSERT_EQ(CKR_OK, Set(h, object, t));
    RestartAndReopen();
    FindOne("after", CKO_DATA);
    Tmpl before;
    before.Str(CKA_LABEL, "before");
    EXPECT_TRUE(Find(h, before).empty());
}

TEST_F(StorageTest, CopyToTokenPersistsTheCopy)
{
    CK_OBJECT_HANDLE session = CreateOk(h, DataTemplate("orig", false));
    Tmpl t;
    t.Bool(CKA_TOKEN, true).Str(CKA_LABEL, "copied");
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    ASSERT_EQ(CKR_OK, Copy(h, session, t, &copy));
    RestartAndReopen();
    FindOne("copied", CKO_DATA);
}

TEST_F(StorageTest, DamagedObjectRecordIsSkippedOthersLoad)
{
    CreateOk(h, DataTemplate("damaged", true));
    CreateOk(h, DataTemplate("healthy", true));
    ByteVec record = PalRead("p11forge obj 00000001");
    ASSERT_FALSE(record.empty());
    record[record.size() / 2] ^= 0x01;
    PalWrite("p11forge obj 00000001", record);

    testing::internal::CaptureStderr();
    RestartAndReopen();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("p11forge obj 00000001")) << errors;
    FindOne("healthy", CKO_DATA);
    Tmpl t;
    t.Str(CKA_LABEL, "damaged");
    EXPECT_TRUE(Find(h, t).empty());
    // The store still works, and the damaged bytes stay for inspection.
    CreateOk(h, DataTemplate("new", true));
    EXPECT_EQ(record, PalRead("p11forge obj 00000001"));
}

TEST_F(StorageTest, NewerObjectRecordIsSkipped)
{
    CreateOk(h, DataTemplate("future", true));
    ByteVec record = PalRead("p11forge obj 00000001");
    ASSERT_GT(record.size(), 12u + 32u);
    record[11] = 3; // format version 3, checksum recomputed as a newer writer would
    ByteVec checksum(32);
    ASSERT_EQ(0, wc_Sha256Hash(record.data(), static_cast<word32>(record.size() - 32), checksum.data()));
    std::memcpy(record.data() + record.size() - 32, checksum.data(), 32);
    PalWrite("p11forge obj 00000001", record);

    testing::internal::CaptureStderr();
    RestartAndReopen();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("newer")) << errors;
    EXPECT_TRUE(Find(h, Tmpl()).empty());
}

TEST_F(StorageTest, DamagedIndexHeadIsReadFromItsCopy)
{
    CreateOk(h, DataTemplate("kept", true));
    ByteVec index = PalRead(kIndex);
    const ByteVec good = index;
    index[0] ^= 0xFF; // one flipped byte used to hide every object
    PalWrite(kIndex, index);

    testing::internal::CaptureStderr();
    RestartAndReopen();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("its copy is used")) << errors;
    EXPECT_EQ(1u, Find(h, Tmpl().Str(CKA_LABEL, "kept")).size());
    EXPECT_EQ(good, PalRead(kIndex)) << "the head is written again from its copy";
    CreateOk(h, DataTemplate("new", true));
    RestartAndReopen();
    EXPECT_EQ(2u, Find(h, Tmpl().Ulong(CKA_CLASS, CKO_DATA)).size());
}

TEST_F(StorageTest, MissingIndexHeadAndCopyLoseNothingAndOverwriteNothing)
{
    for (const char *label : {"one", "two", "three"}) {
        CreateOk(h, DataTemplate(label, true));
    }
    const ByteVec first = PalRead("p11forge obj 00000001");
    PalDestroy(kIndex);
    PalDestroy(kIndexCopy);

    testing::internal::CaptureStderr();
    RestartAndReopen();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("was not listed; taken in")) << errors;
    EXPECT_EQ(3u, Find(h, Tmpl().Ulong(CKA_CLASS, CKO_DATA)).size()) << "page 0 lists them";
    CreateOk(h, DataTemplate("four", true));
    EXPECT_EQ(first, PalRead("p11forge obj 00000001")) << "a stored record's number was handed out again";
    testing::internal::CaptureStderr();
    RestartAndReopen();
    errors = testing::internal::GetCapturedStderr();
    EXPECT_EQ("", errors) << "the head the first start repaired was stored";
    EXPECT_EQ(4u, Find(h, Tmpl().Ulong(CKA_CLASS, CKO_DATA)).size());
}

TEST_F(StorageTest, DamagedIndexAndCopyBlockTokenWritesUntilInitToken)
{
    CreateOk(h, DataTemplate("lost", true));
    ByteVec index = PalRead(kIndex);
    index[0] ^= 0xFF;
    PalWrite(kIndex, index);
    ByteVec copy = PalRead(kIndexCopy);
    copy[0] ^= 0xFF;
    PalWrite(kIndexCopy, copy);

    testing::internal::CaptureStderr();
    RestartAndReopen();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("index")) << errors;
    EXPECT_TRUE(Find(h, Tmpl()).empty());
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    Tmpl token = DataTemplate("t", true);
    EXPECT_EQ(CKR_DEVICE_ERROR, Create(h, token, &object));
    EXPECT_EQ(index, PalRead(kIndex)); // not overwritten
    Tmpl session = DataTemplate("s", false);
    EXPECT_EQ(CKR_OK, Create(h, session, &object));

    ASSERT_EQ(CKR_OK, Close(h));
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Fresh"));
    CK_SESSION_HANDLE so = Open(true);
    ASSERT_EQ(CKR_OK, Login(so, CKU_SO, kSoPin));
    EXPECT_EQ(CKR_OK, Create(so, token, &object));
}

TEST_F(StorageTest, InitTokenDestroysAllTokenObjects)
{
    CreateOk(h, DataTemplate("a", true));
    CreateOk(h, EcPrivateTemplate("b", true));
    ASSERT_TRUE(PalHas("p11forge obj 00000002"));
    ASSERT_EQ(CKR_OK, Close(h));
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Fresh"));
    EXPECT_FALSE(PalHas("p11forge obj 00000001"));
    EXPECT_FALSE(PalHas("p11forge obj 00000002"));
    CK_SESSION_HANDLE fresh = Open(false);
    EXPECT_TRUE(Find(fresh, Tmpl()).empty());
    Restart();
    fresh = Open(false);
    EXPECT_TRUE(Find(fresh, Tmpl()).empty());
}

TEST_F(StorageTest, MissingRecordIsReportedAndDropped)
{
    CK_OBJECT_HANDLE object = CreateOk(h, DataTemplate("vanishing", true));
    (void)object;
    CK_OBJECT_HANDLE pal =
        PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>("p11forge obj 00000001")), 21);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(pal));
    testing::internal::CaptureStderr();
    RestartAndReopen();
    std::string errors = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, errors.find("missing")) << errors;
    EXPECT_TRUE(Find(h, Tmpl()).empty());
}
