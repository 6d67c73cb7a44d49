// Every digest and MAC of the profile against OpenSSL on the inputs where
// implementations slip (v2.40 §5.10, §5.11): empty, one byte, a zero byte at
// the end, and the multi-part calls split at every boundary; RSA PKCS #1 v1.5
// verification against signatures whose DigestInfo is wrong in one byte of
// each of its parts (mechanisms v2.40 §2.1.6, RFC 8017 §9.2); random draws
// longer than one generator request (v2.40 §5.15).

#include <openssl/evp.h>

#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

struct DigestKind {
    CK_MECHANISM_TYPE type;
    const char *openssl_name;
};
const DigestKind kDigests[] = {{CKM_SHA_1, "SHA1"},     {CKM_SHA224, "SHA224"}, {CKM_SHA256, "SHA256"},
                               {CKM_SHA384, "SHA384"}, {CKM_SHA512, "SHA512"}};

ByteVector OpenSslDigest(const char *name, const ByteVector &data)
{
    ByteVector out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    const EVP_MD *md = EVP_get_digestbyname(name);
    if (md == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &length, md, nullptr) != 1) {
        ADD_FAILURE() << "OpenSSL cannot digest with " << name;
        return {};
    }
    out.resize(length);
    return out;
}

// The inputs: empty, one byte, a zero byte alone, text ending in a zero
// byte, two SHA-512 blocks of a pattern ending in zeros, and 1000 bytes.
std::vector<ByteVector> EdgeInputs()
{
    ByteVector pattern(256);
    for (size_t i = 0; i < pattern.size(); ++i) {
        pattern[i] = static_cast<unsigned char>(i * 37 + 11);
    }
    pattern[pattern.size() - 1] = 0x00;
    pattern[pattern.size() - 2] = 0x00;
    ByteVector thousand(1000);
    for (size_t i = 0; i < thousand.size(); ++i) {
        thousand[i] = static_cast<unsigned char>(i ^ (i >> 3));
    }
    return {{}, {0x61}, {0x00}, {'a', 'b', 'c', 0x00}, pattern, thousand};
}

std::string Describe(const ByteVector &input)
{
    std::string text = std::to_string(input.size()) + "-byte input";
    if (!input.empty() && input.back() == 0x00) {
        text += " ending in a zero byte";
    }
    return text;
}

class CrossChecks : public WithSession<> {};

P11_CASE(CrossChecks, EveryDigestMatchesOpenSslOnEdgeInputsAndEverySplit, .group = "digest",
         .functions = "C_DigestInit C_Digest C_DigestUpdate C_DigestFinal", .section = "v2.40 §5.10 C_DigestUpdate")
{
    int checked = 0;
    for (const DigestKind &kind : kDigests) {
        if (ActiveProfile().Mechanism(kind.type) == nullptr || !MechanismOffers(kind.type, CKF_DIGEST)) {
            continue;
        }
        ++checked;
        const std::string name = MechanismName(kind.type);
        CK_MECHANISM mechanism = {kind.type, nullptr, 0};
        for (ByteVector input : EdgeInputs()) {
            input.reserve(1); // empty input at a real address: a NULL pData is another question
            const ByteVector expected = OpenSslDigest(kind.openssl_name, input);
            ByteVector digest(64);
            CK_ULONG length = digest.size();
            ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK) << name;
            ASSERT_RV(fl()->C_Digest(session_, input.data(), input.size(), digest.data(), &length), CKR_OK);
            digest.resize(length);
            EXPECT_EQ(digest, expected) << name << " C_Digest of a " << Describe(input);
            // Two parts split at every boundary of the shorter inputs; one
            // byte per part too.
            const size_t splits = input.size() <= 300 ? input.size() + 1 : 3;
            for (size_t split = 0; split < splits; ++split) {
                const size_t at = input.size() <= 300 ? split : input.size() * split / 2;
                ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK);
                ASSERT_RV(fl()->C_DigestUpdate(session_, input.data(), at), CKR_OK);
                ASSERT_RV(fl()->C_DigestUpdate(session_, input.data() + at, input.size() - at), CKR_OK);
                digest.assign(64, 0);
                length = digest.size();
                ASSERT_RV(fl()->C_DigestFinal(session_, digest.data(), &length), CKR_OK);
                digest.resize(length);
                EXPECT_EQ(digest, expected) << name << " of a " << Describe(input) << " in parts of " << at
                                            << " and " << input.size() - at << " bytes";
            }
            if (input.size() <= 300) {
                ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK);
                for (size_t i = 0; i < input.size(); ++i) {
                    ASSERT_RV(fl()->C_DigestUpdate(session_, &input[i], 1), CKR_OK);
                }
                digest.assign(64, 0);
                length = digest.size();
                ASSERT_RV(fl()->C_DigestFinal(session_, digest.data(), &length), CKR_OK);
                digest.resize(length);
                EXPECT_EQ(digest, expected) << name << " of a " << Describe(input) << " one byte per C_DigestUpdate";
            }
        }
    }
    if (checked == 0) {
        GTEST_SKIP() << "not applicable: the profile offers no digest mechanism";
    }
}

class CrossCheckedKeys : public KeyTest {};

P11_CASE(CrossCheckedKeys, HmacSha256MatchesOpenSslOnEdgeInputsAndEverySplit, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_Sign C_SignUpdate C_SignFinal", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §5.11 C_SignUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    const ByteVector secret = HmacSecret();
    Template tmpl = HmacTemplate(secret);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "HMAC Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    for (ByteVector input : EdgeInputs()) {
        input.reserve(1); // empty input at a real address: a NULL pData is another question
        const ByteVector expected = ref::HmacSha256(secret, input);
        ASSERT_RV(SignInit(CKM_SHA256_HMAC, key), CKR_OK);
        ByteVector single(32);
        CK_ULONG single_length = single.size();
        ASSERT_RV(fl()->C_Sign(session_, input.data(), input.size(), single.data(), &single_length), CKR_OK);
        single.resize(single_length);
        EXPECT_EQ(single, expected) << "C_Sign of a " << Describe(input);
        const size_t splits = input.size() <= 300 ? input.size() + 1 : 3;
        for (size_t split = 0; split < splits; ++split) {
            const size_t at = input.size() <= 300 ? split : input.size() * split / 2;
            ASSERT_RV(SignInit(CKM_SHA256_HMAC, key), CKR_OK);
            ASSERT_RV(fl()->C_SignUpdate(session_, input.data(), at), CKR_OK);
            ASSERT_RV(fl()->C_SignUpdate(session_, input.data() + at, input.size() - at), CKR_OK);
            ByteVector mac(32);
            CK_ULONG length = mac.size();
            ASSERT_RV(fl()->C_SignFinal(session_, mac.data(), &length), CKR_OK);
            mac.resize(length);
            EXPECT_EQ(mac, expected) << "HMAC of a " << Describe(input) << " in parts of " << at << " and "
                                     << input.size() - at << " bytes";
        }
    }
}

P11_CASE(CrossCheckedKeys, Sha256RsaPkcsVerifyRejectsADigestInfoWrongInAnyPart, .group = "keys",
         .functions = "C_CreateObject C_VerifyInit C_Verify", .mechanisms = "CKM_SHA256_RSA_PKCS",
         .section = "v2.40 §5.11 C_Verify")
{
    const CK_ULONG bits = OfferedRsaBits(CKM_SHA256_RSA_PKCS);
    P11_SKIP_UNLESS(OffersKeySize(CKM_SHA256_RSA_PKCS, CKF_VERIFY, bits));
    const ref::RsaKey &rsa = ReferenceRsaKeyOfSize(bits);
    Template tmpl = RsaPublicTemplate(rsa);
    const CK_OBJECT_HANDLE key = Install(tmpl, "RSA Verify Key", CKO_PUBLIC_KEY);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    const ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
    ASSERT_EQ(digest_info.size(), 51u);
    ASSERT_RV(Verify(key, CKM_SHA256_RSA_PKCS, kMessage, ref::RsaPkcs1Sign(rsa, digest_info)), CKR_OK)
        << "OpenSSL's signature of the right DigestInfo";
    // One byte changed in each part of the DER DigestInfo (RFC 8017 §9.2
    // note 1): SEQUENCE tag and length, AlgorithmIdentifier tag and length,
    // OID tag, length and arcs, NULL parameters, OCTET STRING tag and
    // length, the first and last byte of the hash.
    const struct {
        size_t offset;
        const char *part;
    } parts[] = {{0, "SEQUENCE tag"}, {1, "SEQUENCE length"},  {2, "AlgorithmIdentifier tag"},
                 {3, "AlgorithmIdentifier length"}, {4, "OID tag"}, {5, "OID length"},
                 {6, "first OID arc"}, {14, "last OID arc (the hash named)"}, {15, "NULL tag"},
                 {16, "NULL length"},  {17, "OCTET STRING tag"}, {18, "OCTET STRING length"},
                 {19, "first hash byte"}, {50, "last hash byte"}};
    for (const auto &part : parts) {
        ByteVector tampered = digest_info;
        tampered[part.offset] ^= part.offset == 14 ? 0x03 : 0x01; // SHA-256 (1) -> SHA-224 (4) at the last arc
        const ByteVector signature = ref::RsaPkcs1Sign(rsa, tampered);
        ASSERT_FALSE(signature.empty());
        EXPECT_RV(Verify(key, CKM_SHA256_RSA_PKCS, kMessage, signature), CKR_SIGNATURE_INVALID)
            << "a signature whose DigestInfo has its " << part.part << " (byte " << part.offset << ") changed";
    }
    // The hash alone, without its DigestInfo (a signature made for raw RSA
    // PKCS #1 of the bare hash).
    EXPECT_RV(Verify(key, CKM_SHA256_RSA_PKCS, kMessage, ref::RsaPkcs1Sign(rsa, ref::Sha256(kMessage))),
              CKR_SIGNATURE_INVALID)
        << "a signature of the bare SHA-256 hash, no DigestInfo around it";
}

class CrossCheckedRandom : public WithSession<> {};

P11_CASE(CrossCheckedRandom, DrawsLongerThan64KiBAreRandomToTheEnd, .group = "random",
         .functions = "C_GenerateRandom", .section = "v2.40 §5.15 C_GenerateRandom")
{
    // Longer than 64 KiB and than any one DRBG request (SP 800-90A caps a
    // request at 2^19 bits = 64 KiB), and an odd length.
    ByteVector draw(70001, 0x00);
    ASSERT_RV(fl()->C_GenerateRandom(session_, draw.data(), draw.size()), CKR_OK);
    // Every 1 KiB block differs from every other and has more than a few
    // distinct bytes: a block left as the caller's zeros, or a repeated
    // block, fails.
    std::vector<ByteVector> blocks;
    for (size_t at = 0; at < draw.size(); at += 1024) {
        blocks.emplace_back(draw.begin() + static_cast<long>(at),
                            draw.begin() + static_cast<long>(std::min(at + 1024, draw.size())));
    }
    for (size_t i = 0; i < blocks.size(); ++i) {
        int distinct[256] = {};
        int kinds = 0;
        for (unsigned char byte : blocks[i]) {
            kinds += distinct[byte]++ == 0 ? 1 : 0;
        }
        EXPECT_GT(kinds, blocks[i].size() > 100 ? 64 : 8)
            << "block " << i << " of the 70001-byte draw (from byte " << i * 1024 << ") has " << kinds
            << " distinct byte values";
        for (size_t j = 0; j < i; ++j) {
            EXPECT_NE(blocks[i], blocks[j]) << "blocks " << j << " and " << i << " of the draw are equal";
        }
    }
}

} // namespace
} // namespace p11conf
