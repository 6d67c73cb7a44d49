/* The attribute tables at work: C_CreateObject templates (v2.40 §4.1.1),
 * defaults and derived values, the five cases of C_GetAttributeValue
 * (§5.7.5), C_SetAttributeValue and C_CopyObject rules, and build_object as
 * key generation will call it. */
#include <cstring>

#include "object_test_support.h"
#include "objects/attribute_rules.h"
#include "test_certificate.h"

using namespace p11test;

namespace {
const char kUserPin[] = "1234";
const char kSoPin[] = "87654321";

ByteVec CertPart(const CertSpan &span)
{
    return ByteVec(kTestCertificate + span.offset, kTestCertificate + span.offset + span.size);
}
} // namespace

class AttributeTest : public ObjectTest {
  protected:
    void SetUp() override
    {
        ObjectTest::SetUp();
        h = Open(true);
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    }
    CK_RV CreateRv(Tmpl t)
    {
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        return Create(h, t, &object);
    }
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
};

// ---- Create: keys -----------------------------------------------------------

TEST_F(AttributeTest, CreateEcPrivateKeyFromValueAndParams)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", true));
    ASSERT_NE(CK_INVALID_HANDLE, key);
    EXPECT_EQ(CKO_PRIVATE_KEY, GetUlong(h, key, CKA_CLASS));
    EXPECT_EQ(CKK_EC, GetUlong(h, key, CKA_KEY_TYPE));
    EXPECT_EQ(kP256Params, Get(h, key, CKA_EC_PARAMS));
    const std::string label = "Device Priv TLS Key";
    EXPECT_EQ(ByteVec(label.begin(), label.end()), Get(h, key, CKA_LABEL));
    // Token-chosen defaults and the values the token derives.
    EXPECT_TRUE(GetBool(h, key, CKA_SENSITIVE));
    EXPECT_TRUE(GetBool(h, key, CKA_PRIVATE));
    EXPECT_FALSE(GetBool(h, key, CKA_EXTRACTABLE));
    EXPECT_FALSE(GetBool(h, key, CKA_LOCAL));
    // Imported: the value existed outside the token (v2.40 §4.9).
    EXPECT_FALSE(GetBool(h, key, CKA_ALWAYS_SENSITIVE));
    EXPECT_FALSE(GetBool(h, key, CKA_NEVER_EXTRACTABLE));
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, GetUlong(h, key, CKA_KEY_GEN_MECHANISM));
}

TEST_F(AttributeTest, EcPointIsDerOctetString67Bytes)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPublicTemplate("Device Pub TLS Key", false));
    ByteVec point = Get(h, key, CKA_EC_POINT);
    ASSERT_EQ(67u, point.size());
    EXPECT_EQ(0x04, point[0]);
    EXPECT_EQ(0x41, point[1]);
    EXPECT_EQ(0x04, point[2]);
    EXPECT_EQ(DerPoint(32), point);
    EXPECT_FALSE(GetBool(h, key, CKA_PRIVATE)); // public keys default to public
}

TEST_F(AttributeTest, RawEcPointIsAcceptedAndNormalized)
{
    Tmpl t;
    t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP256Params);
    t.Bytes(CKA_EC_POINT, RawPoint(32));
    CK_OBJECT_HANDLE key = CreateOk(h, t);
    EXPECT_EQ(DerPoint(32), Get(h, key, CKA_EC_POINT));
}

TEST_F(AttributeTest, P384PointIsDerOctetString99Bytes)
{
    Tmpl t;
    t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP384Params);
    t.Bytes(CKA_EC_POINT, RawPoint(48));
    CK_OBJECT_HANDLE key = CreateOk(h, t);
    ByteVec point = Get(h, key, CKA_EC_POINT);
    EXPECT_EQ(99u, point.size());
    EXPECT_EQ(DerPoint(48), point);
}

TEST_F(AttributeTest, UnsupportedNamedCurveIsCurveNotSupported)
{
    const ByteVec secp256k1 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};
    Tmpl t;
    t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, secp256k1);
    t.Bytes(CKA_EC_POINT, DerPoint(32));
    EXPECT_EQ(CKR_CURVE_NOT_SUPPORTED, CreateRv(t));
}

TEST_F(AttributeTest, MalformedEcPointIsAttributeValueInvalid)
{
    ByteVec compressed = RawPoint(32);
    compressed[0] = 0x02;
    ByteVec bad_length = DerPoint(32);
    bad_length[1] = 0x40;
    ByteVec truncated = DerPoint(32);
    truncated.pop_back();
    for (const ByteVec &point : {compressed, bad_length, truncated}) {
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP256Params);
        t.Bytes(CKA_EC_POINT, point);
        EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(t)) << point.size() << " bytes";
    }
}

TEST_F(AttributeTest, PointOfAnotherCurveIsTemplateInconsistent)
{
    Tmpl t;
    t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP256Params);
    t.Bytes(CKA_EC_POINT, DerPoint(48));
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, CreateRv(t));
}

TEST_F(AttributeTest, EcPrivateValueLongerThanCurveIsTemplateInconsistent)
{
    Tmpl t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP256Params);
    t.Bytes(CKA_VALUE, Filled(48, 1));
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, CreateRv(t));
}

TEST_F(AttributeTest, RsaPublicKeyGetsModulusBitsFromModulus)
{
    CK_OBJECT_HANDLE key = CreateOk(h, RsaPublicTemplate("Code Verify Key", false));
    EXPECT_EQ(2048u, GetUlong(h, key, CKA_MODULUS_BITS));
    EXPECT_EQ(kTestRsaModulus, Get(h, key, CKA_MODULUS));
    EXPECT_EQ((ByteVec{0x01, 0x00, 0x01}), Get(h, key, CKA_PUBLIC_EXPONENT));
}

// v2.40 §4.1.1 item 3; CKA_MODULUS_BITS has footnote 2 (the token sets it).
TEST_F(AttributeTest, ModulusBitsOrValueLenInCreateTemplateIsReadOnly)
{
    Tmpl t = RsaPublicTemplate("k", false);
    t.Ulong(CKA_MODULUS_BITS, 2048);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, CreateRv(t));
    Tmpl secret = SecretTemplate("s", false, true);
    secret.Ulong(CKA_VALUE_LEN, 32);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, CreateRv(secret));
}

TEST_F(AttributeTest, GenericSecretGetsValueLenAndHidesValue)
{
    CK_OBJECT_HANDLE key = CreateOk(h, SecretTemplate("HMAC Key", true, false));
    EXPECT_EQ(32u, GetUlong(h, key, CKA_VALUE_LEN));
    EXPECT_TRUE(GetBool(h, key, CKA_PRIVATE));
    CK_ATTRIBUTE value = {CKA_VALUE, nullptr, 0};
    EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, GetAttrs(h, key, &value, 1));
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, value.ulValueLen);
}

TEST_F(AttributeTest, UnextractableValueIsHiddenEvenWhenNotSensitive)
{
    CK_OBJECT_HANDLE hidden = CreateOk(h, SecretTemplate("a", false, false));
    CK_ATTRIBUTE value = {CKA_VALUE, nullptr, 0};
    EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, GetAttrs(h, hidden, &value, 1));
    EXPECT_FALSE(GetBool(h, hidden, CKA_NEVER_EXTRACTABLE)); // imported: it was outside the token
    EXPECT_FALSE(GetBool(h, hidden, CKA_ALWAYS_SENSITIVE));

    CK_OBJECT_HANDLE open = CreateOk(h, SecretTemplate("b", false, true));
    EXPECT_EQ(Filled(32, 0x70), Get(h, open, CKA_VALUE));
    EXPECT_FALSE(GetBool(h, open, CKA_NEVER_EXTRACTABLE));
}

TEST_F(AttributeTest, DataObjectDefaults)
{
    CK_OBJECT_HANDLE data = CreateOk(h, DataTemplate("blob", false));
    EXPECT_FALSE(GetBool(h, data, CKA_PRIVATE));
    EXPECT_FALSE(GetBool(h, data, CKA_TOKEN));
    EXPECT_TRUE(GetBool(h, data, CKA_MODIFIABLE));
    EXPECT_TRUE(GetBool(h, data, CKA_DESTROYABLE));
    EXPECT_EQ(ByteVec(), Get(h, data, CKA_OBJECT_ID));
    const std::string value = "data value";
    EXPECT_EQ(ByteVec(value.begin(), value.end()), Get(h, data, CKA_VALUE));
}

// ---- Create: template errors (v2.40 §4.1.1) ---------------------------------

TEST_F(AttributeTest, TemplateIncompleteWithoutClass)
{
    Tmpl t;
    t.Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_VALUE, Filled(32, 1));
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(t));
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(Tmpl()));
}

TEST_F(AttributeTest, TemplateIncompleteWithoutKeyTypeOrRequiredValue)
{
    Tmpl no_type;
    no_type.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_VALUE, Filled(32, 1));
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(no_type));
    Tmpl no_value;
    no_value.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_EC_PARAMS, kP256Params);
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(no_value));
    Tmpl no_exponent;
    no_exponent.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Bytes(CKA_MODULUS, Filled(256, 1));
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(no_exponent));
}

TEST_F(AttributeTest, AttributeOutsideTheClassIsAttributeTypeInvalid)
{
    Tmpl data = DataTemplate("d", false);
    data.Bytes(CKA_MODULUS, Filled(4, 1));
    EXPECT_EQ(CKR_ATTRIBUTE_TYPE_INVALID, CreateRv(data));
    Tmpl cert = CertificateTemplate("c", false);
    cert.Bool(CKA_SIGN, true);
    EXPECT_EQ(CKR_ATTRIBUTE_TYPE_INVALID, CreateRv(cert));
    Tmpl ec = EcPublicTemplate("e", false);
    ec.Bytes(CKA_PRIVATE_EXPONENT, Filled(4, 1));
    EXPECT_EQ(CKR_ATTRIBUTE_TYPE_INVALID, CreateRv(ec));
}

TEST_F(AttributeTest, AttributesOnlyTheTokenSetsAreReadOnly)
{
    for (CK_ATTRIBUTE_TYPE type : {CKA_LOCAL, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE}) {
        Tmpl t = EcPrivateTemplate("k", false);
        t.Bool(type, true);
        EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, CreateRv(t)) << std::hex << type;
    }
    Tmpl t = EcPrivateTemplate("k", false);
    t.Ulong(CKA_KEY_GEN_MECHANISM, CKM_EC_KEY_PAIR_GEN);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, CreateRv(t));
}

TEST_F(AttributeTest, WrongSizedBooleanOrUlongIsAttributeValueInvalid)
{
    Tmpl wide_bool = DataTemplate("d", false);
    wide_bool.Ulong(CKA_PRIVATE, CK_TRUE);
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(wide_bool));
    Tmpl short_class;
    short_class.Bytes(CKA_CLASS, {0x00});
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(short_class));
    Tmpl short_category = CertificateTemplate("c", false);
    short_category.Bytes(CKA_CERTIFICATE_CATEGORY, {0x01, 0x00});
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(short_category));
}

TEST_F(AttributeTest, UnsupportedClassOrKeyTypeIsAttributeValueInvalid)
{
    Tmpl hw;
    hw.Ulong(CKA_CLASS, CKO_HW_FEATURE);
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(hw));
    Tmpl aes;
    aes.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Bytes(CKA_VALUE, Filled(16, 1));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(aes));
}

TEST_F(AttributeTest, SameAttributeTwiceWithDifferentValuesIsTemplateInconsistent)
{
    Tmpl t = DataTemplate("one", false);
    t.Str(CKA_LABEL, "two");
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, CreateRv(t));
    Tmpl same = DataTemplate("one", false);
    same.Str(CKA_LABEL, "one");
    EXPECT_EQ(CKR_OK, CreateRv(same));
}

TEST_F(AttributeTest, NullValueWithLengthIsAttributeValueInvalid)
{
    Tmpl t = DataTemplate("d", false);
    t.Raw(CKA_OBJECT_ID, nullptr, 4);
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(t));
}

TEST_F(AttributeTest, TrustedCertificateNeedsTheSo)
{
    Tmpl t = CertificateTemplate("Root Cert", false);
    t.Bool(CKA_TRUSTED, true);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, CreateRv(t));
}

// ---- Certificates -----------------------------------------------------------

TEST_F(AttributeTest, CertificateSubjectIssuerSerialComeFromDer)
{
    CK_OBJECT_HANDLE cert = CreateOk(h, CertificateTemplate("Device Cert", false));
    EXPECT_EQ(CertPart(kTestCertificateSubject), Get(h, cert, CKA_SUBJECT));
    EXPECT_EQ(CertPart(kTestCertificateIssuer), Get(h, cert, CKA_ISSUER));
    EXPECT_EQ(CertPart(kTestCertificateSerial), Get(h, cert, CKA_SERIAL_NUMBER));
    EXPECT_EQ(ByteVec(kTestCertificate, kTestCertificate + kTestCertificateSize), Get(h, cert, CKA_VALUE));
    EXPECT_EQ(CKC_X_509, GetUlong(h, cert, CKA_CERTIFICATE_TYPE));
    EXPECT_EQ(0u, GetUlong(h, cert, CKA_CERTIFICATE_CATEGORY));
}

// Deriving the fields adds values to the set the DER lives in, which moves
// its buffer when it is full: every derived field must still be the
// certificate's own, whatever room the template's other values leave (labels
// and CKA_IDs of many sizes; found by the conformance case
// AttributeTables.EachRequiredAttributeLeftOutIsTemplateIncomplete under
// AddressSanitizer as a read of the freed buffer).
TEST_F(AttributeTest, CertificateFieldsDerivedAfterTheBufferMovesAreTheCertificates)
{
    for (std::size_t label = 1; label <= 40; ++label) {
        for (std::size_t id = 0; id <= 120; id += 3) {
            Tmpl t = CertificateTemplate(std::string(label, 'L'), false);
            t.Bytes(CKA_ID, Filled(id, 7));
            CK_OBJECT_HANDLE cert = CreateOk(h, t);
            ASSERT_EQ(CertPart(kTestCertificateSubject), Get(h, cert, CKA_SUBJECT)) << label << ", " << id;
            ASSERT_EQ(CertPart(kTestCertificateIssuer), Get(h, cert, CKA_ISSUER)) << label << ", " << id;
            ASSERT_EQ(CertPart(kTestCertificateSerial), Get(h, cert, CKA_SERIAL_NUMBER)) << label << ", " << id;
            ASSERT_EQ(CKR_OK, Destroy(h, cert));
        }
    }
}

TEST_F(AttributeTest, CertificateKeepsSubjectGivenInTemplate)
{
    Tmpl t = CertificateTemplate("c", false);
    t.Str(CKA_SUBJECT, "given");
    CK_OBJECT_HANDLE cert = CreateOk(h, t);
    EXPECT_EQ((ByteVec{'g', 'i', 'v', 'e', 'n'}), Get(h, cert, CKA_SUBJECT));
    EXPECT_EQ(CertPart(kTestCertificateIssuer), Get(h, cert, CKA_ISSUER));
}

TEST_F(AttributeTest, UnparsableCertificateIsAttributeValueInvalid)
{
    ByteVec der(kTestCertificate, kTestCertificate + kTestCertificateSize);
    ByteVec truncated(der.begin(), der.end() - 1);
    ByteVec trailing = der;
    trailing.push_back(0);
    for (const ByteVec &value : {truncated, trailing, ByteVec{0x30, 0x00}}) {
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_CERTIFICATE).Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509).Bytes(CKA_VALUE, value);
        EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(t)) << value.size() << " bytes";
    }
}

TEST_F(AttributeTest, CertificateNeedsValueAndX509Type)
{
    Tmpl no_value;
    no_value.Ulong(CKA_CLASS, CKO_CERTIFICATE).Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509);
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(no_value));
    Tmpl no_type;
    no_type.Ulong(CKA_CLASS, CKO_CERTIFICATE).Bytes(CKA_VALUE, CertPart({0, kTestCertificateSize}));
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, CreateRv(no_type));
    Tmpl attribute_cert;
    attribute_cert.Ulong(CKA_CLASS, CKO_CERTIFICATE)
        .Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509_ATTR_CERT)
        .Bytes(CKA_VALUE, CertPart({0, kTestCertificateSize}));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(attribute_cert));
}

// ---- C_GetAttributeValue (v2.40 §5.7.5) -------------------------------------

TEST_F(AttributeTest, SensitiveValueIsAttributeSensitiveAndBufferUntouched)
{
    CK_OBJECT_HANDLE ec = CreateOk(h, EcPrivateTemplate("ec", false));
    CK_OBJECT_HANDLE rsa = CreateOk(h, RsaPrivateTemplate("rsa", false));
    const std::pair<CK_OBJECT_HANDLE, CK_ATTRIBUTE_TYPE> secrets[] = {
        {ec, CKA_VALUE},       {rsa, CKA_PRIVATE_EXPONENT}, {rsa, CKA_PRIME_1},    {rsa, CKA_PRIME_2},
        {rsa, CKA_EXPONENT_1}, {rsa, CKA_EXPONENT_2},       {rsa, CKA_COEFFICIENT}};
    for (const auto &secret : secrets) {
        ByteVec buffer(512, 0xA5);
        CK_ATTRIBUTE attr = {secret.second, buffer.data(), static_cast<CK_ULONG>(buffer.size())};
        EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, GetAttrs(h, secret.first, &attr, 1)) << std::hex << secret.second;
        EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, attr.ulValueLen);
        EXPECT_EQ(ByteVec(512, 0xA5), buffer);
    }
    EXPECT_EQ(kTestRsaModulus, Get(h, rsa, CKA_MODULUS)); // the public half stays readable
}

TEST_F(AttributeTest, GetAttributeValueProcessesEveryAttribute)
{
    Tmpl t = EcPrivateTemplate("every", false);
    t.Str(CKA_ID, "0123456789");
    CK_OBJECT_HANDLE key = CreateOk(h, t);
    ByteVec secret(64, 0xA5);
    ByteVec small(4, 0xA5);
    CK_OBJECT_CLASS klass = 0;
    CK_ATTRIBUTE attrs[] = {
        {CKA_VALUE, secret.data(), static_cast<CK_ULONG>(secret.size())}, // case 1
        {CKA_MODULUS, nullptr, 0},                                        // case 2
        {CKA_LABEL, nullptr, 0},                                          // case 3
        {CKA_CLASS, &klass, sizeof klass},                                // case 4
        {CKA_ID, small.data(), static_cast<CK_ULONG>(small.size())},      // case 5
    };
    EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, GetAttrs(h, key, attrs, 5));
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, attrs[0].ulValueLen);
    EXPECT_EQ(ByteVec(64, 0xA5), secret);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, attrs[1].ulValueLen);
    EXPECT_EQ(5u, attrs[2].ulValueLen);
    EXPECT_EQ(sizeof klass, attrs[3].ulValueLen);
    EXPECT_EQ(CKO_PRIVATE_KEY, klass);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, attrs[4].ulValueLen);
}

TEST_F(AttributeTest, TypeInvalidIsReportedBeforeBufferTooSmall)
{
    CK_OBJECT_HANDLE data = CreateOk(h, DataTemplate("data", false));
    ByteVec small(2);
    CK_ATTRIBUTE both[] = {{CKA_VALUE, small.data(), 2}, {CKA_MODULUS, nullptr, 0}};
    EXPECT_EQ(CKR_ATTRIBUTE_TYPE_INVALID, GetAttrs(h, data, both, 2));
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, both[0].ulValueLen);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, both[1].ulValueLen);
}

TEST_F(AttributeTest, TooSmallBufferIsBufferTooSmallAndExactBufferWorks)
{
    CK_OBJECT_HANDLE data = CreateOk(h, DataTemplate("data", false));
    ByteVec buffer(9, 0xA5); // the value has 10 bytes
    CK_ATTRIBUTE attr = {CKA_VALUE, buffer.data(), 9};
    EXPECT_EQ(CKR_BUFFER_TOO_SMALL, GetAttrs(h, data, &attr, 1));
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, attr.ulValueLen);
    buffer.assign(10, 0);
    attr = {CKA_VALUE, buffer.data(), 10};
    EXPECT_EQ(CKR_OK, GetAttrs(h, data, &attr, 1));
    EXPECT_EQ(10u, attr.ulValueLen);
    EXPECT_EQ(0, std::memcmp(buffer.data(), "data value", 10));
}

TEST_F(AttributeTest, ClassSizeQueryThenValueOnKeys)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    CK_ATTRIBUTE attr = {CKA_CLASS, nullptr, 0};
    ASSERT_EQ(CKR_OK, GetAttrs(h, key, &attr, 1));
    EXPECT_EQ(sizeof(CK_OBJECT_CLASS), attr.ulValueLen);
    CK_OBJECT_CLASS klass = 0;
    attr.pValue = &klass;
    EXPECT_EQ(CKR_OK, GetAttrs(h, key, &attr, 1));
    EXPECT_EQ(CKO_PRIVATE_KEY, klass);
}

// ---- C_SetAttributeValue ------------------------------------------------------

TEST_F(AttributeTest, SetAttributeSensitiveOnlyTurnsOn)
{
    CK_OBJECT_HANDLE key = CreateOk(h, SecretTemplate("s", false, true));
    EXPECT_EQ(Filled(32, 0x70), Get(h, key, CKA_VALUE));
    Tmpl on;
    on.Bool(CKA_SENSITIVE, true);
    EXPECT_EQ(CKR_OK, Set(h, key, on));
    CK_ATTRIBUTE value = {CKA_VALUE, nullptr, 0};
    EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, GetAttrs(h, key, &value, 1));
    EXPECT_FALSE(GetBool(h, key, CKA_ALWAYS_SENSITIVE)); // it was revealable once
    Tmpl off;
    off.Bool(CKA_SENSITIVE, false);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, off));
    EXPECT_TRUE(GetBool(h, key, CKA_SENSITIVE));
}

TEST_F(AttributeTest, SetAttributeExtractableOnlyTurnsOff)
{
    CK_OBJECT_HANDLE key = CreateOk(h, SecretTemplate("s", true, true));
    Tmpl off;
    off.Bool(CKA_EXTRACTABLE, false);
    EXPECT_EQ(CKR_OK, Set(h, key, off));
    EXPECT_FALSE(GetBool(h, key, CKA_NEVER_EXTRACTABLE));
    Tmpl on;
    on.Bool(CKA_EXTRACTABLE, true);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, on));
    EXPECT_FALSE(GetBool(h, key, CKA_EXTRACTABLE));
}

TEST_F(AttributeTest, SetUnchangeableAttributeIsAttributeReadOnly)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    Tmpl klass;
    klass.Ulong(CKA_CLASS, CKO_DATA);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, klass));
    Tmpl params;
    params.Bytes(CKA_EC_PARAMS, kP384Params);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, params));
    // CKA_TOKEN and CKA_PRIVATE change only through C_CopyObject.
    Tmpl token;
    token.Bool(CKA_TOKEN, true);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, token));
    Tmpl priv;
    priv.Bool(CKA_PRIVATE, false);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, priv));
    Tmpl local;
    local.Bool(CKA_LOCAL, true);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, key, local));
    Tmpl unknown;
    unknown.Bytes(CKA_MODULUS, {1});
    EXPECT_EQ(CKR_ATTRIBUTE_TYPE_INVALID, Set(h, key, unknown));
}

TEST_F(AttributeTest, SetLabelAndIdChangesThem)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPublicTemplate("old", false));
    Tmpl t;
    t.Str(CKA_LABEL, "new").Str(CKA_ID, "id-1").Bool(CKA_VERIFY, false);
    EXPECT_EQ(CKR_OK, Set(h, key, t));
    EXPECT_EQ((ByteVec{'n', 'e', 'w'}), Get(h, key, CKA_LABEL));
    EXPECT_EQ((ByteVec{'i', 'd', '-', '1'}), Get(h, key, CKA_ID));
    EXPECT_FALSE(GetBool(h, key, CKA_VERIFY));
}

TEST_F(AttributeTest, SetOnUnmodifiableObjectIsActionProhibited)
{
    Tmpl t = DataTemplate("fixed", false);
    t.Bool(CKA_MODIFIABLE, false);
    CK_OBJECT_HANDLE data = CreateOk(h, t);
    Tmpl label;
    label.Str(CKA_LABEL, "changed");
    EXPECT_EQ(CKR_ACTION_PROHIBITED, Set(h, data, label));
}

// ---- C_CopyObject -------------------------------------------------------------

TEST_F(AttributeTest, CopyObjectAppliesTemplate)
{
    CK_OBJECT_HANDLE original = CreateOk(h, DataTemplate("original", false));
    Tmpl t;
    t.Str(CKA_LABEL, "copy").Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true);
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    ASSERT_EQ(CKR_OK, Copy(h, original, t, &copy));
    EXPECT_NE(original, copy);
    EXPECT_EQ((ByteVec{'c', 'o', 'p', 'y'}), Get(h, copy, CKA_LABEL));
    EXPECT_TRUE(GetBool(h, copy, CKA_TOKEN));
    EXPECT_TRUE(GetBool(h, copy, CKA_PRIVATE));
    EXPECT_EQ(Get(h, original, CKA_VALUE), Get(h, copy, CKA_VALUE));
    EXPECT_EQ((ByteVec{'o', 'r', 'i', 'g', 'i', 'n', 'a', 'l'}), Get(h, original, CKA_LABEL));
    EXPECT_FALSE(GetBool(h, original, CKA_TOKEN));
}

TEST_F(AttributeTest, CopyCannotChangeReadOnlyOrRevealSecrets)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPrivateTemplate("k", false));
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    Tmpl klass;
    klass.Ulong(CKA_CLASS, CKO_DATA);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Copy(h, key, klass, &copy));
    Tmpl reveal;
    reveal.Bool(CKA_SENSITIVE, false);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Copy(h, key, reveal, &copy));
    Tmpl extract;
    extract.Bool(CKA_EXTRACTABLE, true);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Copy(h, key, extract, &copy));
    ASSERT_EQ(CKR_OK, Copy(h, key, Tmpl(), &copy));
    EXPECT_FALSE(GetBool(h, copy, CKA_ALWAYS_SENSITIVE)); // the copy keeps the imported key's history
    EXPECT_TRUE(GetBool(h, copy, CKA_SENSITIVE));
    EXPECT_FALSE(GetBool(h, copy, CKA_LOCAL));
}

TEST_F(AttributeTest, CopyOfUncopyableObjectIsActionProhibited)
{
    Tmpl t = DataTemplate("d", false);
    t.Bool(CKA_COPYABLE, false);
    CK_OBJECT_HANDLE data = CreateOk(h, t);
    CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_ACTION_PROHIBITED, Copy(h, data, Tmpl(), &copy));
    Tmpl back;
    back.Bool(CKA_COPYABLE, true);
    EXPECT_EQ(CKR_ATTRIBUTE_READ_ONLY, Set(h, data, back));
}

TEST_F(AttributeTest, TrustedMaySetOnlyBySo)
{
    ASSERT_EQ(CKR_OK, Logout(h));
    ASSERT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin));
    Tmpl t = CertificateTemplate("Root Cert", true);
    t.Bool(CKA_TRUSTED, true);
    CK_OBJECT_HANDLE cert = CreateOk(h, t);
    EXPECT_TRUE(GetBool(h, cert, CKA_TRUSTED));
}

// ---- build_object for key generation ------------------------------------------

TEST(BuildObjectTest, GenerateImpliesClassAndKeyTypeAndMarksLocal)
{
    // FreeRTOS's private key template for C_GenerateKeyPair.
    Tmpl t;
    t.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    t.Str(CKA_LABEL, "Device Priv TLS Key");
    p11::AttributeSet attrs;
    ASSERT_EQ(CKR_OK,
              p11::build_object(t.data(), t.size(), p11::ObjectOrigin::generate, CKO_PRIVATE_KEY, CKK_EC, &attrs));
    EXPECT_EQ(CKO_PRIVATE_KEY, attrs.ulong_or(CKA_CLASS, 0));
    EXPECT_EQ(CKK_EC, attrs.ulong_or(CKA_KEY_TYPE, 0));
    EXPECT_TRUE(attrs.bool_or(CKA_LOCAL, false));
    EXPECT_TRUE(attrs.bool_or(CKA_ALWAYS_SENSITIVE, false));
    EXPECT_TRUE(attrs.bool_or(CKA_NEVER_EXTRACTABLE, false));
    EXPECT_FALSE(attrs.has(CKA_VALUE)); // the generator adds the key material
}

TEST(BuildObjectTest, GenerateTemplateWithKeyMaterialIsTemplateInconsistent)
{
    Tmpl priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bytes(CKA_VALUE, Filled(32, 1));
    p11::AttributeSet attrs;
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, p11::build_object(priv.data(), priv.size(), p11::ObjectOrigin::generate,
                                                           CKO_PRIVATE_KEY, CKK_EC, &attrs));
    Tmpl pub;
    pub.Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_EC_POINT, DerPoint(32));
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT,
              p11::build_object(pub.data(), pub.size(), p11::ObjectOrigin::generate, CKO_PUBLIC_KEY, CKK_EC, &attrs));
}

TEST(BuildObjectTest, GenerateTemplateOfAnotherClassOrKeyTypeIsTemplateInconsistent)
{
    Tmpl klass;
    klass.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Bytes(CKA_EC_PARAMS, kP256Params);
    p11::AttributeSet attrs;
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, p11::build_object(klass.data(), klass.size(), p11::ObjectOrigin::generate,
                                                           CKO_PUBLIC_KEY, CKK_EC, &attrs));
    Tmpl type;
    type.Ulong(CKA_KEY_TYPE, CKK_RSA).Bytes(CKA_EC_PARAMS, kP256Params);
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT,
              p11::build_object(type.data(), type.size(), p11::ObjectOrigin::generate, CKO_PUBLIC_KEY, CKK_EC, &attrs));
}

TEST(BuildObjectTest, GenerateWithoutRequiredAttributeIsTemplateIncomplete)
{
    Tmpl ec;
    ec.Bool(CKA_VERIFY, true);
    p11::AttributeSet attrs;
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE,
              p11::build_object(ec.data(), ec.size(), p11::ObjectOrigin::generate, CKO_PUBLIC_KEY, CKK_EC, &attrs));
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE,
              p11::build_object(ec.data(), ec.size(), p11::ObjectOrigin::generate, CKO_PUBLIC_KEY, CKK_RSA, &attrs));
    Tmpl rsa;
    rsa.Ulong(CKA_MODULUS_BITS, 2048);
    EXPECT_EQ(CKR_OK,
              p11::build_object(rsa.data(), rsa.size(), p11::ObjectOrigin::generate, CKO_PUBLIC_KEY, CKK_RSA, &attrs));
    EXPECT_EQ(2048u, attrs.ulong_or(CKA_MODULUS_BITS, 0));
}
