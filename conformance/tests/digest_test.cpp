// Message digesting (v2.40 §5.10) as FreeRTOS's qualification tests use it,
// checked against FIPS 180-2 example vectors; the §5.2 output convention: a
// length query and CKR_BUFFER_TOO_SMALL keep the operation, any other result
// of C_Digest / C_DigestFinal ends it.
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
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!MechanismOffers(CKM_SHA256, CKF_DIGEST) || !OpenSession()) {
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
    // C_Digest of "abc" into a buffer of `capacity` bytes (NULL when 0).
    CK_RV DigestAbc(CK_ULONG capacity, CK_ULONG *length)
    {
        unsigned char data[] = {'a', 'b', 'c'};
        *length = capacity;
        return fl()->C_Digest(session_, data, sizeof(data), capacity == 0 ? nullptr : digest_, length);
    }
    // C_DigestFinal into a buffer of `capacity` bytes (NULL when 0).
    CK_RV Final(CK_ULONG capacity, CK_ULONG *length)
    {
        *length = capacity;
        return fl()->C_DigestFinal(session_, capacity == 0 ? nullptr : digest_, length);
    }
    bool DigestIsAbc() const { return std::memcmp(digest_, kAbcSha256, 32) == 0; }

    unsigned char digest_[64] = {0};
};

// FreeRTOS requires CKM_SHA256 with CKF_DIGEST of every module.
class DigestMechanism : public ModuleTest {};

P11_CASE(DigestMechanism, Sha256IsOfferedForDigesting, .group = "digest", .functions = "C_GetMechanismInfo",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.5 C_GetMechanismInfo")
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    CK_MECHANISM_INFO info{};
    ASSERT_RV(fl()->C_GetMechanismInfo(slot_, CKM_SHA256, &info), CKR_OK) << "FreeRTOS needs CKM_SHA256";
    EXPECT_NE(info.flags & CKF_DIGEST, 0u) << "CKM_SHA256 without CKF_DIGEST";
}

P11_CASE(Digest, SinglePartMatchesFips180Vector, .group = "digest", .functions = "C_Digest C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_Digest")
{
    ASSERT_RV(Init(), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(DigestAbc(32, &length), CKR_OK);
    ASSERT_EQ(length, 32u);
    EXPECT_TRUE(DigestIsAbc()) << "FIPS 180-2 B.1";
}

P11_CASE(Digest, MultiPartMatchesFips180Vector, .group = "digest",
         .functions = "C_DigestUpdate C_DigestFinal C_DigestInit", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_DigestUpdate")
{
    ASSERT_RV(Init(), CKR_OK);
    ASSERT_RV(Update("abcdbcdecdefdefgefghfghighijhi"), CKR_OK);
    ASSERT_RV(Update("jkijkljklmklmnlmnomnopnopq"), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(Final(32, &length), CKR_OK);
    EXPECT_EQ(std::memcmp(digest_, kTwoBlockSha256, 32), 0) << "FIPS 180-2 B.2";
}

P11_CASE(Digest, DigestLengthQueryKeepsTheOperation, .group = "digest", .functions = "C_Digest C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_Digest")
{
    ASSERT_RV(Init(), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(DigestAbc(0, &length), CKR_OK) << "v2.40 §5.2: a NULL buffer asks for the length";
    EXPECT_EQ(length, 32u);
    ASSERT_RV(DigestAbc(32, &length), CKR_OK) << "the length query keeps the operation";
    EXPECT_TRUE(DigestIsAbc());
}

P11_CASE(Digest, DigestBufferTooSmallKeepsTheOperation, .group = "digest", .functions = "C_Digest C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_Digest")
{
    ASSERT_RV(Init(), CKR_OK);
    CK_ULONG length = 0;
    EXPECT_RV(DigestAbc(31, &length), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
    EXPECT_EQ(length, 32u) << "v2.40 §5.2: the length needed";
    ASSERT_RV(DigestAbc(32, &length), CKR_OK) << "CKR_BUFFER_TOO_SMALL keeps the operation";
    EXPECT_TRUE(DigestIsAbc());
}

P11_CASE(Digest, DigestEndsTheOperation, .group = "digest", .functions = "C_Digest C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_Digest")
{
    ASSERT_RV(Init(), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(DigestAbc(32, &length), CKR_OK);
    EXPECT_RV(DigestAbc(32, &length), CKR_OPERATION_NOT_INITIALIZED) << "a finished C_Digest ends it";
}

P11_CASE(Digest, DigestArgumentsBadEndsTheOperation, .group = "digest", .functions = "C_Digest C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_Digest")
{
    ASSERT_RV(Init(), CKR_OK);
    unsigned char data[] = {'a', 'b', 'c'};
    ASSERT_RV(fl()->C_Digest(session_, data, sizeof(data), digest_, nullptr), CKR_ARGUMENTS_BAD) << "pulDigestLen NULL";
    CK_ULONG length = 0;
    EXPECT_RV(DigestAbc(32, &length), CKR_OPERATION_NOT_INITIALIZED)
        << "\"A call to C_Digest always terminates the active digest operation unless it returns "
           "CKR_BUFFER_TOO_SMALL or is a successful call ... to determine the length\"";
}

P11_CASE(Digest, DigestFinalLengthQueryKeepsTheOperation, .group = "digest",
         .functions = "C_DigestFinal C_DigestUpdate C_DigestInit", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_DigestFinal")
{
    ASSERT_RV(Init(), CKR_OK);
    ASSERT_RV(Update("abc"), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(Final(0, &length), CKR_OK) << "v2.40 §5.2: a NULL buffer asks for the length";
    EXPECT_EQ(length, 32u);
    ASSERT_RV(Final(32, &length), CKR_OK) << "the length query keeps the operation";
    EXPECT_TRUE(DigestIsAbc());
}

P11_CASE(Digest, DigestFinalBufferTooSmallKeepsTheOperation, .group = "digest",
         .functions = "C_DigestFinal C_DigestUpdate C_DigestInit", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_DigestFinal")
{
    ASSERT_RV(Init(), CKR_OK);
    ASSERT_RV(Update("abc"), CKR_OK);
    CK_ULONG length = 0;
    EXPECT_RV(Final(31, &length), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
    EXPECT_EQ(length, 32u) << "v2.40 §5.2: the length needed";
    ASSERT_RV(Final(32, &length), CKR_OK) << "CKR_BUFFER_TOO_SMALL keeps the operation";
    EXPECT_TRUE(DigestIsAbc());
}

P11_CASE(Digest, UpdateAfterFinalIsOperationNotInitialized, .group = "digest",
         .functions = "C_DigestFinal C_DigestUpdate C_DigestInit", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_DigestFinal")
{
    ASSERT_RV(Init(), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(Final(32, &length), CKR_OK);
    EXPECT_RV(Update("abc"), CKR_OPERATION_NOT_INITIALIZED) << "C_DigestFinal ends the operation";
}

P11_CASE(Digest, SecondInitIsOperationActive, .group = "digest", .functions = "C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_DigestInit")
{
    ASSERT_RV(Init(), CKR_OK);
    EXPECT_RV(Init(), CKR_OPERATION_ACTIVE);
}

P11_CASE(Digest, UnknownMechanismIsMechanismInvalid, .group = "digest", .functions = "C_DigestInit",
         .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_DigestInit")
{
    EXPECT_RV(Init(kOutsideMechanism), CKR_MECHANISM_INVALID) << "a vendor-defined mechanism no module has";
}

} // namespace
} // namespace p11conf
