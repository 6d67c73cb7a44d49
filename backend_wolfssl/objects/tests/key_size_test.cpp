/* The key sizes C_GetMechanismInfo reports are the sizes the module uses:
 * a key outside them gets CKR_KEY_SIZE_RANGE at *Init, a key generation
 * outside them CKR_ATTRIBUTE_VALUE_INVALID (CKA_MODULUS_BITS) or
 * CKR_CURVE_NOT_SUPPORTED (CKA_EC_PARAMS). The test profile
 * (profile_key_rules.cpp) advertises ECDSA P-256 only, CKM_SHA256_RSA_PKCS
 * from 3072 bits, RSA generation at 3072 and HMAC keys of 32..64 bytes. */
#include "key_rules_support.h"
#include "library.h"

using namespace p11test;

namespace {

class KeySizeTest : public KeyRulesTest {
  protected:
    CK_MECHANISM_INFO Info(CK_MECHANISM_TYPE type)
    {
        CK_MECHANISM_INFO info{};
        EXPECT_EQ(CKR_OK, p11be_C_GetMechanismInfo(p11::kSlotId, type, &info));
        return info;
    }
    CK_OBJECT_HANDLE HmacKey(std::size_t bytes)
    {
        Tmpl t = Tmpl()
                     .Ulong(CKA_CLASS, CKO_SECRET_KEY)
                     .Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET)
                     .Bool(CKA_SIGN, true)
                     .Bool(CKA_VERIFY, true)
                     .Bytes(CKA_VALUE, Filled(bytes, 0x31));
        return CreateOk(h, t);
    }
    CK_RV GenerateKeyPair(CK_MECHANISM_TYPE type, Tmpl pub)
    {
        CK_MECHANISM mechanism = Mech(type);
        Tmpl priv;
        CK_OBJECT_HANDLE a;
        CK_OBJECT_HANDLE b;
        return With(h, [&](p11_session *s) {
            return p11be_C_GenerateKeyPair(s, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(), &a, &b);
        });
    }
};

TEST_F(KeySizeTest, HmacKeysOutsideTheAdvertisedBytesDoNotSign)
{
    const CK_MECHANISM_INFO info = Info(CKM_SHA256_HMAC);
    ASSERT_EQ(32u, info.ulMinKeySize);
    ASSERT_EQ(64u, info.ulMaxKeySize);
    for (std::size_t bytes : {1u, 16u, 31u, 65u, 200u}) {
        CK_OBJECT_HANDLE key = HmacKey(bytes);
        EXPECT_EQ(CKR_KEY_SIZE_RANGE, SignInit(Mech(CKM_SHA256_HMAC), key)) << bytes;
        EXPECT_EQ(CKR_KEY_SIZE_RANGE, VerifyInit(Mech(CKM_SHA256_HMAC), key)) << bytes;
    }
    for (std::size_t bytes : {32u, 64u}) {
        CK_OBJECT_HANDLE key = HmacKey(bytes);
        ASSERT_EQ(CKR_OK, SignInit(Mech(CKM_SHA256_HMAC), key)) << bytes;
        ByteVec mac;
        EXPECT_EQ(CKR_OK, Sign(ByteVec{'m'}, &mac));
        EXPECT_EQ(32u, mac.size());
    }
}

TEST_F(KeySizeTest, RsaKeyBelowTheAdvertisedModulusDoesNotSign)
{
    ASSERT_EQ(3072u, Info(CKM_SHA256_RSA_PKCS).ulMinKeySize);
    CK_OBJECT_HANDLE key = CreateOk(h, RsaPrivateTemplate("rsa2048", false));
    CK_OBJECT_HANDLE pub = CreateOk(h, RsaPublicTemplate("rsa2048-pub", false));
    EXPECT_EQ(CKR_KEY_SIZE_RANGE, SignInit(Mech(CKM_SHA256_RSA_PKCS), key));
    EXPECT_EQ(CKR_KEY_SIZE_RANGE, VerifyInit(Mech(CKM_SHA256_RSA_PKCS), pub));
    // The same key within another mechanism's range is fine.
    CK_RSA_PKCS_PSS_PARAMS params = {CKM_SHA256, CKG_MGF1_SHA256, 32};
    EXPECT_EQ(CKR_OK, SignInit(Mech(CKM_SHA256_RSA_PKCS_PSS, &params, sizeof params), key));
}

TEST_F(KeySizeTest, EcKeyOnACurveOutsideTheRangeDoesNotSign)
{
    Tmpl t = Tmpl()
                 .Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
                 .Ulong(CKA_KEY_TYPE, CKK_EC)
                 .Bytes(CKA_EC_PARAMS, kP384Params)
                 .Bytes(CKA_VALUE, kTestP384PrivateValue);
    CK_OBJECT_HANDLE p384 = CreateOk(h, t);
    EXPECT_EQ(CKR_KEY_SIZE_RANGE, SignInit(Mech(CKM_ECDSA), p384));
    EXPECT_EQ(CKR_OK, SignInit(Mech(CKM_ECDSA), CreateOk(h, EcPrivateTemplate("p256", false))));
}

TEST_F(KeySizeTest, RsaGenerationOutsideTheRangeIsAnInvalidModulusBits)
{
    ASSERT_EQ(3072u, Info(CKM_RSA_PKCS_KEY_PAIR_GEN).ulMinKeySize);
    for (CK_ULONG bits : {1024ul, 2048ul, 4096ul}) {
        EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID,
                  GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN, Tmpl().Ulong(CKA_MODULUS_BITS, bits)))
            << bits;
    }
}

TEST_F(KeySizeTest, EcGenerationOnACurveNotOfferedIsCurveNotSupported)
{
    const ByteVec secp256k1 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};
    EXPECT_EQ(CKR_CURVE_NOT_SUPPORTED, GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, Tmpl().Bytes(CKA_EC_PARAMS, secp256k1)));
    EXPECT_EQ(CKR_CURVE_NOT_SUPPORTED, GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, Tmpl().Bytes(CKA_EC_PARAMS, kP384Params)))
        << "P-384 is implemented, but outside this profile's 256..256";
    const ByteVec not_an_oid = {0x30, 0x03, 0x02, 0x01, 0x01};
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID,
              GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, Tmpl().Bytes(CKA_EC_PARAMS, not_an_oid)));
    EXPECT_EQ(CKR_OK, GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, Tmpl().Bytes(CKA_EC_PARAMS, kP256Params)));
}

} // namespace
