// Keys and signatures as FreeRTOS's qualification tests use them (TLS client
// keys, code-verify keys), every signature checked with OpenSSL's libcrypto.
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "module_fixture.h"
#include "openssl_reference.h"

namespace p11conf {
namespace {

namespace ref = reference;

const ByteVector kMessage = {'F', 'r', 'e', 'e', 'R', 'T', 'O', 'S', ' ', 'P', 'K', 'C', 'S', '#', '1', '1'};

class Keys : public ModuleTest {
protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("keys")) {
            GTEST_SKIP() << "not applicable: the profile does not select the key tests";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!OpenSession() || !LoginUser()) {
            GTEST_SKIP() << skip_reason();
        }
    }

    void TearDown() override
    {
        for (CK_OBJECT_HANDLE object : created_) {
            fl()->C_DestroyObject(session_, object);
        }
        ModuleTest::TearDown();
    }

    // Skips unless the profile has the function and the module offers the mechanism.
    bool Needs(const char *function, CK_MECHANISM_TYPE mechanism, CK_FLAGS flags)
    {
        if (!ProfileHas(function)) {
            skip_reason_text_ = std::string("not applicable: ") + function + " is outside the profile";
            return false;
        }
        if (!MechanismOffers(mechanism, flags)) {
            skip_reason_text_ = skip_reason();
            return false;
        }
        return true;
    }

    CK_OBJECT_HANDLE Keep(CK_OBJECT_HANDLE object)
    {
        if (object != CK_INVALID_HANDLE) {
            created_.push_back(object);
        }
        return object;
    }

    // A label unique to the running test (see TestObjectLabel).
    std::string Label(const std::string &role, bool token_object = false) const
    {
        return TestObjectLabel(role, token_object);
    }

    CK_OBJECT_HANDLE ImportEcPrivate(const ref::EcKey &key, const std::string &label, bool token)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Text(CKA_LABEL, label);
        tmpl.Bool(CKA_TOKEN, token).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        tmpl.Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_VALUE, key.private_value);
        return Keep(Create(tmpl));
    }

    CK_OBJECT_HANDLE ImportEcPublic(const ref::EcKey &key, const std::string &label, bool token)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Text(CKA_LABEL, label);
        tmpl.Bool(CKA_TOKEN, token).Bool(CKA_VERIFY, true);
        tmpl.Bytes(CKA_EC_PARAMS, key.ec_params).Bytes(CKA_EC_POINT, ref::DerOctetString(key.point));
        return token ? ProvisionKept(tmpl, label, CKO_PUBLIC_KEY) : Keep(Create(tmpl));
    }

    // Token objects come the way a device gets them (see ModuleTest::Provision).
    CK_OBJECT_HANDLE ProvisionKept(Template &tmpl, const std::string &label, CK_OBJECT_CLASS klass)
    {
        CK_OBJECT_HANDLE object = Provision(tmpl, label, klass);
        return ProfileHas("C_CreateObject") ? Keep(object) : object;
    }

    CK_OBJECT_HANDLE ImportRsaPrivate(const ref::RsaKey &key, const std::string &label)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Text(CKA_LABEL, label);
        tmpl.Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        tmpl.Bytes(CKA_MODULUS, key.modulus).Bytes(CKA_PUBLIC_EXPONENT, key.public_exponent);
        tmpl.Bytes(CKA_PRIVATE_EXPONENT, key.private_exponent).Bytes(CKA_PRIME_1, key.prime_1);
        tmpl.Bytes(CKA_PRIME_2, key.prime_2).Bytes(CKA_EXPONENT_1, key.exponent_1);
        tmpl.Bytes(CKA_EXPONENT_2, key.exponent_2).Bytes(CKA_COEFFICIENT, key.coefficient);
        return Keep(Create(tmpl));
    }

    CK_OBJECT_HANDLE ImportRsaPublic(const ref::RsaKey &key, const std::string &label, bool token)
    {
        Template tmpl;
        tmpl.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Text(CKA_LABEL, label);
        tmpl.Bool(CKA_TOKEN, token).Bool(CKA_VERIFY, true);
        tmpl.Bytes(CKA_MODULUS, key.modulus).Bytes(CKA_PUBLIC_EXPONENT, key.public_exponent);
        return token ? ProvisionKept(tmpl, label, CKO_PUBLIC_KEY) : Keep(Create(tmpl));
    }

    // C_Sign with the NULL-buffer length query first, as FreeRTOS does.
    ByteVector Sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE type, ByteVector data)
    {
        CK_MECHANISM mechanism = {type, nullptr, 0};
        EXPECT_TRUE(RvIsOneOf(fl()->C_SignInit(session_, &mechanism, key), {CKR_OK})) << "C_SignInit";
        CK_ULONG length = 0;
        EXPECT_TRUE(RvIsOneOf(fl()->C_Sign(session_, data.data(), data.size(), nullptr, &length), {CKR_OK}))
            << "C_Sign length query, v2.40 §5.2";
        ByteVector signature(length);
        EXPECT_TRUE(RvIsOneOf(fl()->C_Sign(session_, data.data(), data.size(), signature.data(), &length), {CKR_OK}))
            << "C_Sign";
        signature.resize(length);
        return signature;
    }

    CK_RV Verify(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE type, ByteVector data, ByteVector signature)
    {
        CK_MECHANISM mechanism = {type, nullptr, 0};
        CK_RV rv = fl()->C_VerifyInit(session_, &mechanism, key);
        if (rv != CKR_OK) {
            return rv;
        }
        return fl()->C_Verify(session_, data.data(), data.size(), signature.data(), signature.size());
    }

    std::string skip_reason_text_;
    std::vector<CK_OBJECT_HANDLE> created_;
};

#define REQUIRE(function, mechanism, flags)                                                                        \
    if (!Needs(function, mechanism, flags))                                                                        \
    GTEST_SKIP() << skip_reason_text_

TEST_F(Keys, GeneratedP256KeyPairSignsRawSignaturesOpenSslAccepts)
{
    REQUIRE("C_GenerateKeyPair", CKM_EC_KEY_PAIR_GEN, CKF_GENERATE_KEY_PAIR);
    REQUIRE("C_Sign", CKM_ECDSA, CKF_SIGN);
    // FreeRTOS's provisioning templates.
    const ByteVector p256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    Template pub;
    pub.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_VERIFY, true).Bytes(CKA_EC_PARAMS, p256);
    pub.Text(CKA_LABEL, Label("Device Pub TLS Key"));
    Template priv;
    priv.Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
    priv.Text(CKA_LABEL, Label("Device Priv TLS Key", true));
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_key = CK_INVALID_HANDLE, priv_key = CK_INVALID_HANDLE;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                                  priv.size(), &pub_key, &priv_key),
                          {CKR_OK}));
    Keep(pub_key);
    Keep(priv_key);
    for (CK_OBJECT_HANDLE object : {pub_key, priv_key}) {
        CK_ATTRIBUTE query = {CKA_CLASS, nullptr, 0};
        ASSERT_TRUE(RvIsOneOf(fl()->C_GetAttributeValue(session_, object, &query, 1), {CKR_OK}));
        EXPECT_EQ(query.ulValueLen, sizeof(CK_OBJECT_CLASS)) << "CKA_CLASS size query";
    }
    ByteVector point = Attribute(pub_key, CKA_EC_POINT);
    ASSERT_EQ(point.size(), 67u) << "DER OCTET STRING of the uncompressed P-256 point";
    EXPECT_EQ(point[0], 0x04);
    EXPECT_EQ(point[1], 0x41);
    EXPECT_EQ(point[2], 0x04);
    const ByteVector hash = ref::Sha256(kMessage);
    ByteVector signature = Sign(priv_key, CKM_ECDSA, hash);
    ASSERT_EQ(signature.size(), 64u) << "raw r||s, not DER";
    EXPECT_TRUE(ref::EcdsaVerifyRaw(ByteVector(point.begin() + 2, point.end()), "P-256", hash, signature))
        << "OpenSSL rejects the module's signature";
    EXPECT_TRUE(RvIsOneOf(Verify(pub_key, CKM_ECDSA, hash, signature), {CKR_OK}));
}

TEST_F(Keys, ImportedEcKeySignsAndItsValueIsSensitive)
{
    REQUIRE("C_Sign", CKM_ECDSA, CKF_SIGN);
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    CK_OBJECT_HANDLE priv_key = ImportEcPrivate(key, Label("Device Priv TLS Key", true), true);
    ASSERT_NE(priv_key, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
    const ByteVector hash = ref::Sha256(kMessage);
    ByteVector signature = Sign(priv_key, CKM_ECDSA, hash);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, signature)) << "OpenSSL rejects the signature";

    unsigned char buffer[64];
    std::memset(buffer, 0xA5, sizeof(buffer));
    CK_ATTRIBUTE value = {CKA_VALUE, buffer, sizeof(buffer)};
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetAttributeValue(session_, priv_key, &value, 1), {CKR_ATTRIBUTE_SENSITIVE}))
        << "v2.40 §5.7.5 case 1";
    EXPECT_EQ(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
    for (unsigned char byte : buffer) {
        ASSERT_EQ(byte, 0xA5) << "the caller's buffer was written";
    }
}

TEST_F(Keys, OpenSslSignaturesVerifyAndAFlippedBitIsSignatureInvalid)
{
    REQUIRE("C_Verify", CKM_ECDSA, CKF_VERIFY);
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    CK_OBJECT_HANDLE pub_key = ImportEcPublic(key, Label("Code Verify Key", true), true);
    if (pub_key == CK_INVALID_HANDLE) {
        GTEST_SKIP() << skip_reason();
    }
    const ByteVector hash = ref::Sha256(kMessage);
    ByteVector signature = ref::EcdsaSignRaw(key, hash);
    EXPECT_TRUE(RvIsOneOf(Verify(pub_key, CKM_ECDSA, hash, signature), {CKR_OK}));
    signature[10] ^= 0x01;
    EXPECT_TRUE(RvIsOneOf(Verify(pub_key, CKM_ECDSA, hash, signature), {CKR_SIGNATURE_INVALID}))
        << "v2.40 §5.12 C_Verify";
    signature.pop_back();
    EXPECT_TRUE(RvIsOneOf(Verify(pub_key, CKM_ECDSA, hash, signature), {CKR_SIGNATURE_LEN_RANGE}))
        << "v2.40 §5.12 C_Verify";
}

TEST_F(Keys, EcPointOfAPublicKeyIs67BytesForP256)
{
    REQUIRE("C_CreateObject", CKM_ECDSA, CKF_VERIFY);
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    CK_OBJECT_HANDLE pub_key = ImportEcPublic(key, Label("Device Pub TLS Key"), false);
    ByteVector point = Attribute(pub_key, CKA_EC_POINT);
    EXPECT_EQ(point, ref::DerOctetString(key.point));
    EXPECT_EQ(Attribute(pub_key, CKA_EC_PARAMS), key.ec_params);
}

TEST_F(Keys, ImportedRsa2048KeySignsDigestInfoExactlyAsOpenSsl)
{
    REQUIRE("C_Sign", CKM_RSA_PKCS, CKF_SIGN);
    const ref::RsaKey key = ref::GenerateRsaKey(2048);
    CK_OBJECT_HANDLE priv_key = ImportRsaPrivate(key, Label("Device Priv TLS Key", true));
    ASSERT_NE(priv_key, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
    const ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
    ASSERT_EQ(digest_info.size(), 51u);
    ByteVector signature = Sign(priv_key, CKM_RSA_PKCS, digest_info);
    ASSERT_EQ(signature.size(), 256u);
    EXPECT_EQ(signature, ref::RsaPkcs1Sign(key, digest_info)) << "PKCS #1 v1.5 signatures are deterministic";
    EXPECT_TRUE(ref::RsaPkcs1Verify(key.modulus, key.public_exponent, digest_info, signature));

    unsigned char buffer[256];
    std::memset(buffer, 0xA5, sizeof(buffer));
    CK_ATTRIBUTE exponent = {CKA_PRIVATE_EXPONENT, buffer, sizeof(buffer)};
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetAttributeValue(session_, priv_key, &exponent, 1), {CKR_ATTRIBUTE_SENSITIVE}));
    for (unsigned char byte : buffer) {
        ASSERT_EQ(byte, 0xA5) << "the caller's buffer was written";
    }
}

TEST_F(Keys, RsaPkcsVerifyRejectsAWrongSignature)
{
    REQUIRE("C_Verify", CKM_RSA_PKCS, CKF_VERIFY);
    const ref::RsaKey key = ref::GenerateRsaKey(2048);
    CK_OBJECT_HANDLE pub_key = ImportRsaPublic(key, Label("Code Verify Key", true), true);
    if (pub_key == CK_INVALID_HANDLE) {
        GTEST_SKIP() << skip_reason();
    }
    const ByteVector digest_info = ref::Sha256DigestInfo(ref::Sha256(kMessage));
    ByteVector signature = ref::RsaPkcs1Sign(key, digest_info);
    EXPECT_TRUE(RvIsOneOf(Verify(pub_key, CKM_RSA_PKCS, digest_info, signature), {CKR_OK}));
    signature[100] ^= 0x80;
    EXPECT_TRUE(RvIsOneOf(Verify(pub_key, CKM_RSA_PKCS, digest_info, signature), {CKR_SIGNATURE_INVALID}))
        << "the reference's C_Verify answered CKR_OK without verifying";
}

TEST_F(Keys, TokenKeysAreFoundByLabelAndClassAfterReinitialize)
{
    REQUIRE("C_FindObjectsInit", CKM_ECDSA, CKF_SIGN);
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    const std::string label = Label("Device Priv TLS Key", true);
    ASSERT_NE(ImportEcPrivate(key, label, true), static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
    created_.clear(); // handles change across C_Finalize; found again below
    ASSERT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK}));
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(OpenSession());
    ASSERT_TRUE(LoginUser());
    Template query;
    query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    std::vector<CK_OBJECT_HANDLE> found = Find(query);
    ASSERT_EQ(found.size(), 1u);
    Keep(found[0]);
    const ByteVector hash = ref::Sha256(kMessage);
    EXPECT_TRUE(ref::EcdsaVerifyRaw(key.point, "P-256", hash, Sign(found[0], CKM_ECDSA, hash)));
}

TEST_F(Keys, FindingAMissingLabelGivesNoObject)
{
    if (!ProfileHas("C_FindObjectsInit")) {
        GTEST_SKIP() << "not applicable: C_FindObjectsInit is outside the profile";
    }
    Template query;
    query.Text(CKA_LABEL, Label("No Such Object")).Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    EXPECT_TRUE(Find(query).empty());
}

TEST_F(Keys, TwoThreadsFindReadSignAndVerifyOnTheirOwnSessions)
{
    REQUIRE("C_Sign", CKM_ECDSA, CKF_SIGN | CKF_VERIFY);
    const ref::EcKey key = ref::GenerateEcKey("P-256");
    const std::string label = Label("Device Priv TLS Key");
    ImportEcPrivate(key, label, false);
    ImportEcPublic(key, Label("Device Pub TLS Key"), false);
    const ByteVector hash = ref::Sha256(kMessage);
    std::vector<std::string> failures[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
            if (fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &session) != CKR_OK) {
                failures[t].push_back("C_OpenSession");
                return;
            }
            for (int i = 0; i < 10; ++i) {
                CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
                CK_ATTRIBUTE query[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                                        {CKA_CLASS, &klass, sizeof(klass)}};
                CK_OBJECT_HANDLE priv_key = CK_INVALID_HANDLE;
                CK_ULONG count = 0;
                if (fl()->C_FindObjectsInit(session, query, 2) != CKR_OK ||
                    fl()->C_FindObjects(session, &priv_key, 1, &count) != CKR_OK || count != 1 ||
                    fl()->C_FindObjectsFinal(session) != CKR_OK) {
                    failures[t].push_back("find");
                    continue;
                }
                CK_KEY_TYPE type = 0;
                CK_ATTRIBUTE read = {CKA_KEY_TYPE, &type, sizeof(type)};
                if (fl()->C_GetAttributeValue(session, priv_key, &read, 1) != CKR_OK || type != CKK_EC) {
                    failures[t].push_back("C_GetAttributeValue");
                }
                CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
                ByteVector data = hash;
                ByteVector signature(64);
                CK_ULONG length = signature.size();
                if (fl()->C_SignInit(session, &mechanism, priv_key) != CKR_OK ||
                    fl()->C_Sign(session, data.data(), data.size(), signature.data(), &length) != CKR_OK ||
                    !ref::EcdsaVerifyRaw(key.point, "P-256", hash, signature)) {
                    failures[t].push_back("sign");
                }
            }
            fl()->C_CloseSession(session);
        });
    }
    for (auto &thread : threads) {
        thread.join();
    }
    EXPECT_TRUE(failures[0].empty()) << failures[0].size() << " failures, first: " << failures[0][0];
    EXPECT_TRUE(failures[1].empty()) << failures[1].size() << " failures, first: " << failures[1][0];
}

} // namespace
} // namespace p11conf
