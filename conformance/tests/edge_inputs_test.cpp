// Inputs at the edges the specifications draw (v2.40 §5.2 buffers, PKCS #11
// Mechanisms v2.40 §2.1 and §2.3): RSA exponents other than 65537, raw RSA
// inputs at the modulus, PSS parameters of another hash, ECDSA hashes shorter
// and longer than the curve, EC parameters at the limits of a short DER
// length, key material changed in one part only. Every signature is checked
// with OpenSSL in both directions where one is made.
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class EdgeInputs : public KeyTest {
  protected:
    // Session key objects of an OpenSSL EC key (the FreeRTOS roles).
    CK_OBJECT_HANDLE EcPrivateKey(const ref::EcKey &key)
    {
        Template tmpl = EcPrivateTemplate(key);
        return CreateObject(tmpl, "Device Priv TLS Key", false);
    }
    CK_OBJECT_HANDLE EcPublicKey(const ref::EcKey &key)
    {
        Template tmpl = EcPublicTemplate(key);
        return CreateObject(tmpl, "Device Pub TLS Key", false);
    }

    static ByteVector WithoutLeadingZeros(ByteVector value)
    {
        while (value.size() > 1 && value.front() == 0) {
            value.erase(value.begin());
        }
        return value;
    }

    // C_Sign of `data` into a `capacity`-byte buffer; the signature (resized
    // to the returned length) and the return code.
    CK_RV SignInto(const ByteVector &data, size_t capacity, ByteVector *signature)
    {
        ByteVector input = data;
        signature->assign(capacity, 0);
        CK_ULONG length = capacity;
        const CK_RV rv = fl()->C_Sign(session_, input.data(), input.size(), signature->data(), &length);
        signature->resize(rv == CKR_OK ? length : 0);
        return rv;
    }
};

P11_CASE(EdgeInputs, RsaKeyPairsWithExponentsOtherThan65537SignWhatOpenSslVerifies, .group = "keys",
         .functions = "C_GenerateKeyPair C_GetAttributeValue C_SignInit C_Sign",
         .mechanisms = "CKM_RSA_PKCS_KEY_PAIR_GEN CKM_RSA_PKCS", .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR, 2048));
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN));
    for (const ByteVector &exponent : {ByteVector{0x03}, ByteVector{0x11}}) {
        const std::string e = std::to_string(exponent[0]);
        Template pub;
        pub.Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true).Ulong(CKA_MODULUS_BITS, 2048);
        pub.Bytes(CKA_PUBLIC_EXPONENT, exponent).Text(CKA_LABEL, Label("RSA Pub Key"));
        Template priv;
        priv.Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true).Text(CKA_LABEL, Label("RSA Key"));
        const KeyPair pair = GeneratePair(CKM_RSA_PKCS_KEY_PAIR_GEN, pub, priv);
        ASSERT_TRUE(pair.ok()) << "C_GenerateKeyPair with CKA_PUBLIC_EXPONENT " << e;
        const ByteVector modulus = Attribute(pair.public_key, CKA_MODULUS);
        ASSERT_EQ(modulus.size(), 256u) << "a 2048-bit modulus, e = " << e;
        EXPECT_EQ(WithoutLeadingZeros(Attribute(pair.public_key, CKA_PUBLIC_EXPONENT)), exponent)
            << "the public key's exponent is the one asked for (mechanisms v2.40 §2.1.4)";
        EXPECT_EQ(Attribute(pair.private_key, CKA_MODULUS), modulus) << "both keys have the same modulus";
        ByteVector secret;
        EXPECT_RV(ReadAttribute(pair.public_key, CKA_PRIVATE_EXPONENT, &secret), CKR_ATTRIBUTE_TYPE_INVALID)
            << "a public key has no CKA_PRIVATE_EXPONENT (§4.8 Table 37)";
        const ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
        const ByteVector signature = Sign(pair.private_key, CKM_RSA_PKCS, digest_info);
        EXPECT_TRUE(ref::RsaPkcs1Verify(modulus, exponent, digest_info, signature))
            << "OpenSSL rejects the signature of the key with e = " << e;
    }
}

P11_CASE(EdgeInputs, RawRsaSignOfAnInputNotBelowTheModulusIsDataInvalid, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_Sign", .mechanisms = "CKM_RSA_X_509",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_RSA_X_509, CKF_SIGN, 2048));
    const ref::RsaKey &key = ReferenceRsaKey();
    Template tmpl = RsaPrivateTemplate(key);
    const CK_OBJECT_HANDLE private_key = CreateObject(tmpl, "RSA Key", false);
    ASSERT_NE(private_key, CK_INVALID_HANDLE);
    ByteVector below = key.modulus; // n - 1: the largest input
    below.back() -= 1;
    ASSERT_RV(SignInit(CKM_RSA_X_509, private_key), CKR_OK);
    ByteVector signature;
    ASSERT_RV(SignInto(below, key.modulus.size(), &signature), CKR_OK) << "n - 1";
    EXPECT_EQ(ref::RsaRawPublic(key.modulus, key.public_exponent, signature), below)
        << "OpenSSL's s^e mod n is not the input";
    for (const ByteVector &input : {key.modulus, ByteVector(key.modulus.size(), 0xFF)}) {
        ASSERT_RV(SignInit(CKM_RSA_X_509, private_key), CKR_OK);
        EXPECT_RV(SignInto(input, key.modulus.size(), &signature), CKR_DATA_INVALID)
            << (input == key.modulus ? "the modulus itself" : "k bytes of 0xFF")
            << ": RSASP1 takes a representative below n (RFC 8017 §5.2.1); §5.1.6 \"CKR_DATA_INVALID: The "
               "plaintext input data to a cryptographic operation is invalid\"";
    }
}

P11_CASE(EdgeInputs, Sha256RsaPssWhoseParametersNameAnotherHashIsMechanismParamInvalid, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_VerifyInit", .mechanisms = "CKM_SHA256_RSA_PKCS_PSS",
         .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_SHA256_RSA_PKCS_PSS, CKF_SIGN, 2048));
    Template tmpl = RsaPrivateTemplate(ReferenceRsaKey());
    const CK_OBJECT_HANDLE private_key = CreateObject(tmpl, "RSA Key", false);
    ASSERT_NE(private_key, CK_INVALID_HANDLE);
    CK_RSA_PKCS_PSS_PARAMS params = {CKM_SHA384, CKG_MGF1_SHA384, 48};
    CK_MECHANISM mechanism = {CKM_SHA256_RSA_PKCS_PSS, &params, sizeof(params)};
    EXPECT_RV(fl()->C_SignInit(session_, &mechanism, private_key), CKR_MECHANISM_PARAM_INVALID)
        << "mechanisms v2.40 §2.1.14: for CKM_SHA256_RSA_PKCS_PSS, hashAlg of CK_RSA_PKCS_PSS_PARAMS is "
           "CKM_SHA256 (the hash the mechanism applies); these name SHA-384";
}

P11_CASE(EdgeInputs, SignIntoABiggerBufferGivesTheSignaturesOwnLength, .group = "keys",
         .functions = "C_SignInit C_Sign", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.2")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    const CK_OBJECT_HANDLE private_key = InstallEcPair(key).private_key;
    P11_SKIP_UNLESS(private_key != CK_INVALID_HANDLE);
    const ByteVector hash = ref::Sha256(kMessage);
    ASSERT_RV(SignInit(CKM_ECDSA, private_key), CKR_OK);
    ByteVector signature;
    ASSERT_RV(SignInto(hash, 100, &signature), CKR_OK);
    EXPECT_EQ(signature.size(), 64u) << "§5.2: \"*pulBufLen is set to the exact number of bytes\" returned";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, signature)) << "OpenSSL rejects the signature";
}

P11_CASE(EdgeInputs, HashThenSignIntoABiggerBufferGivesTheSignaturesOwnLength, .group = "keys",
         .functions = "C_SignInit C_Sign C_SignUpdate C_SignFinal", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.2")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA_SHA256, CKF_SIGN));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    const CK_OBJECT_HANDLE private_key = InstallEcPair(key).private_key;
    P11_SKIP_UNLESS(private_key != CK_INVALID_HANDLE);
    const ByteVector hash = ref::Sha256(kMessage);
    ASSERT_RV(SignInit(CKM_ECDSA_SHA256, private_key), CKR_OK);
    ByteVector signature;
    ASSERT_RV(SignInto(kMessage, 128, &signature), CKR_OK) << "C_Sign into 128 bytes";
    EXPECT_EQ(signature.size(), 64u) << "C_Sign: §5.2 \"*pulBufLen is set to the exact number of bytes\" returned";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, signature)) << "OpenSSL rejects C_Sign's signature";

    ASSERT_RV(SignInit(CKM_ECDSA_SHA256, private_key), CKR_OK);
    ByteVector data = kMessage;
    ASSERT_RV(fl()->C_SignUpdate(session_, data.data(), data.size()), CKR_OK);
    ByteVector final_signature(128, 0);
    CK_ULONG length = final_signature.size();
    ASSERT_RV(fl()->C_SignFinal(session_, final_signature.data(), &length), CKR_OK) << "C_SignFinal into 128 bytes";
    EXPECT_EQ(length, 64u) << "C_SignFinal: §5.2 \"*pulBufLen is set to the exact number of bytes\" returned";
    final_signature.resize(length <= 128 ? length : 0);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, final_signature))
        << "OpenSSL rejects C_SignFinal's signature";
}

// An empty message is a message (§5.11 C_Sign takes ulDataLen 0). It is
// given at a real address: whether NULL_PTR with a length of 0 is an empty
// message or CKR_ARGUMENTS_BAD v2.40 does not say (SoftHSMv2 refuses it).
P11_CASE(EdgeInputs, EmptyMessageSignsAndVerifies, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_Sign C_VerifyInit C_Verify",
         .mechanisms = "CKM_SHA256_HMAC CKM_ECDSA_SHA256", .section = "v2.40 §5.12 C_Verify")
{
    const bool hmac = Offers(CKM_SHA256_HMAC, CKF_SIGN | CKF_VERIFY);
    const bool ecdsa = Offers(CKM_ECDSA_SHA256, CKF_SIGN | CKF_VERIFY);
    P11_SKIP_UNLESS(hmac || ecdsa);
    const ByteVector empty_hash = ref::Sha256({});
    unsigned char nothing[1] = {0};
    if (hmac) {
        const ByteVector secret = HmacSecret();
        Template tmpl = HmacTemplate(secret);
        const CK_OBJECT_HANDLE mac_key = CreateObject(tmpl, "HMAC Key", false);
        ASSERT_NE(mac_key, CK_INVALID_HANDLE);
        ASSERT_RV(SignInit(CKM_SHA256_HMAC, mac_key), CKR_OK);
        ByteVector mac(32, 0);
        CK_ULONG length = mac.size();
        ASSERT_RV(fl()->C_Sign(session_, nothing, 0, mac.data(), &length), CKR_OK) << "HMAC of the empty message";
        EXPECT_EQ(mac, ref::HmacSha256(secret, {})) << "OpenSSL's HMAC-SHA256 of the empty message";
        ASSERT_RV(VerifyInit(CKM_SHA256_HMAC, mac_key), CKR_OK);
        EXPECT_RV(fl()->C_Verify(session_, nothing, 0, mac.data(), mac.size()), CKR_OK)
            << "C_Verify of the empty message's HMAC";
    }
    if (ecdsa) {
        const ref::EcKey key = ref::GenerateEcKey("P-256");
        const CK_OBJECT_HANDLE private_key = EcPrivateKey(key);
        const CK_OBJECT_HANDLE public_key = EcPublicKey(key);
        ASSERT_NE(private_key, CK_INVALID_HANDLE);
        ASSERT_NE(public_key, CK_INVALID_HANDLE);
        ASSERT_RV(SignInit(CKM_ECDSA_SHA256, private_key), CKR_OK);
        ByteVector signature(64, 0);
        CK_ULONG length = signature.size();
        ASSERT_RV(fl()->C_Sign(session_, nothing, 0, signature.data(), &length), CKR_OK) << "ECDSA of the empty message";
        signature.resize(length <= 64 ? length : 0);
        EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", empty_hash, signature))
            << "OpenSSL rejects the signature of the empty message";
        ByteVector theirs = ref::EcdsaSignRaw(key, empty_hash);
        ASSERT_RV(VerifyInit(CKM_ECDSA_SHA256, public_key), CKR_OK);
        EXPECT_RV(fl()->C_Verify(session_, nothing, 0, theirs.data(), theirs.size()), CKR_OK)
            << "C_Verify of OpenSSL's signature of the empty message";
    }
}

P11_CASE(EdgeInputs, RawEcdsaOfHashesShorterAndLongerThanTheCurveMatchesOpenSsl, .group = "keys",
         .functions = "C_SignInit C_Sign C_VerifyInit C_Verify", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN | CKF_VERIFY));
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    const KeyPair pair = InstallEcPair(key);
    P11_SKIP_UNLESS(pair.private_key != CK_INVALID_HANDLE);
    const CK_OBJECT_HANDLE private_key = pair.private_key;
    const CK_OBJECT_HANDLE public_key = pair.public_key;
    ASSERT_NE(public_key, CK_INVALID_HANDLE);
    // SHA-1's 20 bytes (left-padded), SHA-384's 48 (its leftmost 32 used,
    // ANSI X9.62 §7.3.1), and one byte.
    const ByteVector inputs[] = {ref::Sha1(kMessage), ref::Sha384(kMessage), ByteVector{0x5A}};
    for (const ByteVector &hash : inputs) {
        ASSERT_RV(SignInit(CKM_ECDSA, private_key), CKR_OK);
        ByteVector signature;
        ASSERT_RV(SignInto(hash, 64, &signature), CKR_OK) << hash.size() << "-byte input";
        EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, signature))
            << "OpenSSL rejects the module's signature of a " << hash.size() << "-byte input";
        ByteVector theirs = ref::EcdsaSignRaw(key, hash);
        ByteVector input = hash;
        ASSERT_RV(VerifyInit(CKM_ECDSA, public_key), CKR_OK);
        EXPECT_RV(fl()->C_Verify(session_, input.data(), input.size(), theirs.data(), theirs.size()), CKR_OK)
            << "OpenSSL's signature of a " << hash.size() << "-byte input";
    }
}

class EdgeEcParams : public EdgeInputs {
  protected:
    CK_RV GenerateOn(const ByteVector &ec_params)
    {
        Template pub;
        pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, ec_params);
        pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
        Template priv;
        priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        priv.Text(CKA_LABEL, Label("Device Priv TLS Key"));
        CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE, private_key = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                                 priv.size(), &public_key, &private_key);
        if (rv == CKR_OK) {
            Keep(public_key);
            Keep(private_key);
        }
        return rv;
    }
};

P11_CASE(EdgeEcParams, WellFormedOidsOfNoSupportedCurveAreCurveNotSupported, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    ByteVector longest = {0x06, 0x7F, 0x2B}; // 1.3 then 126 arcs of 1: the longest short-form length
    longest.resize(2 + 0x7F, 0x01);
    const ByteVector oids[] = {{0x06, 0x01, 0x2B}, longest};
    for (const ByteVector &oid : oids) {
        EXPECT_RV(GenerateOn(oid), CKR_CURVE_NOT_SUPPORTED)
            << "a " << oid.size() << "-byte OBJECT IDENTIFIER naming no curve: §5.1.6 \"CKR_CURVE_NOT_SUPPORTED: "
               "This curve is not supported by this token\"";
    }
}

P11_CASE(EdgeEcParams, EcParamsThatAreNoDerObjectIdentifierAreInvalid, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    ByteVector indefinite = {0x06, 0x80}; // an indefinite length, which DER forbids (X.690 §10.1)
    indefinite.resize(2 + 0x80, 0x01);
    const ByteVector invalid[] = {indefinite, {0x06, 0x00}, {0x06, 0x02, 0x2B}, {0x04, 0x01, 0x2B}};
    for (const ByteVector &params : invalid) {
        EXPECT_TRUE(RvIsOneOf(GenerateOn(params), {CKR_ATTRIBUTE_VALUE_INVALID, CKR_DOMAIN_PARAMS_INVALID}))
            << "CKA_EC_PARAMS of " << params.size() << " bytes that is no DER OBJECT IDENTIFIER (mechanisms v2.40 "
            << "§2.3.3: \"DER-encoding of an ANSI X9.62 Parameters value\")";
    }
}

P11_CASE(EdgeInputs, RsaPrivateKeyWhosePrivateExponentAloneIsChangedIsAttributeValueInvalid, .group = "keys",
         .functions = "C_CreateObject", .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §4.1.1 C_CreateObject")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN));
    ref::RsaKey key = ReferenceRsaKey();
    key.private_exponent.back() ^= 0x02; // d changed, p, q, dP, dQ, qInv as they were
    Template tmpl = RsaPrivateTemplate(key);
    EXPECT_RV(TryCreateObject(tmpl, "RSA Key"), CKR_ATTRIBUTE_VALUE_INVALID)
        << "d is no longer e^-1 mod lcm(p-1, q-1) though the CRT values are (RFC 8017 §3.2): §4.1.1 \"If the "
           "supplied template specifies an invalid value for a valid attribute, then the attempt should fail with "
           "the error code CKR_ATTRIBUTE_VALUE_INVALID\"";
}

} // namespace
} // namespace p11conf
