/* The lean backend answers every template as the full backend does: tens of
 * thousands of templates drawn from each class's attributes with good and
 * bad values (wrong lengths, NULL values, repeats that agree or not, read-
 * only and forbidden attributes, unknown types, curves, points, dates,
 * certificates) go through both builders for create and for generate; the
 * return codes must be equal and, on CKR_OK, the attributes too. The one
 * designed difference: a lean token holds P-256 keys only, so P-384 values
 * are left out of the draw. */
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "lean/new_object.h"
#include "objects/attribute_rules.h"
#include "objects/tests/test_certificate.h"
#include "wolfcrypt.h"

namespace {

using Value = std::vector<unsigned char>;

Value Ulong(CK_ULONG v)
{
    Value out(sizeof v);
    std::memcpy(out.data(), &v, sizeof v);
    return out;
}

Value Bytes(std::initializer_list<unsigned char> bytes)
{
    return Value(bytes);
}

Value P256Point(bool der)
{
    Value out(der ? 67 : 65, 0x11);
    out[0] = 0x04; // an OCTET STRING, or the uncompressed point's marker
    if (der) {
        out[1] = 65;
        out[2] = 0x04;
    }
    return out;
}

// The first three bytes of the value's SHA-1 (v2.40 §4.6.3).
Value CheckValueOf(const Value &value)
{
    unsigned char sha1[WC_SHA_DIGEST_SIZE];
    EXPECT_EQ(0, wc_ShaHash(value.data(), static_cast<word32>(value.size()), sha1));
    return Value(sha1, sha1 + 3);
}

// An OBJECT IDENTIFIER whose length byte reads 128: not short-form DER.
Value LongOid()
{
    Value out(130, 0x2a);
    out[0] = 0x06;
    out[1] = 0x80;
    out[129] = 0x01;
    return out;
}

// The candidate values of one attribute; the draw also makes NULL values.
std::vector<Value> Candidates(CK_ATTRIBUTE_TYPE type)
{
    const Value p256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    const Value secp256k1 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};
    const Value cert(p11test::kTestCertificate, p11test::kTestCertificate + p11test::kTestCertificateSize);
    switch (type) {
    case CKA_CLASS:
        return {Ulong(CKO_PUBLIC_KEY), Ulong(CKO_PRIVATE_KEY), Ulong(CKO_CERTIFICATE), Ulong(CKO_DATA),
                Ulong(CKO_SECRET_KEY), Ulong(CKO_HW_FEATURE), Bytes({1, 0})};
    case CKA_KEY_TYPE:
        return {Ulong(CKK_EC), Ulong(CKK_RSA), Ulong(CKK_GENERIC_SECRET), Ulong(CKK_AES), Bytes({3})};
    case CKA_CERTIFICATE_TYPE:
        return {Ulong(CKC_X_509), Ulong(CKC_WTLS), Bytes({0})};
    case CKA_EC_PARAMS:
        return {p256, p256, secp256k1, Bytes({0x06, 0x01}), Bytes({0x30, 0x00}), {}, LongOid()};
    case CKA_EC_POINT: {
        Value short_point = P256Point(true);
        short_point.pop_back();
        return {P256Point(true), P256Point(false), short_point, Bytes({0x04, 0x00}), {}};
    }
    case CKA_VALUE:
        return {Value(32, 0x22), cert, Value(33, 0x22), Value(49, 0x22), Value(1, 0x01),
                Value(cert.begin(), cert.end() - 1), {}};
    case CKA_START_DATE:
    case CKA_END_DATE:
        return {Bytes({'2', '0', '2', '6', '1', '2', '0', '8'}), Bytes({'2', '0', '2', '6', '1', '2', '0', 'x'}), {},
                Bytes({'1', '2'})};
    case CKA_ALLOWED_MECHANISMS: {
        Value two = Ulong(CKM_ECDSA);
        const Value more = Ulong(CKM_ECDSA_SHA256);
        two.insert(two.end(), more.begin(), more.end());
        return {Ulong(CKM_ECDSA), two, {}, Bytes({1, 2, 3})};
    }
    case CKA_CHECK_VALUE: // the right one for a secret of 32 bytes 0x22 and for the certificate, then wrong ones
        return {CheckValueOf(Value(32, 0x22)), CheckValueOf(cert), Bytes({1, 2, 3}), Bytes({1, 2}), {}};
    case CKA_WRAP_TEMPLATE:
    case CKA_UNWRAP_TEMPLATE:
        return {{}, Bytes({1})};
    case CKA_MODULUS_BITS:
    case CKA_VALUE_LEN:
    case CKA_KEY_GEN_MECHANISM:
    case CKA_CERTIFICATE_CATEGORY:
    case CKA_JAVA_MIDP_SECURITY_DOMAIN:
    case CKA_NAME_HASH_ALGORITHM:
        return {Ulong(2048), Ulong(0), Bytes({1})};
    case CKA_MODULUS:
    case CKA_PUBLIC_EXPONENT:
    case CKA_PRIVATE_EXPONENT:
    case CKA_PRIME_1:
    case CKA_PRIME_2:
    case CKA_EXPONENT_1:
    case CKA_EXPONENT_2:
    case CKA_COEFFICIENT:
        return {Bytes({0x01, 0x00, 0x01}), Bytes({0x00, 0xc1, 0x01}), {}};
    case CKA_LABEL:
    case CKA_ID:
    case CKA_SUBJECT:
    case CKA_ISSUER:
    case CKA_SERIAL_NUMBER:
    case CKA_APPLICATION:
    case CKA_OBJECT_ID:
    case CKA_URL:
    case CKA_PUBLIC_KEY_INFO:
        return {Bytes({'a', 'b'}), {}, Bytes({0})};
    default: // booleans, and types no class has
        return {Bytes({CK_TRUE}), Bytes({CK_FALSE}), Bytes({2}), Bytes({1, 0}), {}};
    }
}

const CK_ATTRIBUTE_TYPE kTypes[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE, CKA_LABEL, CKA_APPLICATION,
    CKA_OBJECT_ID, CKA_VALUE, CKA_CERTIFICATE_TYPE, CKA_TRUSTED, CKA_CERTIFICATE_CATEGORY, CKA_CHECK_VALUE,
    CKA_START_DATE, CKA_END_DATE, CKA_PUBLIC_KEY_INFO, CKA_SUBJECT, CKA_ID, CKA_ISSUER, CKA_SERIAL_NUMBER,
    CKA_KEY_TYPE, CKA_DERIVE, CKA_LOCAL, CKA_KEY_GEN_MECHANISM, CKA_ALLOWED_MECHANISMS, CKA_ENCRYPT, CKA_VERIFY,
    CKA_VERIFY_RECOVER, CKA_WRAP, CKA_WRAP_TEMPLATE, CKA_EC_PARAMS, CKA_EC_POINT, CKA_SENSITIVE, CKA_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE, CKA_WRAP_WITH_TRUSTED, CKA_DECRYPT, CKA_SIGN, CKA_SIGN_RECOVER,
    CKA_UNWRAP, CKA_UNWRAP_TEMPLATE, CKA_ALWAYS_AUTHENTICATE, CKA_MODULUS, CKA_MODULUS_BITS, CKA_PUBLIC_EXPONENT,
    CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT, CKA_VALUE_LEN, CKA_HW_FEATURE_TYPE, CKA_MECHANISM_TYPE, 0x80001234UL};

struct Drawn {
    std::vector<Value> values;
    std::vector<CK_ATTRIBUTE> tmpl;
};

void Add(Drawn *out, CK_ATTRIBUTE_TYPE type, const Value &value, bool null_value)
{
    out->values.push_back(value);
    const Value &kept = out->values.back();
    out->tmpl.push_back({type, null_value || kept.empty() ? nullptr : const_cast<unsigned char *>(kept.data()),
                         static_cast<CK_ULONG>(null_value ? 4 : kept.size())});
}

// A template of 0-12 attributes, most drawn from one class's table (so that
// many templates get through), some from anywhere; a creating template
// usually names its class first, and the required values are often there.
void Draw(std::mt19937 &rng, bool generate, CK_OBJECT_CLASS implied_class, Drawn *out)
{
    out->values.clear();
    out->tmpl.clear();
    out->values.reserve(40);
    struct Kind {
        CK_OBJECT_CLASS klass;
        CK_ULONG subtype;
    };
    static const Kind kKinds[] = {{CKO_PUBLIC_KEY, CKK_EC},     {CKO_PRIVATE_KEY, CKK_EC},
                                  {CKO_CERTIFICATE, CKC_X_509}, {CKO_DATA, p11::kNoSubtype},
                                  {CKO_PUBLIC_KEY, CKK_RSA},    {CKO_PRIVATE_KEY, CKK_RSA},
                                  {CKO_SECRET_KEY, CKK_GENERIC_SECRET}};
    const Kind kind = generate ? Kind{implied_class, CKK_EC} : kKinds[rng() % (sizeof kKinds / sizeof kKinds[0])];
    const CK_OBJECT_CLASS klass = kind.klass;
    const CK_ULONG subtype = kind.subtype;
    const p11::ClassTable *table = p11::table_for(klass, subtype);
    if (!generate && rng() % 5 != 0) {
        Add(out, CKA_CLASS, Ulong(klass), false);
        if (klass == CKO_CERTIFICATE) {
            Add(out, CKA_CERTIFICATE_TYPE, Ulong(CKC_X_509), false);
        } else if (klass != CKO_DATA) {
            Add(out, CKA_KEY_TYPE, Ulong(subtype), false);
        }
    }
    if (rng() % 3 != 0) {
        const std::uint16_t required = generate ? p11::kReqGenerate : p11::kReqCreate;
        for (std::size_t i = 0; i < table->count; ++i) {
            const CK_ATTRIBUTE_TYPE type = table->rules[i].type;
            if ((table->rules[i].flags & required) != 0 && type != CKA_CLASS && type != CKA_KEY_TYPE &&
                type != CKA_CERTIFICATE_TYPE) {
                Add(out, type, Candidates(type)[rng() % 2], false); // the first two are good values
            }
        }
    }
    const std::size_t count = rng() % 10;
    for (std::size_t i = 0; i < count; ++i) {
        const CK_ATTRIBUTE_TYPE type = rng() % 10 != 0 ? table->rules[rng() % table->count].type
                                                        : kTypes[rng() % (sizeof kTypes / sizeof kTypes[0])];
        const std::vector<Value> candidates = Candidates(type);
        Add(out, type, candidates[rng() % candidates.size()], rng() % 40 == 0);
    }
    std::shuffle(out->tmpl.begin(), out->tmpl.end(), rng);
}

std::map<CK_ATTRIBUTE_TYPE, Value> Full(const p11::AttributeSet &attrs)
{
    std::map<CK_ATTRIBUTE_TYPE, Value> out;
    for (const p11::Attribute &a : attrs.items()) {
        out[a.type] = Value(a.value.data(), a.value.data() + a.value.size());
    }
    return out;
}

std::map<CK_ATTRIBUTE_TYPE, Value> Lean(const p11::lean::NewObject &object)
{
    std::map<CK_ATTRIBUTE_TYPE, Value> out;
    for (std::size_t i = 0; i < object.count(); ++i) {
        const CK_ATTRIBUTE &a = object.attributes()[i];
        const auto *p = static_cast<const unsigned char *>(a.pValue);
        out[a.type] = p == nullptr ? Value() : Value(p, p + a.ulValueLen);
    }
    return out;
}

std::string Describe(const std::vector<CK_ATTRIBUTE> &tmpl)
{
    std::string out;
    for (const CK_ATTRIBUTE &a : tmpl) {
        char type[24];
        std::snprintf(type, sizeof type, "0x%lx", static_cast<unsigned long>(a.type));
        out += std::string("{") + type + ", len " + std::to_string(a.ulValueLen) +
               (a.pValue == nullptr ? ", NULL" : "") + "} ";
    }
    return out;
}

void Compare(bool generate, CK_OBJECT_CLASS implied_class, int rounds, unsigned seed)
{
    std::mt19937 rng(seed);
    Drawn drawn;
    int ok = 0;
    std::map<CK_ULONG, int> accepted; // by class
    for (int round = 0; round < rounds; ++round) {
        Draw(rng, generate, implied_class, &drawn);
        const CK_ULONG key_type = generate ? CKK_EC : p11::kNotImplied;
        const CK_ULONG klass = generate ? implied_class : p11::kNotImplied;
        p11::AttributeSet full;
        const CK_RV full_rv =
            p11::build_object(drawn.tmpl.data(), drawn.tmpl.size(),
                              generate ? p11::ObjectOrigin::generate : p11::ObjectOrigin::create, klass, key_type, &full);
        p11::lean::NewObject lean;
        const CK_RV lean_rv =
            lean.build(drawn.tmpl.data(), drawn.tmpl.size(),
                       generate ? p11::lean::Origin::generate : p11::lean::Origin::create, klass, key_type);
        ASSERT_EQ(full_rv, lean_rv) << "round " << round << ": " << Describe(drawn.tmpl);
        if (full_rv == CKR_OK) {
            ++ok;
            ++accepted[full.ulong_or(CKA_CLASS, 0)];
            ASSERT_EQ(Full(full), Lean(lean)) << "round " << round << ": " << Describe(drawn.tmpl);
        }
    }
    // The draw must reach the accepting paths too, not only the refusals.
    EXPECT_GT(ok, rounds / 20) << "templates accepted by both";
    if (!generate) {
        for (CK_ULONG klass : {CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKO_CERTIFICATE, CKO_DATA, CKO_SECRET_KEY}) {
            EXPECT_GT(accepted[klass], rounds / 200) << "templates of class " << klass << " accepted";
        }
    }
}

TEST(LeanNewObject, GenerateTemplatesOfAnEcPublicKeyGetTheFullBackendsAnswer)
{
    Compare(true, CKO_PUBLIC_KEY, 20000, 1);
}

TEST(LeanNewObject, GenerateTemplatesOfAnEcPrivateKeyGetTheFullBackendsAnswer)
{
    Compare(true, CKO_PRIVATE_KEY, 20000, 2);
}

TEST(LeanNewObject, CreateTemplatesGetTheFullBackendsAnswer)
{
    Compare(false, 0, 60000, 3);
}

TEST(LeanNewObject, SecretPartsAreSplitOffForTheBox)
{
    const CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    const CK_KEY_TYPE type = CKK_EC;
    const unsigned char params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    const Value scalar(32, 0x33);
    const CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, const_cast<CK_OBJECT_CLASS *>(&klass), sizeof klass},
                                 {CKA_KEY_TYPE, const_cast<CK_KEY_TYPE *>(&type), sizeof type},
                                 {CKA_EC_PARAMS, const_cast<unsigned char *>(params), sizeof params},
                                 {CKA_VALUE, const_cast<unsigned char *>(scalar.data()), 32}};
    p11::lean::NewObject object;
    ASSERT_EQ(CKR_OK, object.build(tmpl, 4, p11::lean::Origin::create, p11::lean::kNothingImplied,
                                   p11::lean::kNothingImplied));
    CK_ATTRIBUTE list[p11::lean::NewObject::kCapacity];
    CK_ATTRIBUTE secrets[p11::lean::NewObject::kCapacity];
    const p11::lean::RecordParts parts = object.parts(list, secrets);
    ASSERT_EQ(1u, parts.secret_count);
    EXPECT_EQ(CKA_VALUE, secrets[0].type);
    EXPECT_EQ(object.count() - 1, parts.count);
    for (CK_ULONG i = 0; i < parts.count; ++i) {
        EXPECT_NE(CKA_VALUE, list[i].type);
    }
}

} // namespace
