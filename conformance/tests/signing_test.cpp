// Operation state of signing and verifying (v2.40 §5.11, §5.12): one
// operation at a time, the §5.2 output convention, multi-part runs, and the
// key checks; results checked with OpenSSL.
#include <cstring>
#include <string>
#include <vector>

#include "module_fixture.h"
#include "openssl_reference.h"

namespace p11conf {
namespace {

namespace ref = reference;

class Signing : public ModuleTest {
protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("keys") || !ProfileHas("C_SignInit") || !ProfileHas("C_CreateObject")) {
            GTEST_SKIP() << "not applicable: the profile does not sign with keys it can create";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!OpenSession() || !LoginUser()) {
            GTEST_SKIP() << skip_reason();
        }
        if (!MechanismOffers(CKM_ECDSA, CKF_SIGN | CKF_VERIFY)) {
            GTEST_SKIP() << skip_reason();
        }
        key_ = ref::GenerateEcKey("P-256");
        Template priv;
        priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false);
        priv.Bool(CKA_SIGN, true).Bytes(CKA_EC_PARAMS, key_.ec_params).Bytes(CKA_VALUE, key_.private_value);
        private_key_ = Create(priv);
        Template pub;
        pub.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false);
        pub.Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, key_.ec_params);
        pub.Bytes(CKA_EC_POINT, ref::DerOctetString(key_.point));
        public_key_ = Create(pub);
        ASSERT_NE(private_key_, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
        ASSERT_NE(public_key_, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
    }

    CK_RV SignInit(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key)
    {
        CK_MECHANISM mechanism = {type, nullptr, 0};
        return fl()->C_SignInit(session_, &mechanism, key);
    }

    ref::EcKey key_;
    CK_OBJECT_HANDLE private_key_ = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE public_key_ = CK_INVALID_HANDLE;
    ByteVector hash_ = ref::Sha256(ByteVector{'c', 'o', 'd', 'e'});
};

TEST_F(Signing, SecondInitIsOperationActive)
{
    ASSERT_TRUE(RvIsOneOf(SignInit(CKM_ECDSA, private_key_), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(SignInit(CKM_ECDSA, private_key_), {CKR_OPERATION_ACTIVE})) << "v2.40 §5.11 C_SignInit";
}

TEST_F(Signing, SignWithoutInitIsOperationNotInitialized)
{
    ByteVector signature(64);
    CK_ULONG length = signature.size();
    EXPECT_TRUE(RvIsOneOf(fl()->C_Sign(session_, hash_.data(), hash_.size(), signature.data(), &length),
                          {CKR_OPERATION_NOT_INITIALIZED}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_VerifyFinal(session_, signature.data(), signature.size()),
                          {CKR_OPERATION_NOT_INITIALIZED}));
}

TEST_F(Signing, BufferTooSmallKeepsTheOperationActive)
{
    ASSERT_TRUE(RvIsOneOf(SignInit(CKM_ECDSA, private_key_), {CKR_OK}));
    ByteVector signature(64);
    CK_ULONG length = 63;
    EXPECT_TRUE(RvIsOneOf(fl()->C_Sign(session_, hash_.data(), hash_.size(), signature.data(), &length),
                          {CKR_BUFFER_TOO_SMALL}))
        << "v2.40 §5.2";
    EXPECT_EQ(length, 64u);
    ASSERT_TRUE(RvIsOneOf(fl()->C_Sign(session_, hash_.data(), hash_.size(), signature.data(), &length), {CKR_OK}))
        << "the operation stayed active";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key_.point, "P-256", hash_, signature));
    EXPECT_TRUE(RvIsOneOf(fl()->C_Sign(session_, hash_.data(), hash_.size(), signature.data(), &length),
                          {CKR_OPERATION_NOT_INITIALIZED}))
        << "a finished C_Sign ends the operation";
}

TEST_F(Signing, MultiPartEcdsaSha256MatchesOpenSsl)
{
    if (!MechanismOffers(CKM_ECDSA_SHA256, CKF_SIGN)) {
        GTEST_SKIP() << skip_reason();
    }
    ASSERT_TRUE(RvIsOneOf(SignInit(CKM_ECDSA_SHA256, private_key_), {CKR_OK}));
    ByteVector part1 = {'c', 'o'}, part2 = {'d', 'e'};
    ASSERT_TRUE(RvIsOneOf(fl()->C_SignUpdate(session_, part1.data(), part1.size()), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_SignUpdate(session_, part2.data(), part2.size()), {CKR_OK}));
    CK_ULONG length = 0;
    ASSERT_TRUE(RvIsOneOf(fl()->C_SignFinal(session_, nullptr, &length), {CKR_OK}));
    ByteVector signature(length);
    ASSERT_TRUE(RvIsOneOf(fl()->C_SignFinal(session_, signature.data(), &length), {CKR_OK}));
    signature.resize(length);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key_.point, "P-256", hash_, signature)) << "hash of the parts, then ECDSA";

    CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
    ASSERT_TRUE(RvIsOneOf(fl()->C_VerifyInit(session_, &mechanism, public_key_), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_VerifyUpdate(session_, part1.data(), part1.size()), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_VerifyUpdate(session_, part2.data(), part2.size()), {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(fl()->C_VerifyFinal(session_, signature.data(), signature.size()), {CKR_OK}));
}

TEST_F(Signing, KeyWithoutSignPermissionIsKeyFunctionNotPermitted)
{
    Template priv;
    priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, false);
    priv.Bool(CKA_SIGN, false).Bytes(CKA_EC_PARAMS, key_.ec_params).Bytes(CKA_VALUE, key_.private_value);
    CK_OBJECT_HANDLE no_sign = Create(priv);
    EXPECT_TRUE(RvIsOneOf(SignInit(CKM_ECDSA, no_sign), {CKR_KEY_FUNCTION_NOT_PERMITTED})) << "v2.40 §5.11";
}

TEST_F(Signing, KeyOfTheWrongTypeIsKeyTypeInconsistent)
{
    if (!MechanismOffers(CKM_RSA_PKCS, CKF_SIGN)) {
        GTEST_SKIP() << skip_reason();
    }
    EXPECT_TRUE(RvIsOneOf(SignInit(CKM_RSA_PKCS, private_key_), {CKR_KEY_TYPE_INCONSISTENT})) << "v2.40 §5.11";
}

TEST_F(Signing, UnknownKeyHandleIsKeyHandleInvalid)
{
    EXPECT_TRUE(RvIsOneOf(SignInit(CKM_ECDSA, 0x7FFF0000), {CKR_KEY_HANDLE_INVALID})) << "v2.40 §5.11";
}

TEST_F(Signing, HmacSha256MatchesOpenSsl)
{
    if (!MechanismOffers(CKM_SHA256_HMAC, CKF_SIGN | CKF_VERIFY)) {
        GTEST_SKIP() << skip_reason();
    }
    ByteVector secret(32);
    for (size_t i = 0; i < secret.size(); ++i) {
        secret[i] = static_cast<unsigned char>(0x30 + i);
    }
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET).Bool(CKA_TOKEN, false);
    tmpl.Bool(CKA_SIGN, true).Bool(CKA_VERIFY, true).Bytes(CKA_VALUE, secret).Text(CKA_LABEL, "HMAC Key");
    CK_OBJECT_HANDLE key = Create(tmpl);
    ByteVector data = {'m', 'a', 'c', ' ', 'm', 'e'};
    ASSERT_TRUE(RvIsOneOf(SignInit(CKM_SHA256_HMAC, key), {CKR_OK}));
    ByteVector mac(32);
    CK_ULONG length = mac.size();
    ASSERT_TRUE(RvIsOneOf(fl()->C_Sign(session_, data.data(), data.size(), mac.data(), &length), {CKR_OK}));
    EXPECT_EQ(mac, ref::HmacSha256(secret, data));
    CK_MECHANISM mechanism = {CKM_SHA256_HMAC, nullptr, 0};
    ASSERT_TRUE(RvIsOneOf(fl()->C_VerifyInit(session_, &mechanism, key), {CKR_OK}));
    mac[0] ^= 1;
    EXPECT_TRUE(RvIsOneOf(fl()->C_Verify(session_, data.data(), data.size(), mac.data(), mac.size()),
                          {CKR_SIGNATURE_INVALID}));
}

} // namespace
} // namespace p11conf
