// Codes of a function's v2.40 "Return values" list that a client can bring
// about, one case each, found by method: `p11conform --report-coverage`
// (docs/conformance-coverage.md) lists, per function, the codes of its list
// the suite never saw a module return; each case here provokes one of them
// with the input the specification ties to it.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

constexpr CK_OBJECT_HANDLE kNoSuchObject = 0x7A11BAD;
// A type no version of PKCS #11 defines and below CKA_VENDOR_DEFINED.
constexpr CK_ATTRIBUTE_TYPE kUnknownAttribute = 0x0FFFFF01UL;

class ProvokedCodes : public KeyTest {
  protected:
    // An EC P-256 public key for verification (session object), with
    // CKA_VERIFY as asked; CK_INVALID_HANDLE with skip_reason() when the
    // profile cannot hold one.
    CK_OBJECT_HANDLE EcVerifyKey(bool verify = true)
    {
        static const ref::EcKey key = ref::GenerateEcKey("P-256");
        Template tmpl; // EcPublicTemplate's, with CKA_VERIFY as asked (given once: §4.1.1 item 7)
        tmpl.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_VERIFY, verify);
        tmpl.Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_EC_POINT, ref::DerOctetString(key.point));
        return Install(tmpl, verify ? "Verify Key" : "No Verify Key", CKO_PUBLIC_KEY);
    }

    static const ref::EcKey &SigningKey()
    {
        static const ref::EcKey key = ref::GenerateEcKey("P-256");
        return key;
    }

    // C_VerifyInit(CKM_ECDSA_SHA256), C_VerifyUpdate of kMessage, then C_VerifyFinal of `signature`: its code.
    CK_RV MultiPartVerify(CK_OBJECT_HANDLE key, ByteVector signature)
    {
        EXPECT_RV(VerifyInit(CKM_ECDSA_SHA256, key), CKR_OK);
        ByteVector data = kMessage;
        EXPECT_RV(fl()->C_VerifyUpdate(session_, data.data(), data.size()), CKR_OK);
        return fl()->C_VerifyFinal(session_, signature.data(), signature.size());
    }

    // The P-256 public key of SigningKey() and a valid CKM_ECDSA_SHA256 signature of kMessage.
    CK_OBJECT_HANDLE SignedMessage(ByteVector *signature)
    {
        Template tmpl = EcPublicTemplate(SigningKey());
        *signature = ref::EcdsaSignRaw(SigningKey(), ref::Sha256(kMessage));
        return Install(tmpl, "Verify Key", CKO_PUBLIC_KEY);
    }
};

P11_CASE(ProvokedCodes, VerifyInitWithAHandleOfNoObjectIsKeyHandleInvalid, .group = "keys",
         .functions = "C_VerifyInit", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_VerifyInit")
{
    EXPECT_RV(VerifyInit(CKM_ECDSA, kNoSuchObject), CKR_KEY_HANDLE_INVALID)
        << "§5.1.6 \"CKR_KEY_HANDLE_INVALID: The specified key handle is not valid\"";
}

P11_CASE(ProvokedCodes, VerifyInitWithAnRsaKeyForEcdsaIsKeyTypeInconsistent, .group = "keys",
         .functions = "C_VerifyInit", .mechanisms = "CKM_ECDSA CKM_RSA_PKCS", .section = "v2.40 §5.11 C_VerifyInit")
{
    Template tmpl = RsaPublicTemplate(ReferenceRsaKey());
    const CK_OBJECT_HANDLE rsa = Install(tmpl, "RSA Verify Key", CKO_PUBLIC_KEY);
    P11_SKIP_UNLESS(rsa != CK_INVALID_HANDLE);
    EXPECT_RV(VerifyInit(CKM_ECDSA, rsa), CKR_KEY_TYPE_INCONSISTENT)
        << "§5.1.6 \"The specified key is not the correct type of key to use with the specified mechanism\"";
}

P11_CASE(ProvokedCodes, VerifyInitWithAKeyWhoseCkaVerifyIsFalseIsKeyFunctionNotPermitted, .group = "keys",
         .functions = "C_VerifyInit C_CreateObject", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.11 C_VerifyInit")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    const CK_OBJECT_HANDLE key = EcVerifyKey(false);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    EXPECT_RV(VerifyInit(CKM_ECDSA, key), CKR_KEY_FUNCTION_NOT_PERMITTED)
        << "§4.8 CKA_VERIFY false: \"An attempt has been made to use a key for a cryptographic purpose that the "
           "key's attributes are not set to allow it to do\" (§5.1.6)";
}

P11_CASE(ProvokedCodes, SecondVerifyInitIsOperationActive, .group = "keys", .functions = "C_VerifyInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_VerifyInit")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    const CK_OBJECT_HANDLE key = EcVerifyKey();
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    ASSERT_RV(VerifyInit(CKM_ECDSA, key), CKR_OK);
    EXPECT_RV(VerifyInit(CKM_ECDSA, key), CKR_OPERATION_ACTIVE)
        << "§5.1.6 \"There is already an active operation ... which prevents Cryptoki from activating the "
           "specified operation\"";
}

P11_CASE(ProvokedCodes, VerifyUpdateWithoutVerifyInitIsOperationNotInitialized, .group = "keys",
         .functions = "C_VerifyUpdate", .section = "v2.40 §5.11 C_VerifyUpdate")
{
    ByteVector data = kMessage;
    EXPECT_RV(fl()->C_VerifyUpdate(session_, data.data(), data.size()), CKR_OPERATION_NOT_INITIALIZED);
}

P11_CASE(ProvokedCodes, MultiPartVerifyOfATamperedSignatureIsSignatureInvalid, .group = "keys",
         .functions = "C_VerifyInit C_VerifyUpdate C_VerifyFinal", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.11 C_VerifyFinal")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA_SHA256, CKF_VERIFY));
    ByteVector signature;
    const CK_OBJECT_HANDLE key = SignedMessage(&signature);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    ASSERT_EQ(signature.size(), 64u);
    for (size_t flipped : {size_t(0), size_t(31), size_t(32), size_t(63)}) { // first/last byte of r and of s
        ByteVector tampered = signature;
        tampered[flipped] ^= 0x01;
        EXPECT_RV(MultiPartVerify(key, tampered), CKR_SIGNATURE_INVALID) << "byte " << flipped << " of r||s flipped";
        ByteVector data = kMessage;
        EXPECT_RV(fl()->C_VerifyUpdate(session_, data.data(), data.size()), CKR_OPERATION_NOT_INITIALIZED)
            << "C_VerifyFinal ends the operation whatever its verdict (§5.11)";
    }
    // The untampered signature still verifies the same way.
    EXPECT_RV(MultiPartVerify(key, signature), CKR_OK);
}

P11_CASE(ProvokedCodes, VerifyFinalOfASignatureOfTheWrongLengthIsSignatureLenRange, .group = "keys",
         .functions = "C_VerifyInit C_VerifyUpdate C_VerifyFinal", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.11 C_VerifyFinal")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA_SHA256, CKF_VERIFY));
    ByteVector signature;
    const CK_OBJECT_HANDLE key = SignedMessage(&signature);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    for (size_t length : {size_t(63), size_t(65)}) {
        ByteVector wrong = signature;
        wrong.resize(length, 0x00);
        EXPECT_RV(MultiPartVerify(key, wrong), CKR_SIGNATURE_LEN_RANGE)
            << "a " << length << "-byte signature for P-256 (64 bytes): §5.1.6 \"CKR_SIGNATURE_LEN_RANGE: The "
               "provided signature/MAC can be seen to be invalid solely on the basis of its length\"";
    }
}

P11_CASE(ProvokedCodes, RsaPkcsVerifyOfDataLongerThanKMinus11IsDataLenRange, .group = "keys",
         .functions = "C_VerifyInit C_Verify", .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §5.11 C_Verify")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_VERIFY));
    Template tmpl = RsaPublicTemplate(ReferenceRsaKey());
    const CK_OBJECT_HANDLE key = Install(tmpl, "RSA Verify Key", CKO_PUBLIC_KEY);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    const size_t k = ReferenceRsaKey().modulus.size();
    ByteVector data(k - 10, 0x42), signature(k, 0x01);
    ASSERT_RV(VerifyInit(CKM_RSA_PKCS, key), CKR_OK);
    EXPECT_RV(fl()->C_Verify(session_, data.data(), data.size(), signature.data(), signature.size()),
              CKR_DATA_LEN_RANGE)
        << "PKCS #11 Mechanisms v2.40 §2.1.6 CKM_RSA_PKCS: data of at most k-11 bytes (" << k - 11 << ")";
}

P11_CASE(ProvokedCodes, GetAttributeValueIntoATooSmallBufferIsBufferTooSmallAndUnavailable, .group = "objects",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_DATA).Bytes(CKA_VALUE, ByteVector(16, 0x5A));
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    ASSERT_RV(TryCreateObject(tmpl, "Data", &object), CKR_OK);
    unsigned char small[15];
    CK_ATTRIBUTE query = {CKA_VALUE, small, sizeof(small)};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &query, 1), CKR_BUFFER_TOO_SMALL)
        << "§5.7: \"if the length specified in the template is too small ... the call returns "
           "CKR_BUFFER_TOO_SMALL\"";
    EXPECT_EQ(query.ulValueLen, CK_UNAVAILABLE_INFORMATION)
        << "§5.7 case 4: \"the ulValueLen field is modified to hold the value CK_UNAVAILABLE_INFORMATION\"";
}

P11_CASE(ProvokedCodes, GetAttributeValueOfAnAttributeTheObjectLacksIsAttributeTypeInvalid, .group = "objects",
         .functions = "C_GetAttributeValue C_CreateObject", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_DATA).Bytes(CKA_VALUE, ByteVector(16, 0x5A));
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    ASSERT_RV(TryCreateObject(tmpl, "Data", &object), CKR_OK);
    // Alone, as a size query and with a buffer; then beside one it has.
    unsigned char buffer[64] = {};
    for (void *value : {static_cast<void *>(nullptr), static_cast<void *>(buffer)}) {
        CK_ATTRIBUTE query = {CKA_MODULUS, value, value == nullptr ? 0 : sizeof(buffer)};
        EXPECT_RV(fl()->C_GetAttributeValue(session_, object, &query, 1), CKR_ATTRIBUTE_TYPE_INVALID)
            << "CKA_MODULUS of a data object" << (value == nullptr ? " (size query)" : "")
            << ": §5.7 \"the object does not possess such an attribute\"";
        EXPECT_EQ(query.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    }
    CK_OBJECT_CLASS klass = 0;
    CK_ATTRIBUTE pair[] = {{CKA_MODULUS, buffer, sizeof(buffer)}, {CKA_CLASS, &klass, sizeof(klass)}};
    EXPECT_RV(fl()->C_GetAttributeValue(session_, object, pair, 2), CKR_ATTRIBUTE_TYPE_INVALID);
    EXPECT_EQ(pair[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    EXPECT_EQ(klass, static_cast<CK_OBJECT_CLASS>(CKO_DATA)) << "§5.7: every attribute of the template is processed";
}

P11_CASE(ProvokedCodes, CreateObjectWithAnUnknownAttributeTypeIsAttributeTypeInvalid, .group = "objects",
         .functions = "C_CreateObject", .section = "v2.40 §5.7 C_CreateObject")
{
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_DATA).Bytes(CKA_VALUE, ByteVector(4, 0x01)).Bytes(kUnknownAttribute, ByteVector(4, 0));
    EXPECT_RV(TryCreateObject(tmpl, "Data"), CKR_ATTRIBUTE_TYPE_INVALID)
        << "§5.1.6 \"CKR_ATTRIBUTE_TYPE_INVALID: An invalid attribute type was specified in a template\"";
}

P11_CASE(ProvokedCodes, CreateObjectSettingCkaLocalIsAttributeReadOnly, .group = "keys",
         .functions = "C_CreateObject", .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.1.1 C_CreateObject")
{
    Template tmpl = EcPublicTemplate(SigningKey());
    tmpl.Bool(CKA_LOCAL, true);
    EXPECT_RV(TryCreateObject(tmpl, "Local Key"), CKR_ATTRIBUTE_READ_ONLY)
        << "§4.1.1: \"If the supplied template specifies a value for a read-only attribute, then the attempt "
           "should fail with the error code CKR_ATTRIBUTE_READ_ONLY\"; §4.7 Table 24 footnote: CKA_LOCAL cannot be "
           "given to C_CreateObject";
}

// Objects the token holds, read and searched (v2.40 §5.7): put in with
// Install, so that a profile without C_CreateObject has them too (through
// its provisioning module).

P11_CASE(ProvokedCodes, FindingByABooleanAttributeMatchesItsValue, .group = "keys",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal C_GetAttributeValue",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const CK_OBJECT_HANDLE key = EcVerifyKey(true);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    ByteVector label;
    ASSERT_RV(ReadAttribute(key, CKA_LABEL, &label), CKR_OK);
    const std::string text(label.begin(), label.end());
    const auto found = [&](CK_ATTRIBUTE_TYPE type, bool value) {
        Template query;
        query.Text(CKA_LABEL, text).Bool(type, value);
        const std::vector<CK_OBJECT_HANDLE> objects = Find(query);
        return std::find(objects.begin(), objects.end(), key) != objects.end();
    };
    // §5.7 C_FindObjectsInit: "the objects that match all the attributes in the template".
    EXPECT_TRUE(found(CKA_VERIFY, true)) << "CKA_VERIFY is CK_TRUE on the key";
    EXPECT_FALSE(found(CKA_VERIFY, false)) << "CKA_VERIFY is CK_TRUE, the template asks for CK_FALSE";
    EXPECT_TRUE(found(CKA_PRIVATE, false)) << "a public key installed without CKA_PRIVATE";
    EXPECT_FALSE(found(CKA_PRIVATE, true));
}

P11_CASE(ProvokedCodes, ReadingAnAttributeTheKeysClassLacksIsAttributeTypeInvalid, .group = "keys",
         .functions = "C_GetAttributeValue", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const CK_OBJECT_HANDLE key = EcVerifyKey(true);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    CK_BYTE modulus[64];
    CK_BYTE params[64];
    CK_ATTRIBUTE tmpl[] = {{CKA_MODULUS, modulus, sizeof modulus}, {CKA_EC_PARAMS, params, sizeof params}};
    // §5.7.5 case 2: "the specified attribute ... is invalid for the object.
    // The ulValueLen field of that triple is modified to hold the value
    // CK_UNAVAILABLE_INFORMATION"; every attribute is processed.
    EXPECT_RV(fl()->C_GetAttributeValue(session_, key, tmpl, 2), CKR_ATTRIBUTE_TYPE_INVALID)
        << "CKA_MODULUS of an EC public key";
    EXPECT_EQ(tmpl[0].ulValueLen, CK_UNAVAILABLE_INFORMATION) << "CKA_MODULUS";
    EXPECT_EQ(ByteVector(params, params + (tmpl[1].ulValueLen <= sizeof params ? tmpl[1].ulValueLen : 0)),
              kP256Params)
        << "CKA_EC_PARAMS, in the same call, is still returned";
}

P11_CASE(ProvokedCodes, AProvisionedPrivateKeysValueIsAttributeSensitive, .group = "keys",
         .functions = "C_GetAttributeValue", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    Template tmpl = EcPrivateTemplate(key);
    tmpl.Bool(CKA_SENSITIVE, true);
    const CK_OBJECT_HANDLE priv = Install(tmpl, "Device Priv TLS Key", CKO_PRIVATE_KEY);
    P11_SKIP_UNLESS(priv != CK_INVALID_HANDLE);
    CK_RV rv = CKR_OK;
    CK_ULONG length = 0;
    EXPECT_TRUE(ReadLeavesBufferUntouched(priv, CKA_VALUE, &rv, &length)) << "the caller's buffer was written";
    EXPECT_RV_OF("C_GetAttributeValue(CKA_VALUE)", rv, CKR_ATTRIBUTE_SENSITIVE)
        << "§5.7.5 case 1: CKA_VALUE of a sensitive private key";
    EXPECT_EQ(length, CK_UNAVAILABLE_INFORMATION);
}

P11_CASE(ProvokedCodes, ReadingAttributesOfAHandleOfNoObjectIsObjectHandleInvalid, .group = "keys",
         .functions = "C_GetAttributeValue", .section = "v2.40 §5.7 C_GetAttributeValue")
{
    CK_OBJECT_CLASS klass = 0;
    CK_ATTRIBUTE tmpl = {CKA_CLASS, &klass, sizeof klass};
    // §5.1.6 "CKR_OBJECT_HANDLE_INVALID: The specified object handle is not valid" (not 0: CK_INVALID_HANDLE).
    EXPECT_RV(fl()->C_GetAttributeValue(session_, kNoSuchObject, &tmpl, 1), CKR_OBJECT_HANDLE_INVALID);
}

P11_CASE(ProvokedCodes, AnEmptyValueInASearchTemplateIsAValueNotAnError, .group = "keys",
         .functions = "C_FindObjectsInit C_FindObjects C_FindObjectsFinal", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.7 C_FindObjectsInit")
{
    const CK_OBJECT_HANDLE key = EcVerifyKey(true);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    // An empty CKA_LABEL (pValue NULL, ulValueLen 0: §3.7 CK_ATTRIBUTE's
    // value of no bytes) matches the objects whose label is empty, and the
    // installed key's is not.
    CK_ATTRIBUTE empty_label = {CKA_LABEL, nullptr, 0};
    ASSERT_RV(fl()->C_FindObjectsInit(session_, &empty_label, 1), CKR_OK);
    std::vector<CK_OBJECT_HANDLE> found(64);
    CK_ULONG count = 0;
    EXPECT_RV(fl()->C_FindObjects(session_, found.data(), found.size(), &count), CKR_OK);
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
    found.resize(count);
    EXPECT_EQ(std::find(found.begin(), found.end(), key), found.end()) << "the key's label is not empty";
}

// PKCS #11 Mechanisms v2.40 §2.3.1 (table of EC mechanisms): CKM_ECDSA signs
// and verifies in "single-part operations only" (footnote 2); a part given to
// C_VerifyUpdate cannot be taken. v2.40 leaves the code to the token (this
// backend: CKR_FUNCTION_NOT_SUPPORTED), but not success.
P11_CASE(ProvokedCodes, VerifyUpdateWithASinglePartMechanismIsRefused, .group = "keys",
         .functions = "C_VerifyInit C_VerifyUpdate", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.12 C_VerifyUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    const CK_OBJECT_HANDLE key = EcVerifyKey(true);
    P11_SKIP_UNLESS(key != CK_INVALID_HANDLE);
    ASSERT_RV(VerifyInit(CKM_ECDSA, key), CKR_OK);
    ByteVector part = ref::Sha256(kMessage);
    const CK_RV rv = fl()->C_VerifyUpdate(session_, part.data(), part.size());
    EXPECT_NE(rv, CKR_OK) << "C_VerifyUpdate with CKM_ECDSA answered CKR_OK; the mechanism is single-part only";
}

P11_CASE(ProvokedCodes, VerifyInitWithACertificatesHandleIsRefusedAsNoKey, .group = "keys",
         .functions = "C_VerifyInit", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.12 C_VerifyInit")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_VERIFY));
    const Certificate cert = SelfSignedCertificate("p11conform device");
    ASSERT_FALSE(cert.der.empty());
    Template tmpl = CertificateTemplate(cert);
    const CK_OBJECT_HANDLE object = Install(tmpl, "Device Cert", CKO_CERTIFICATE);
    P11_SKIP_UNLESS(object != CK_INVALID_HANDLE);
    // §5.1.6: "CKR_KEY_HANDLE_INVALID: The specified key handle is not valid"
    // (a certificate's handle is no key handle), or "CKR_KEY_TYPE_INCONSISTENT:
    // The specified key is not the correct type of key".
    EXPECT_RV(VerifyInit(CKM_ECDSA, object), CKR_KEY_HANDLE_INVALID, CKR_KEY_TYPE_INCONSISTENT);
}

class ProvokedGenerationCodes : public ProvokedCodes {
  protected:
    CK_RV GenerateWith(CK_MECHANISM_TYPE type, Template &pub, Template &priv, const void *parameter = nullptr,
                       CK_ULONG parameter_len = 0)
    {
        CK_MECHANISM mechanism = {type, const_cast<void *>(parameter), parameter_len};
        CK_OBJECT_HANDLE pub_key = CK_INVALID_HANDLE, priv_key = CK_INVALID_HANDLE;
        pub.Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label("Pub Key"));
        priv.Bool(CKA_TOKEN, false).Text(CKA_LABEL, Label("Priv Key"));
        const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                                 priv.size(), &pub_key, &priv_key);
        if (rv == CKR_OK) {
            Keep(pub_key);
            Keep(priv_key);
        }
        return rv;
    }
};

P11_CASE(ProvokedGenerationCodes, EcKeyPairWithoutEcParamsIsTemplateIncomplete, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    Template pub, priv;
    pub.Bool(CKA_VERIFY, true);
    priv.Bool(CKA_SIGN, true).Bool(CKA_PRIVATE, true);
    EXPECT_RV(GenerateWith(CKM_EC_KEY_PAIR_GEN, pub, priv), CKR_TEMPLATE_INCOMPLETE)
        << "mechanisms v2.40 §2.3.7: the curve comes from CKA_EC_PARAMS of the public template; §5.1.6 "
           "\"CKR_TEMPLATE_INCOMPLETE: The template specified for creating an object is incomplete, and lacks some "
           "necessary attributes\"";
}

P11_CASE(ProvokedGenerationCodes, RsaKeyPairWithoutModulusBitsIsTemplateIncomplete, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_RSA_PKCS_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    Template pub, priv;
    pub.Bool(CKA_VERIFY, true);
    priv.Bool(CKA_SIGN, true).Bool(CKA_PRIVATE, true);
    EXPECT_RV(GenerateWith(CKM_RSA_PKCS_KEY_PAIR_GEN, pub, priv), CKR_TEMPLATE_INCOMPLETE)
        << "mechanisms v2.40 §2.1.4: CKA_MODULUS_BITS comes from the public template";
}

P11_CASE(ProvokedGenerationCodes, EcKeyPairGenerationWithAParameterIsMechanismParamInvalid, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    Template pub, priv;
    pub.Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, kP256Params);
    priv.Bool(CKA_SIGN, true).Bool(CKA_PRIVATE, true);
    const unsigned char parameter[8] = {};
    EXPECT_RV(GenerateWith(CKM_EC_KEY_PAIR_GEN, pub, priv, parameter, sizeof(parameter)),
              CKR_MECHANISM_PARAM_INVALID)
        << "mechanisms v2.40 §2.3.7: CKM_EC_KEY_PAIR_GEN \"does not have a parameter\"";
}

} // namespace
} // namespace p11conf
