/* CKM_SHA256_HMAC against RFC 4231 and OpenSSL's HMAC. */
#include <gtest/gtest.h>

#include <openssl/hmac.h>

#include "openssl_keys.h"

using namespace p11;
using namespace p11test;

namespace {

AttributeSet secret(const Bytes &value)
{
    AttributeSet attrs;
    attrs.set(CKA_VALUE, value.data(), value.size());
    return attrs;
}

struct Rfc4231Case {
    const char *name;
    Bytes key;
    Bytes data;
    const char *mac;
};

std::vector<Rfc4231Case> rfc4231_cases()
{
    Bytes key4;
    for (unsigned char i = 1; i <= 25; ++i) {
        key4.push_back(i);
    }
    return {
        {"1", Bytes(20, 0x0b), bytes_of("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"2", bytes_of("Jefe"), bytes_of("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"3", Bytes(20, 0xaa), Bytes(50, 0xdd), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"4", key4, Bytes(50, 0xcd), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"6", Bytes(131, 0xaa), bytes_of("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"7", Bytes(131, 0xaa),
         bytes_of("This is a test using a larger than block-size key and a larger than block-size data. The key needs "
                  "to be hashed before being used by the HMAC algorithm."),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
}

} // namespace

TEST(HmacSha256, Rfc4231TestCasesSignAndVerify)
{
    for (const Rfc4231Case &c : rfc4231_cases()) {
        SCOPED_TRACE(std::string("RFC 4231 test case ") + c.name);
        Bytes mac;
        ASSERT_EQ(engine_sign(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, &mac), CKR_OK);
        EXPECT_EQ(to_hex(mac), c.mac);
        EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, from_hex(c.mac)),
                  CKR_OK);
    }
}

TEST(HmacSha256, MultiPartEqualsSinglePart)
{
    for (const Rfc4231Case &c : rfc4231_cases()) {
        SCOPED_TRACE(c.name);
        Bytes mac;
        ASSERT_EQ(engine_sign_parts(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, 7, &mac),
                  CKR_OK);
        EXPECT_EQ(to_hex(mac), c.mac);
        EXPECT_EQ(engine_verify_parts(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, 5,
                                      from_hex(c.mac)),
                  CKR_OK);
    }
}

TEST(HmacSha256, MatchesOpenSslForA32ByteKey)
{
    Bytes key(32);
    Bytes data(4096);
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<unsigned char>(0x80 + i);
    }
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<unsigned char>(i * 31);
    }
    unsigned char expected[32];
    unsigned int expected_len = 0;
    ASSERT_NE(
        HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), expected, &expected_len),
        nullptr);
    Bytes mac;
    ASSERT_EQ(engine_sign(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(key), data, &mac), CKR_OK);
    EXPECT_EQ(to_hex(mac), to_hex(Bytes(expected, expected + expected_len)));
}

TEST(HmacSha256, FlippedBitGivesSignatureInvalid)
{
    const Rfc4231Case c = rfc4231_cases()[1];
    Bytes mac = from_hex(c.mac);
    mac[31] ^= 1;
    EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, mac),
              CKR_SIGNATURE_INVALID);
    Bytes data = c.data;
    data[0] ^= 1;
    EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), data, from_hex(c.mac)),
              CKR_SIGNATURE_INVALID);
}

TEST(HmacSha256, WrongMacLengthGivesSignatureLenRange)
{
    const Rfc4231Case c = rfc4231_cases()[0];
    Bytes mac = from_hex(c.mac);
    Bytes truncated(mac.begin(), mac.begin() + 31);
    EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, truncated),
              CKR_SIGNATURE_LEN_RANGE);
    mac.push_back(0);
    EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, secret(c.key), c.data, mac),
              CKR_SIGNATURE_LEN_RANGE);
}

TEST(HmacSha256, KeyChecksAtInit)
{
    AttributeSet key = secret(Bytes(32, 7));
    EXPECT_EQ(engine_init_result(mechanism(CKM_SHA256_HMAC), CKK_SHA256_HMAC, CKO_SECRET_KEY, key, SignPurpose::sign),
              CKR_OK);
    EXPECT_EQ(engine_init_result(mechanism(CKM_SHA256_HMAC), CKK_EC, CKO_SECRET_KEY, key, SignPurpose::sign),
              CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(
        engine_init_result(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, CKO_PRIVATE_KEY, key, SignPurpose::sign),
        CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, CKO_SECRET_KEY, secret(Bytes()),
                                 SignPurpose::sign),
              CKR_KEY_SIZE_RANGE);
    EXPECT_EQ(engine_init_result(mechanism(CKM_SHA256_HMAC), CKK_GENERIC_SECRET, CKO_SECRET_KEY, AttributeSet(),
                                 SignPurpose::verify),
              CKR_TEMPLATE_INCOMPLETE);
    CK_ULONG junk = 16;
    EXPECT_EQ(engine_init_result(mechanism(CKM_SHA256_HMAC, &junk, sizeof junk), CKK_GENERIC_SECRET, CKO_SECRET_KEY,
                                 key, SignPurpose::sign),
              CKR_MECHANISM_PARAM_INVALID);
}

TEST(HmacSha256, SignatureLengthIs32)
{
    AttributeSet key = secret(Bytes(32, 7));
    CK_MECHANISM mech = mechanism(CKM_SHA256_HMAC);
    SignEngine *engine = nullptr;
    ASSERT_EQ(sign_engine_init(&mech, CKK_GENERIC_SECRET, CKO_SECRET_KEY, key, SignPurpose::sign, test_rng(), &engine),
              CKR_OK);
    EXPECT_EQ(sign_engine_signature_length(engine), 32u);
    EXPECT_TRUE(sign_engine_multipart_allowed(CKM_SHA256_HMAC));
    sign_engine_free(engine);
}
