// Sensitive key material is never revealed (v2.40 §5.7.5 C_GetAttributeValue
// case 1): the attribute's ulValueLen becomes CK_UNAVAILABLE_INFORMATION, the
// call returns CKR_ATTRIBUTE_SENSITIVE, the caller's buffer is left alone and
// the other attributes of the template are still processed; and CKA_SENSITIVE,
// once true, cannot be turned off (v2.40 §4.9). Keys imported with
// CKA_SENSITIVE true and keys the module generated with it.
#include <cstring>
#include <string>

#include "key_fixture.h"

namespace p11conf {
namespace {

class Sensitive : public KeyTest {
  protected:
    CK_OBJECT_HANDLE ImportSensitiveEc()
    {
        Template tmpl = EcPrivateTemplate(ref::GenerateEcKey("P-256"));
        tmpl.Bool(CKA_SENSITIVE, true);
        return CreateObject(tmpl, "Device Priv TLS Key", false);
    }

    // A sensitive RSA private key; CK_INVALID_HANDLE (skip_reason() set) when
    // a token with no RSA private-key mechanism declines to hold one.
    CK_OBJECT_HANDLE ImportSensitiveRsa()
    {
        Template tmpl = RsaPrivateTemplate(ReferenceRsaKey());
        tmpl.Bool(CKA_SENSITIVE, true);
        CK_RV declined = CKR_OK;
        return InstallUnlessDeclined(tmpl, "Device Priv TLS Key", CKO_PRIVATE_KEY, !OffersRsaPrivateOperation(),
                                     &declined);
    }

    // One attribute read into a 0xA5-filled buffer: CKR_ATTRIBUTE_SENSITIVE,
    // CK_UNAVAILABLE_INFORMATION, the buffer untouched.
    void ExpectHidden(CK_OBJECT_HANDLE key, CK_ATTRIBUTE_TYPE type, const char *name)
    {
        CK_RV rv = CKR_OK;
        CK_ULONG length = 0;
        EXPECT_TRUE(ReadLeavesBufferUntouched(key, type, &rv, &length)) << name << ": the caller's buffer was written";
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_ATTRIBUTE_SENSITIVE})) << name;
        EXPECT_EQ(length, CK_UNAVAILABLE_INFORMATION) << name << ": ulValueLen";
    }

    void ExpectRsaSecretsHidden(CK_OBJECT_HANDLE key)
    {
        ExpectHidden(key, CKA_PRIVATE_EXPONENT, "CKA_PRIVATE_EXPONENT");
        ExpectHidden(key, CKA_PRIME_1, "CKA_PRIME_1");
        ExpectHidden(key, CKA_PRIME_2, "CKA_PRIME_2");
        ExpectHidden(key, CKA_EXPONENT_1, "CKA_EXPONENT_1");
        ExpectHidden(key, CKA_EXPONENT_2, "CKA_EXPONENT_2");
        ExpectHidden(key, CKA_COEFFICIENT, "CKA_COEFFICIENT");
    }
};

// The same through Install: a profile without C_CreateObject (freertos-ota)
// gets the key from its provisioning module, and its secrets stay hidden there
// too while its public half reads back.
P11_CASE(Sensitive, ProvisionedRsaPrivateKeysSecretsAreNotRevealed, .group = "keys",
         .functions = "C_GetAttributeValue", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const CK_OBJECT_HANDLE key = ImportSensitiveRsa();
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    ExpectRsaSecretsHidden(key);
    ByteVector modulus;
    EXPECT_RV(ReadAttribute(key, CKA_MODULUS, &modulus), CKR_OK) << "CKA_MODULUS is public";
    EXPECT_EQ(modulus, ReferenceRsaKey().modulus);
}

P11_CASE(Sensitive, ImportedEcPrivateValueIsNotRevealed, .group = "keys",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const CK_OBJECT_HANDLE key = ImportSensitiveEc();
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ExpectHidden(key, CKA_VALUE, "CKA_VALUE");
}

P11_CASE(Sensitive, ImportedRsaPrivateExponentAndPrimesAreNotRevealed, .group = "keys",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const CK_OBJECT_HANDLE key = ImportSensitiveRsa();
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    ExpectRsaSecretsHidden(key);
}

P11_CASE(Sensitive, GeneratedEcPrivateValueIsNotRevealed, .group = "keys",
         .functions = "C_GetAttributeValue C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.7 C_GetAttributeValue")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    const KeyPair pair = GenerateP256(false, true);
    ASSERT_TRUE(pair.ok());
    ExpectHidden(pair.private_key, CKA_VALUE, "CKA_VALUE");
}

P11_CASE(Sensitive, GeneratedRsaPrivateExponentAndPrimesAreNotRevealed, .group = "keys",
         .functions = "C_GetAttributeValue C_GenerateKeyPair", .mechanisms = "CKM_RSA_PKCS_KEY_PAIR_GEN",
         .section = "v2.40 §5.7 C_GetAttributeValue")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    const KeyPair pair = GenerateRsa(OfferedRsaBits(CKM_RSA_PKCS_KEY_PAIR_GEN), true);
    ASSERT_TRUE(pair.ok());
    ExpectRsaSecretsHidden(pair.private_key);
}

P11_CASE(Sensitive, OtherAttributesAreStillReturnedBesideASensitiveOne, .group = "keys",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const CK_OBJECT_HANDLE key = ImportSensitiveEc();
    ASSERT_NE(key, CK_INVALID_HANDLE);
    CK_KEY_TYPE key_type = 0xFFFF;
    unsigned char value[64];
    std::memset(value, 0xA5, sizeof(value));
    const std::string label = Label("Device Priv TLS Key");
    std::string label_read(label.size() + 8, '\0');
    CK_ATTRIBUTE tmpl[] = {
        {CKA_KEY_TYPE, &key_type, sizeof(key_type)},
        {CKA_VALUE, value, sizeof(value)},
        {CKA_EC_PARAMS, nullptr, 0}, // size query
        {CKA_LABEL, &label_read[0], label_read.size()},
    };
    EXPECT_RV(fl()->C_GetAttributeValue(session_, key, tmpl, 4), CKR_ATTRIBUTE_SENSITIVE);
    EXPECT_EQ(tmpl[1].ulValueLen, CK_UNAVAILABLE_INFORMATION) << "CKA_VALUE";
    for (unsigned char byte : value) {
        ASSERT_EQ(byte, 0xA5) << "CKA_VALUE: the caller's buffer was written";
    }
    EXPECT_EQ(key_type, static_cast<CK_KEY_TYPE>(CKK_EC)) << "every other attribute is still processed";
    EXPECT_EQ(tmpl[2].ulValueLen, kP256Params.size()) << "CKA_EC_PARAMS size query";
    ASSERT_EQ(tmpl[3].ulValueLen, label.size()) << "CKA_LABEL";
    EXPECT_EQ(label_read.substr(0, label.size()), label);
}

P11_CASE(Sensitive, SensitiveCannotBeTurnedOff, .group = "keys",
         .functions = "C_SetAttributeValue C_GetAttributeValue C_CreateObject",
         .section = "v2.40 §5.7 C_SetAttributeValue")
{
    const CK_OBJECT_HANDLE key = ImportSensitiveEc();
    ASSERT_NE(key, CK_INVALID_HANDLE);
    CK_BBOOL off = CK_FALSE;
    CK_ATTRIBUTE change = {CKA_SENSITIVE, &off, sizeof(off)};
    EXPECT_RV(fl()->C_SetAttributeValue(session_, key, &change, 1), CKR_ATTRIBUTE_READ_ONLY)
        << "v2.40 §4.9: once CK_TRUE, CKA_SENSITIVE becomes read-only";
    EXPECT_EQ(Attribute(key, CKA_SENSITIVE), ByteVector{CK_TRUE});
    ExpectHidden(key, CKA_VALUE, "CKA_VALUE after the refused change");
}

} // namespace
} // namespace p11conf
