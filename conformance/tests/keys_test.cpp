// Keys and signatures as FreeRTOS's qualification tests use them (TLS client
// keys, code-verify keys, certificates) and the byte formats FreeRTOS relies
// on (FREERTOS.md), every signature checked with OpenSSL's libcrypto.
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class Keys : public KeyTest {};

P11_CASE(Keys, GeneratedP256PairAnswersClassSizeQueries, .group = "keys",
         .functions = "C_GetAttributeValue C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.7 C_GetAttributeValue")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    const KeyPair pair = GenerateP256(true);
    ASSERT_TRUE(pair.ok());
    const CK_OBJECT_CLASS expected[] = {CKO_PUBLIC_KEY, CKO_PRIVATE_KEY};
    const CK_OBJECT_HANDLE objects[] = {pair.public_key, pair.private_key};
    for (int i = 0; i < 2; ++i) {
        CK_ATTRIBUTE query = {CKA_CLASS, nullptr, 0};
        ASSERT_RV(fl()->C_GetAttributeValue(session_, objects[i], &query, 1), CKR_OK);
        EXPECT_EQ(query.ulValueLen, sizeof(CK_OBJECT_CLASS)) << "CKA_CLASS size query";
        CK_OBJECT_CLASS klass = 0;
        query.pValue = &klass;
        ASSERT_RV(fl()->C_GetAttributeValue(session_, objects[i], &query, 1), CKR_OK);
        EXPECT_EQ(klass, expected[i]);
    }
}

P11_CASE(Keys, GeneratedP256PublicKeyHasTheDerOidAsEcParams, .group = "keys",
         .functions = "C_GenerateKeyPair C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    const KeyPair pair = GenerateP256(false);
    ASSERT_TRUE(pair.ok());
    EXPECT_EQ(Attribute(pair.public_key, CKA_EC_PARAMS), kP256Params)
        << "the 10-byte DER OID of P-256 (06 08 2a 86 48 ce 3d 03 01 07) FreeRTOS passes and compares";
}

P11_CASE(Keys, GeneratedP256PublicPointIsA67ByteOctetString, .group = "keys",
         .functions = "C_GenerateKeyPair C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    const KeyPair pair = GenerateP256(false);
    ASSERT_TRUE(pair.ok());
    const ByteVector point = Attribute(pair.public_key, CKA_EC_POINT);
    ASSERT_EQ(point.size(), 67u) << "DER OCTET STRING of the uncompressed P-256 point (mechanisms v2.40 §2.3)";
    EXPECT_EQ(point[0], 0x04) << "OCTET STRING tag";
    EXPECT_EQ(point[1], 0x41) << "length 65";
    EXPECT_EQ(point[2], 0x04) << "uncompressed point";
}

P11_CASE(Keys, GeneratedP256KeySignsRawSignaturesOpenSslAccepts, .group = "keys",
         .functions = "C_Sign C_SignInit C_GenerateKeyPair C_GetAttributeValue",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR) && Offers(CKM_ECDSA, CKF_SIGN));
    const KeyPair pair = GenerateP256(true);
    ASSERT_TRUE(pair.ok());
    const ByteVector hash = ref::Sha256(kMessage);
    const ByteVector signature = Sign(pair.private_key, CKM_ECDSA, hash);
    ASSERT_EQ(signature.size(), 64u) << "CKM_ECDSA gives raw r||s (mechanisms v2.40 §2.3), not DER";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(EcPoint(pair.public_key), "P-256", hash, signature))
        << "OpenSSL rejects the module's signature";
}

P11_CASE(Keys, GeneratedP256PairVerifiesItsOwnSignature, .group = "keys",
         .functions = "C_Verify C_VerifyInit C_Sign C_SignInit C_GenerateKeyPair",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_ECDSA", .section = "v2.40 §5.12 C_Verify")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR) && Offers(CKM_ECDSA, CKF_SIGN | CKF_VERIFY));
    const KeyPair pair = GenerateP256(false);
    ASSERT_TRUE(pair.ok());
    const ByteVector hash = ref::Sha256(kMessage);
    EXPECT_RV(Verify(pair.public_key, CKM_ECDSA, hash, Sign(pair.private_key, CKM_ECDSA, hash)), CKR_OK);
}

P11_CASE(Keys, ImportedEcKeySignsWhatOpenSslVerifies, .group = "keys", .functions = "C_Sign C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPrivateTemplate(key);
    const CK_OBJECT_HANDLE priv_key = Install(tmpl, "Device Priv TLS Key", CKO_PRIVATE_KEY);
    P11_SKIP_UNLESS(priv_key != CK_INVALID_HANDLE);
    const ByteVector hash = ref::Sha256(kMessage);
    const ByteVector signature = Sign(priv_key, CKM_ECDSA, hash);
    EXPECT_EQ(signature.size(), 64u) << "raw r||s";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, signature)) << "OpenSSL rejects the signature";
}

P11_CASE(Keys, ImportedPrivateKeyIsSensitiveWithoutAskingForIt, .group = "keys",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    // v2.40 §4.9 leaves CKA_SENSITIVE's default to the token; FreeRTOS's
    // qualification test imports without it and expects the value hidden.
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPrivateTemplate(key);
    const CK_OBJECT_HANDLE priv_key = CreateObject(tmpl, "Device Priv TLS Key", true);
    ASSERT_NE(priv_key, CK_INVALID_HANDLE);
    CK_RV rv = CKR_OK;
    CK_ULONG length = 0;
    EXPECT_TRUE(ReadLeavesBufferUntouched(priv_key, CKA_VALUE, &rv, &length)) << "the caller's buffer was written";
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_ATTRIBUTE_SENSITIVE}))
        << "CKA_VALUE of a private key imported the way FreeRTOS does (v2.40 §5.7.5 case 1)";
    EXPECT_EQ(length, CK_UNAVAILABLE_INFORMATION);
}

P11_CASE(Keys, ImportedEcPublicKeyKeepsItsPointAndParams, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §5.7 C_CreateObject")
{
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPublicTemplate(key);
    const CK_OBJECT_HANDLE pub_key = CreateObject(tmpl, "Device Pub TLS Key", false);
    ASSERT_NE(pub_key, CK_INVALID_HANDLE);
    const ByteVector point = Attribute(pub_key, CKA_EC_POINT);
    EXPECT_EQ(point.size(), 67u) << "04 41 04 || X || Y";
    EXPECT_EQ(point, ref::DerOctetString(key.point));
    EXPECT_EQ(Attribute(pub_key, CKA_EC_PARAMS), key.ec_params);
}

P11_CASE(Keys, ProvisionedEcPublicKeyVerifiesOpenSslSignatures, .group = "keys", .functions = "C_Verify C_VerifyInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.12 C_Verify")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPublicTemplate(key);
    const CK_OBJECT_HANDLE pub_key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
    P11_SKIP_UNLESS(pub_key != CK_INVALID_HANDLE);
    const ByteVector hash = ref::Sha256(kMessage);
    EXPECT_RV(Verify(pub_key, CKM_ECDSA, hash, ref::EcdsaSignRaw(key, hash)), CKR_OK);
}

P11_CASE(Keys, ImportedRsa2048KeySignsDigestInfoExactlyAsOpenSsl, .group = "keys",
         .functions = "C_Sign C_SignInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN));
    const ref::RsaKey &key = ReferenceRsaKey();
    Template tmpl = RsaPrivateTemplate(key);
    const CK_OBJECT_HANDLE priv_key = CreateObject(tmpl, "Device Priv TLS Key", true);
    ASSERT_NE(priv_key, CK_INVALID_HANDLE);
    const ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
    ASSERT_EQ(digest_info.size(), 51u);
    const ByteVector signature = Sign(priv_key, CKM_RSA_PKCS, digest_info);
    ASSERT_EQ(signature.size(), 256u) << "RSA-2048";
    EXPECT_EQ(signature, ref::RsaPkcs1Sign(key, digest_info)) << "PKCS #1 v1.5 signatures are deterministic";
    EXPECT_TRUE(ref::RsaPkcs1Verify(key.modulus, key.public_exponent, digest_info, signature));
}

P11_CASE(Keys, ProvisionedRsaPublicKeyVerifiesOpenSslSignatures, .group = "keys", .functions = "C_Verify C_VerifyInit",
         .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §5.12 C_Verify")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_VERIFY));
    const ref::RsaKey &key = ReferenceRsaKey();
    Template tmpl = RsaPublicTemplate(key);
    const CK_OBJECT_HANDLE pub_key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
    P11_SKIP_UNLESS(pub_key != CK_INVALID_HANDLE);
    const ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
    EXPECT_RV(Verify(pub_key, CKM_RSA_PKCS, digest_info, ref::RsaPkcs1Sign(key, digest_info)), CKR_OK);
}

P11_CASE(Keys, CertificateValueIsTheDerGiven, .group = "keys", .functions = "C_GetAttributeValue C_CreateObject",
         .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const Certificate cert = SelfSignedCertificate("p11conform device");
    ASSERT_FALSE(cert.der.empty());
    Template tmpl = CertificateTemplate(cert);
    const CK_OBJECT_HANDLE object = CreateObject(tmpl, "Device Cert", true);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    EXPECT_EQ(Attribute(object, CKA_VALUE), cert.der) << "v2.40 §4.6.3: CKA_VALUE is the BER/DER certificate";
}

P11_CASE(Keys, TokenKeysAreFoundByLabelAndClassAfterReinitialize, .group = "keys",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_CreateObject C_Sign C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.7 C_FindObjectsInit")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPrivateTemplate(key);
    ASSERT_NE(CreateObject(tmpl, "Device Priv TLS Key", true), CK_INVALID_HANDLE);
    created_.clear(); // handles change across C_Finalize; found again below
    ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(OpenSession());
    ASSERT_TRUE(LoginUser());
    Template query;
    query.Text(CKA_LABEL, Label("Device Priv TLS Key", true)).Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    const std::vector<CK_OBJECT_HANDLE> found = Find(query);
    ASSERT_EQ(found.size(), 1u) << "the token key by label and class after C_Finalize + C_Initialize";
    Keep(found[0]);
    const ByteVector hash = ref::Sha256(kMessage);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, Sign(found[0], CKM_ECDSA, hash)));
}

P11_CASE(Keys, FindingAMissingLabelGivesNoObject, .group = "keys",
         .functions = "C_FindObjects C_FindObjectsInit C_FindObjectsFinal", .section = "v2.40 §5.7 C_FindObjects")
{
    Template query;
    query.Text(CKA_LABEL, Label("No Such Object")).Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    ASSERT_RV(fl()->C_FindObjectsInit(session_, query.data(), query.size()), CKR_OK);
    CK_OBJECT_HANDLE found[4];
    CK_ULONG count = 99;
    EXPECT_RV(fl()->C_FindObjects(session_, found, 4, &count), CKR_OK) << "a missing object is no error";
    EXPECT_EQ(count, 0u);
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
}

P11_CASE(Keys, ReadOnlySessionCannotGenerateTokenKeys, .group = "keys", .functions = "C_GenerateKeyPair",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN", .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION)); // R/O User Functions: the user is logged in
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, true).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, kP256Params);
    pub.Text(CKA_LABEL, Label("Device Pub TLS Key", true));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    priv.Text(CKA_LABEL, Label("Device Priv TLS Key", true));
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_key = CK_INVALID_HANDLE, priv_key = CK_INVALID_HANDLE;
    const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                             &pub_key, &priv_key);
    if (rv == CKR_OK) {
        Keep(pub_key);
        Keep(priv_key);
    }
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_SESSION_READ_ONLY})) << "only session objects in a read-only session";
}

P11_CASE(Keys, OnlyTheSoMayGenerateATrustedPublicKey, .group = "keys", .functions = "C_GenerateKeyPair",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN", .section = "v2.40 §4.8 CKA_TRUSTED")
{
    // Table 10 footnote 10: CKA_TRUSTED "can only be set to CK_TRUE by the SO user"; for the user it is read-only,
    // as in C_CreateObject.
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, kP256Params);
    pub.Bool(CKA_TRUSTED, true).Text(CKA_LABEL, Label("Code Verify Key"));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    priv.Text(CKA_LABEL, Label("Claim Key"));
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_key = CK_INVALID_HANDLE, priv_key = CK_INVALID_HANDLE;
    const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                             &pub_key, &priv_key);
    if (rv == CKR_OK) {
        Keep(pub_key);
        Keep(priv_key);
    }
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_ATTRIBUTE_READ_ONLY})) << "the user made a trusted key";
}

} // namespace
} // namespace p11conf
