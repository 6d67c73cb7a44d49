// Signatures with message recovery (v2.40 §5.11 C_SignRecover, §5.12
// C_VerifyRecover) with CKM_RSA_PKCS: the module's signature is OpenSSL's
// (PKCS #1 v1.5 is deterministic) and OpenSSL verifies it; recovering
// OpenSSL's signature gives the data back; a changed signature recovers
// nothing.
#include "key_fixture.h"

namespace p11conf {
namespace {

class Recover : public KeyTest {
  protected:
    ByteVector digest_info_ = ref::Sha256DigestInfo(ref::Sha256(kMessage));
};

P11_CASE(Recover, RsaPkcsSignRecoverMatchesOpenSsl, .group = "keys",
         .functions = "C_SignRecover C_SignRecoverInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS",
         .section = "v2.40 §5.11 C_SignRecover")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_RSA_PKCS, CKF_SIGN_RECOVER, 2048));
    Template tmpl = RsaPrivateTemplate(ReferenceRsaKey());
    tmpl.Bool(CKA_SIGN_RECOVER, true);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Device Priv TLS Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(fl()->C_SignRecoverInit(session_, &mechanism, key), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_SignRecover(session_, digest_info_.data(), digest_info_.size(), nullptr, &length), CKR_OK)
        << "length query, v2.40 §5.2";
    EXPECT_EQ(length, 256u) << "the modulus length";
    ByteVector signature(length);
    ASSERT_RV(fl()->C_SignRecover(session_, digest_info_.data(), digest_info_.size(), signature.data(), &length),
              CKR_OK)
        << "the length query keeps the operation";
    signature.resize(length);
    const ref::RsaKey &reference = ReferenceRsaKey();
    EXPECT_TRUE(ref::RsaPkcs1Verify(reference.modulus, reference.public_exponent, digest_info_, signature))
        << "OpenSSL rejects the signature (PKCS #11 Mechanisms v2.40 §2.1)";
    EXPECT_EQ(signature, ref::RsaPkcs1Sign(reference, digest_info_)) << "PKCS #1 v1.5 signatures are deterministic";
}

P11_CASE(Recover, RsaPkcsVerifyRecoverGivesTheDataBack, .group = "keys",
         .functions = "C_VerifyRecover C_VerifyRecoverInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS",
         .section = "v2.40 §5.12 C_VerifyRecover")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_RSA_PKCS, CKF_VERIFY_RECOVER, 2048));
    Template tmpl = RsaPublicTemplate(ReferenceRsaKey());
    tmpl.Bool(CKA_VERIFY_RECOVER, true);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Code Verify Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ByteVector signature = ref::RsaPkcs1Sign(ReferenceRsaKey(), digest_info_);
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(fl()->C_VerifyRecoverInit(session_, &mechanism, key), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_VerifyRecover(session_, signature.data(), signature.size(), nullptr, &length), CKR_OK)
        << "length query, v2.40 §5.2";
    EXPECT_GE(length, digest_info_.size()) << "v2.40 §5.2: at least what the data needs";
    ByteVector data(length);
    ASSERT_RV(fl()->C_VerifyRecover(session_, signature.data(), signature.size(), data.data(), &length), CKR_OK)
        << "the length query keeps the operation";
    data.resize(length);
    EXPECT_EQ(data, digest_info_) << "OpenSSL's signature recovers the signed DigestInfo";
}

P11_CASE(Recover, RsaPkcsVerifyRecoverOfAChangedSignatureIsSignatureInvalid, .group = "keys",
         .functions = "C_VerifyRecover C_VerifyRecoverInit C_CreateObject", .mechanisms = "CKM_RSA_PKCS",
         .section = "v2.40 §5.12 C_VerifyRecover")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_RSA_PKCS, CKF_VERIFY_RECOVER, 2048));
    Template tmpl = RsaPublicTemplate(ReferenceRsaKey());
    tmpl.Bool(CKA_VERIFY_RECOVER, true);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Code Verify Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ByteVector signature = ref::RsaPkcs1Sign(ReferenceRsaKey(), digest_info_);
    signature[signature.size() / 2] ^= 0x01;
    CK_MECHANISM mechanism = {CKM_RSA_PKCS, nullptr, 0};
    ASSERT_RV(fl()->C_VerifyRecoverInit(session_, &mechanism, key), CKR_OK);
    ByteVector data(256);
    CK_ULONG length = data.size();
    EXPECT_RV(fl()->C_VerifyRecover(session_, signature.data(), signature.size(), data.data(), &length),
              CKR_SIGNATURE_INVALID)
        << "the recovered block has no PKCS #1 v1.5 padding";
}

} // namespace
} // namespace p11conf
