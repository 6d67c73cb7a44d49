// P-384 keys (secp384r1, CKA_EC_PARAMS 06 05 2b 81 04 00 22) and
// CKM_ECDSA_SHA384: the public point format of a generated key and raw r||s
// signatures of 96 bytes (PKCS #11 Mechanisms v2.40 §2.3), every signature
// checked with OpenSSL's libcrypto.
#include "key_fixture.h"

namespace p11conf {
namespace {

class P384Keys : public KeyTest {
  protected:
    const ByteVector hash_ = ref::Sha384(kMessage);
};

P11_CASE(P384Keys, GeneratedPublicPointIsA99ByteOctetString, .group = "keys",
         .functions = "C_GenerateKeyPair C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR, 384));
    const KeyPair pair = GenerateEc(kP384Params, false);
    ASSERT_TRUE(pair.ok());
    const ByteVector point = Attribute(pair.public_key, CKA_EC_POINT);
    ASSERT_EQ(point.size(), 99u) << "DER OCTET STRING of the 97-byte uncompressed P-384 point (mechanisms v2.40 §2.3)";
    EXPECT_EQ(point[0], 0x04) << "OCTET STRING tag";
    EXPECT_EQ(point[1], 0x61) << "length 97";
    EXPECT_EQ(point[2], 0x04) << "uncompressed point";
    EXPECT_EQ(Attribute(pair.public_key, CKA_EC_PARAMS), kP384Params) << "the curve it was generated on";
}

P11_CASE(P384Keys, GeneratedKeySignsA48ByteHashWithEcdsaAsOpenSslVerifies, .group = "keys",
         .functions = "C_Sign C_SignInit C_GenerateKeyPair C_GetAttributeValue",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR, 384) &&
                    OffersKeySize(CKM_ECDSA, CKF_SIGN, 384));
    const KeyPair pair = GenerateEc(kP384Params, false);
    ASSERT_TRUE(pair.ok());
    const ByteVector signature = Sign(pair.private_key, CKM_ECDSA, hash_);
    ASSERT_EQ(signature.size(), 96u) << "CKM_ECDSA on P-384 gives raw r||s of 48 bytes each (mechanisms v2.40 §2.3)";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(EcPoint(pair.public_key), "P-384", hash_, signature))
        << "OpenSSL rejects the module's signature of a SHA-384 hash";
}

P11_CASE(P384Keys, ImportedKeySignsEcdsaSha384AsOpenSslVerifies, .group = "keys",
         .functions = "C_Sign C_SignInit C_CreateObject", .mechanisms = "CKM_ECDSA_SHA384",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_ECDSA_SHA384, CKF_SIGN, 384));
    const ref::EcKey key = ref::GenerateEcKey("P-384");
    Template tmpl = EcPrivateTemplate(key);
    const CK_OBJECT_HANDLE priv_key = CreateObject(tmpl, "Device Priv TLS Key", false);
    ASSERT_NE(priv_key, CK_INVALID_HANDLE);
    const ByteVector signature = Sign(priv_key, CKM_ECDSA_SHA384, kMessage);
    ASSERT_EQ(signature.size(), 96u) << "raw r||s (mechanisms v2.40 §2.3, ECDSA with hashing)";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-384", hash_, signature))
        << "OpenSSL rejects the signature: SHA-384 of the message, then ECDSA";
}

} // namespace
} // namespace p11conf
