// RSA signing mechanisms beyond PKCS #1 v1.5 with SHA-256 (PKCS #11
// Mechanisms v2.40 §2.1): CKM_SHA384_RSA_PKCS, PSS over a hash and with
// hashing, and raw RSA (CKM_RSA_X_509), signed by an imported OpenSSL key and
// checked with OpenSSL; and the PSS parameter block the mechanism requires.
#include "key_fixture.h"

namespace p11conf {
namespace {

class RsaSignatures : public KeyTest {
  protected:
    // Imports the reference RSA-2048 private key (a session object) when the
    // module offers `type` for signing; else skip_reason() or a failure.
    bool UseKey(CK_MECHANISM_TYPE type)
    {
        if (!Offers(type, CKF_SIGN)) {
            return false;
        }
        Template tmpl = RsaPrivateTemplate(ReferenceRsaKey());
        key_ = CreateObject(tmpl, "Device Priv TLS Key", false);
        return key_ != CK_INVALID_HANDLE;
    }

    // C_SignInit with CKM_RSA_PKCS_PSS and the given parameter block.
    CK_RV PssSignInit(void *parameter, CK_ULONG length)
    {
        CK_MECHANISM mechanism = {CKM_RSA_PKCS_PSS, parameter, length};
        return fl()->C_SignInit(session_, &mechanism, key_);
    }

    CK_OBJECT_HANDLE key_ = CK_INVALID_HANDLE;
    const ByteVector hash_ = ref::Sha256(kMessage);
};

P11_CASE(RsaSignatures, ImportedKeySignsSha384RsaPkcsExactlyAsOpenSsl, .group = "keys",
         .functions = "C_Sign C_SignInit C_CreateObject", .mechanisms = "CKM_SHA384_RSA_PKCS",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseKey(CKM_SHA384_RSA_PKCS));
    const ref::RsaKey &key = ReferenceRsaKey();
    const ByteVector digest_info = ref::Sha384DigestInfo(ref::Sha384(kMessage));
    const ByteVector signature = Sign(key_, CKM_SHA384_RSA_PKCS, kMessage);
    ASSERT_EQ(signature.size(), 256u) << "RSA-2048";
    EXPECT_EQ(signature, ref::RsaPkcs1Sign(key, digest_info))
        << "PKCS #1 v1.5 over the SHA-384 DigestInfo of the message (signatures are deterministic)";
    EXPECT_TRUE(ref::RsaPkcs1Verify(key.modulus, key.public_exponent, digest_info, signature));
}

P11_CASE(RsaSignatures, PssSignatureOfASha256HashVerifiesWithOpenSsl, .group = "keys",
         .functions = "C_Sign C_SignInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS_PSS",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseKey(CKM_RSA_PKCS_PSS));
    const ref::RsaKey &key = ReferenceRsaKey();
    const ByteVector signature = Sign(key_, CKM_RSA_PKCS_PSS, hash_); // SHA-256, MGF1-SHA-256, 32-byte salt
    ASSERT_EQ(signature.size(), 256u) << "RSA-2048";
    EXPECT_TRUE(ref::RsaPssSha256Verify(key.modulus, key.public_exponent, hash_, signature))
        << "OpenSSL rejects the RSASSA-PSS signature (SHA-256, MGF1-SHA-256, salt of exactly 32 bytes)";
}

P11_CASE(RsaSignatures, Sha256RsaPkcsPssSignatureVerifiesWithOpenSsl, .group = "keys",
         .functions = "C_Sign C_SignInit C_CreateObject", .mechanisms = "CKM_SHA256_RSA_PKCS_PSS",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseKey(CKM_SHA256_RSA_PKCS_PSS));
    const ref::RsaKey &key = ReferenceRsaKey();
    const ByteVector signature = Sign(key_, CKM_SHA256_RSA_PKCS_PSS, kMessage);
    ASSERT_EQ(signature.size(), 256u) << "RSA-2048";
    EXPECT_TRUE(ref::RsaPssSha256Verify(key.modulus, key.public_exponent, hash_, signature))
        << "OpenSSL rejects the signature: SHA-256 of the message, then RSASSA-PSS";
}

P11_CASE(RsaSignatures, RawRsaSignatureIsTheInputToThePrivateExponent, .group = "keys",
         .functions = "C_Sign C_SignInit C_CreateObject", .mechanisms = "CKM_RSA_X_509",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseKey(CKM_RSA_X_509));
    const ref::RsaKey &key = ReferenceRsaKey();
    ByteVector input(key.modulus.size());
    for (size_t i = 1; i < input.size(); ++i) { // a leading zero byte keeps it below the modulus
        input[i] = static_cast<unsigned char>(0x80 + i * 7);
    }
    const ByteVector signature = Sign(key_, CKM_RSA_X_509, input);
    ASSERT_EQ(signature.size(), key.modulus.size()) << "raw RSA gives modulus-length output";
    EXPECT_EQ(ref::RsaRawPublic(key.modulus, key.public_exponent, signature), input)
        << "signature^e mod n is not the input: the signature is not input^d mod n";
}

P11_CASE(RsaSignatures, PssWithoutParametersIsMechanismParamInvalid, .group = "keys",
         .functions = "C_SignInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS_PSS",
         .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(UseKey(CKM_RSA_PKCS_PSS));
    EXPECT_RV(PssSignInit(nullptr, 0), CKR_MECHANISM_PARAM_INVALID)
        << "CKM_RSA_PKCS_PSS takes a CK_RSA_PKCS_PSS_PARAMS (mechanisms v2.40 §2.1)";
}

P11_CASE(RsaSignatures, PssParametersOfTheWrongSizeAreMechanismParamInvalid, .group = "keys",
         .functions = "C_SignInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS_PSS",
         .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(UseKey(CKM_RSA_PKCS_PSS));
    CK_RSA_PKCS_PSS_PARAMS params = {CKM_SHA256, CKG_MGF1_SHA256, 32};
    EXPECT_RV(PssSignInit(&params, sizeof(params) - 1), CKR_MECHANISM_PARAM_INVALID)
        << "ulParameterLen one byte short of sizeof(CK_RSA_PKCS_PSS_PARAMS)";
}

} // namespace
} // namespace p11conf
