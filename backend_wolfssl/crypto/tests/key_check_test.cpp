/* Import checks: good keys pass, broken key material is refused with
 * CKR_ATTRIBUTE_VALUE_INVALID (or CKR_TEMPLATE_INCOMPLETE when a part is
 * missing). */
#include <gtest/gtest.h>

#include "crypto/key_check.h"
#include "crypto/parsed_key.h"
#include "openssl_keys.h"
#include "full_heap_sweep.h"

using namespace p11;
using namespace p11test;

namespace {

const char kP256Order[] = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

AttributeSet with(AttributeSet attrs, CK_ATTRIBUTE_TYPE type, const Bytes &value)
{
    attrs.set(type, value.data(), value.size());
    return attrs;
}

// CKA_EC_POINT of (0,0) on P-256: DER OCTET STRING 04 41 04 || 0^64.
Bytes origin_point()
{
    Bytes point(67, 0);
    point[0] = 0x04;
    point[1] = 0x41;
    point[2] = 0x04;
    return point;
}

// The big-endian value plus one (for the CRT consistency checks).
Bytes plus_one(Bytes value)
{
    for (std::size_t i = value.size(); i-- > 0;) {
        if (++value[i] != 0) {
            break;
        }
    }
    return value;
}

} // namespace

TEST(KeyCheck, OpenSslEcKeysAreAccepted)
{
    for (const char *group : {"P-256", "P-384"}) {
        const Bytes &params = group[2] == '2' ? kP256Params : kP384Params;
        Pkey pkey = ossl_ec_generate(group);
        EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, ec_public_attrs(pkey.get(), params)), CKR_OK);
        EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, ec_private_attrs(pkey.get(), params, true)), CKR_OK);
        EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, ec_private_attrs(pkey.get(), params, false)), CKR_OK);
    }
}

TEST(KeyCheck, OffCurvePointIsRejected)
{
    Pkey pkey = ossl_ec_generate("P-256");
    AttributeSet pub = ec_public_attrs(pkey.get(), kP256Params);
    Bytes point = pub.get(CKA_EC_POINT)->to_bytes();
    point.back() ^= 0x01; // Y no longer matches X
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, with(pub, CKA_EC_POINT, point)), CKR_ATTRIBUTE_VALUE_INVALID);
    AttributeSet priv = ec_private_attrs(pkey.get(), kP256Params, true);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_EC_POINT, point)),
              CKR_ATTRIBUTE_VALUE_INVALID);
}

TEST(KeyCheck, PointAtInfinityOrMalformedIsRejected)
{
    Pkey pkey = ossl_ec_generate("P-256");
    AttributeSet pub = ec_public_attrs(pkey.get(), kP256Params);
    const Bytes zero = origin_point();
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, with(pub, CKA_EC_POINT, zero)), CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, with(pub, CKA_EC_POINT, from_hex("0403010203"))),
              CKR_ATTRIBUTE_VALUE_INVALID);
}

TEST(KeyCheck, PointOfAnotherKeyIsRejected)
{
    Pkey a = ossl_ec_generate("P-256");
    Pkey b = ossl_ec_generate("P-256");
    AttributeSet priv = ec_private_attrs(a.get(), kP256Params, true);
    Bytes other_point = ec_public_attrs(b.get(), kP256Params).get(CKA_EC_POINT)->to_bytes();
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_EC_POINT, other_point)),
              CKR_ATTRIBUTE_VALUE_INVALID);
}

TEST(KeyCheck, ScalarOutsideOneToOrderMinusOneIsRejected)
{
    Pkey pkey = ossl_ec_generate("P-256");
    AttributeSet priv = ec_private_attrs(pkey.get(), kP256Params, false);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_VALUE, Bytes(32, 0))),
              CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_VALUE, from_hex(kP256Order))),
              CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_VALUE, Bytes(33, 1))),
              CKR_ATTRIBUTE_VALUE_INVALID);
    Bytes order_minus_one = from_hex(kP256Order);
    order_minus_one.back() -= 1;
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_VALUE, order_minus_one)), CKR_OK);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, with(priv, CKA_VALUE, from_hex("01"))), CKR_OK);
}

TEST(KeyCheck, UnsupportedCurveOrMissingPartIsRefused)
{
    Pkey pkey = ossl_ec_generate("P-256");
    AttributeSet pub = ec_public_attrs(pkey.get(), kP256Params);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, with(pub, CKA_EC_PARAMS, from_hex("06052b81040023"))),
              CKR_ATTRIBUTE_VALUE_INVALID);
    pub.erase(CKA_EC_POINT);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_EC, pub), CKR_TEMPLATE_INCOMPLETE);
    AttributeSet priv = ec_private_attrs(pkey.get(), kP256Params, true);
    priv.erase(CKA_EC_PARAMS);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_EC, priv), CKR_TEMPLATE_INCOMPLETE);
}

TEST(KeyCheck, OpenSslRsaKeysAreAccepted)
{
    EVP_PKEY *pkey = ossl_rsa_cached(2048);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_RSA, rsa_public_attrs(pkey)), CKR_OK);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_RSA, rsa_private_attrs(pkey)), CKR_OK);
}

TEST(KeyCheck, RsaOutside2048To4096BitsIsRejected)
{
    EVP_PKEY *pkey = ossl_rsa_cached(1024);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_RSA, rsa_public_attrs(pkey)), CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_RSA, rsa_private_attrs(pkey)), CKR_ATTRIBUTE_VALUE_INVALID);
}

TEST(KeyCheck, InconsistentRsaPartsAreRejected)
{
    AttributeSet priv = rsa_private_attrs(ossl_rsa_cached(2048));
    for (CK_ATTRIBUTE_TYPE type :
         {CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1, CKA_EXPONENT_2, CKA_COEFFICIENT}) {
        EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_RSA, with(priv, type, plus_one(priv.get(type)->to_bytes()))),
                  CKR_ATTRIBUTE_VALUE_INVALID)
            << type;
    }
    AttributeSet pub = rsa_public_attrs(ossl_rsa_cached(2048));
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_RSA, with(pub, CKA_PUBLIC_EXPONENT, from_hex("010000"))),
              CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_RSA, with(pub, CKA_PUBLIC_EXPONENT, from_hex("01"))),
              CKR_ATTRIBUTE_VALUE_INVALID);
    Bytes even_modulus = pub.get(CKA_MODULUS)->to_bytes();
    even_modulus.back() &= 0xfe;
    EXPECT_EQ(check_key_material(CKO_PUBLIC_KEY, CKK_RSA, with(pub, CKA_MODULUS, even_modulus)),
              CKR_ATTRIBUTE_VALUE_INVALID);
}

TEST(KeyCheck, RsaPrivateKeyWithoutCrtPartsIsIncomplete)
{
    AttributeSet priv = rsa_private_attrs(ossl_rsa_cached(2048));
    priv.erase(CKA_COEFFICIENT);
    EXPECT_EQ(check_key_material(CKO_PRIVATE_KEY, CKK_RSA, priv), CKR_TEMPLATE_INCOMPLETE);
}

TEST(KeyCheck, SecretKeysNeedAValueOfUsableSize)
{
    AttributeSet secret;
    EXPECT_EQ(check_key_material(CKO_SECRET_KEY, CKK_GENERIC_SECRET, secret), CKR_TEMPLATE_INCOMPLETE);
    EXPECT_EQ(check_key_material(CKO_SECRET_KEY, CKK_GENERIC_SECRET, with(secret, CKA_VALUE, Bytes(32, 1))), CKR_OK);
    EXPECT_EQ(check_key_material(CKO_SECRET_KEY, CKK_GENERIC_SECRET, with(secret, CKA_VALUE, Bytes())),
              CKR_ATTRIBUTE_VALUE_INVALID);
    EXPECT_EQ(check_key_material(CKO_SECRET_KEY, CKK_AES, with(secret, CKA_VALUE, Bytes(16, 1))),
              CKR_ATTRIBUTE_VALUE_INVALID);
}

TEST(KeyCheck, ObjectsWithoutKeyMaterialPass)
{
    EXPECT_EQ(check_key_material(CKO_CERTIFICATE, CKK_RSA, AttributeSet()), CKR_OK);
    EXPECT_EQ(check_key_material(CKO_DATA, 0, AttributeSet()), CKR_OK);
}

// A key that reaches the engines without passing the import checks (a store
// written by a version that did not check) is refused at first use, never
// used: under Q = (0,0) the pair r = x(G), s = hash verified for any message.
TEST(KeyCheck, StoredKeyFailingTheChecksIsNotUsed)
{
    Pkey pkey = ossl_ec_generate("P-256");
    AttributeSet pub = ec_public_attrs(pkey.get(), kP256Params);
    const Bytes zero = origin_point();
    ParsedKey *parsed = nullptr;
    EXPECT_EQ(parsed_key_make(CKK_EC, CKO_PUBLIC_KEY, with(pub, CKA_EC_POINT, zero), &parsed), CKR_FUNCTION_FAILED);
    EXPECT_EQ(parsed, nullptr);
    AttributeSet rsa = rsa_public_attrs(ossl_rsa_cached(2048));
    EXPECT_EQ(parsed_key_make(CKK_RSA, CKO_PUBLIC_KEY, with(rsa, CKA_PUBLIC_EXPONENT, from_hex("01")), &parsed),
              CKR_FUNCTION_FAILED);
    ASSERT_EQ(parsed_key_make(CKK_RSA, CKO_PUBLIC_KEY, rsa, &parsed), CKR_OK);
    parsed_key_free(parsed);
}

namespace {

// The call's code, with a host's thrown std::bad_alloc taken as the entry
// points take it (out_of_memory.h: CKR_HOST_MEMORY). It is the only
// exception the backend throws; catching it by type would make this program
// take std::bad_alloc's type information from the backend archive, and with
// it every entry point.
template <typename Fn> CK_RV Answer(Fn fn)
{
    try {
        return fn();
    } catch (...) {
        return CKR_HOST_MEMORY;
    }
}

// Each refused run must answer CKR_HOST_MEMORY (worth a retry), never a
// verdict on the key; the last must answer CKR_OK (full_heap_sweep.h).
template <typename Fn> long SweepFullHeap(Fn fn, const char *what)
{
    return p11test::SweepFullHeap([&] { return Answer(fn); },
                                  [&](CK_RV rv, bool refused, long n) {
                                      if (refused) {
                                          EXPECT_EQ(rv, CKR_HOST_MEMORY) << what << ", allocation " << n;
                                      } else {
                                          EXPECT_EQ(rv, CKR_OK) << what;
                                      }
                                  });
}

} // namespace

// A full heap at key parsing is said as it is, never taken for a bad key.
TEST(KeyCheck, FullHeapWhileParsingAKeyIsHostMemory)
{
    AttributeSet rsa = rsa_public_attrs(ossl_rsa_cached(2048));
    const long refused = SweepFullHeap(
        [&] {
            ParsedKey *parsed = nullptr;
            const CK_RV rv = parsed_key_make(CKK_RSA, CKO_PUBLIC_KEY, rsa, &parsed);
            EXPECT_EQ(rv == CKR_OK, parsed != nullptr);
            parsed_key_free(parsed);
            return rv;
        },
        "RSA public key");
    EXPECT_GT(refused, 0) << "parsing allocated nothing: the sweep proved nothing";
}

// Whichever allocation of a check the heap refuses, the answer is
// CKR_HOST_MEMORY (worth a retry), never a verdict on the key.
TEST(KeyCheck, FullHeapAtAnyAllocationOfACheckIsHostMemory)
{
    Pkey ec = ossl_ec_generate("P-256");
    struct Case {
        const char *name;
        CK_OBJECT_CLASS key_class;
        CK_KEY_TYPE key_type;
        AttributeSet attrs;
    };
    const Case cases[] = {
        {"EC private with its point", CKO_PRIVATE_KEY, CKK_EC, ec_private_attrs(ec.get(), kP256Params, true)},
        {"EC public", CKO_PUBLIC_KEY, CKK_EC, ec_public_attrs(ec.get(), kP256Params)},
        {"RSA private", CKO_PRIVATE_KEY, CKK_RSA, rsa_private_attrs(ossl_rsa_cached(2048))},
    };
    for (const Case &c : cases) {
        const long refused =
            SweepFullHeap([&] { return check_key_material(c.key_class, c.key_type, c.attrs); }, c.name);
        EXPECT_GT(refused, 0) << c.name << " allocated nothing: the sweep proved nothing";
    }
}
