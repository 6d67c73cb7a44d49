// Attributes and parameters that restrict what a key may do, enforced where
// the operation starts: CKA_ALLOWED_MECHANISMS (v2.40 §4.7), CKA_ALWAYS_AUTHENTICATE
// and the context-specific login (v2.40 §4.9, §5.6), the RSA-PSS salt length
// (mechanisms v2.40 §2.1.14) and the key sizes C_GetMechanismInfo advertises
// (v2.40 §5.5; CKR_KEY_SIZE_RANGE, §5.1.6). Signatures checked with OpenSSL.
#include <climits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

// ---------------------------------------------------------------------------
// CKA_ALLOWED_MECHANISMS: "A list of mechanisms allowed to be used with this
// key" (v2.40 §4.7, Table 25). Any other mechanism is refused at *Init with
// CKR_MECHANISM_INVALID ("the mechanism specified cannot be used in the
// selected token with the selected function", §5.1.6).

class AllowedMechanisms : public KeyTest {
  protected:
    // Two signature mechanisms of one key type: the key allows `allowed`
    // only, so `refused` must not start. EC: CKM_ECDSA_SHA256 allowed, raw
    // CKM_ECDSA refused; RSA: CKM_SHA256_RSA_PKCS allowed, CKM_RSA_PKCS refused.
    struct Restriction {
        bool ec;
        CK_MECHANISM_TYPE allowed;
        CK_MECHANISM_TYPE refused;
    };
    static constexpr Restriction kEc = {true, CKM_ECDSA_SHA256, CKM_ECDSA};
    static constexpr Restriction kRsa = {false, CKM_SHA256_RSA_PKCS, CKM_RSA_PKCS};

    // Skips unless the module offers both mechanisms with `flags`.
    bool OffersBoth(const Restriction &r, CK_FLAGS flags)
    {
        return Offers(r.refused, flags) && Offers(r.allowed, flags);
    }

    // A key of the restriction's type with CKA_ALLOWED_MECHANISMS {allowed},
    // created or provisioned (Install).
    CK_OBJECT_HANDLE CreateRestricted(const Restriction &r, bool private_key)
    {
        Template tmpl;
        if (r.ec) {
            ec_key_ = ref::GenerateEcKey("P-256");
            tmpl = private_key ? EcPrivateTemplate(ec_key_) : EcPublicTemplate(ec_key_);
        } else {
            tmpl = private_key ? RsaPrivateTemplate(ReferenceRsaKey()) : RsaPublicTemplate(ReferenceRsaKey());
        }
        tmpl.Bytes(CKA_ALLOWED_MECHANISMS, MechanismList({r.allowed}));
        return Install(tmpl, private_key ? "Device Priv TLS Key" : "Code Verify Key",
                       private_key ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY);
    }

    // Ends an operation that should not have started (a finished or failed
    // C_SignFinal / C_VerifyFinal ends it, v2.40 §5.11, §5.12).
    void EndSigning()
    {
        ByteVector out(512);
        CK_ULONG length = out.size();
        fl()->C_SignFinal(session_, out.data(), &length);
    }
    void EndVerifying()
    {
        ByteVector signature(256, 0x01);
        fl()->C_VerifyFinal(session_, signature.data(), signature.size());
    }

    // `refused` does not start; `allowed` signs what OpenSSL verifies with
    // the EC point (EC) or the reference RSA key.
    void ExpectSignRestricted(const Restriction &r, CK_OBJECT_HANDLE private_key, const ByteVector &point = {})
    {
        const CK_RV rv = SignInit(r.refused, private_key);
        EXPECT_RV(rv, CKR_MECHANISM_INVALID) << "C_SignInit(" << MechanismName(r.refused)
                                             << ") with CKA_ALLOWED_MECHANISMS {" << MechanismName(r.allowed) << "}";
        if (rv == CKR_OK) {
            EndSigning();
        }
        const ByteVector signature = Sign(private_key, r.allowed, kMessage);
        const ByteVector hash = ref::Sha256(kMessage);
        const bool valid = r.ec ? ref::EcdsaVerifyRaw(point, "P-256", hash, signature)
                                : ref::RsaPkcs1Verify(ReferenceRsaKey().modulus, ReferenceRsaKey().public_exponent,
                                                      ref::Sha256DigestInfo(hash), signature);
        EXPECT_TRUE(valid) << "the allowed mechanism " << MechanismName(r.allowed) << " signs what OpenSSL verifies";
    }

    // `refused` does not start at C_VerifyInit; `allowed` verifies OpenSSL's signature.
    void ExpectVerifyRestricted(const Restriction &r, CK_OBJECT_HANDLE public_key)
    {
        const CK_RV rv = VerifyInit(r.refused, public_key);
        EXPECT_RV(rv, CKR_MECHANISM_INVALID) << "C_VerifyInit(" << MechanismName(r.refused)
                                             << ") with CKA_ALLOWED_MECHANISMS {" << MechanismName(r.allowed) << "}";
        if (rv == CKR_OK) {
            EndVerifying();
        }
        const ByteVector hash = ref::Sha256(kMessage);
        const ByteVector signature =
            r.ec ? ref::EcdsaSignRaw(ec_key_, hash) : ref::RsaPkcs1Sign(ReferenceRsaKey(), ref::Sha256DigestInfo(hash));
        EXPECT_RV(Verify(public_key, r.allowed, kMessage, signature), CKR_OK)
            << "the allowed mechanism " << MechanismName(r.allowed) << " verifies";
    }

    void ExpectSignInitRefused(const Restriction &r)
    {
        P11_SKIP_UNLESS(OffersBoth(r, CKF_SIGN));
        const CK_OBJECT_HANDLE private_key = CreateRestricted(r, true);
        P11_SKIP_UNLESS(private_key != CK_INVALID_HANDLE);
        EXPECT_EQ(Attribute(private_key, CKA_ALLOWED_MECHANISMS), MechanismList({r.allowed}))
            << "CKA_ALLOWED_MECHANISMS reads back as given";
        ExpectSignRestricted(r, private_key, ec_key_.point);
    }

    void ExpectVerifyInitRefused(const Restriction &r)
    {
        P11_SKIP_UNLESS(OffersBoth(r, CKF_VERIFY));
        const CK_OBJECT_HANDLE public_key = CreateRestricted(r, false);
        P11_SKIP_UNLESS(public_key != CK_INVALID_HANDLE);
        ExpectVerifyRestricted(r, public_key);
    }

    ref::EcKey ec_key_;
};

#define P11_ALLOWED_MECHANISM_CASES(Name, RESTRICTION, MECHANISMS)                                                     \
    P11_CASE(AllowedMechanisms, Name##SignInitWithAMechanismTheKeyDoesNotAllowIsMechanismInvalid, .group = "keys",     \
             .functions = "C_GetAttributeValue C_SignInit C_Sign", .mechanisms = (MECHANISMS),                           \
             .section = "v2.40 §5.11 C_SignInit")                                                                      \
    {                                                                                                                  \
        ExpectSignInitRefused(RESTRICTION);                                                                            \
    }                                                                                                                  \
    P11_CASE(AllowedMechanisms, Name##VerifyInitWithAMechanismTheKeyDoesNotAllowIsMechanismInvalid, .group = "keys",   \
             .functions = "C_VerifyInit C_Verify", .mechanisms = (MECHANISMS),                                           \
             .section = "v2.40 §5.12 C_VerifyInit")                                                                    \
    {                                                                                                                  \
        ExpectVerifyInitRefused(RESTRICTION);                                                                          \
    }

P11_ALLOWED_MECHANISM_CASES(Ecdsa, kEc, "CKM_ECDSA CKM_ECDSA_SHA256")
P11_ALLOWED_MECHANISM_CASES(RsaPkcs, kRsa, "CKM_RSA_PKCS CKM_SHA256_RSA_PKCS")

#undef P11_ALLOWED_MECHANISM_CASES

P11_CASE(AllowedMechanisms, GeneratedKeyPairKeepsItsAllowedMechanisms, .group = "keys",
         .functions = "C_GenerateKeyPair C_GetAttributeValue C_SignInit C_Sign C_VerifyInit C_Verify",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_ECDSA CKM_ECDSA_SHA256", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR) && OffersBoth(kEc, CKF_SIGN | CKF_VERIFY));
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, kP256Params);
    pub.Bytes(CKA_ALLOWED_MECHANISMS, MechanismList({CKM_ECDSA_SHA256})).Text(CKA_LABEL, Label("Device Pub TLS Key"));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    priv.Bytes(CKA_ALLOWED_MECHANISMS, MechanismList({CKM_ECDSA_SHA256})).Text(CKA_LABEL, Label("Device Priv TLS Key"));
    const KeyPair pair = GeneratePair(CKM_EC_KEY_PAIR_GEN, pub, priv);
    ASSERT_TRUE(pair.ok());
    ExpectSignRestricted(kEc, pair.private_key, EcPoint(pair.public_key));
    const CK_RV raw = VerifyInit(CKM_ECDSA, pair.public_key);
    EXPECT_RV(raw, CKR_MECHANISM_INVALID) << "C_VerifyInit(CKM_ECDSA) with the generated public key";
    if (raw == CKR_OK) {
        EndVerifying();
    }
}

// ---------------------------------------------------------------------------
// CKA_ALWAYS_AUTHENTICATE (v2.40 §4.9): "This attribute may only be set to
// CK_TRUE when CKA_PRIVATE is also CK_TRUE." The user re-authenticates with
// C_Login(CKU_CONTEXT_SPECIFIC) "immediately after a cryptographic operation
// using the key has been initiated (e.g. after C_SignInit)"; the
// authenticated state "lasts until the cryptographic operation has
// successfully or unsuccessfully been completed"; "Failing or omitting to
// re-authenticate when CKA_ALWAYS_AUTHENTICATE is set to CK_TRUE will result
// in CKR_USER_NOT_LOGGED_IN to be returned from calls using the key."

class AlwaysAuthenticate : public KeyTest {
  protected:
    // Imports (or provisions) a P-256 private key with CKA_PRIVATE and
    // CKA_ALWAYS_AUTHENTICATE true, or as asked.
    bool UseKey(bool always_authenticate = true)
    {
        if (!Offers(CKM_ECDSA, CKF_SIGN)) {
            return false;
        }
        key_ = ref::GenerateEcKey("P-256");
        Template tmpl = EcPrivateTemplate(key_);
        tmpl.Bool(CKA_ALWAYS_AUTHENTICATE, always_authenticate);
        private_key_ = Install(tmpl, "Device Priv TLS Key", CKO_PRIVATE_KEY);
        return private_key_ != CK_INVALID_HANDLE;
    }

    CK_RV ContextLogin(std::string pin)
    {
        return fl()->C_Login(session_, CKU_CONTEXT_SPECIFIC, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size());
    }

    // C_Sign of the hash into a 64-byte buffer (never a length query).
    CK_RV SignHash(ByteVector *signature)
    {
        signature->assign(64, 0);
        CK_ULONG length = signature->size();
        const CK_RV rv = fl()->C_Sign(session_, hash_.data(), hash_.size(), signature->data(), &length);
        signature->resize(rv == CKR_OK ? length : 0);
        return rv;
    }

    ref::EcKey key_;
    CK_OBJECT_HANDLE private_key_ = CK_INVALID_HANDLE;
    ByteVector hash_ = ref::Sha256(kMessage);
};

P11_CASE(AlwaysAuthenticate, WithoutCkaPrivateIsTemplateInconsistent, .group = "keys", .functions = "C_CreateObject",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §4.9 CKA_ALWAYS_AUTHENTICATE")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    Template tmpl;
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, false).Bool(CKA_SIGN, true);
    tmpl.Bool(CKA_ALWAYS_AUTHENTICATE, true).Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_VALUE, key.private_value);
    EXPECT_RV(TryCreateObject(tmpl, "Device Priv TLS Key"), CKR_TEMPLATE_INCONSISTENT)
        << "\"This attribute may only be set to CK_TRUE when CKA_PRIVATE is also CK_TRUE\"";
}

P11_CASE(AlwaysAuthenticate, SignWithoutContextLoginIsUserNotLoggedInAndEndsTheOperation, .group = "keys",
         .functions = "C_SignInit C_Sign", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseKey());
    ASSERT_RV(SignInit(CKM_ECDSA, private_key_), CKR_OK) << "the context-specific login comes after C_SignInit";
    ByteVector signature;
    EXPECT_RV(SignHash(&signature), CKR_USER_NOT_LOGGED_IN) << "no C_Login(CKU_CONTEXT_SPECIFIC) since C_SignInit";
    EXPECT_RV(SignHash(&signature), CKR_OPERATION_NOT_INITIALIZED)
        << "\"A call to C_Sign always terminates the active signing operation unless it returns CKR_BUFFER_TOO_SMALL "
           "or is a successful call ... to determine the length\"";
}

P11_CASE(AlwaysAuthenticate, SignFinalWithoutContextLoginIsUserNotLoggedIn, .group = "keys",
         .functions = "C_SignInit C_SignUpdate C_SignFinal", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.11 C_SignFinal")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA_SHA256, CKF_SIGN));
    P11_SKIP_UNLESS(UseKey());
    ByteVector data = kMessage, signature(64);
    // Straight to C_SignFinal, and after a C_SignUpdate: no signature
    // without C_Login(CKU_CONTEXT_SPECIFIC) since C_SignInit either way.
    for (bool update : {false, true}) {
        ASSERT_RV(SignInit(CKM_ECDSA_SHA256, private_key_), CKR_OK);
        if (update) {
            const CK_RV rv = fl()->C_SignUpdate(session_, data.data(), data.size());
            ASSERT_TRUE(RvIsOneOf(rv, {CKR_OK, CKR_USER_NOT_LOGGED_IN})) << "C_SignUpdate";
            if (rv == CKR_USER_NOT_LOGGED_IN) {
                continue; // refused at the first part: the operation ended there
            }
        }
        CK_ULONG length = signature.size();
        EXPECT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_USER_NOT_LOGGED_IN)
            << (update ? "after C_SignUpdate" : "right after C_SignInit");
        EXPECT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OPERATION_NOT_INITIALIZED)
            << "the refused C_SignFinal ended the operation";
    }
}

P11_CASE(AlwaysAuthenticate, ContextLoginAuthorizesOneSignature, .group = "keys",
         .functions = "C_SignInit C_Sign C_Login", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.6 C_Login")
{
    P11_SKIP_UNLESS(UseKey());
    ASSERT_RV(SignInit(CKM_ECDSA, private_key_), CKR_OK);
    ASSERT_RV(ContextLogin(UserPin()), CKR_OK) << "C_Login(CKU_CONTEXT_SPECIFIC) with the user PIN after C_SignInit";
    ByteVector signature;
    ASSERT_RV(SignHash(&signature), CKR_OK) << "re-authenticated for this operation";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key_.point, "P-256", hash_, signature)) << "OpenSSL rejects the signature";
    ASSERT_RV(SignInit(CKM_ECDSA, private_key_), CKR_OK);
    EXPECT_RV(SignHash(&signature), CKR_USER_NOT_LOGGED_IN)
        << "the authenticated state \"lasts until the cryptographic operation has ... been completed\": one "
           "operation per context-specific login";
}

P11_CASE(AlwaysAuthenticate, ContextLoginWithAWrongPinIsPinIncorrect, .group = "keys",
         .functions = "C_SignInit C_Sign C_Login", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.6 C_Login")
{
    P11_SKIP_UNLESS(UseKey());
    ASSERT_RV(SignInit(CKM_ECDSA, private_key_), CKR_OK);
    EXPECT_RV(ContextLogin(UserPin() + "x"), CKR_PIN_INCORRECT);
    ByteVector signature;
    EXPECT_RV(SignHash(&signature), CKR_USER_NOT_LOGGED_IN)
        << "after CKR_PIN_INCORRECT \"continuing the cryptographic operation will result in a behavior as if C_Login "
           "had not been called\"";
}

// After C_Logout there is no user to re-authenticate: C_Login's v2.40 list
// has no CKR_USER_NOT_LOGGED_IN, and §5.6 answers "improper use of this
// user type" with CKR_OPERATION_NOT_INITIALIZED; the key still signs nothing.
P11_CASE(AlwaysAuthenticate, ContextLoginAfterLogoutIsOperationNotInitialized, .group = "keys",
         .functions = "C_SignInit C_Sign C_Login C_Logout", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.6 C_Login")
{
    P11_SKIP_UNLESS(UseKey());
    ASSERT_RV(SignInit(CKM_ECDSA, private_key_), CKR_OK);
    ASSERT_RV(fl()->C_Logout(session_), CKR_OK);
    EXPECT_RV(ContextLogin(UserPin()), CKR_OPERATION_NOT_INITIALIZED) << "no user is logged in";
    ByteVector signature;
    const CK_RV rv = SignHash(&signature);
    EXPECT_NE(rv, CKR_OK) << "C_Sign after C_Logout answered CKR_OK: the key signed without its context login";
}

P11_CASE(AlwaysAuthenticate, ContextLoginWithoutAnOperationIsOperationNotInitialized, .group = "keys",
         .functions = "C_Login", .section = "v2.40 §5.6 C_Login")
{
    EXPECT_RV(ContextLogin(UserPin()), CKR_OPERATION_NOT_INITIALIZED)
        << "\"If the user type is CKU_CONTEXT_SPECIFIC ... Improper use of this user type will result in a return "
           "value CKR_OPERATION_NOT_INITIALIZED\"";
}

P11_CASE(AlwaysAuthenticate, ContextLoginForAKeyWithoutItIsOperationNotInitializedAndKeepsTheOperation, .group = "keys",
         .functions = "C_SignInit C_Sign C_Login", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §4.9 CKA_ALWAYS_AUTHENTICATE")
{
    P11_SKIP_UNLESS(UseKey(false));
    ASSERT_RV(SignInit(CKM_ECDSA, private_key_), CKR_OK);
    EXPECT_RV(ContextLogin(UserPin()), CKR_OPERATION_NOT_INITIALIZED)
        << "\"C_Login will return CKR_OPERATION_NOT_INITIALIZED, but the active cryptographic operation will not be "
           "affected, if an attempt is made to re-authenticate when CKA_ALWAYS_AUTHENTICATE is set to CK_FALSE\"";
    ByteVector signature;
    ASSERT_RV(SignHash(&signature), CKR_OK) << "the signing operation is not affected";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key_.point, "P-256", hash_, signature)) << "OpenSSL rejects the signature";
}

// ---------------------------------------------------------------------------
// RSA-PSS salt length (CK_RSA_PKCS_PSS_PARAMS.sLen, mechanisms v2.40 §2.1.14
// and RFC 8017 §9.1.1: emLen >= hLen + sLen + 2). A length that cannot fit
// any key is an invalid parameter at *Init, not a value to wrap around.

class RsaPssSaltLength : public KeyTest {
  protected:
    // Imports the reference RSA-2048 pair when the module offers `type` with
    // 2048-bit keys for signing or verifying.
    bool UseKeys(CK_MECHANISM_TYPE type)
    {
        sign_ = OffersKeySize(type, CKF_SIGN, 2048);
        verify_ = OffersKeySize(type, CKF_VERIFY, 2048);
        if (!sign_ && !verify_) {
            return false;
        }
        Template priv = RsaPrivateTemplate(ReferenceRsaKey());
        private_key_ = CreateObject(priv, "Device Priv TLS Key", false);
        Template pub = RsaPublicTemplate(ReferenceRsaKey());
        public_key_ = CreateObject(pub, "Code Verify Key", false);
        return private_key_ != CK_INVALID_HANDLE && public_key_ != CK_INVALID_HANDLE;
    }

    CK_RV Init(bool sign, CK_MECHANISM_TYPE type, CK_ULONG salt_length)
    {
        CK_RSA_PKCS_PSS_PARAMS params = {CKM_SHA256, CKG_MGF1_SHA256, salt_length};
        CK_MECHANISM mechanism = {type, &params, sizeof(params)};
        return sign ? fl()->C_SignInit(session_, &mechanism, private_key_)
                    : fl()->C_VerifyInit(session_, &mechanism, public_key_);
    }

    // Ends an operation that should not have started.
    void End(bool sign)
    {
        ByteVector buffer(512, 0x01);
        CK_ULONG length = buffer.size();
        if (sign) {
            fl()->C_SignFinal(session_, buffer.data(), &length);
        } else {
            fl()->C_VerifyFinal(session_, buffer.data(), 256);
        }
    }

    void ExpectHugeSaltLengthsRefused(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(UseKeys(type));
        for (CK_ULONG salt_length : {CK_ULONG(ULONG_MAX), CK_ULONG(ULONG_MAX - 1)}) {
            for (bool sign : {true, false}) {
                if ((sign && !sign_) || (!sign && !verify_)) {
                    continue;
                }
                const CK_RV rv = Init(sign, type, salt_length);
                EXPECT_RV(rv, CKR_MECHANISM_PARAM_INVALID)
                    << (sign ? "C_SignInit" : "C_VerifyInit") << "(" << MechanismName(type) << ") with sLen 0x"
                    << std::hex << salt_length << ": no key has room for that salt";
                if (rv == CKR_OK) {
                    End(sign);
                }
            }
        }
    }

    void ExpectLargestSaltSigns(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(UseKeys(type) && sign_);
        const ref::RsaKey &key = ReferenceRsaKey();
        const size_t modulus_bits = key.modulus.size() * 8; // OpenSSL's 2048-bit modulus has its top bit set
        const size_t em_length = (modulus_bits - 1 + 7) / 8;
        const CK_ULONG largest = em_length - 32 - 2; // RFC 8017 §9.1.1 with hLen 32
        ASSERT_RV(Init(true, type, largest), CKR_OK) << "sLen " << largest << " = emLen - hLen - 2, the largest";
        ByteVector signature;
        ASSERT_NO_FATAL_FAILURE(SignAndCheckWithOpenSsl(type, key, largest, &signature));
    }

    // C_Sign of kMessage (its SHA-256 for CKM_RSA_PKCS_PSS) in the operation
    // Init started, and OpenSSL's verdict on the signature with that salt.
    void SignAndCheckWithOpenSsl(CK_MECHANISM_TYPE type, const ref::RsaKey &key, CK_ULONG salt_length,
                                 ByteVector *signature)
    {
        const ByteVector hash = ref::Sha256(kMessage);
        ByteVector data = type == CKM_RSA_PKCS_PSS ? hash : kMessage;
        signature->assign(key.modulus.size(), 0);
        CK_ULONG length = signature->size();
        ASSERT_RV(fl()->C_Sign(session_, data.data(), data.size(), signature->data(), &length), CKR_OK);
        signature->resize(length);
        EXPECT_TRUE(ref::RsaPssSha256VerifySalt(key.modulus, key.public_exponent, hash, *signature,
                                                static_cast<int>(salt_length)))
            << "OpenSSL rejects the RSASSA-PSS signature of a " << key.modulus.size() * 8 << "-bit key with a "
            << salt_length << "-byte salt";
    }

    // RFC 8017 §9.1.1 takes emLen = ceil((modBits - 1) / 8), one byte less
    // than the modulus when modBits is 8k + 1: with a 2049-bit key a salt of
    // emLen - hLen - 2 = 222 bytes is the largest, 223 has no room.
    void ExpectSaltLimitOfA2049BitModulus(CK_MECHANISM_TYPE type)
    {
        P11_SKIP_UNLESS(OffersKeySize(type, CKF_SIGN, 2049));
        static const ref::RsaKey key = ref::RsaKeyFromPrimes(1025, 1024);
        Template priv = RsaPrivateTemplate(key);
        const CK_RV created = TryCreateObject(priv, "Device Priv TLS Key", &private_key_);
        if (created != CKR_OK) {
            GTEST_SKIP() << "the module does not take a 2049-bit RSA key (" << RvName(created)
                         << "), though its mechanism info covers 2049 bits";
        }
        ASSERT_EQ(key.modulus.size(), 257u) << "the reference key has 2049 bits";
        EXPECT_RV(Init(true, type, 223), CKR_MECHANISM_PARAM_INVALID)
            << "sLen 223 with a 2049-bit modulus: emLen = ceil(2048 / 8) = 256 < hLen + sLen + 2 = 257 (RFC 8017 "
               "§9.1.1 step 3; mechanisms v2.40 §2.1.14: sLen is bounded by the key)";
        ASSERT_RV(Init(true, type, 222), CKR_OK) << "sLen 222 = emLen - hLen - 2 with a 2049-bit modulus";
        ByteVector signature;
        ASSERT_NO_FATAL_FAILURE(SignAndCheckWithOpenSsl(type, key, 222, &signature));
        EXPECT_EQ(signature.size(), 257u) << "an RSA signature has the modulus's length (RFC 8017 §8.1.1)";
    }

    bool sign_ = false;
    bool verify_ = false;
    CK_OBJECT_HANDLE private_key_ = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE public_key_ = CK_INVALID_HANDLE;
};

#define P11_PSS_SALT_CASES(Name, MECHANISM)                                                                            \
    P11_CASE(RsaPssSaltLength, Name##HugeSaltLengthIsMechanismParamInvalid, .group = "keys",                           \
             .functions = "C_CreateObject C_SignInit C_VerifyInit", .mechanisms = #MECHANISM,                          \
             .section = "v2.40 §5.11 C_SignInit")                                                                      \
    {                                                                                                                  \
        ExpectHugeSaltLengthsRefused(MECHANISM);                                                                       \
    }                                                                                                                  \
    P11_CASE(RsaPssSaltLength, Name##LargestSaltSignsWhatOpenSslVerifies, .group = "keys",                             \
             .functions = "C_CreateObject C_SignInit C_Sign", .mechanisms = #MECHANISM,                                \
             .section = "v2.40 §5.11 C_Sign")                                                                          \
    {                                                                                                                  \
        ExpectLargestSaltSigns(MECHANISM);                                                                             \
    }                                                                                                                  \
    P11_CASE(RsaPssSaltLength, Name##SaltLimitOfA2049BitModulusIsOneByteShorter, .group = "keys",                      \
             .functions = "C_CreateObject C_SignInit C_Sign", .mechanisms = #MECHANISM,                                \
             .section = "v2.40 §5.11 C_SignInit")                                                                      \
    {                                                                                                                  \
        ExpectSaltLimitOfA2049BitModulus(MECHANISM);                                                                   \
    }

P11_PSS_SALT_CASES(RsaPkcsPss, CKM_RSA_PKCS_PSS)
P11_PSS_SALT_CASES(Sha256RsaPkcsPss, CKM_SHA256_RSA_PKCS_PSS)

#undef P11_PSS_SALT_CASES

// ---------------------------------------------------------------------------
// Key sizes: C_GetMechanismInfo gives "the minimum size of the key for the
// mechanism" and "the maximum size" (v2.40 §3.5 CK_MECHANISM_INFO), and a key
// outside them is CKR_KEY_SIZE_RANGE at *Init: "this Cryptoki library (or
// token) is unable to actually do it because the supplied key's size is
// outside the range of key sizes that it can handle" (§5.1.6). A token may
// instead refuse such a key when it is created, with a code of
// C_CreateObject's list (§5.7). Sizes are bits for RSA (modulus) and EC
// (field), bytes for HMAC keys (as the FreeRTOS profiles and SoftHSMv2 give
// them).

class KeySizes : public KeyTest {
  protected:
    // The mechanism's advertised range when the profile names it and the
    // module offers it with one of `flags`; false otherwise.
    bool Range(CK_MECHANISM_TYPE type, CK_FLAGS flags, CK_MECHANISM_INFO *info)
    {
        *info = CK_MECHANISM_INFO{};
        const std::string name = MechanismName(type);
        return ActiveProfile().NamesMechanism(name) && MechanismInfoOf(type, info) && (info->flags & flags) != 0;
    }

    static bool Outside(CK_ULONG size, const CK_MECHANISM_INFO &info)
    {
        return size < info.ulMinKeySize || size > info.ulMaxKeySize;
    }

    // *Init with a key that is outside the mechanism's range: CKR_KEY_SIZE_RANGE
    // (an operation that starts anyway is ended again).
    void ExpectKeySizeRange(bool sign, CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, const std::string &what)
    {
        const CK_RV rv = sign ? SignInit(type, key) : VerifyInit(type, key);
        EXPECT_RV(rv, CKR_KEY_SIZE_RANGE) << (sign ? "C_SignInit(" : "C_VerifyInit(") << MechanismName(type)
                                          << ") with " << what << ", outside the range C_GetMechanismInfo gives";
        if (rv == CKR_OK) {
            ByteVector buffer(1024, 0x01);
            CK_ULONG length = buffer.size();
            if (sign) {
                fl()->C_SignFinal(session_, buffer.data(), &length);
            } else {
                fl()->C_VerifyFinal(session_, buffer.data(), 64);
            }
        }
    }

    // An OpenSSL RSA key of `bits`, made once per run.
    static const ref::RsaKey &RsaKeyOfSize(int bits)
    {
        static std::map<int, ref::RsaKey> keys;
        auto found = keys.find(bits);
        if (found == keys.end()) {
            found = keys.emplace(bits, ref::GenerateRsaKey(bits)).first;
        }
        return found->second;
    }
};

P11_CASE(KeySizes, HmacKeysOutsideTheAdvertisedRangeDoNotSign, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_VerifyInit", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §5.11 C_SignInit")
{
    CK_MECHANISM_INFO info;
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN) && Range(CKM_SHA256_HMAC, CKF_SIGN, &info));
    std::set<CK_ULONG> sizes;
    for (CK_ULONG size : {CK_ULONG(1), CK_ULONG(16), CK_ULONG(200), info.ulMinKeySize - 1, info.ulMaxKeySize + 1}) {
        if (size > 0 && size <= 4096 && Outside(size, info)) {
            sizes.insert(size);
        }
    }
    if (sizes.empty()) {
        GTEST_SKIP() << "not applicable: CKM_SHA256_HMAC takes " << info.ulMinKeySize << ".." << info.ulMaxKeySize
                     << "-byte keys, no size outside that to try";
    }
    for (CK_ULONG size : sizes) {
        ByteVector secret(size);
        for (size_t i = 0; i < secret.size(); ++i) {
            secret[i] = static_cast<unsigned char>(0x5A ^ i);
        }
        Template tmpl = HmacTemplate(secret);
        CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
        const CK_RV created = TryCreateObject(tmpl, "HMAC Key", &key);
        const std::string what = "a " + std::to_string(size) + "-byte key (the range is " +
                                 std::to_string(info.ulMinKeySize) + ".." + std::to_string(info.ulMaxKeySize) + ")";
        if (created != CKR_OK) {
            EXPECT_TRUE(RvIsOneOf(created, {CKR_ATTRIBUTE_VALUE_INVALID})) << "C_CreateObject of " << what;
            continue;
        }
        ExpectKeySizeRange(true, CKM_SHA256_HMAC, key, what);
        if ((info.flags & CKF_VERIFY) != 0) {
            ExpectKeySizeRange(false, CKM_SHA256_HMAC, key, what);
        }
    }
}

P11_CASE(KeySizes, RsaKeysOutsideTheAdvertisedRangeDoNotSign, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_VerifyInit", .mechanisms = "CKM_RSA_PKCS",
         .section = "v2.40 §5.11 C_SignInit")
{
    const CK_MECHANISM_TYPE types[] = {CKM_RSA_PKCS,     CKM_SHA256_RSA_PKCS,     CKM_SHA384_RSA_PKCS,
                                       CKM_RSA_PKCS_PSS, CKM_SHA256_RSA_PKCS_PSS, CKM_RSA_X_509};
    std::map<CK_MECHANISM_TYPE, CK_MECHANISM_INFO> ranges;
    std::set<int> sizes;
    for (CK_MECHANISM_TYPE type : types) {
        CK_MECHANISM_INFO info;
        if (!Range(type, CKF_SIGN | CKF_VERIFY, &info)) {
            continue;
        }
        ranges[type] = info;
        // Just outside, in whole bytes; OpenSSL makes keys of 512 bits and
        // more, and one above 4104 bits would take too long to make.
        if (info.ulMinKeySize >= 520) {
            sizes.insert(static_cast<int>(info.ulMinKeySize) - 8);
        }
        if (info.ulMaxKeySize <= 4096) {
            sizes.insert(static_cast<int>(info.ulMaxKeySize) + 8);
        }
    }
    if (ranges.empty()) {
        GTEST_SKIP() << "not applicable: the module offers no RSA signature mechanism the profile names";
    }
    if (sizes.empty()) {
        GTEST_SKIP()
            << "not applicable: no RSA key size just outside the advertised ranges can be made (512..4104 bits)";
    }
    for (int bits : sizes) {
        const ref::RsaKey &key = RsaKeyOfSize(bits);
        const std::string what = "a " + std::to_string(bits) + "-bit key";
        CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE, public_key = CK_INVALID_HANDLE;
        Template priv = RsaPrivateTemplate(key);
        const CK_RV private_created = TryCreateObject(priv, "Device Priv TLS Key", &private_key);
        EXPECT_TRUE(RvIsOneOf(private_created, {CKR_OK, CKR_ATTRIBUTE_VALUE_INVALID}))
            << "C_CreateObject of the private key of " << what;
        Template pub = RsaPublicTemplate(key);
        const CK_RV public_created = TryCreateObject(pub, "Code Verify Key", &public_key);
        EXPECT_TRUE(RvIsOneOf(public_created, {CKR_OK, CKR_ATTRIBUTE_VALUE_INVALID}))
            << "C_CreateObject of the public key of " << what;
        for (const auto &[type, info] : ranges) {
            if (!Outside(static_cast<CK_ULONG>(bits), info)) {
                continue;
            }
            const std::string range = what + " (the range is " + std::to_string(info.ulMinKeySize) + ".." +
                                      std::to_string(info.ulMaxKeySize) + " bits)";
            if (private_key != CK_INVALID_HANDLE && (info.flags & CKF_SIGN) != 0) {
                ExpectKeySizeRange(true, type, private_key, range);
            }
            if (public_key != CK_INVALID_HANDLE && (info.flags & CKF_VERIFY) != 0) {
                ExpectKeySizeRange(false, type, public_key, range);
            }
        }
    }
}

P11_CASE(KeySizes, EcKeysOfCurvesOutsideTheAdvertisedRangeDoNotSign, .group = "keys",
         .functions = "C_CreateObject C_SignInit C_VerifyInit", .mechanisms = "CKM_ECDSA",
         .section = "v2.40 §5.11 C_SignInit")
{
    std::map<CK_MECHANISM_TYPE, CK_MECHANISM_INFO> ranges;
    for (CK_MECHANISM_TYPE type : {CKM_ECDSA, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384}) {
        CK_MECHANISM_INFO info;
        if (Range(type, CKF_SIGN | CKF_VERIFY, &info)) {
            ranges[type] = info;
        }
    }
    if (ranges.empty()) {
        GTEST_SKIP() << "not applicable: the module offers no ECDSA mechanism the profile names";
    }
    const std::pair<const char *, CK_ULONG> curves[] = {{"P-224", 224}, {"P-521", 521}};
    int tried = 0;
    for (const auto &[curve, bits] : curves) {
        bool outside_any = false;
        for (const auto &[type, info] : ranges) {
            outside_any = outside_any || Outside(bits, info);
        }
        if (!outside_any) {
            continue;
        }
        ++tried;
        const ref::EcKey key = ref::GenerateEcKey(curve);
        const std::string what = std::string("a ") + curve + " key";
        CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE, public_key = CK_INVALID_HANDLE;
        Template priv = EcPrivateTemplate(key);
        const CK_RV private_created = TryCreateObject(priv, "Device Priv TLS Key", &private_key);
        EXPECT_TRUE(RvIsOneOf(private_created, {CKR_OK, CKR_CURVE_NOT_SUPPORTED}))
            << "C_CreateObject of " << what
            << " (CKR_CURVE_NOT_SUPPORTED: \"the specified curve is not supported by "
               "this token\")";
        Template pub = EcPublicTemplate(key);
        const CK_RV public_created = TryCreateObject(pub, "Code Verify Key", &public_key);
        EXPECT_TRUE(RvIsOneOf(public_created, {CKR_OK, CKR_CURVE_NOT_SUPPORTED})) << "C_CreateObject of " << what;
        for (const auto &[type, info] : ranges) {
            if (!Outside(bits, info)) {
                continue;
            }
            const std::string range = what + " (the range is " + std::to_string(info.ulMinKeySize) + ".." +
                                      std::to_string(info.ulMaxKeySize) + " bits)";
            if (private_key != CK_INVALID_HANDLE && (info.flags & CKF_SIGN) != 0) {
                ExpectKeySizeRange(true, type, private_key, range);
            }
            if (public_key != CK_INVALID_HANDLE && (info.flags & CKF_VERIFY) != 0) {
                ExpectKeySizeRange(false, type, public_key, range);
            }
        }
    }
    if (tried == 0) {
        GTEST_SKIP() << "not applicable: P-224 and P-521 are both inside the advertised ECDSA ranges";
    }
}

// The same for a key put on the token by provisioning (a profile without
// C_CreateObject, provisioned through another module): a P-384 pair where the
// ECDSA range ends below 384 bits.
P11_CASE(KeySizes, ProvisionedP384KeysOutsideTheAdvertisedRangeDoNotSign, .group = "keys",
         .functions = "C_SignInit C_VerifyInit", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignInit")
{
    CK_MECHANISM_INFO info;
    P11_SKIP_UNLESS(Range(CKM_ECDSA, CKF_SIGN | CKF_VERIFY, &info));
    if (!Outside(384, info)) {
        GTEST_SKIP() << "not applicable: P-384 is inside the advertised CKM_ECDSA range";
    }
    const ref::EcKey key = ref::GenerateEcKey("P-384");
    KeyPair pair;
    if (ActiveProfile().Has("C_CreateObject")) {
        // Outside the range, the token may decline to hold the key at all
        // (CKR_CURVE_NOT_SUPPORTED): then it never signs with it either.
        Template priv = EcPrivateTemplate(key);
        Template pub = EcPublicTemplate(key);
        CK_RV declined = CKR_OK;
        pair.private_key = InstallUnlessDeclined(priv, "Device Priv TLS Key", CKO_PRIVATE_KEY, true, &declined);
        if (declined != CKR_OK) {
            return;
        }
        pair.public_key = InstallUnlessDeclined(pub, "Device Pub TLS Key", CKO_PUBLIC_KEY, true, &declined);
        if (declined != CKR_OK) {
            return;
        }
    } else {
        pair = InstallEcPair(key);
    }
    P11_SKIP_UNLESS(pair.ok());
    const std::string range = "a P-384 key (the range is " + std::to_string(info.ulMinKeySize) + ".." +
                              std::to_string(info.ulMaxKeySize) + " bits)";
    if ((info.flags & CKF_SIGN) != 0) {
        ExpectKeySizeRange(true, CKM_ECDSA, pair.private_key, range);
    }
    if ((info.flags & CKF_VERIFY) != 0) {
        ExpectKeySizeRange(false, CKM_ECDSA, pair.public_key, range);
    }
}

// C_GenerateKeyPair's return values (v2.40 §5.14) do not include
// CKR_KEY_SIZE_RANGE: a CKA_MODULUS_BITS the token cannot make is an
// attribute value it does not take, or a template it cannot satisfy.
P11_CASE(KeySizes, RsaModulusBitsOutsideTheAdvertisedRangeAreRefusedAtGeneration, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_RSA_PKCS_KEY_PAIR_GEN",
         .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    CK_MECHANISM_INFO info;
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR) &&
                    Range(CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR, &info));
    std::vector<CK_ULONG> sizes;
    if (info.ulMinKeySize > 8) {
        sizes.push_back(info.ulMinKeySize - 8);
    }
    if (info.ulMaxKeySize <= 4096) { // a module that wrongly makes a bigger key takes its time
        sizes.push_back(info.ulMaxKeySize + 8);
    }
    if (sizes.empty()) {
        GTEST_SKIP() << "not applicable: no modulus size just outside " << info.ulMinKeySize << ".."
                     << info.ulMaxKeySize << " bits to try";
    }
    for (CK_ULONG bits : sizes) {
        Template pub;
        pub.Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true);
        pub.Ulong(CKA_MODULUS_BITS, bits).Bytes(CKA_PUBLIC_EXPONENT, ByteVector{0x01, 0x00, 0x01});
        pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
        Template priv;
        priv.Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        priv.Text(CKA_LABEL, Label("Device Priv TLS Key"));
        CK_MECHANISM mechanism = {CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
        CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE, private_key = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                                 &public_key, &private_key);
        if (rv == CKR_OK) {
            Keep(public_key);
            Keep(private_key);
        }
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_ATTRIBUTE_VALUE_INVALID, CKR_TEMPLATE_INCONSISTENT}))
            << "C_GenerateKeyPair with CKA_MODULUS_BITS " << bits << " (the range is " << info.ulMinKeySize << ".."
            << info.ulMaxKeySize << " bits; CKR_KEY_SIZE_RANGE is not among its return values)";
    }
}

// secp256k1 (SEC 2, OID 1.3.132.0.10): a well-formed named curve that most
// tokens do not implement. "CKR_CURVE_NOT_SUPPORTED: This return value
// indicates that the specified curve is not supported by this token. Used
// with Elliptic Curve mechanisms." (v2.40 §5.1.6). A token that does make
// the key supports the curve, and the case is not applicable.
P11_CASE(KeySizes, UnsupportedNamedCurveIsCurveNotSupported, .group = "keys", .functions = "C_GenerateKeyPair",
         .mechanisms = "CKM_EC_KEY_PAIR_GEN", .section = "v2.40 §5.14 C_GenerateKeyPair")
{
    P11_SKIP_UNLESS(Offers(CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR));
    const ByteVector secp256k1 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a};
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, secp256k1);
    pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    priv.Text(CKA_LABEL, Label("Device Priv TLS Key"));
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE, private_key = CK_INVALID_HANDLE;
    const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(), priv.size(),
                                             &public_key, &private_key);
    if (rv == CKR_OK) {
        Keep(public_key);
        Keep(private_key);
        GTEST_SKIP() << "not applicable: the module supports secp256k1";
    }
    EXPECT_RV(rv, CKR_CURVE_NOT_SUPPORTED) << "C_GenerateKeyPair with CKA_EC_PARAMS secp256k1";
}

} // namespace
} // namespace p11conf
