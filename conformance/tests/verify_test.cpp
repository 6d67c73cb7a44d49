// Verification (v2.40 §5.12 C_Verify) for every signing mechanism family a
// profile may name: the right signature is CKR_OK; one flipped bit in the
// signature or in the data is CKR_SIGNATURE_INVALID (FreeRTOS's reference
// answered CKR_OK for CKM_RSA_PKCS without verifying); a signature of the
// wrong length is CKR_SIGNATURE_LEN_RANGE ("should") or CKR_SIGNATURE_INVALID;
// and "a call to C_Verify always terminates the active verification
// operation", whatever the verdict. Signatures come from OpenSSL where it has
// the mechanism, else from the module's own private key.
#include <string>

#include "key_fixture.h"

namespace p11conf {
namespace {

class Verification : public KeyTest {
  protected:
    struct Signed {
        CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
        ByteVector data;
        ByteVector signature;
    };

    // A verification key in the module and a valid signature over `data`.
    // Skips (or fails) with out->key CK_INVALID_HANDLE when it cannot.
    void Prepare(CK_MECHANISM_TYPE type, Signed *out)
    {
        P11_SKIP_UNLESS(Offers(type, CKF_VERIFY));
        const ByteVector hash = ref::Sha256(kMessage);
        if (type == CKM_ECDSA || type == CKM_ECDSA_SHA256) {
            const ref::EcKey key = ref::GenerateEcKey("P-256");
            Template tmpl = EcPublicTemplate(key);
            out->key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
            out->data = type == CKM_ECDSA ? hash : kMessage;
            out->signature = ref::EcdsaSignRaw(key, hash);
        } else if (type == CKM_RSA_PKCS || type == CKM_SHA256_RSA_PKCS) {
            const ref::RsaKey &key = ReferenceRsaKeyOfSize(OfferedRsaBits(type));
            Template tmpl = RsaPublicTemplate(key);
            out->key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
            const ByteVector digest_info = ref::Sha256DigestInfo(hash);
            out->data = type == CKM_RSA_PKCS ? digest_info : kMessage;
            out->signature = ref::RsaPkcs1Sign(key, digest_info);
        } else if (type == CKM_ECDSA_SHA384) {
            P11_SKIP_UNLESS(OffersKeySize(type, CKF_VERIFY, 384));
            const ref::EcKey key = ref::GenerateEcKey("P-384");
            Template tmpl = EcPublicTemplate(key);
            out->key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
            out->data = kMessage;
            out->signature = ref::EcdsaSignRaw(key, ref::Sha384(kMessage));
        } else if (type == CKM_SHA384_RSA_PKCS) {
            const ref::RsaKey &key = ReferenceRsaKeyOfSize(OfferedRsaBits(type));
            Template tmpl = RsaPublicTemplate(key);
            out->key = Install(tmpl, "Code Verify Key", CKO_PUBLIC_KEY);
            out->data = kMessage;
            out->signature = ref::RsaPkcs1Sign(key, ref::Sha384DigestInfo(ref::Sha384(kMessage)));
        } else if (type == CKM_SHA256_HMAC) {
            const ByteVector secret = HmacSecret();
            Template tmpl = HmacTemplate(secret);
            out->key = Install(tmpl, "HMAC Key", CKO_SECRET_KEY);
            out->data = kMessage;
            out->signature = ref::HmacSha256(secret, kMessage);
        } else { // PSS: randomized, signed by the module's private key
            P11_SKIP_UNLESS(Offers(type, CKF_SIGN));
            const ref::RsaKey &key = ReferenceRsaKeyOfSize(OfferedRsaBits(type));
            Template priv = RsaPrivateTemplate(key);
            const CK_OBJECT_HANDLE priv_key = CreateObject(priv, "Device Priv TLS Key", false);
            Template pub = RsaPublicTemplate(key);
            out->key = CreateObject(pub, "Code Verify Key", false);
            out->data = type == CKM_RSA_PKCS_PSS ? hash : kMessage;
            if (priv_key != CK_INVALID_HANDLE) {
                out->signature = Sign(priv_key, type, out->data);
            }
            if (out->signature.empty()) {
                out->key = CK_INVALID_HANDLE; // Sign() or Create() failed the test
            }
        }
        if (out->key == CK_INVALID_HANDLE && !HasFailure()) {
            GTEST_SKIP() << skip_reason();
        }
    }

    void ExpectFlippedSignatureBitRejected(CK_MECHANISM_TYPE type)
    {
        Signed s;
        Prepare(type, &s);
        if (s.key == CK_INVALID_HANDLE) {
            return;
        }
        ASSERT_RV(Verify(s.key, type, s.data, s.signature), CKR_OK) << "the untouched signature";
        s.signature[s.signature.size() / 2] ^= 0x01;
        EXPECT_RV(Verify(s.key, type, s.data, s.signature), CKR_SIGNATURE_INVALID) << "one signature bit flipped";
    }

    void ExpectTamperedDataRejected(CK_MECHANISM_TYPE type)
    {
        Signed s;
        Prepare(type, &s);
        if (s.key == CK_INVALID_HANDLE) {
            return;
        }
        ASSERT_RV(Verify(s.key, type, s.data, s.signature), CKR_OK) << "the untouched data";
        s.data.back() ^= 0x01;
        EXPECT_RV(Verify(s.key, type, s.data, s.signature), CKR_SIGNATURE_INVALID) << "one data bit flipped";
    }

    void ExpectShortSignatureRejected(CK_MECHANISM_TYPE type)
    {
        Signed s;
        Prepare(type, &s);
        if (s.key == CK_INVALID_HANDLE) {
            return;
        }
        s.signature.pop_back();
        EXPECT_RV(Verify(s.key, type, s.data, s.signature), CKR_SIGNATURE_LEN_RANGE, CKR_SIGNATURE_INVALID)
            << "a signature one byte short: CKR_SIGNATURE_LEN_RANGE \"should\" be returned";
    }

    void ExpectVerifyEndsTheOperation(CK_MECHANISM_TYPE type)
    {
        Signed s;
        Prepare(type, &s);
        if (s.key == CK_INVALID_HANDLE) {
            return;
        }
        ASSERT_RV(Verify(s.key, type, s.data, s.signature), CKR_OK);
        EXPECT_RV(VerifyWithoutInit(), CKR_OPERATION_NOT_INITIALIZED) << "after a C_Verify that returned CKR_OK";
        ByteVector tampered = s.signature;
        tampered[tampered.size() / 2] ^= 0x01;
        ASSERT_RV(Verify(s.key, type, s.data, tampered), CKR_SIGNATURE_INVALID);
        EXPECT_RV(VerifyWithoutInit(), CKR_OPERATION_NOT_INITIALIZED)
            << "after a C_Verify that returned CKR_SIGNATURE_INVALID";
        tampered = s.signature;
        tampered.pop_back();
        const CK_RV rv = Verify(s.key, type, s.data, tampered);
        EXPECT_RV(VerifyWithoutInit(), CKR_OPERATION_NOT_INITIALIZED)
            << "after a C_Verify that returned " << RvName(rv);
    }
};

// The four cases of one mechanism; FUNCTIONS adds what its signer needs.
#define P11_VERIFICATION_CASES(Name, MECHANISM, FUNCTIONS)                                                             \
    P11_CASE(Verification, Name##RejectsAFlippedSignatureBit, .group = "keys",                                         \
             .functions = "C_Verify C_VerifyInit" FUNCTIONS, .mechanisms = #MECHANISM,                                 \
             .section = "v2.40 §5.12 C_Verify")                                                                        \
    {                                                                                                                  \
        ExpectFlippedSignatureBitRejected(MECHANISM);                                                                  \
    }                                                                                                                  \
    P11_CASE(Verification, Name##RejectsATamperedMessage, .group = "keys",                                             \
             .functions = "C_Verify C_VerifyInit" FUNCTIONS, .mechanisms = #MECHANISM,                                 \
             .section = "v2.40 §5.12 C_Verify")                                                                        \
    {                                                                                                                  \
        ExpectTamperedDataRejected(MECHANISM);                                                                         \
    }                                                                                                                  \
    P11_CASE(Verification, Name##RejectsAShortSignature, .group = "keys",                                              \
             .functions = "C_Verify C_VerifyInit" FUNCTIONS, .mechanisms = #MECHANISM,                                 \
             .section = "v2.40 §5.12 C_Verify")                                                                        \
    {                                                                                                                  \
        ExpectShortSignatureRejected(MECHANISM);                                                                       \
    }                                                                                                                  \
    P11_CASE(Verification, Name##VerifyEndsTheOperationWhateverTheVerdict, .group = "keys",                            \
             .functions = "C_Verify C_VerifyInit" FUNCTIONS, .mechanisms = #MECHANISM,                                 \
             .section = "v2.40 §5.12 C_Verify")                                                                        \
    {                                                                                                                  \
        ExpectVerifyEndsTheOperation(MECHANISM);                                                                       \
    }

P11_VERIFICATION_CASES(Ecdsa, CKM_ECDSA, "")
P11_VERIFICATION_CASES(EcdsaSha256, CKM_ECDSA_SHA256, "")
P11_VERIFICATION_CASES(RsaPkcs, CKM_RSA_PKCS, "")
P11_VERIFICATION_CASES(Sha256RsaPkcs, CKM_SHA256_RSA_PKCS, "")
P11_VERIFICATION_CASES(EcdsaSha384, CKM_ECDSA_SHA384, "")
P11_VERIFICATION_CASES(Sha384RsaPkcs, CKM_SHA384_RSA_PKCS, "")
P11_VERIFICATION_CASES(RsaPkcsPss, CKM_RSA_PKCS_PSS, " C_Sign C_SignInit C_CreateObject")
P11_VERIFICATION_CASES(Sha256RsaPkcsPss, CKM_SHA256_RSA_PKCS_PSS, " C_Sign C_SignInit C_CreateObject")
P11_VERIFICATION_CASES(Sha256Hmac, CKM_SHA256_HMAC, "")

#undef P11_VERIFICATION_CASES

} // namespace
} // namespace p11conf
