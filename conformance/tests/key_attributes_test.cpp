// Attributes a key or certificate has whether or not its template named them
// (v2.40 §4.7 - §4.10: each is listed for its class, so every object of the
// class has it and C_GetAttributeValue answers CKR_OK with its value, §5.7),
// and what the token records about a key's history: CKA_ALWAYS_SENSITIVE is
// "CK_TRUE if key has always had the CKA_SENSITIVE attribute set to CK_TRUE",
// CKA_NEVER_EXTRACTABLE "CK_TRUE if key has never had the CKA_EXTRACTABLE
// attribute set to CK_TRUE" (§4.9, §4.10). A key that came into the token by
// C_CreateObject was outside it, in the clear, before: it was neither. Check
// values are computed with OpenSSL's SHA-1.
#include <string>

#include "key_fixture.h"

namespace p11conf {
namespace {

class KeyAttributes : public KeyTest {
  protected:
    // A CK_BBOOL attribute's value; false (and a failure) when unreadable.
    bool ReadBool(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, const char *name)
    {
        ByteVector value;
        const CK_RV rv = ReadAttribute(object, type, &value);
        EXPECT_RV(rv, CKR_OK) << name;
        EXPECT_EQ(value.size(), sizeof(CK_BBOOL)) << name;
        return rv == CKR_OK && value.size() == 1 && value[0] == CK_TRUE;
    }

    // The attribute reads CKR_OK with ulValueLen 0: an empty list or template.
    void ExpectEmpty(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, const char *name, const char *where)
    {
        CK_ATTRIBUTE query = {type, nullptr, 0};
        EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &query, 1), CKR_OK)
            << name << " is an attribute of every " << where << ", set or not";
        EXPECT_EQ(query.ulValueLen, 0u) << name << " never set: empty";
    }

    // The first three bytes of SHA-1 of `value`.
    static ByteVector Sha1CheckValue(const ByteVector &value)
    {
        const ByteVector hash = ref::Sha1(value);
        return ByteVector(hash.begin(), hash.begin() + 3);
    }

    // A 32-byte generic secret key made with C_CreateObject.
    CK_OBJECT_HANDLE CreateSecret(const ByteVector &secret, bool sensitive, bool extractable)
    {
        Template tmpl = HmacTemplate(secret);
        tmpl.Bool(CKA_SENSITIVE, sensitive).Bool(CKA_EXTRACTABLE, extractable);
        return CreateObject(tmpl, "HMAC Key", false);
    }
};

P11_CASE(KeyAttributes, ImportedPrivateKeyWasNeitherAlwaysSensitiveNorNeverExtractable, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.9 CKA_ALWAYS_SENSITIVE")
{
    Template tmpl = EcPrivateTemplate(ref::GenerateEcKey("P-256"));
    tmpl.Bool(CKA_SENSITIVE, true).Bool(CKA_EXTRACTABLE, false);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Device Priv TLS Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_FALSE(ReadBool(key, CKA_ALWAYS_SENSITIVE, "CKA_ALWAYS_SENSITIVE"))
        << "an imported private key was in the clear outside the token before C_CreateObject";
    EXPECT_FALSE(ReadBool(key, CKA_NEVER_EXTRACTABLE, "CKA_NEVER_EXTRACTABLE"))
        << "an imported private key was outside the token before C_CreateObject";
}

P11_CASE(KeyAttributes, ImportedSecretKeyWasNeitherAlwaysSensitiveNorNeverExtractable, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §4.10 CKA_ALWAYS_SENSITIVE")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    const CK_OBJECT_HANDLE key = CreateSecret(HmacSecret(), true, false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_FALSE(ReadBool(key, CKA_ALWAYS_SENSITIVE, "CKA_ALWAYS_SENSITIVE"))
        << "an imported secret key was in the clear outside the token before C_CreateObject";
    EXPECT_FALSE(ReadBool(key, CKA_NEVER_EXTRACTABLE, "CKA_NEVER_EXTRACTABLE"))
        << "an imported secret key was outside the token before C_CreateObject";
}

P11_CASE(KeyAttributes, GeneratedSensitiveUnextractableKeyIsAlwaysSensitiveAndNeverExtractable, .group = "keys",
         .functions = "C_GenerateKeyPair C_GetAttributeValue", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §4.9 CKA_ALWAYS_SENSITIVE")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, kP256Params);
    pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    priv.Bool(CKA_SENSITIVE, true).Bool(CKA_EXTRACTABLE, false).Text(CKA_LABEL, Label("Device Priv TLS Key"));
    const KeyPair pair = GeneratePair(CKM_EC_KEY_PAIR_GEN, pub, priv);
    ASSERT_TRUE(pair.ok());
    EXPECT_TRUE(ReadBool(pair.private_key, CKA_ALWAYS_SENSITIVE, "CKA_ALWAYS_SENSITIVE"))
        << "generated in the token with CKA_SENSITIVE true, never changed";
    EXPECT_TRUE(ReadBool(pair.private_key, CKA_NEVER_EXTRACTABLE, "CKA_NEVER_EXTRACTABLE"))
        << "generated in the token with CKA_EXTRACTABLE false, never changed";
}

P11_CASE(KeyAttributes, AllowedMechanismsNeverSetReadEmpty, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.7 CKA_ALLOWED_MECHANISMS")
{
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template priv = EcPrivateTemplate(key);
    const CK_OBJECT_HANDLE private_key = CreateObject(priv, "Device Priv TLS Key", false);
    Template pub = EcPublicTemplate(key);
    const CK_OBJECT_HANDLE public_key = CreateObject(pub, "Code Verify Key", false);
    ASSERT_TRUE(private_key != CK_INVALID_HANDLE && public_key != CK_INVALID_HANDLE);
    ExpectEmpty(private_key, CKA_ALLOWED_MECHANISMS, "CKA_ALLOWED_MECHANISMS", "key (Table 25)");
    ExpectEmpty(public_key, CKA_ALLOWED_MECHANISMS, "CKA_ALLOWED_MECHANISMS", "key (Table 25)");
}

P11_CASE(KeyAttributes, UnwrapTemplateOfAPrivateKeyNeverSetReadsEmpty, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.9 CKA_UNWRAP_TEMPLATE")
{
    Template tmpl = EcPrivateTemplate(ref::GenerateEcKey("P-256"));
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Device Priv TLS Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ExpectEmpty(key, CKA_UNWRAP_TEMPLATE, "CKA_UNWRAP_TEMPLATE", "private key (Table 34)");
}

P11_CASE(KeyAttributes, WrapTemplateOfAPublicKeyNeverSetReadsEmpty, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.8 CKA_WRAP_TEMPLATE")
{
    Template tmpl = EcPublicTemplate(ref::GenerateEcKey("P-256"));
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Code Verify Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ExpectEmpty(key, CKA_WRAP_TEMPLATE, "CKA_WRAP_TEMPLATE", "public key (Table 32)");
}

// Generic secret keys (mechanisms v2.40, generic secret key objects): "The
// value of this attribute is derived from the key object by taking the first
// three bytes of the SHA-1 hash of the key object's CKA_VALUE attribute."
// CKA_CHECK_VALUE is not among the attributes a sensitive key hides.
P11_CASE(KeyAttributes, SecretKeyCheckValueIsTheSha1PrefixOfItsValue, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §4.10 CKA_CHECK_VALUE")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN));
    const ByteVector secret = HmacSecret();
    const CK_OBJECT_HANDLE extractable = CreateSecret(secret, false, true);
    const CK_OBJECT_HANDLE hidden = CreateSecret(secret, true, false);
    ASSERT_TRUE(extractable != CK_INVALID_HANDLE && hidden != CK_INVALID_HANDLE);
    EXPECT_EQ(Attribute(extractable, CKA_CHECK_VALUE), Sha1CheckValue(secret))
        << "CKA_CHECK_VALUE of a generic secret key (not sensitive, extractable)";
    EXPECT_EQ(Attribute(hidden, CKA_CHECK_VALUE), Sha1CheckValue(secret))
        << "CKA_CHECK_VALUE of a generic secret key (sensitive, not extractable)";
}

// v2.40 §4.6.2, common certificate attributes: CKA_CHECK_VALUE, "The value of
// this attribute is derived from the certificate by taking the first three
// bytes of the SHA-1 hash of the certificate object's CKA_VALUE attribute."
P11_CASE(KeyAttributes, CertificateCheckValueIsTheSha1PrefixOfItsValue, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.6.2 CKA_CHECK_VALUE")
{
    const Certificate cert = SelfSignedCertificate("p11conform check value");
    ASSERT_FALSE(cert.der.empty());
    Template tmpl = CertificateTemplate(cert);
    const CK_OBJECT_HANDLE object = CreateObject(tmpl, "Device Cert", false);
    ASSERT_NE(object, CK_INVALID_HANDLE);
    EXPECT_EQ(Attribute(object, CKA_CHECK_VALUE), Sha1CheckValue(cert.der))
        << "CKA_CHECK_VALUE of an X.509 certificate: SHA-1 of its DER CKA_VALUE, first 3 bytes";
}

} // namespace
} // namespace p11conf
