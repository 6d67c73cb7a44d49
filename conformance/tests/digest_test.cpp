// Message digesting (v2.40 §5.10) as FreeRTOS's qualification tests use it,
// checked against FIPS 180-2 example vectors.
#include <cstring>
#include <string>
#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const unsigned char kAbcSha256[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                      0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                      0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
// SHA-256 of "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", FIPS 180-2 B.2.
const unsigned char kTwoBlockSha256[32] = {0x24, 0x8d, 0x6a, 0x61, 0xd2, 0x06, 0x38, 0xb8, 0xe5, 0xc0, 0x26,
                                           0x93, 0x0c, 0x3e, 0x60, 0x39, 0xa3, 0x3c, 0xe4, 0x59, 0x64, 0xff,
                                           0x21, 0x67, 0xf6, 0xec, 0xed, 0xd4, 0x19, 0xdb, 0x06, 0xc1};

class Digest : public ModuleTest {
protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("digest") || !ProfileHas("C_DigestInit")) {
            GTEST_SKIP() << "not applicable: the profile does not select the digest tests";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        CK_MECHANISM_INFO info{};
        // FreeRTOS requires CKM_SHA256 with CKF_DIGEST of every module.
        ASSERT_TRUE(RvIsOneOf(fl()->C_GetMechanismInfo(slot_, CKM_SHA256, &info), {CKR_OK}))
            << "FreeRTOS needs CKM_SHA256";
        ASSERT_NE(info.flags & CKF_DIGEST, 0u) << "CKM_SHA256 without CKF_DIGEST";
        if (!OpenSession()) {
            GTEST_SKIP() << skip_reason();
        }
    }

    CK_RV Init(CK_MECHANISM_TYPE type = CKM_SHA256)
    {
        CK_MECHANISM mechanism = {type, nullptr, 0};
        return fl()->C_DigestInit(session_, &mechanism);
    }
    CK_RV Update(const std::string &part)
    {
        std::string copy = part;
        return fl()->C_DigestUpdate(session_, reinterpret_cast<CK_BYTE *>(&copy[0]), copy.size());
    }
};

TEST_F(Digest, SinglePartMatchesFips180Vector)
{
    ASSERT_TRUE(RvIsOneOf(Init(), {CKR_OK}));
    unsigned char data[] = {'a', 'b', 'c'};
    unsigned char digest[32];
    CK_ULONG length = sizeof(digest);
    ASSERT_TRUE(RvIsOneOf(fl()->C_Digest(session_, data, sizeof(data), digest, &length), {CKR_OK}));
    ASSERT_EQ(length, 32u);
    EXPECT_EQ(std::memcmp(digest, kAbcSha256, 32), 0);
}

TEST_F(Digest, MultiPartMatchesFips180Vector)
{
    ASSERT_TRUE(RvIsOneOf(Init(), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(Update("abcdbcdecdefdefgefghfghighijhi"), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(Update("jkijkljklmklmnlmnomnopnopq"), {CKR_OK}));
    unsigned char digest[32];
    CK_ULONG length = sizeof(digest);
    ASSERT_TRUE(RvIsOneOf(fl()->C_DigestFinal(session_, digest, &length), {CKR_OK}));
    EXPECT_EQ(std::memcmp(digest, kTwoBlockSha256, 32), 0);
}

TEST_F(Digest, NullOutputGivesLengthAndTooSmallKeepsTheOperation)
{
    ASSERT_TRUE(RvIsOneOf(Init(), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(Update("abc"), {CKR_OK}));
    CK_ULONG length = 0;
    ASSERT_TRUE(RvIsOneOf(fl()->C_DigestFinal(session_, nullptr, &length), {CKR_OK})) << "v2.40 §5.2";
    EXPECT_EQ(length, 32u);
    unsigned char digest[32];
    length = 31;
    EXPECT_TRUE(RvIsOneOf(fl()->C_DigestFinal(session_, digest, &length), {CKR_BUFFER_TOO_SMALL})) << "v2.40 §5.2";
    EXPECT_EQ(length, 32u);
    length = 32;
    ASSERT_TRUE(RvIsOneOf(fl()->C_DigestFinal(session_, digest, &length), {CKR_OK})) << "the operation stayed active";
    EXPECT_EQ(std::memcmp(digest, kAbcSha256, 32), 0);
}

TEST_F(Digest, UpdateAfterFinalIsOperationNotInitialized)
{
    ASSERT_TRUE(RvIsOneOf(Init(), {CKR_OK}));
    unsigned char digest[32];
    CK_ULONG length = sizeof(digest);
    ASSERT_TRUE(RvIsOneOf(fl()->C_DigestFinal(session_, digest, &length), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(Update("abc"), {CKR_OPERATION_NOT_INITIALIZED})) << "v2.40 §5.10";
}

TEST_F(Digest, SecondInitIsOperationActive)
{
    ASSERT_TRUE(RvIsOneOf(Init(), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(Init(), {CKR_OPERATION_ACTIVE})) << "v2.40 §5.10 C_DigestInit";
}

TEST_F(Digest, UnknownMechanismIsMechanismInvalid)
{
    EXPECT_TRUE(RvIsOneOf(Init(CKM_VENDOR_DEFINED | 0x5A5A), {CKR_MECHANISM_INVALID})) << "v2.40 §5.1.6";
}

} // namespace
} // namespace p11conf
