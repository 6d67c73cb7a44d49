// Key material is checked when it enters the token (v2.40 §4.1.1: "If the
// supplied template specifies an invalid value for a valid attribute, then
// the attempt should fail with the error code CKR_ATTRIBUTE_VALUE_INVALID"):
// an EC public point that is not a point of the curve, an EC private value
// outside 1..n-1, an RSA public exponent that is 1 or even, an even modulus,
// CRT components that disagree with the rest of the key. Each key is a real
// key OpenSSL made with one component broken. And the reason it matters: a
// module that keeps Q = (0,0) may verify a signature made without any private
// key for every message (a universal forgery).
#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

// NIST P-256 (FIPS 186-4 D.1.2.3, SEC 2 secp256r1): the generator's
// coordinates and the group order n.
const ByteVector kP256Gx = {0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6,
                            0xe5, 0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb,
                            0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96};
const ByteVector kP256Gy = {0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb,
                            0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33, 0x57, 0x6b, 0x31,
                            0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
const ByteVector kP256Order = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                               0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                               0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

// The uncompressed point 04||X||Y.
ByteVector Uncompressed(const ByteVector &x, const ByteVector &y)
{
    ByteVector point(1 + x.size() + y.size());
    point[0] = 0x04;
    std::copy(x.begin(), x.end(), point.begin() + 1);
    std::copy(y.begin(), y.end(), point.begin() + 1 + static_cast<std::ptrdiff_t>(x.size()));
    return point;
}

// A 32-byte big-endian value with only its last byte set.
ByteVector Small(unsigned char value)
{
    ByteVector out(32, 0);
    out.back() = value;
    return out;
}

// Is the big-endian `value` (32 bytes) in 1..n-1?
bool IsValidP256Scalar(const ByteVector &value)
{
    return value != ByteVector(32, 0) && value < kP256Order; // same length: byte order is numeric order
}

class KeyImport : public KeyTest {
  protected:
    // C_CreateObject of an EC P-256 public key with the raw point given.
    CK_RV CreateEcPublic(const ByteVector &point, CK_OBJECT_HANDLE *object = nullptr)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_VERIFY, true);
        tmpl.Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_EC_POINT, ref::DerOctetString(point));
        return TryCreateObject(tmpl, "Code Verify Key", object);
    }

    // C_CreateObject of an EC P-256 private key with the value d given.
    CK_RV CreateEcPrivate(const ByteVector &value)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, true);
        tmpl.Bool(CKA_SIGN, true).Bytes(CKA_EC_PARAMS, kP256Params).Bytes(CKA_VALUE, value);
        return TryCreateObject(tmpl, "Device Priv TLS Key");
    }

    CK_RV CreateRsaPublic(const ByteVector &modulus, const ByteVector &exponent)
    {
        ref::RsaKey key;
        key.modulus = modulus;
        key.public_exponent = exponent;
        Template tmpl = RsaPublicTemplate(key);
        return TryCreateObject(tmpl, "Code Verify Key");
    }

    // A P-256 point that is not on the curve: the only points with x = Gx
    // are (Gx, Gy) and (Gx, p - Gy), and Gy xor 1 is neither.
    static ByteVector OffCurvePoint()
    {
        ByteVector y = kP256Gy;
        y.back() ^= 0x01;
        return Uncompressed(kP256Gx, y);
    }
};

P11_CASE(KeyImport, EcPublicPointAtTheOriginIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    EXPECT_RV(CreateEcPublic(Uncompressed(ByteVector(32, 0), ByteVector(32, 0))), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_EC_POINT (0,0) is no point of P-256 (ANSI X9.62 public key validation)";
}

P11_CASE(KeyImport, EcPublicPointOneOneIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    EXPECT_RV(CreateEcPublic(Uncompressed(Small(1), Small(1))), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_EC_POINT (1,1) is not on P-256";
}

P11_CASE(KeyImport, EcPublicPointOffTheCurveIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    ASSERT_RV(CreateEcPublic(Uncompressed(kP256Gx, kP256Gy)), CKR_OK) << "the generator G itself is a valid point";
    EXPECT_RV(CreateEcPublic(OffCurvePoint()), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_EC_POINT (Gx, Gy xor 1) is not on P-256";
}

// r = x(G) and s = e (the hash as an integer) verify under Q = (0,0) when the
// module treats that point as the point at infinity: u1 = e/s = 1, so
// u1*G + u2*Q = G and its x is r, for every message.
P11_CASE(KeyImport, EcdsaUnderTheOriginPointVerifiesNoForgedSignature, .group = "keys",
         .functions = "C_CreateObject C_VerifyInit C_Verify", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.12 C_Verify")
{
    const bool raw = Offers(CKM_ECDSA, CKF_VERIFY);
    const bool hashing = ActiveProfile().NamesMechanism("CKM_ECDSA_SHA256") && Offers(CKM_ECDSA_SHA256, CKF_VERIFY);
    P11_SKIP_UNLESS(raw || hashing);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    const CK_RV created = CreateEcPublic(Uncompressed(ByteVector(32, 0), ByteVector(32, 0)), &key);
    if (created != CKR_OK) {
        SUCCEED() << "the key was refused (" << RvName(created) << "): nothing can verify under it";
        return;
    }
    const char *messages[] = {"firmware image 1.0", "firmware image 6.6.6", "any message at all"};
    int tried = 0;
    for (const char *text : messages) {
        const ByteVector message(text, text + std::string(text).size());
        const ByteVector e = ref::Sha256(message);
        if (!IsValidP256Scalar(e)) {
            continue; // s must be in 1..n-1 (probability about 2^-32 that it is not)
        }
        ByteVector forged = kP256Gx;
        forged.insert(forged.end(), e.begin(), e.end());
        for (CK_MECHANISM_TYPE type : {CKM_ECDSA, CKM_ECDSA_SHA256}) {
            if ((type == CKM_ECDSA && !raw) || (type == CKM_ECDSA_SHA256 && !hashing)) {
                continue;
            }
            ByteVector data = type == CKM_ECDSA ? e : message;
            const CK_RV init = VerifyInit(type, key);
            if (init != CKR_OK) {
                continue; // refused at C_VerifyInit: no verdict at all
            }
            ++tried;
            const CK_RV rv = fl()->C_Verify(session_, data.data(), data.size(), forged.data(), forged.size());
            EXPECT_NE(rv, static_cast<CK_RV>(CKR_OK))
                << MechanismName(type) << " accepted r = x(G), s = SHA-256(\"" << text
                << "\") under Q = (0,0): anyone can forge a signature of any message without a private key";
        }
    }
    if (tried == 0) {
        SUCCEED() << "C_VerifyInit refused the key";
    }
}

P11_CASE(KeyImport, EcPrivateValueZeroIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    EXPECT_RV(CreateEcPrivate(ByteVector(32, 0)), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_VALUE d = 0: an EC private key is 1 <= d < n";
}

P11_CASE(KeyImport, EcPrivateValueEqualToTheGroupOrderIsAttributeValueInvalid, .group = "keys",
         .functions = "C_CreateObject", .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    EXPECT_RV(CreateEcPrivate(kP256Order), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_VALUE d = n, the order of P-256: an EC private key is 1 <= d < n";
}

P11_CASE(KeyImport, RsaPublicExponentOneIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_VERIFY));
    EXPECT_RV(CreateRsaPublic(ReferenceRsaKey().modulus, ByteVector{0x01}), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_PUBLIC_EXPONENT 1: every padded message would be its own signature (RFC 8017 §3.1: 3 <= e)";
}

P11_CASE(KeyImport, RsaEvenPublicExponentIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_VERIFY));
    EXPECT_RV(CreateRsaPublic(ReferenceRsaKey().modulus, ByteVector{0x01, 0x00, 0x00}), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_PUBLIC_EXPONENT 65536: an even e has no inverse mod lcm(p-1, q-1) (RFC 8017 §3.1)";
}

P11_CASE(KeyImport, RsaEvenModulusIsAttributeValueInvalid, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_VERIFY));
    ByteVector modulus = ReferenceRsaKey().modulus;
    modulus.back() &= 0xFE; // still 2048 bits, now even
    EXPECT_RV(CreateRsaPublic(modulus, ReferenceRsaKey().public_exponent), CKR_ATTRIBUTE_VALUE_INVALID)
        << "an even CKA_MODULUS is no product of two odd primes";
}

P11_CASE(KeyImport, RsaPrivateKeyWithInconsistentCrtIsAttributeValueInvalid, .group = "keys",
         .functions = "C_CreateObject", .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §4.1.1, §5.7 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN));
    ref::RsaKey key = ReferenceRsaKey();
    key.exponent_1.back() ^= 0x02; // d mod (p-1) no longer
    Template tmpl = RsaPrivateTemplate(key);
    EXPECT_RV(TryCreateObject(tmpl, "Device Priv TLS Key"), CKR_ATTRIBUTE_VALUE_INVALID)
        << "CKA_EXPONENT_1 is not d mod (p-1): a CRT signature with it is wrong and leaks a factor of n";
}

// Mechanisms v2.40 §2.1.3 lets a token take an RSA private key with only the
// modulus and private exponent ("If an attempt is made to create an RSA
// private key object on a token with insufficient attributes for that
// particular token, then the object creation call fails and returns
// CKR_TEMPLATE_INCOMPLETE"). A key the token took must then work as a key:
// its attributes readable and C_SignInit answering a code of its list.
P11_CASE(KeyImport, RsaPrivateKeyOfModulusAndPrivateExponentIsRefusedOrUsable, .group = "keys",
         .functions = "C_CreateObject C_GetAttributeValue C_SignInit C_Sign", .mechanisms = "CKM_RSA_PKCS",
         .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN));
    const ref::RsaKey &reference = ReferenceRsaKey();
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    tmpl.Bytes(CKA_MODULUS, reference.modulus).Bytes(CKA_PRIVATE_EXPONENT, reference.private_exponent);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    const CK_RV created = TryCreateObject(tmpl, "Device Priv TLS Key", &key);
    ASSERT_TRUE(RvIsOneOf(created, {CKR_OK, CKR_TEMPLATE_INCOMPLETE}))
        << "C_CreateObject of an RSA private key with CKA_MODULUS and CKA_PRIVATE_EXPONENT only";
    if (created != CKR_OK) {
        return; // refused as insufficient: what mechanisms v2.40 §2.1.3 says
    }
    ByteVector exponent;
    EXPECT_RV(ReadAttribute(key, CKA_PUBLIC_EXPONENT, &exponent), CKR_OK)
        << "CKA_PUBLIC_EXPONENT is an attribute of every RSA private key (mechanisms v2.40 §2.1.3)";
    const CK_RV init = SignInit(CKM_RSA_PKCS, key);
    ASSERT_TRUE(
        RvIsOneOf(init, {CKR_OK, CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_KEY_SIZE_RANGE, CKR_KEY_TYPE_INCONSISTENT,
                         CKR_FUNCTION_FAILED, CKR_GENERAL_ERROR, CKR_HOST_MEMORY, CKR_DEVICE_ERROR, CKR_DEVICE_MEMORY}))
        << "C_SignInit answers a code of its v2.40 §5.11 list that fits a key the token took (CKR_TEMPLATE_INCOMPLETE "
           "is not in that list)";
    if (init != CKR_OK) {
        return;
    }
    ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
    ByteVector signature(reference.modulus.size());
    CK_ULONG length = signature.size();
    ASSERT_RV(fl()->C_Sign(session_, digest_info.data(), digest_info.size(), signature.data(), &length), CKR_OK)
        << "C_SignInit accepted the key, so it signs";
    signature.resize(length);
    EXPECT_TRUE(ref::RsaPkcs1Verify(reference.modulus, reference.public_exponent, digest_info, signature))
        << "OpenSSL rejects the signature made with the key of n and d";
}

} // namespace
} // namespace p11conf
