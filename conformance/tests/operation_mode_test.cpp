// Single-part and multi-part calls do not mix (v2.40 §5.10, §5.11, §5.12):
// "C_Digest cannot be used to terminate a multi-part operation, and must be
// called after C_DigestInit without intervening C_DigestUpdate calls" (and
// the same words for C_Sign and C_Verify). The mixed call answers
// CKR_OPERATION_ACTIVE (§5.1.6: "There is already an active operation ...
// which prevents Cryptoki from activating the specified operation", as
// google/pkcs11test expects) and, being a call that failed, ends the
// operation: "A call to C_Digest always terminates the active digest
// operation unless it returns CKR_BUFFER_TOO_SMALL or is a successful call
// ... to determine the length"; "A call to C_DigestUpdate which results in an
// error terminates the current digest operation"; likewise for C_DigestFinal,
// the signing and the verification calls. A length query of the single-part
// call keeps a single-part operation, which C_*Update and C_*Final may not
// continue either.
#include <string>

#include "key_fixture.h"

namespace p11conf {
namespace {

// ---------------------------------------------------------------------------
// Digests (CKM_SHA256).

class DigestMode : public WithSession<> {
  protected:
    void SetUp() override
    {
        WithSession<>::SetUp();
        if (IsSkipped() || HasFatalFailure()) {
            return;
        }
        P11_SKIP_UNLESS(MechanismOffers(CKM_SHA256, CKF_DIGEST));
        CK_MECHANISM mechanism = {CKM_SHA256, nullptr, 0};
        ASSERT_RV(fl()->C_DigestInit(session_, &mechanism), CKR_OK);
    }

    CK_RV Update() { return fl()->C_DigestUpdate(session_, data_, sizeof(data_)); }
    // C_Digest into a 32-byte buffer, or a length query.
    CK_RV Digest(bool length_query = false)
    {
        CK_ULONG length = length_query ? 0 : sizeof(digest_);
        return fl()->C_Digest(session_, data_, sizeof(data_), length_query ? nullptr : digest_, &length);
    }
    CK_RV Final()
    {
        CK_ULONG length = sizeof(digest_);
        return fl()->C_DigestFinal(session_, digest_, &length);
    }

    unsigned char data_[3] = {'a', 'b', 'c'};
    unsigned char digest_[32] = {0};
};

P11_CASE(DigestMode, DigestAfterDigestUpdateIsOperationActiveAndEndsTheOperation, .group = "digest",
         .functions = "C_DigestInit C_DigestUpdate C_Digest C_DigestFinal", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_Digest")
{
    ASSERT_RV(Update(), CKR_OK);
    EXPECT_RV(Digest(), CKR_OPERATION_ACTIVE) << "\"C_Digest cannot be used to terminate a multi-part operation\"";
    EXPECT_RV(Final(), CKR_OPERATION_NOT_INITIALIZED) << "the failed C_Digest ended the digest operation";
}

P11_CASE(DigestMode, DigestUpdateAfterDigestLengthQueryIsOperationActiveAndEndsTheOperation, .group = "digest",
         .functions = "C_DigestInit C_Digest C_DigestUpdate", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_DigestUpdate")
{
    ASSERT_RV(Digest(true), CKR_OK) << "a C_Digest length query keeps the (single-part) operation";
    EXPECT_RV(Update(), CKR_OPERATION_ACTIVE) << "a single-part digest is not continued by C_DigestUpdate";
    EXPECT_RV(Digest(), CKR_OPERATION_NOT_INITIALIZED)
        << "\"A call to C_DigestUpdate which results in an error terminates the current digest operation\"";
}

P11_CASE(DigestMode, DigestFinalAfterDigestLengthQueryIsOperationActiveAndEndsTheOperation, .group = "digest",
         .functions = "C_DigestInit C_Digest C_DigestFinal", .mechanisms = "CKM_SHA256",
         .section = "v2.40 §5.10 C_DigestFinal")
{
    ASSERT_RV(Digest(true), CKR_OK) << "a C_Digest length query keeps the (single-part) operation";
    EXPECT_RV(Final(), CKR_OPERATION_ACTIVE) << "a single-part digest is not finished by C_DigestFinal";
    EXPECT_RV(Digest(), CKR_OPERATION_NOT_INITIALIZED)
        << "\"A call to C_DigestFinal always terminates the active digest operation unless it returns "
           "CKR_BUFFER_TOO_SMALL or is a successful call ... to determine the length\"";
}

// ---------------------------------------------------------------------------
// Signatures and MACs, with a mechanism that has both forms: CKM_ECDSA_SHA256
// (an imported P-256 pair) or CKM_SHA256_HMAC (a 32-byte generic secret).

class SignatureMode : public KeyTest {
  protected:
    // The keys for `type` when the module offers it with `flags`.
    bool UseKeys(CK_MECHANISM_TYPE type, CK_FLAGS flags)
    {
        if (!Offers(type, flags)) {
            return false;
        }
        type_ = type;
        if (type == CKM_ECDSA_SHA256) {
            // Created, or provisioned (a token that signs with provisioned keys).
            const ref::EcKey key = ref::GenerateEcKey("P-256");
            const KeyPair pair = InstallEcPair(key);
            private_key_ = pair.private_key;
            public_key_ = pair.public_key;
            signature_ = ref::EcdsaSignRaw(key, ref::Sha256(data_));
        } else {
            Template tmpl = HmacTemplate(HmacSecret());
            private_key_ = public_key_ = CreateObject(tmpl, "HMAC Key", false);
            signature_ = ref::HmacSha256(HmacSecret(), data_);
        }
        return private_key_ != CK_INVALID_HANDLE && public_key_ != CK_INVALID_HANDLE;
    }

    CK_RV SignUpdate() { return fl()->C_SignUpdate(session_, data_.data(), data_.size()); }
    CK_RV SignData(bool length_query = false)
    {
        ByteVector out(512);
        CK_ULONG length = length_query ? 0 : out.size();
        return fl()->C_Sign(session_, data_.data(), data_.size(), length_query ? nullptr : out.data(), &length);
    }
    CK_RV SignFinal()
    {
        ByteVector out(512);
        CK_ULONG length = out.size();
        return fl()->C_SignFinal(session_, out.data(), &length);
    }
    CK_RV VerifyUpdate() { return fl()->C_VerifyUpdate(session_, data_.data(), data_.size()); }

    void ExpectSignAfterUpdateRefused(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(UseKeys(type, CKF_SIGN));
        ASSERT_RV(SignInit(type_, private_key_), CKR_OK);
        ASSERT_RV(SignUpdate(), CKR_OK);
        EXPECT_RV(SignData(), CKR_OPERATION_ACTIVE) << "\"C_Sign cannot be used to terminate a multi-part operation\"";
        EXPECT_RV(SignFinal(), CKR_OPERATION_NOT_INITIALIZED) << "the failed C_Sign ended the signing operation";
    }

    // A profile declaring corePKCS11's sign_length_query_ends_operation: the
    // query ended the operation, so nothing continues it.
    bool QueryEndedTheOperation(CK_RV (SignatureMode::*next)())
    {
        if (!ActiveProfile().Declares("sign_length_query_ends_operation")) {
            return false;
        }
        EXPECT_RV((this->*next)(), CKR_OPERATION_NOT_INITIALIZED) << "the profile declares the query ends it";
        return true;
    }

    void ExpectSignUpdateAfterLengthQueryRefused(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(UseKeys(type, CKF_SIGN));
        ASSERT_RV(SignInit(type_, private_key_), CKR_OK);
        ASSERT_RV(SignData(true), CKR_OK) << "a C_Sign length query keeps the (single-part) operation";
        if (QueryEndedTheOperation(&SignatureMode::SignUpdate)) {
            return;
        }
        EXPECT_RV(SignUpdate(), CKR_OPERATION_ACTIVE) << "a single-part signature is not continued by C_SignUpdate";
        EXPECT_RV(SignData(), CKR_OPERATION_NOT_INITIALIZED)
            << "\"A call to C_SignUpdate which results in an error terminates the current signature operation\"";
    }

    void ExpectSignFinalAfterLengthQueryRefused(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(UseKeys(type, CKF_SIGN));
        ASSERT_RV(SignInit(type_, private_key_), CKR_OK);
        ASSERT_RV(SignData(true), CKR_OK) << "a C_Sign length query keeps the (single-part) operation";
        if (QueryEndedTheOperation(&SignatureMode::SignFinal)) {
            return;
        }
        EXPECT_RV(SignFinal(), CKR_OPERATION_ACTIVE) << "a single-part signature is not finished by C_SignFinal";
        EXPECT_RV(SignData(), CKR_OPERATION_NOT_INITIALIZED)
            << "\"A call to C_SignFinal always terminates the active signing operation unless it returns "
               "CKR_BUFFER_TOO_SMALL or is a successful call ... to determine the length\"";
    }

    void ExpectVerifyAfterUpdateRefused(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(UseKeys(type, CKF_VERIFY));
        ASSERT_RV(VerifyInit(type_, public_key_), CKR_OK);
        ASSERT_RV(VerifyUpdate(), CKR_OK);
        EXPECT_RV(fl()->C_Verify(session_, data_.data(), data_.size(), signature_.data(), signature_.size()),
                  CKR_OPERATION_ACTIVE)
            << "\"C_Verify cannot be used to terminate a multi-part operation\" (with the right signature)";
        EXPECT_RV(fl()->C_VerifyFinal(session_, signature_.data(), signature_.size()), CKR_OPERATION_NOT_INITIALIZED)
            << "\"A call to C_Verify always terminates the active verification operation\"";
    }

    CK_MECHANISM_TYPE type_ = 0;
    CK_OBJECT_HANDLE private_key_ = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE public_key_ = CK_INVALID_HANDLE;
    ByteVector data_ = {'f', 'i', 'r', 'm', 'w', 'a', 'r', 'e'};
    ByteVector signature_;
};

// CREATE: "C_CreateObject " when the keys can only be created (HMAC), ""
// when they can be provisioned too.
#define P11_SIGNATURE_MODE_CASES(Name, MECHANISM, CREATE)                                                                      \
    P11_CASE(SignatureMode, Name##SignAfterSignUpdateIsOperationActiveAndEndsTheOperation, .group = "keys",            \
             .functions = CREATE "C_SignInit C_SignUpdate C_Sign C_SignFinal", .mechanisms = #MECHANISM,       \
             .section = "v2.40 §5.11 C_Sign")                                                                          \
    {                                                                                                                  \
        ExpectSignAfterUpdateRefused(MECHANISM);                                                                       \
    }                                                                                                                  \
    P11_CASE(SignatureMode, Name##SignUpdateAfterSignLengthQueryIsOperationActiveAndEndsTheOperation, .group = "keys", \
             .functions = CREATE "C_SignInit C_Sign C_SignUpdate", .mechanisms = #MECHANISM,                   \
             .section = "v2.40 §5.11 C_SignUpdate")                                                                    \
    {                                                                                                                  \
        ExpectSignUpdateAfterLengthQueryRefused(MECHANISM);                                                            \
    }                                                                                                                  \
    P11_CASE(SignatureMode, Name##SignFinalAfterSignLengthQueryIsOperationActiveAndEndsTheOperation, .group = "keys",  \
             .functions = CREATE "C_SignInit C_Sign C_SignFinal", .mechanisms = #MECHANISM,                    \
             .section = "v2.40 §5.11 C_SignFinal")                                                                     \
    {                                                                                                                  \
        ExpectSignFinalAfterLengthQueryRefused(MECHANISM);                                                             \
    }                                                                                                                  \
    P11_CASE(SignatureMode, Name##VerifyAfterVerifyUpdateIsOperationActiveAndEndsTheOperation, .group = "keys",        \
             .functions = CREATE "C_VerifyInit C_VerifyUpdate C_Verify C_VerifyFinal",                         \
             .mechanisms = #MECHANISM, .section = "v2.40 §5.12 C_Verify")                                              \
    {                                                                                                                  \
        ExpectVerifyAfterUpdateRefused(MECHANISM);                                                                     \
    }

P11_SIGNATURE_MODE_CASES(EcdsaSha256, CKM_ECDSA_SHA256, "")
P11_SIGNATURE_MODE_CASES(Sha256Hmac, CKM_SHA256_HMAC, "C_CreateObject ")

#undef P11_SIGNATURE_MODE_CASES

} // namespace
} // namespace p11conf
