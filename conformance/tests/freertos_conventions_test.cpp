// What clients written against FreeRTOS's corePKCS11 rely on: a create under
// a label a fixed-label store already holds replaces that object (its
// PAL_SaveObject overwrites the label), and corePKCS11's departures from
// v2.40 a profile may declare (`deviations`): each case checks the behaviour
// the profile declares, v2.40's when it declares nothing. (The other
// declared deviation, sign_length_query_ends_operation, is checked by
// Signing.SignLengthQueryKeepsTheOperation.)
#include <cstring>

#include "key_fixture.h"

using namespace p11conf;

namespace {

// FIPS 180-2 B.1: SHA-256("abc").
const ByteVector kAbcSha256 = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                               0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                               0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};

} // namespace

class DeclaredDigest : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
        P11_SKIP_UNLESS(MechanismOffers(CKM_SHA256, CKF_DIGEST) && OpenSession());
    }
};

// FreeRTOS's digest test passes a CK_MECHANISM whose pParameter and
// ulParameterLen are left uninitialized: here, eight bytes of junk.
P11_CASE(DeclaredDigest, ParameterOnSha256IsRefusedUnlessTheProfileDeclaresItIgnored, .group = "digest",
         .functions = "C_DigestInit C_Digest", .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_DigestInit")
{
    unsigned char junk[8];
    std::memset(junk, 0xA5, sizeof junk);
    CK_MECHANISM mechanism = {CKM_SHA256, junk, sizeof junk};
    const CK_RV rv = fl()->C_DigestInit(session_, &mechanism);
    unsigned char abc[] = {'a', 'b', 'c'};
    ByteVector digest(32);
    CK_ULONG length = digest.size();
    if (ActiveProfile().Declares("digest_ignores_parameters")) {
        ASSERT_RV(rv, CKR_OK) << "the profile declares digest_ignores_parameters";
        ASSERT_RV(fl()->C_Digest(session_, abc, sizeof abc, digest.data(), &length), CKR_OK);
        EXPECT_EQ(digest, kAbcSha256) << "the parameter changed nothing";
    } else {
        EXPECT_RV(rv, CKR_MECHANISM_PARAM_INVALID) << "CKM_SHA256 takes no parameter (v2.40 Mechanisms §2.16.2)";
        EXPECT_RV(fl()->C_Digest(session_, abc, sizeof abc, digest.data(), &length), CKR_OPERATION_NOT_INITIALIZED)
            << "the refused C_DigestInit started no operation";
    }
}

class FixedLabelReplace : public KeyTest {};

// corePKCS11's qualification test creates an EC private key under a label
// that already holds one; on a fixed-label store the new key replaces it.
P11_CASE(FixedLabelReplace, CreateUnderAHeldLabelReplacesTheObject, .group = "objects",
         .functions = "C_CreateObject C_FindObjectsInit C_FindObjects C_GetAttributeValue",
         .section = "FreeRTOS corePKCS11 (PKCS11_PAL_SaveObject)")
{
    if (!ActiveProfile().FixedLabelStore()) {
        GTEST_SKIP() << "not applicable: the profile's store takes any label";
    }
    if (!ActiveProfile().Has("C_CreateObject") || !ActiveProfile().Has("C_FindObjectsInit")) {
        GTEST_SKIP() << "not applicable: the profile has no C_CreateObject or no C_FindObjectsInit";
    }
    const ref::EcKey first_key = ref::GenerateEcKey("P-256");
    Template first = EcPrivateTemplate(first_key);
    first.Text(CKA_ID, "first");
    const CK_OBJECT_HANDLE old_handle = CreateObject(first, "Device Priv TLS Key", true);
    ASSERT_NE(old_handle, CK_INVALID_HANDLE);

    const ref::EcKey second_key = ref::GenerateEcKey("P-256");
    Template second = EcPrivateTemplate(second_key);
    second.Text(CKA_ID, "second");
    const CK_OBJECT_HANDLE new_handle = CreateObject(second, "Device Priv TLS Key", true);
    ASSERT_NE(new_handle, CK_INVALID_HANDLE) << "the second create under the label succeeds";

    ByteVector id;
    EXPECT_RV(ReadAttribute(old_handle, CKA_ID, &id), CKR_OBJECT_HANDLE_INVALID)
        << "the replaced object is gone";
    Template query;
    query.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Text(CKA_LABEL, "Device Priv TLS Key");
    std::vector<CK_OBJECT_HANDLE> found = Find(query);
    ASSERT_EQ(found.size(), 1u) << "one object under the label";
    ASSERT_RV(ReadAttribute(found[0], CKA_ID, &id), CKR_OK);
    EXPECT_EQ(std::string(id.begin(), id.end()), "second");

    ByteVector hash = ref::Sha256(ByteVector{'t', 'l', 's'});
    ASSERT_RV(SignInit(CKM_ECDSA, found[0]), CKR_OK);
    ByteVector signature(64);
    CK_ULONG length = signature.size();
    ASSERT_RV(fl()->C_Sign(session_, hash.data(), hash.size(), signature.data(), &length), CKR_OK);
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(second_key.point, "P-256", hash, signature)) << "it signs with the new key";
}
