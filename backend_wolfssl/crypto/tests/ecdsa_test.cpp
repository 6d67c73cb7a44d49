/* ECDSA engines (CKM_ECDSA, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384) against
 * OpenSSL: signatures made here verify there and the other way round. */
#include <gtest/gtest.h>

#include "openssl_keys.h"

using namespace p11;
using namespace p11test;

namespace {

struct Curve {
    const char *group;
    const Bytes *params;
    std::size_t field;
};
const Curve kCurves[] = {{"P-256", &kP256Params, 32}, {"P-384", &kP384Params, 48}};

struct EcKey {
    Pkey pkey;
    AttributeSet priv;
    AttributeSet pub;
};

EcKey make_key(const Curve &curve)
{
    EcKey key;
    key.pkey = ossl_ec_generate(curve.group);
    key.priv = ec_private_attrs(key.pkey.get(), *curve.params, true);
    key.pub = ec_public_attrs(key.pkey.get(), *curve.params);
    return key;
}

Bytes flip_bit(Bytes b, std::size_t index)
{
    b[index] ^= 0x01;
    return b;
}

} // namespace

TEST(Ecdsa, RawSignatureIsRSPaddedToFieldSizeAndVerifiesWithOpenSsl)
{
    for (const Curve &curve : kCurves) {
        SCOPED_TRACE(curve.group);
        EcKey key = make_key(curve);
        Bytes hash = ossl_hash(EVP_sha256(), bytes_of("message for raw ECDSA"));
        for (int i = 0; i < 8; ++i) { // several signatures: some r or s have leading zeros
            Bytes sig;
            ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, key.priv, hash, &sig), CKR_OK);
            ASSERT_EQ(sig.size(), 2 * curve.field);
            EXPECT_TRUE(ossl_verify(key.pkey.get(), hash, ecdsa_raw_to_der(sig)));
        }
    }
}

TEST(Ecdsa, SignatureLengthIs64ForP256And96ForP384)
{
    for (const Curve &curve : kCurves) {
        EcKey key = make_key(curve);
        CK_MECHANISM mech = mechanism(CKM_ECDSA);
        SignEngine *engine = nullptr;
        ASSERT_EQ(sign_engine_init(&mech, CKK_EC, CKO_PRIVATE_KEY, key.priv, SignPurpose::sign, test_rng(), &engine),
                  CKR_OK);
        EXPECT_EQ(sign_engine_signature_length(engine), curve.field == 32 ? 64u : 96u);
        sign_engine_free(engine);
    }
}

TEST(Ecdsa, OpenSslSignatureVerifiesWithEngine)
{
    for (const Curve &curve : kCurves) {
        SCOPED_TRACE(curve.group);
        EcKey key = make_key(curve);
        Bytes hash = ossl_hash(EVP_sha256(), bytes_of("signed by OpenSSL"));
        Bytes sig = ecdsa_der_to_raw(ossl_sign(key.pkey.get(), hash), curve.field);
        EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, sig), CKR_OK);
    }
}

TEST(Ecdsa, HashLongerThanTheOrderIsTruncatedAsOpenSslDoes)
{
    EcKey key = make_key(kCurves[0]);
    Bytes hash = ossl_hash(EVP_sha512(), bytes_of("64-byte hash on P-256"));
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, key.priv, hash, &sig), CKR_OK);
    EXPECT_TRUE(ossl_verify(key.pkey.get(), hash, ecdsa_raw_to_der(sig)));
    Bytes theirs = ecdsa_der_to_raw(ossl_sign(key.pkey.get(), hash), 32);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, theirs), CKR_OK);
}

TEST(Ecdsa, InputOfAnyLengthIsTruncatedAsOpenSslDoes)
{
    for (const Curve &curve : kCurves) {
        SCOPED_TRACE(curve.group);
        EcKey key = make_key(curve);
        for (std::size_t len : {1u, 20u, 47u, 49u, 100u, 1000u}) {
            SCOPED_TRACE(len);
            Bytes input(len);
            for (std::size_t i = 0; i < len; ++i) {
                input[i] = static_cast<unsigned char>(i * 13 + 1);
            }
            Bytes sig;
            ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, key.priv, input, &sig), CKR_OK);
            EXPECT_TRUE(ossl_verify(key.pkey.get(), input, ecdsa_raw_to_der(sig)));
            Bytes theirs = ecdsa_der_to_raw(ossl_sign(key.pkey.get(), input), curve.field);
            EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, input, theirs), CKR_OK);
        }
    }
}

TEST(Ecdsa, EmptyInputGivesDataLenRange)
{
    EcKey key = make_key(kCurves[0]);
    Bytes sig;
    EXPECT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, key.priv, Bytes(), &sig), CKR_DATA_LEN_RANGE);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, Bytes(), Bytes(64, 1)), CKR_DATA_LEN_RANGE);
}

TEST(Ecdsa, HashThenSignMechanismsInteroperateWithOpenSsl)
{
    const struct {
        CK_MECHANISM_TYPE mech;
        const EVP_MD *(*md)();
    } kCases[] = {{CKM_ECDSA_SHA256, EVP_sha256}, {CKM_ECDSA_SHA384, EVP_sha384}};
    Bytes data = bytes_of("The quick brown fox jumps over the lazy dog, several times over.");
    for (const Curve &curve : kCurves) {
        EcKey key = make_key(curve);
        for (const auto &c : kCases) {
            SCOPED_TRACE(std::string(curve.group) + " mechanism " + std::to_string(c.mech));
            Bytes sig;
            ASSERT_EQ(engine_sign(mechanism(c.mech), CKK_EC, key.priv, data, &sig), CKR_OK);
            ASSERT_EQ(sig.size(), 2 * curve.field);
            EXPECT_TRUE(ossl_digest_verify(key.pkey.get(), c.md(), data, ecdsa_raw_to_der(sig)));
            Bytes theirs = ecdsa_der_to_raw(ossl_digest_sign(key.pkey.get(), c.md(), data), curve.field);
            EXPECT_EQ(engine_verify(mechanism(c.mech), CKK_EC, key.pub, data, theirs), CKR_OK);
        }
    }
}

TEST(Ecdsa, MultiPartSignatureVerifiesSinglePartAndWithOpenSsl)
{
    EcKey key = make_key(kCurves[0]);
    Bytes data(1000);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<unsigned char>(i * 7);
    }
    Bytes sig;
    ASSERT_EQ(engine_sign_parts(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.priv, data, 97, &sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.pub, data, sig), CKR_OK);
    EXPECT_EQ(engine_verify_parts(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.pub, data, 13, sig), CKR_OK);
    EXPECT_TRUE(ossl_digest_verify(key.pkey.get(), EVP_sha256(), data, ecdsa_raw_to_der(sig)));
}

TEST(Ecdsa, FlippedBitGivesSignatureInvalid)
{
    for (const Curve &curve : kCurves) {
        SCOPED_TRACE(curve.group);
        EcKey key = make_key(curve);
        Bytes hash = ossl_hash(EVP_sha256(), bytes_of("flip"));
        Bytes sig;
        ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, key.priv, hash, &sig), CKR_OK);
        EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, flip_bit(sig, 5)), CKR_SIGNATURE_INVALID);
        EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, flip_bit(sig, sig.size() - 1)),
                  CKR_SIGNATURE_INVALID);
        EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, flip_bit(hash, 0), sig), CKR_SIGNATURE_INVALID);
        Bytes data = bytes_of("flip me");
        ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.priv, data, &sig), CKR_OK);
        EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.pub, flip_bit(data, 2), sig),
                  CKR_SIGNATURE_INVALID);
    }
}

TEST(Ecdsa, ZeroOrOutOfRangeSignatureIsInvalid)
{
    EcKey key = make_key(kCurves[0]);
    Bytes hash(32, 0x5a);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, Bytes(64, 0)), CKR_SIGNATURE_INVALID);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, Bytes(64, 0xff)), CKR_SIGNATURE_INVALID);
}

TEST(Ecdsa, WrongSignatureLengthGivesSignatureLenRange)
{
    EcKey key = make_key(kCurves[0]);
    Bytes hash(32, 0x11);
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, key.priv, hash, &sig), CKR_OK);
    Bytes longer = sig;
    longer.push_back(0);
    Bytes shorter(sig.begin(), sig.end() - 1);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, longer), CKR_SIGNATURE_LEN_RANGE);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, shorter), CKR_SIGNATURE_LEN_RANGE);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, key.pub, hash, ecdsa_raw_to_der(sig)),
              CKR_SIGNATURE_LEN_RANGE); // DER is not the PKCS #11 form
    EXPECT_EQ(engine_verify_parts(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.pub, hash, 8, shorter),
              CKR_SIGNATURE_LEN_RANGE);
}

TEST(Ecdsa, PrivateKeyWithoutEcPointSigns)
{
    EcKey key = make_key(kCurves[1]);
    AttributeSet bare = ec_private_attrs(key.pkey.get(), kP384Params, false);
    Bytes hash = ossl_hash(EVP_sha384(), bytes_of("no point"));
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA), CKK_EC, bare, hash, &sig), CKR_OK);
    EXPECT_TRUE(ossl_verify(key.pkey.get(), hash, ecdsa_raw_to_der(sig)));
}

TEST(Ecdsa, PublicKeyWithBarePointVerifies)
{
    EcKey key = make_key(kCurves[0]);
    AttributeSet pub = key.pub;
    Bytes der = pub.get(CKA_EC_POINT)->to_bytes();
    pub.set(CKA_EC_POINT, der.data() + 2, der.size() - 2);
    Bytes hash(32, 0x42);
    Bytes sig = ecdsa_der_to_raw(ossl_sign(key.pkey.get(), hash), 32);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA), CKK_EC, pub, hash, sig), CKR_OK);
}

TEST(Ecdsa, OnlyTheHashThenSignMechanismsAreMultiPart)
{
    EXPECT_FALSE(sign_engine_multipart_allowed(CKM_ECDSA));
    EXPECT_TRUE(sign_engine_multipart_allowed(CKM_ECDSA_SHA256));
    EXPECT_TRUE(sign_engine_multipart_allowed(CKM_ECDSA_SHA384));
    EcKey key = make_key(kCurves[0]);
    CK_MECHANISM mech = mechanism(CKM_ECDSA);
    SignEngine *engine = nullptr;
    ASSERT_EQ(sign_engine_init(&mech, CKK_EC, CKO_PRIVATE_KEY, key.priv, SignPurpose::sign, test_rng(), &engine),
              CKR_OK);
    unsigned char part[4] = {1, 2, 3, 4};
    EXPECT_EQ(sign_engine_update(engine, part, sizeof part), CKR_FUNCTION_NOT_SUPPORTED);
    sign_engine_free(engine);
}

// The entry points pass an empty message as (NULL, 0) (p11_buffer_ok takes
// it): the engines sign and verify it as the empty message.
TEST(Ecdsa, EmptyMessageGivenAsNullSignsAndVerifies)
{
    EcKey key = make_key(kCurves[0]);
    const Bytes empty;
    ASSERT_EQ(empty.data(), nullptr) << "the helpers pass data.data(): NULL for an empty vector";
    Bytes sig;
    ASSERT_EQ(engine_sign(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.priv, empty, &sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.pub, empty, sig), CKR_OK);
    EXPECT_EQ(engine_verify(mechanism(CKM_ECDSA_SHA256), CKK_EC, key.pub, Bytes{0}, sig), CKR_SIGNATURE_INVALID)
        << "one zero byte is not empty";
}

TEST(Ecdsa, EngineIsSpentAfterFinal)
{
    EcKey key = make_key(kCurves[0]);
    CK_MECHANISM mech = mechanism(CKM_ECDSA_SHA256);
    SignEngine *engine = nullptr;
    ASSERT_EQ(sign_engine_init(&mech, CKK_EC, CKO_PRIVATE_KEY, key.priv, SignPurpose::sign, test_rng(), &engine),
              CKR_OK);
    unsigned char sig[64];
    CK_ULONG len = sizeof sig;
    ASSERT_EQ(sign_engine_sign_final(engine, sig, &len), CKR_OK);
    EXPECT_EQ(len, 64u);
    EXPECT_EQ(sign_engine_update(engine, sig, 1), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_EQ(sign_engine_sign_final(engine, sig, &len), CKR_OPERATION_NOT_INITIALIZED);
    sign_engine_free(engine);
}

TEST(Ecdsa, KeyOfTheWrongTypeOrClassGivesKeyTypeInconsistent)
{
    EcKey key = make_key(kCurves[0]);
    AttributeSet rsa = rsa_private_attrs(ossl_rsa_cached(2048));
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA), CKK_RSA, CKO_PRIVATE_KEY, rsa, SignPurpose::sign),
              CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA), CKK_EC, CKO_PUBLIC_KEY, key.pub, SignPurpose::sign),
              CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA), CKK_EC, CKO_PRIVATE_KEY, key.priv, SignPurpose::verify),
              CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA_SHA256), CKK_GENERIC_SECRET, CKO_SECRET_KEY, key.priv,
                                 SignPurpose::sign),
              CKR_KEY_TYPE_INCONSISTENT);
}

TEST(Ecdsa, ParameterOnAParameterlessMechanismIsInvalid)
{
    EcKey key = make_key(kCurves[0]);
    CK_ULONG junk = 0;
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA, &junk, sizeof junk), CKK_EC, CKO_PRIVATE_KEY, key.priv,
                                 SignPurpose::sign),
              CKR_MECHANISM_PARAM_INVALID);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA_SHA256, nullptr, 4), CKK_EC, CKO_PUBLIC_KEY, key.pub,
                                 SignPurpose::verify),
              CKR_MECHANISM_PARAM_INVALID);
}

TEST(Ecdsa, UnsupportedCurveGivesKeySizeRangeAndMissingValueTemplateIncomplete)
{
    EcKey key = make_key(kCurves[0]);
    AttributeSet p521 = key.priv;
    Bytes oid = from_hex("06052b81040023");
    p521.set(CKA_EC_PARAMS, oid.data(), oid.size());
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA), CKK_EC, CKO_PRIVATE_KEY, p521, SignPurpose::sign),
              CKR_KEY_SIZE_RANGE);
    AttributeSet no_value = key.priv;
    no_value.erase(CKA_VALUE);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA), CKK_EC, CKO_PRIVATE_KEY, no_value, SignPurpose::sign),
              CKR_TEMPLATE_INCOMPLETE);
    AttributeSet no_point = key.pub;
    no_point.erase(CKA_EC_POINT);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA), CKK_EC, CKO_PUBLIC_KEY, no_point, SignPurpose::verify),
              CKR_TEMPLATE_INCOMPLETE);
}

TEST(Ecdsa, UnknownMechanismIsInvalid)
{
    EcKey key = make_key(kCurves[0]);
    EXPECT_EQ(engine_init_result(mechanism(CKM_ECDSA_SHA1), CKK_EC, CKO_PRIVATE_KEY, key.priv, SignPurpose::sign),
              CKR_MECHANISM_INVALID);
    EXPECT_FALSE(sign_engine_supports(CKM_ECDSA_SHA1));
    EXPECT_TRUE(sign_engine_supports(CKM_ECDSA));
}
