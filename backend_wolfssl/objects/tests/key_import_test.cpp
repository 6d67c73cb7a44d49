/* Key material entering through C_CreateObject is a valid key, or refused
 * there (CKR_ATTRIBUTE_VALUE_INVALID, CKR_TEMPLATE_INCOMPLETE), never at
 * first use; what a new key's history attributes say; the attributes every
 * key and certificate has even when nobody set them (v2.40 §4.1). */
#include <algorithm>
#include <utility>

#include "key_rules_support.h"

using namespace p11test;

namespace {

// An RSA private key of test_keys.h with one part replaced.
Tmpl RsaPrivateWith(CK_ATTRIBUTE_TYPE changed, const ByteVec &value)
{
    const std::pair<CK_ATTRIBUTE_TYPE, const ByteVec *> parts[] = {
        {CKA_MODULUS, &kTestRsaModulus},      {CKA_PRIVATE_EXPONENT, &kTestRsaPrivateExponent},
        {CKA_PRIME_1, &kTestRsaPrime1},       {CKA_PRIME_2, &kTestRsaPrime2},
        {CKA_EXPONENT_1, &kTestRsaExponent1}, {CKA_EXPONENT_2, &kTestRsaExponent2},
        {CKA_COEFFICIENT, &kTestRsaCoefficient}};
    const ByteVec e65537 = {0x01, 0x00, 0x01};
    Tmpl t;
    t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA);
    t.Bytes(CKA_PUBLIC_EXPONENT, changed == CKA_PUBLIC_EXPONENT ? value : e65537);
    for (const auto &part : parts) {
        t.Bytes(part.first, part.first == changed ? value : *part.second);
    }
    return t;
}

class KeyImportTest : public KeyRulesTest {
  protected:
    CK_RV CreateRv(Tmpl t)
    {
        CK_OBJECT_HANDLE object;
        return Create(h, t, &object);
    }
    CK_RV CreateEcPublic(const ByteVec &x, const ByteVec &y)
    {
        ByteVec point(65, 0); // 04 || X || Y, each coordinate left-padded to 32 bytes
        point[0] = 0x04;
        std::copy(x.begin(), x.end(), point.begin() + 33 - x.size());
        std::copy(y.begin(), y.end(), point.end() - y.size());
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC);
        return CreateRv(t.Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_EC_POINT, DerOctetString(point)));
    }
    CK_RV CreateEcPrivate(const ByteVec &scalar)
    {
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC);
        return CreateRv(t.Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_VALUE, scalar));
    }
    CK_RV CreateRsaPublic(const ByteVec &modulus, const ByteVec &exponent)
    {
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA);
        return CreateRv(t.Bytes(CKA_MODULUS, modulus).Bytes(CKA_PUBLIC_EXPONENT, exponent));
    }
};

TEST_F(KeyImportTest, EcPublicPointsOffTheCurveAreRefused)
{
    const ByteVec zero{0};
    const ByteVec one{1};
    // (0,0) is what made r = x(G), s = hash verify for any message.
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPublic(zero, zero));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPublic(one, one));
    ByteVec gy = P256Gy();
    gy.back() ^= 0x01;
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPublic(P256Gx(), gy));
    EXPECT_EQ(CKR_OK, CreateEcPublic(P256Gx(), P256Gy())) << "G itself is a valid public key";
}

TEST_F(KeyImportTest, EcPrivateScalarsOutsideOneToOrderAreRefused)
{
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPrivate(ByteVec{0}));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPrivate(ByteVec(32, 0)));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPrivate(P256Order()));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPrivate(PlusOne(P256Order())));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateEcPrivate(ByteVec(32, 0xff)));
    ByteVec last = P256Order();
    last.back() -= 1; // n - 1
    EXPECT_EQ(CKR_OK, CreateEcPrivate(last));
    EXPECT_EQ(CKR_OK, CreateEcPrivate(ByteVec{1}));
}

TEST_F(KeyImportTest, RsaPublicKeysWithUnusableExponentOrModulusAreRefused)
{
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRsaPublic(kTestRsaModulus, {0x01}));
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRsaPublic(kTestRsaModulus, {0x01, 0x00, 0x00})); // even
    ByteVec even = kTestRsaModulus;
    even.back() &= 0xfe;
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRsaPublic(even, {0x01, 0x00, 0x01}));
    EXPECT_EQ(CKR_OK, CreateRsaPublic(kTestRsaModulus, {0x01, 0x00, 0x01}));
}

TEST_F(KeyImportTest, RsaPrivateKeyWithoutPublicExponentIsIncomplete)
{
    Tmpl t = Tmpl()
                 .Ulong(CKA_CLASS, CKO_PRIVATE_KEY)
                 .Ulong(CKA_KEY_TYPE, CKK_RSA)
                 .Bytes(CKA_MODULUS, kTestRsaModulus)
                 .Bytes(CKA_PRIVATE_EXPONENT, kTestRsaPrivateExponent);
    CK_OBJECT_HANDLE object;
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, Create(h, t, &object));
    // With e but still without the CRT parts wolfCrypt's private operation needs.
    t.Bytes(CKA_PUBLIC_EXPONENT, {0x01, 0x00, 0x01});
    EXPECT_EQ(CKR_TEMPLATE_INCOMPLETE, Create(h, t, &object));
}

TEST_F(KeyImportTest, RsaPrivateKeyWhoseCrtPartsDisagreeIsRefused)
{
    const std::pair<CK_ATTRIBUTE_TYPE, const ByteVec *> parts[] = {
        {CKA_MODULUS, &kTestRsaModulus},      {CKA_PRIVATE_EXPONENT, &kTestRsaPrivateExponent},
        {CKA_PRIME_1, &kTestRsaPrime1},       {CKA_PRIME_2, &kTestRsaPrime2},
        {CKA_EXPONENT_1, &kTestRsaExponent1}, {CKA_EXPONENT_2, &kTestRsaExponent2},
        {CKA_COEFFICIENT, &kTestRsaCoefficient}};
    EXPECT_EQ(CKR_OK, CreateRv(RsaPrivateWith(CKA_MODULUS, kTestRsaModulus))) << "unchanged, the key is good";
    for (const auto &part : parts) {
        // +2 keeps an odd modulus odd: the mismatch, not the parity, must be seen.
        EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(RsaPrivateWith(part.first, PlusOne(PlusOne(*part.second)))))
            << "attribute 0x" << std::hex << part.first;
    }
}

TEST_F(KeyImportTest, RsaPrivateKeyWithAnotherPublicExponentIsRefused)
{
    // d, dP, dQ invert 65537; with e = 3 the key's signatures would never
    // verify under its own public half.
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(RsaPrivateWith(CKA_PUBLIC_EXPONENT, {0x03})));
}

TEST_F(KeyImportTest, EcParamsOfACurveNotImplementedIsCurveNotSupported)
{
    const ByteVec secp256k1 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};
    const ByteVec p521 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
    const ByteVec truncated = {0x06, 0x08, 0x2a, 0x86, 0x48};
    const ByteVec explicit_params = {0x30, 0x03, 0x02, 0x01, 0x01};
    for (const ByteVec &params : {secp256k1, p521, truncated, explicit_params}) {
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC);
        t.Bytes(CKA_EC_PARAMS, params).Bytes(CKA_VALUE, kTestEcPrivateValue);
        const bool named = params[0] == 0x06 && params.size() == params[1] + 2u;
        EXPECT_EQ(named ? CKR_CURVE_NOT_SUPPORTED : CKR_ATTRIBUTE_VALUE_INVALID, CreateRv(t));
    }
}

TEST_F(KeyImportTest, ValidKeysOfEveryKindImport)
{
    CK_OBJECT_HANDLE object;
    for (Tmpl t : {EcPrivateTemplate("ec", false), EcPublicTemplate("ecp", false), RsaPrivateTemplate("rsa", false),
                   RsaPublicTemplate("rsap", false)}) {
        EXPECT_EQ(CKR_OK, Create(h, t, &object));
    }
}

TEST_F(KeyImportTest, ImportedKeysWereNeverAlwaysSensitive)
{
    Tmpl key = EcPrivateTemplate("imported", false);
    key.Bool(CKA_SENSITIVE, true).Bool(CKA_EXTRACTABLE, false);
    CK_OBJECT_HANDLE imported = CreateOk(h, key);
    EXPECT_FALSE(GetBool(h, imported, CKA_ALWAYS_SENSITIVE)) << "the value existed outside the token";
    EXPECT_FALSE(GetBool(h, imported, CKA_NEVER_EXTRACTABLE));
    EXPECT_FALSE(GetBool(h, imported, CKA_LOCAL));
    CK_OBJECT_HANDLE secret = CreateOk(h, SecretTemplate("hmac", true, false));
    EXPECT_FALSE(GetBool(h, secret, CKA_ALWAYS_SENSITIVE));
    EXPECT_FALSE(GetBool(h, secret, CKA_NEVER_EXTRACTABLE));
}

TEST_F(KeyImportTest, GeneratedSensitiveKeysAreAlwaysSensitive)
{
    Tmpl pub = Tmpl().Bytes(CKA_EC_PARAMS, kP256Params);
    Tmpl priv = Tmpl().Bool(CKA_SENSITIVE, true).Bool(CKA_EXTRACTABLE, false);
    CK_MECHANISM mechanism = Mech(CKM_EC_KEY_PAIR_GEN);
    CK_OBJECT_HANDLE pub_key = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv_key = CK_INVALID_HANDLE;
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) {
                  return p11be_C_GenerateKeyPair(s, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                                 &pub_key, &priv_key);
              }));
    EXPECT_TRUE(GetBool(h, priv_key, CKA_ALWAYS_SENSITIVE));
    EXPECT_TRUE(GetBool(h, priv_key, CKA_NEVER_EXTRACTABLE));
    EXPECT_TRUE(GetBool(h, priv_key, CKA_LOCAL));
}

TEST_F(KeyImportTest, AlwaysAuthenticateRequiresAPrivateKeyObject)
{
    Tmpl t = EcPrivateTemplate("aa", false);
    t.Bool(CKA_ALWAYS_AUTHENTICATE, true).Bool(CKA_PRIVATE, false);
    CK_OBJECT_HANDLE object;
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, Create(h, t, &object));

    Tmpl ok = EcPrivateTemplate("aa", false);
    ok.Bool(CKA_ALWAYS_AUTHENTICATE, true).Bool(CKA_PRIVATE, true);
    CK_OBJECT_HANDLE key = CreateOk(h, ok);
    EXPECT_TRUE(GetBool(h, key, CKA_ALWAYS_AUTHENTICATE));
    CK_OBJECT_HANDLE copy;
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, Copy(h, key, Tmpl().Bool(CKA_PRIVATE, false), &copy));

    Tmpl pub = Tmpl().Bytes(CKA_EC_PARAMS, kP256Params);
    Tmpl priv = Tmpl().Bool(CKA_ALWAYS_AUTHENTICATE, true).Bool(CKA_PRIVATE, false);
    CK_MECHANISM mechanism = Mech(CKM_EC_KEY_PAIR_GEN);
    CK_OBJECT_HANDLE a;
    CK_OBJECT_HANDLE b;
    EXPECT_EQ(CKR_TEMPLATE_INCONSISTENT, With(h, [&](p11_session *s) {
                  return p11be_C_GenerateKeyPair(s, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(), &a,
                                                 &b);
              }));
}

TEST_F(KeyImportTest, AttributesNobodySetReadTheirDefaults)
{
    CK_OBJECT_HANDLE priv = CreateOk(h, EcPrivateTemplate("p", false));
    CK_OBJECT_HANDLE pub = CreateOk(h, EcPublicTemplate("q", false));
    CK_OBJECT_HANDLE secret = CreateOk(h, SecretTemplate("s", true, false));
    CK_OBJECT_HANDLE cert = CreateOk(h, CertificateTemplate("c", false));
    struct Case {
        CK_OBJECT_HANDLE object;
        CK_ATTRIBUTE_TYPE type;
    } empty[] = {{priv, CKA_ALLOWED_MECHANISMS}, {pub, CKA_ALLOWED_MECHANISMS}, {secret, CKA_ALLOWED_MECHANISMS},
                 {priv, CKA_UNWRAP_TEMPLATE},    {pub, CKA_WRAP_TEMPLATE},        {secret, CKA_WRAP_TEMPLATE},
                 {secret, CKA_UNWRAP_TEMPLATE}};
    for (const Case &c : empty) {
        CK_ATTRIBUTE query = {c.type, nullptr, 12345};
        EXPECT_EQ(CKR_OK, GetAttrs(h, c.object, &query, 1)) << std::hex << c.type;
        EXPECT_EQ(0u, query.ulValueLen) << std::hex << c.type;
    }
    // Not secret, even on a sensitive key: three bytes of SHA-1 of the value.
    const ByteVec secret_value = Filled(32, 0x70); // SecretTemplate's value
    EXPECT_EQ(Sha1CheckValue(secret_value), Get(h, secret, CKA_CHECK_VALUE));
    const ByteVec der = Get(h, cert, CKA_VALUE);
    EXPECT_EQ(Sha1CheckValue(der), Get(h, cert, CKA_CHECK_VALUE));
}

TEST_F(KeyImportTest, CheckValueInATemplateMustMatchTheValue)
{
    const ByteVec value = Filled(32, 0x70);
    Tmpl wrong = SecretTemplate("s", true, false);
    ByteVec bad = Sha1CheckValue(value);
    bad[0] ^= 0x80;
    wrong.Bytes(CKA_CHECK_VALUE, bad);
    CK_OBJECT_HANDLE object;
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, Create(h, wrong, &object));
    Tmpl right = SecretTemplate("s", true, false);
    right.Bytes(CKA_CHECK_VALUE, Sha1CheckValue(value));
    EXPECT_EQ(CKR_OK, Create(h, right, &object));
}

TEST_F(KeyImportTest, WrapTemplatesCanOnlyBeEmpty)
{
    // No wrapping mechanism is offered: a template that could never apply is refused.
    Tmpl t = EcPrivateTemplate("p", false);
    CK_ATTRIBUTE inner = {CKA_LABEL, nullptr, 0};
    t.Raw(CKA_UNWRAP_TEMPLATE, &inner, sizeof inner);
    CK_OBJECT_HANDLE object;
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, Create(h, t, &object));
    Tmpl empty = EcPrivateTemplate("p", false);
    empty.Raw(CKA_UNWRAP_TEMPLATE, nullptr, 0);
    EXPECT_EQ(CKR_OK, Create(h, empty, &object));
}

} // namespace
