/* EC and RSA key pair generation: the attributes have the PKCS #11 forms,
 * and the keys sign and verify with OpenSSL. */
#include <gtest/gtest.h>

#include "crypto/key_check.h"
#include "crypto/key_generation.h"
#include "openssl_keys.h"

using namespace p11;
using namespace p11test;

namespace {

void expect_ec_pair_works(const Bytes &params, const char *group, std::size_t field)
{
    AttributeSet pub;
    AttributeSet priv;
    ASSERT_EQ(generate_ec_key_pair(params, test_rng(), &pub, &priv), CKR_OK);
    const p11::ByteView *point = pub.get(CKA_EC_POINT);
    ASSERT_NE(point, nullptr);
    ASSERT_EQ(point->size(), 2 * field + 3);
    EXPECT_EQ((*point)[0], 0x04);
    EXPECT_EQ((*point)[1], 2 * field + 1);
    EXPECT_EQ((*point)[2], 0x04);
    ASSERT_NE(priv.get(CKA_EC_POINT), nullptr);
    EXPECT_EQ(*priv.get(CKA_EC_POINT), *point);
    ASSERT_NE(priv.get(CKA_VALUE), nullptr);
    EXPECT_EQ(priv.get(CKA_VALUE)->size(), field);
    EXPECT_EQ(*pub.get(CKA_EC_PARAMS), params);
    EXPECT_EQ(pub.get(CKA_VALUE), nullptr);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, pub), CKR_OK);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, priv), CKR_OK);

    Pkey ossl_priv = ec_pkey_from_attrs(priv, group);
    Pkey ossl_pub = ec_pkey_from_attrs(pub, group);
    Bytes data = bytes_of("generated EC key");
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA_SHA256), CKK_EC, priv, data, &sig), CKR_OK);
    EXPECT_TRUE(ossl_digest_verify(ossl_pub.get(), EVP_sha256(), data, ecdsa_raw_to_der(sig)));
    Bytes theirs = ecdsa_der_to_raw(ossl_digest_sign(ossl_priv.get(), EVP_sha256(), data), field);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA_SHA256), CKK_EC, pub, data, theirs), CKR_OK);
}

} // namespace

TEST(KeyGeneration, P256PairHas67BytePointAndWorksWithOpenSsl)
{
    expect_ec_pair_works(kP256Params, "P-256", 32);
}

TEST(KeyGeneration, P384PairHas99BytePointAndWorksWithOpenSsl)
{
    expect_ec_pair_works(kP384Params, "P-384", 48);
}

TEST(KeyGeneration, UnsupportedCurveGivesAttributeValueInvalidAndLeavesTemplatesAlone)
{
    AttributeSet pub;
    AttributeSet priv;
    EXPECT_EQ(generate_ec_key_pair(from_hex("06052b81040023"), test_rng(), &pub, &priv), CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(generate_ec_key_pair(Bytes(), test_rng(), &pub, &priv), CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(pub.size(), 0u);
    EXPECT_EQ(priv.size(), 0u);
}

TEST(KeyGeneration, Rsa2048PairHasAllPartsAndWorksWithOpenSsl)
{
    AttributeSet pub;
    AttributeSet priv;
    ASSERT_EQ(generate_rsa_key_pair(2048, Bytes(), test_rng(), &pub, &priv), CKR_OK);
    ASSERT_NE(pub.get(CKA_MODULUS), nullptr);
    EXPECT_EQ(pub.get(CKA_MODULUS)->size(), 256u);
    EXPECT_GE((*pub.get(CKA_MODULUS))[0], 0x80); // exactly 2048 bits
    EXPECT_EQ(to_hex(*pub.get(CKA_PUBLIC_EXPONENT)), "010001");
    EXPECT_EQ(pub.size(), 2u);
    for (CK_ATTRIBUTE_TYPE type : {CKA_MODULUS, CKA_PUBLIC_EXPONENT, CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2,
                                   CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT}) {
        EXPECT_TRUE(priv.has(type)) << type;
    }
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_RSA, pub), CKR_OK);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_RSA, priv), CKR_OK);

    Pkey ossl_priv = rsa_pkey_from_attrs(priv);
    Pkey ossl_pub = rsa_pkey_from_attrs(pub);
    Bytes data = bytes_of("generated RSA key");
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_SHA256_RSA_PKCS), CKK_RSA, priv, data, &sig), CKR_OK);
    EXPECT_TRUE(ossl_digest_verify(ossl_pub.get(), EVP_sha256(), data, sig));
    EXPECT_EQ(to_hex(sig), to_hex(ossl_digest_sign(ossl_priv.get(), EVP_sha256(), data)));
    EXPECT_EQ(engine_verify(mechanism(CKM_SHA256_RSA_PKCS), CKK_RSA, pub, data, sig), CKR_OK);
}

TEST(KeyGeneration, Rsa3072WithExponent3)
{
    AttributeSet pub;
    AttributeSet priv;
    ASSERT_EQ(generate_rsa_key_pair(3072, from_hex("03"), test_rng(), &pub, &priv), CKR_OK);
    EXPECT_EQ(pub.get(CKA_MODULUS)->size(), 384u);
    EXPECT_EQ(to_hex(*pub.get(CKA_PUBLIC_EXPONENT)), "03");
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_RSA, priv), CKR_OK);
    Pkey ossl_pub = rsa_pkey_from_attrs(pub);
    Bytes data = bytes_of("e = 3");
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_SHA384_RSA_PKCS), CKK_RSA, priv, data, &sig), CKR_OK);
    EXPECT_TRUE(ossl_digest_verify(ossl_pub.get(), EVP_sha384(), data, sig));
}

TEST(KeyGeneration, RsaSizeOutOfRangeIsAttributeValueInvalid)
{
    AttributeSet pub;
    AttributeSet priv;
    for (CK_ULONG bits : {0ul, 1024ul, 2047ul, 2052ul, 4104ul, 8192ul}) {
        EXPECT_EQ(generate_rsa_key_pair(bits, Bytes(), test_rng(), &pub, &priv), CKR_ATTRIBUTE_VALUE_INVALID) << bits;
    }
    EXPECT_EQ(pub.size(), 0u);
}

TEST(KeyGeneration, BadPublicExponentGivesAttributeValueInvalid)
{
    AttributeSet pub;
    AttributeSet priv;
    for (const char *e : {"010000", "01", "00", "0100000001"}) {
        EXPECT_EQ(generate_rsa_key_pair(2048, from_hex(e), test_rng(), &pub, &priv), CKR_ATTRIBUTE_VALUE_INVALID) << e;
    }
    EXPECT_EQ(pub.size(), 0u);
}
