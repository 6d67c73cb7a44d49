// Message digesting (v2.40 §5.10) as FreeRTOS's qualification tests use it,
// checked against FIPS 180-2 example vectors; the §5.2 output convention: a
// length query and CKR_BUFFER_TOO_SMALL keep the operation, any other result
// of C_Digest / C_DigestFinal ends it. SHA-1, SHA-384 and SHA-512 against
// their example vectors too.
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
        P11_SKIP_UNLESS(MechanismOffers(CKM_SHA256, CKF_DIGEST) && OpenSession());
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

// A mechanism the token has, but not for digesting: §5.1.6 "CKR_MECHANISM_INVALID:
// An invalid mechanism was specified to the cryptographic operation" (the
// profile lists it without CKF_DIGEST, e.g. CKM_ECDSA).
P11_CASE(Digest, AMechanismTheTokenHasButNotForDigestingIsMechanismInvalid, .group = "digest",
         .functions = "C_DigestInit", .mechanisms = "CKM_SHA256", .section = "v2.40 §5.10 C_DigestInit")
{
    const ProfileMechanism *other = nullptr;
    for (const ProfileMechanism &mechanism : ActiveProfile().mechanisms) {
        if ((mechanism.flags & CKF_DIGEST) == 0 && !MechanismOffers(mechanism.type, CKF_DIGEST)) {
            other = &mechanism;
            break;
        }
    }
    if (other == nullptr) {
        GTEST_SKIP() << "not applicable: every mechanism of the profile digests";
    }
    EXPECT_RV(Init(other->type), CKR_MECHANISM_INVALID) << other->name << " does not digest";
    EXPECT_RV(Init(), CKR_OK) << "the refused C_DigestInit started no operation";
}

// The profile's other digests: SHA-1, SHA-384 and SHA-512 against the NIST
// FIPS 180-4 example vectors, in one part and in several, and the length a
// NULL buffer asks for.
struct KnownAnswer {
    CK_MECHANISM_TYPE type;
    CK_ULONG length;
    const char *abc;          // digest of "abc", hex
    const char *long_message; // the example's two-block message
    const char *long_digest;  // its digest, hex
};

const char kMessage448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const char kMessage896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
                           "lmnopqrsmnopqrstnopqrstu";

const KnownAnswer kSha1 = {CKM_SHA_1, 20, "a9993e364706816aba3e25717850c26c9cd0d89d", kMessage448,
                           "84983e441c3bd26ebaae4aa1f95129e5e54670f1"};
const KnownAnswer kSha384 = {
    CKM_SHA384, 48, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    kMessage896, "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"};
const KnownAnswer kSha512 = {CKM_SHA512, 64,
                             "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                             "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                             kMessage896,
                             "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
                             "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"};

ByteVector FromHex(const std::string &hex)
{
    ByteVector out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<unsigned char>(std::stoul(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

class DigestAlgorithm : public WithSession<> {
  protected:
    // Skips unless the module digests with `type`, then C_DigestInit.
    void Start(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(MechanismOffers(type, CKF_DIGEST));
        CK_MECHANISM mechanism = {type, nullptr, 0};
        ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK) << MechanismName(type);
    }

    void ExpectSinglePartMatches(const KnownAnswer &answer)
    {
        Start(answer.type);
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        unsigned char data[] = {'a', 'b', 'c'};
        ByteVector digest(answer.length);
        CK_ULONG length = digest.size();
        ASSERT_RV(fl()->C_Digest(session_, data, sizeof(data), digest.data(), &length), CKR_OK);
        ASSERT_EQ(length, answer.length);
        EXPECT_EQ(digest, FromHex(answer.abc)) << MechanismName(answer.type) << " of \"abc\" (FIPS 180-4 example)";
    }

    void ExpectMultiPartMatches(const KnownAnswer &answer)
    {
        Start(answer.type);
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        std::string message = answer.long_message;
        const size_t cuts[] = {0, 7, 41, message.size()}; // three uneven parts
        for (size_t i = 0; i < 3; ++i) {
            ASSERT_RV(
                fl()->C_DigestUpdate(session_, reinterpret_cast<CK_BYTE *>(&message[cuts[i]]), cuts[i + 1] - cuts[i]),
                CKR_OK)
                << "part " << i;
        }
        ByteVector digest(answer.length);
        CK_ULONG length = digest.size();
        ASSERT_RV(fl()->C_DigestFinal(session_, digest.data(), &length), CKR_OK);
        ASSERT_EQ(length, answer.length);
        EXPECT_EQ(digest, FromHex(answer.long_digest))
            << MechanismName(answer.type) << " of the " << message.size() << "-byte FIPS 180-4 example in three parts";
    }

    void ExpectLengthQueryGivesTheDigestLength(const KnownAnswer &answer)
    {
        Start(answer.type);
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        unsigned char data[] = {'a', 'b', 'c'};
        CK_ULONG length = 0;
        ASSERT_RV(fl()->C_Digest(session_, data, sizeof(data), nullptr, &length), CKR_OK)
            << "v2.40 §5.2: a NULL buffer asks for the length";
        EXPECT_EQ(length, answer.length) << MechanismName(answer.type);
        ByteVector digest(answer.length);
        length = digest.size();
        ASSERT_RV(fl()->C_Digest(session_, data, sizeof(data), digest.data(), &length), CKR_OK)
            << "the length query keeps the operation";
        EXPECT_EQ(digest, FromHex(answer.abc));
    }
};

#define P11_DIGEST_CASES(Name, MECHANISM, ANSWER)                                                                      \
    P11_CASE(DigestAlgorithm, Name##SinglePartMatchesFips180Vector, .group = "digest",                                 \
             .functions = "C_Digest C_DigestInit", .mechanisms = #MECHANISM, .section = "v2.40 §5.10 C_Digest")        \
    {                                                                                                                  \
        ExpectSinglePartMatches(ANSWER);                                                                               \
    }                                                                                                                  \
    P11_CASE(DigestAlgorithm, Name##MultiPartMatchesFips180Vector, .group = "digest",                                  \
             .functions = "C_DigestUpdate C_DigestFinal C_DigestInit", .mechanisms = #MECHANISM,                       \
             .section = "v2.40 §5.10 C_DigestUpdate")                                                                  \
    {                                                                                                                  \
        ExpectMultiPartMatches(ANSWER);                                                                                \
    }                                                                                                                  \
    P11_CASE(DigestAlgorithm, Name##LengthQueryGivesTheDigestLength, .group = "digest",                                \
             .functions = "C_Digest C_DigestInit", .mechanisms = #MECHANISM, .section = "v2.40 §5.10 C_Digest")        \
    {                                                                                                                  \
        ExpectLengthQueryGivesTheDigestLength(ANSWER);                                                                 \
    }

P11_DIGEST_CASES(Sha1, CKM_SHA_1, kSha1)
P11_DIGEST_CASES(Sha384, CKM_SHA384, kSha384)
P11_DIGEST_CASES(Sha512, CKM_SHA512, kSha512)

#undef P11_DIGEST_CASES

} // namespace
} // namespace p11conf
