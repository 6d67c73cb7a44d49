// Operation state of signing (v2.40 §5.11): one operation at a time; the §5.2
// output convention (a NULL buffer asks for the length, a buffer too small is
// CKR_BUFFER_TOO_SMALL, and both keep the operation) while any other result
// of C_Sign / C_SignFinal ends it; multi-part runs and the key checks.
// Results checked with OpenSSL.
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

class Signing : public KeyTest {
  protected:
    // Imports (or provisions: InstallEcPair) a P-256 pair when the module
    // offers `type` with `flags`; false (skip_reason(), or a failure) otherwise.
    bool UseEcKey(CK_MECHANISM_TYPE type, CK_FLAGS flags)
    {
        if (!Offers(type, flags)) {
            return false;
        }
        ec_key_ = ref::GenerateEcKey("P-256");
        ec_ = InstallEcPair(ec_key_);
        return ec_.ok();
    }

    // C_Sign into a buffer of `capacity` bytes; the length it reports in *length.
    CK_RV SignInto(CK_ULONG capacity, CK_ULONG *length, ByteVector *signature)
    {
        signature->assign(capacity, 0);
        *length = capacity;
        return fl()->C_Sign(session_, hash_.data(), hash_.size(), signature->data(), length);
    }

    CK_RV SignUpdate(const std::string &part)
    {
        ByteVector bytes(part.begin(), part.end());
        return fl()->C_SignUpdate(session_, bytes.data(), bytes.size());
    }

    ref::EcKey ec_key_;
    KeyPair ec_;
    ByteVector hash_ = ref::Sha256(ByteVector{'c', 'o', 'd', 'e'});
};

P11_CASE(Signing, SecondSignInitIsOperationActive, .group = "keys", .functions = "C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    EXPECT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OPERATION_ACTIVE);
}

P11_CASE(Signing, SignWithoutInitIsOperationNotInitialized, .group = "keys", .functions = "C_Sign",
         .section = "v2.40 §5.11 C_Sign")
{
    ByteVector signature(64);
    CK_ULONG length = signature.size();
    EXPECT_RV(fl()->C_Sign(session_, hash_.data(), hash_.size(), signature.data(), &length),
              CKR_OPERATION_NOT_INITIALIZED);
}

P11_CASE(Signing, VerifyFinalWithoutInitIsOperationNotInitialized, .group = "keys", .functions = "C_VerifyFinal",
         .section = "v2.40 §5.12 C_VerifyFinal")
{
    ByteVector signature(64);
    EXPECT_RV(fl()->C_VerifyFinal(session_, signature.data(), signature.size()), CKR_OPERATION_NOT_INITIALIZED);
}

// A profile may declare corePKCS11's departure (sign_length_query_ends_operation):
// then the declared behaviour is checked.
P11_CASE(Signing, SignLengthQueryKeepsTheOperation, .group = "keys", .functions = "C_Sign C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.2, §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    ByteVector data = hash_;
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_Sign(session_, data.data(), data.size(), nullptr, &length), CKR_OK) << "v2.40 §5.2";
    EXPECT_EQ(length, 64u) << "P-256 CKM_ECDSA: r||s";
    ByteVector signature;
    if (ActiveProfile().Declares("sign_length_query_ends_operation")) {
        // corePKCS11's behaviour, which FreeRTOS's EC test relies on.
        EXPECT_RV(SignInto(64, &length, &signature), CKR_OPERATION_NOT_INITIALIZED)
            << "the profile declares that the length query ends the operation";
        ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK) << "a new operation starts after the query";
    } else {
        EXPECT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OPERATION_ACTIVE)
            << "v2.40 §5.2: the length query keeps the operation";
    }
    ASSERT_RV(SignInto(64, &length, &signature), CKR_OK);
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(ec_key_.point, "P-256", hash_, signature)) << "OpenSSL rejects the signature";
}

P11_CASE(Signing, SignBufferTooSmallKeepsTheOperation, .group = "keys", .functions = "C_Sign C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    CK_ULONG length = 0;
    ByteVector signature;
    EXPECT_RV(SignInto(63, &length, &signature), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
    EXPECT_EQ(length, 64u) << "v2.40 §5.2: the length needed";
    ASSERT_RV(SignInto(64, &length, &signature), CKR_OK) << "CKR_BUFFER_TOO_SMALL keeps the operation";
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(ec_key_.point, "P-256", hash_, signature)) << "OpenSSL rejects the signature";
}

P11_CASE(Signing, SignEndsTheOperation, .group = "keys", .functions = "C_Sign C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    CK_ULONG length = 0;
    ByteVector signature;
    ASSERT_RV(SignInto(64, &length, &signature), CKR_OK);
    EXPECT_RV(SignInto(64, &length, &signature), CKR_OPERATION_NOT_INITIALIZED) << "a finished C_Sign ends it";
}

P11_CASE(Signing, SignDataLenRangeEndsTheOperation, .group = "keys", .functions = "C_Sign C_SignInit C_CreateObject",
         .mechanisms = "CKM_RSA_PKCS", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN));
    Template tmpl = RsaPrivateTemplate(ReferenceRsaKey());
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "Device Priv TLS Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ASSERT_RV(SignInit(CKM_RSA_PKCS, key), CKR_OK);
    ByteVector too_long(256 - 10, 0x5A); // CKM_RSA_PKCS takes at most k-11 bytes (mechanisms v2.40 §2.1)
    ByteVector signature(256);
    CK_ULONG length = signature.size();
    ASSERT_RV(fl()->C_Sign(session_, too_long.data(), too_long.size(), signature.data(), &length), CKR_DATA_LEN_RANGE);
    ByteVector digest_info = ref::Sha256DigestInfo(hash_);
    length = signature.size();
    EXPECT_RV(fl()->C_Sign(session_, digest_info.data(), digest_info.size(), signature.data(), &length),
              CKR_OPERATION_NOT_INITIALIZED)
        << "C_Sign always ends the operation unless CKR_BUFFER_TOO_SMALL or a length query";
}

P11_CASE(Signing, SignFinalLengthQueryKeepsTheOperation, .group = "keys",
         .functions = "C_SignFinal C_SignUpdate C_SignInit", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.11 C_SignFinal")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA_SHA256, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA_SHA256, ec_.private_key), CKR_OK);
    ASSERT_RV(SignUpdate("code"), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_SignFinal(session_, nullptr, &length), CKR_OK) << "v2.40 §5.2";
    EXPECT_EQ(length, 64u);
    ByteVector signature(64);
    length = signature.size();
    ASSERT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OK) << "the length query keeps it";
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(ec_key_.point, "P-256", hash_, signature)) << "OpenSSL rejects the signature";
}

P11_CASE(Signing, SignFinalBufferTooSmallKeepsTheOperation, .group = "keys",
         .functions = "C_SignFinal C_SignUpdate C_SignInit", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.11 C_SignFinal")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA_SHA256, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA_SHA256, ec_.private_key), CKR_OK);
    ASSERT_RV(SignUpdate("code"), CKR_OK);
    ByteVector signature(64);
    CK_ULONG length = 63;
    EXPECT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
    EXPECT_EQ(length, 64u) << "v2.40 §5.2: the length needed";
    length = signature.size();
    ASSERT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OK)
        << "CKR_BUFFER_TOO_SMALL keeps the operation";
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(ec_key_.point, "P-256", hash_, signature)) << "OpenSSL rejects the signature";
}

P11_CASE(Signing, SignFinalEndsTheOperation, .group = "keys",
         .functions = "C_SignFinal C_SignUpdate C_SignInit", .mechanisms = "CKM_ECDSA_SHA256",
         .section = "v2.40 §5.11 C_SignFinal")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA_SHA256, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA_SHA256, ec_.private_key), CKR_OK);
    ASSERT_RV(SignUpdate("code"), CKR_OK);
    ByteVector signature(64);
    CK_ULONG length = signature.size();
    ASSERT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OK);
    // C_SignInit first: a failed C_SignUpdate would itself end a leftover operation.
    EXPECT_RV(SignInit(CKM_ECDSA_SHA256, ec_.private_key), CKR_OK) << "a finished C_SignFinal ends the operation";
    length = signature.size();
    EXPECT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OK) << "the new operation signs";
    EXPECT_RV(SignUpdate("more"), CKR_OPERATION_NOT_INITIALIZED) << "and C_SignFinal ended that one too";
}

P11_CASE(Signing, MultiPartEcdsaSha256MatchesOpenSsl, .group = "keys",
         .functions = "C_SignUpdate C_SignFinal C_SignInit C_VerifyUpdate C_VerifyFinal C_VerifyInit",
         .mechanisms = "CKM_ECDSA_SHA256", .section = "v2.40 §5.11 C_SignUpdate")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA_SHA256, CKF_SIGN | CKF_VERIFY));
    ASSERT_RV(SignInit(CKM_ECDSA_SHA256, ec_.private_key), CKR_OK);
    ASSERT_RV(SignUpdate("co"), CKR_OK);
    ASSERT_RV(SignUpdate("de"), CKR_OK);
    ByteVector signature(64);
    CK_ULONG length = signature.size();
    ASSERT_RV(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OK);
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(ec_key_.point, "P-256", hash_, signature)) << "hash of the parts, then ECDSA";

    ByteVector part1 = {'c', 'o'}, part2 = {'d', 'e'};
    ASSERT_RV(VerifyInit(CKM_ECDSA_SHA256, ec_.public_key), CKR_OK);
    ASSERT_RV(fl()->C_VerifyUpdate(session_, part1.data(), part1.size()), CKR_OK);
    ASSERT_RV(fl()->C_VerifyUpdate(session_, part2.data(), part2.size()), CKR_OK);
    EXPECT_RV(fl()->C_VerifyFinal(session_, signature.data(), signature.size()), CKR_OK);
}

P11_CASE(Signing, KeyWithoutSignPermissionIsKeyFunctionNotPermitted, .group = "keys",
         .functions = "C_SignInit", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    Template tmpl;
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, true);
    tmpl.Bool(CKA_SIGN, false).Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_VALUE, key.private_value);
    const CK_OBJECT_HANDLE no_sign = Install(tmpl, "Device Priv TLS Key", CKO_PRIVATE_KEY);
    P11_SKIP_UNLESS(no_sign != CK_INVALID_HANDLE);
    EXPECT_RV(SignInit(CKM_ECDSA, no_sign), CKR_KEY_FUNCTION_NOT_PERMITTED) << "CKA_SIGN is false";
}

P11_CASE(Signing, KeyOfTheWrongTypeIsKeyTypeInconsistent, .group = "keys", .functions = "C_SignInit C_CreateObject",
         .mechanisms = "CKM_ECDSA CKM_RSA_PKCS", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(Offers(CKM_RSA_PKCS, CKF_SIGN) && UseEcKey(CKM_ECDSA, CKF_SIGN));
    EXPECT_RV(SignInit(CKM_RSA_PKCS, ec_.private_key), CKR_KEY_TYPE_INCONSISTENT) << "an EC key for CKM_RSA_PKCS";
}

// §5.1.6: "CKR_KEY_TYPE_INCONSISTENT: The specified key is not the correct
// type of key to use with the specified mechanism. This return value has a
// higher priority than CKR_KEY_FUNCTION_NOT_PERMITTED."
P11_CASE(Signing, SignInitWithAPublicKeyIsKeyTypeInconsistent, .group = "keys", .functions = "C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    EXPECT_RV(SignInit(CKM_ECDSA, ec_.public_key), CKR_KEY_TYPE_INCONSISTENT) << "a public key cannot sign";
    ByteVector signature;
    CK_ULONG length = 0;
    EXPECT_RV(SignInto(64, &length, &signature), CKR_OPERATION_NOT_INITIALIZED) << "the refused C_SignInit started nothing";
}

// A mechanism the token has, but not for signing (CKM_SHA256 digests):
// §5.11 C_SignInit lists CKR_MECHANISM_INVALID.
P11_CASE(Signing, SignInitWithADigestMechanismIsMechanismInvalid, .group = "keys",
         .functions = "C_SignInit", .mechanisms = "CKM_ECDSA CKM_SHA256",
         .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256, CKF_DIGEST) && UseEcKey(CKM_ECDSA, CKF_SIGN));
    EXPECT_RV(SignInit(CKM_SHA256, ec_.private_key), CKR_MECHANISM_INVALID) << "CKM_SHA256 has no CKF_SIGN";
    ByteVector signature;
    CK_ULONG length = 0;
    EXPECT_RV(SignInto(64, &length, &signature), CKR_OPERATION_NOT_INITIALIZED) << "the refused C_SignInit started nothing";
}

// Mechanisms v2.40 §2.3.6: CKM_ECDSA has no parameter.
P11_CASE(Signing, EcdsaWithAParameterIsMechanismParamInvalid, .group = "keys", .functions = "C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    unsigned char parameter[8] = {};
    CK_MECHANISM mechanism = {CKM_ECDSA, parameter, sizeof parameter};
    EXPECT_RV(fl()->C_SignInit(session_, &mechanism, ec_.private_key), CKR_MECHANISM_PARAM_INVALID)
        << "mechanisms v2.40 §2.3.6: CKM_ECDSA takes no parameter";
}

// An empty input to raw ECDSA is either refused (CKR_DATA_LEN_RANGE) or
// signed as the integer 0 (the leftmost bits of nothing, X9.62 §7.3.1); it is
// never an answer without a signature.
P11_CASE(Signing, RawEcdsaOfAnEmptyInputIsRefusedOrASignatureOpenSslVerifies, .group = "keys",
         .functions = "C_SignInit C_Sign", .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    ByteVector signature(64, 0);
    CK_ULONG length = signature.size();
    unsigned char nothing[1] = {0};
    const CK_RV rv = fl()->C_Sign(session_, nothing, 0, signature.data(), &length);
    ASSERT_RV(rv, CKR_OK, CKR_DATA_LEN_RANGE);
    if (rv == CKR_OK) {
        ASSERT_EQ(length, 64u);
        EXPECT_TRUE(ref::EcdsaVerifyRaw(ec_key_.point, "P-256", ByteVector{}, signature))
            << "OpenSSL rejects the signature of the empty input";
    }
}

// Mechanisms v2.40 §2.3.1: CKM_ECDSA signs a hash in one part only; neither
// C_SignUpdate nor C_SignFinal may answer CKR_OK for it (a C_SignFinal that
// did would give a signature of nothing).
P11_CASE(Signing, RawEcdsaHasNoMultiPartForm, .group = "keys", .functions = "C_SignInit C_SignUpdate C_SignFinal",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignUpdate")
{
    P11_SKIP_UNLESS(UseEcKey(CKM_ECDSA, CKF_SIGN));
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    EXPECT_NE(fl()->C_SignUpdate(session_, hash_.data(), hash_.size()), CKR_OK)
        << "C_SignUpdate with CKM_ECDSA answered CKR_OK; the mechanism is single-part only";
    ASSERT_RV(SignInit(CKM_ECDSA, ec_.private_key), CKR_OK);
    ByteVector signature(64, 0);
    CK_ULONG length = signature.size();
    EXPECT_NE(fl()->C_SignFinal(session_, signature.data(), &length), CKR_OK)
        << "C_SignFinal with CKM_ECDSA right after C_SignInit answered CKR_OK: a signature of no input";
}

P11_CASE(Signing, UnknownKeyHandleIsKeyHandleInvalid, .group = "keys", .functions = "C_SignInit",
         .mechanisms = "CKM_ECDSA", .section = "v2.40 §5.11 C_SignInit")
{
    P11_SKIP_UNLESS(Offers(CKM_ECDSA, CKF_SIGN));
    EXPECT_RV(SignInit(CKM_ECDSA, 0x7FFF0000), CKR_KEY_HANDLE_INVALID);
}

P11_CASE(Signing, HmacSha256MatchesOpenSsl, .group = "keys",
         .functions = "C_Sign C_SignInit C_Verify C_VerifyInit C_CreateObject", .mechanisms = "CKM_SHA256_HMAC",
         .section = "v2.40 §5.11 C_Sign")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN | CKF_VERIFY));
    const ByteVector secret = HmacSecret();
    Template tmpl = HmacTemplate(secret);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "HMAC Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    const ByteVector data = {'m', 'a', 'c', ' ', 'm', 'e'};
    const ByteVector mac = Sign(key, CKM_SHA256_HMAC, data);
    EXPECT_EQ(mac, ref::HmacSha256(secret, data)) << "RFC 2104 HMAC-SHA256";
    EXPECT_RV(Verify(key, CKM_SHA256_HMAC, data, mac), CKR_OK);
}

} // namespace
} // namespace p11conf
