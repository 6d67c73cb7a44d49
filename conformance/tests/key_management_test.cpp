// Key management (v2.40 §5.14): C_GenerateKey of AES keys, C_WrapKey and
// C_UnwrapKey of an AES key (RFC 3394 key wrap, CBC-PAD), C_DeriveKey with
// ECDH against OpenSSL's shared secret; and C_DigestKey (v2.40 §5.10) of a
// secret key against SHA-256 of its value.
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

const ByteVector kWrapIv = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
                            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

class KeyManagement : public KeyTest {
  protected:
    // C_GenerateKey(CKM_AES_KEY_GEN) of a session key with `tmpl` plus
    // CKA_CLASS, CKA_KEY_TYPE, CKA_TOKEN false and a label; its return value.
    CK_RV GenerateAes(Template &tmpl, CK_OBJECT_HANDLE *key)
    {
        tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Bool(CKA_TOKEN, false);
        tmpl.Text(CKA_LABEL, Label("AES Key"));
        CK_MECHANISM mechanism = {CKM_AES_KEY_GEN, nullptr, 0};
        *key = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_GenerateKey(session_, &mechanism, tmpl.data(), tmpl.size(), key);
        Keep(rv == CKR_OK ? *key : CK_INVALID_HANDLE);
        return rv;
    }

    CK_ULONG UlongAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
    {
        const ByteVector value = Attribute(object, type);
        CK_ULONG out = 0;
        if (value.size() == sizeof(out)) {
            std::memcpy(&out, value.data(), sizeof(out));
        } else {
            ADD_FAILURE() << "a CK_ULONG attribute of " << value.size() << " bytes";
        }
        return out;
    }

    // Imports an AES key with `secret` (CKA_EXTRACTABLE as asked).
    CK_OBJECT_HANDLE ImportAes(const ByteVector &secret, const std::string &role, bool extractable = true,
                               bool wrap = false)
    {
        Template tmpl = AesTemplate(secret);
        tmpl.Bool(CKA_EXTRACTABLE, extractable);
        if (wrap) {
            tmpl.Bool(CKA_WRAP, true).Bool(CKA_UNWRAP, true);
        }
        return CreateObject(tmpl, role, false);
    }

    // C_WrapKey with `type`, a length query first; empty with a failure on error.
    ByteVector Wrap(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE wrapping_key, CK_OBJECT_HANDLE key)
    {
        ByteVector iv = kWrapIv;
        CK_MECHANISM mechanism = {type, type == CKM_AES_CBC_PAD ? iv.data() : nullptr,
                                  type == CKM_AES_CBC_PAD ? static_cast<CK_ULONG>(iv.size()) : 0};
        CK_ULONG length = 0;
        EXPECT_RV(fl()->C_WrapKey(session_, &mechanism, wrapping_key, key, nullptr, &length), CKR_OK)
            << "C_WrapKey length query, v2.40 §5.2";
        ByteVector wrapped(length);
        const CK_RV rv = fl()->C_WrapKey(session_, &mechanism, wrapping_key, key, wrapped.data(), &length);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_WrapKey with " << MechanismName(type);
        wrapped.resize(rv == CKR_OK ? length : 0);
        return wrapped;
    }

    // C_EncryptInit(CKM_AES_ECB) and C_Encrypt of two blocks.
    ByteVector EncryptBlocks(CK_OBJECT_HANDLE key)
    {
        CK_MECHANISM mechanism = {CKM_AES_ECB, nullptr, 0};
        EXPECT_RV(fl()->C_EncryptInit(session_, &mechanism, key), CKR_OK);
        ByteVector data = blocks_, out(blocks_.size());
        CK_ULONG length = out.size();
        const CK_RV rv = fl()->C_Encrypt(session_, data.data(), data.size(), out.data(), &length);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_Encrypt with CKM_AES_ECB";
        out.resize(rv == CKR_OK ? length : 0);
        return out;
    }

    ByteVector blocks_ = ByteVector(32, 0x5C);
};

// ---- C_GenerateKey ---------------------------------------------------------------

P11_CASE(KeyManagement, GeneratedAes256KeyReportsItsValueLen, .group = "key_management",
         .functions = "C_GenerateKey C_GetAttributeValue", .mechanisms = "CKM_AES_KEY_GEN",
         .section = "v2.40 §5.14 C_GenerateKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_GEN, CKF_GENERATE, 32));
    Template tmpl;
    tmpl.Ulong(CKA_VALUE_LEN, 32).Bool(CKA_ENCRYPT, true);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    ASSERT_RV(GenerateAes(tmpl, &key), CKR_OK);
    EXPECT_EQ(UlongAttribute(key, CKA_VALUE_LEN), 32u) << "PKCS #11 Mechanisms v2.40 §2.10 (AES): CKA_VALUE_LEN";
    EXPECT_EQ(UlongAttribute(key, CKA_CLASS), static_cast<CK_ULONG>(CKO_SECRET_KEY));
    EXPECT_EQ(UlongAttribute(key, CKA_KEY_TYPE), static_cast<CK_ULONG>(CKK_AES));
}

P11_CASE(KeyManagement, GeneratedAes128KeyReportsItsValueLen, .group = "key_management",
         .functions = "C_GenerateKey C_GetAttributeValue", .mechanisms = "CKM_AES_KEY_GEN",
         .section = "v2.40 §5.14 C_GenerateKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_GEN, CKF_GENERATE, 16));
    Template tmpl;
    tmpl.Ulong(CKA_VALUE_LEN, 16).Bool(CKA_ENCRYPT, true);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    ASSERT_RV(GenerateAes(tmpl, &key), CKR_OK);
    EXPECT_EQ(UlongAttribute(key, CKA_VALUE_LEN), 16u) << "PKCS #11 Mechanisms v2.40 §2.10 (AES): CKA_VALUE_LEN";
}

P11_CASE(KeyManagement, GeneratedSensitiveAesKeyHidesItsValue, .group = "key_management",
         .functions = "C_GenerateKey C_GetAttributeValue", .mechanisms = "CKM_AES_KEY_GEN",
         .section = "v2.40 §5.14 C_GenerateKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_GEN, CKF_GENERATE, 32));
    Template tmpl;
    tmpl.Ulong(CKA_VALUE_LEN, 32).Bool(CKA_SENSITIVE, true).Bool(CKA_ENCRYPT, true);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    ASSERT_RV(GenerateAes(tmpl, &key), CKR_OK);
    CK_RV rv = CKR_OK;
    CK_ULONG length = 0;
    EXPECT_TRUE(ReadLeavesBufferUntouched(key, CKA_VALUE, &rv, &length)) << "no byte of the value is given out";
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_ATTRIBUTE_SENSITIVE}))
        << "v2.40 §5.7 C_GetAttributeValue: CKA_VALUE of a sensitive key";
    EXPECT_EQ(length, CK_UNAVAILABLE_INFORMATION) << "v2.40 §5.7: ulValueLen of a sensitive attribute";
    EXPECT_EQ(Attribute(key, CKA_SENSITIVE), ByteVector{CK_TRUE}) << "CKA_SENSITIVE as the template asked";
}

P11_CASE(KeyManagement, GenerateAesWithoutValueLenIsTemplateIncomplete, .group = "key_management",
         .functions = "C_GenerateKey", .mechanisms = "CKM_AES_KEY_GEN", .section = "v2.40 §5.14 C_GenerateKey")
{
    P11_SKIP_UNLESS(Offers(CKM_AES_KEY_GEN, CKF_GENERATE));
    Template tmpl;
    tmpl.Bool(CKA_ENCRYPT, true);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    EXPECT_RV(GenerateAes(tmpl, &key), CKR_TEMPLATE_INCOMPLETE)
        << "PKCS #11 Mechanisms v2.40 §2.10 (AES): CKA_VALUE_LEN must be specified when the key is generated; "
           "v2.40 §5.1.6 CKR_TEMPLATE_INCOMPLETE";
}

// ---- C_WrapKey / C_UnwrapKey ---------------------------------------------------

P11_CASE(KeyManagement, AesKeyWrapMatchesOpenSsl, .group = "key_management",
         .functions = "C_WrapKey C_CreateObject", .mechanisms = "CKM_AES_KEY_WRAP",
         .section = "v2.40 §5.14 C_WrapKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_WRAP, CKF_WRAP, 32));
    const ByteVector kek = AesSecret(32), secret = AesSecret(16);
    const CK_OBJECT_HANDLE wrapping_key = ImportAes(kek, "Wrapping Key", false, true);
    const CK_OBJECT_HANDLE key = ImportAes(secret, "AES Key");
    ASSERT_NE(wrapping_key, CK_INVALID_HANDLE);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_EQ(Wrap(CKM_AES_KEY_WRAP, wrapping_key, key), ref::AesKeyWrap(kek, secret))
        << "RFC 3394 key wrap with the default IV (PKCS #11 Mechanisms v2.40, AES key wrap)";
}

P11_CASE(KeyManagement, AesCbcPadWrapMatchesOpenSsl, .group = "key_management",
         .functions = "C_WrapKey C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD", .section = "v2.40 §5.14 C_WrapKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_CBC_PAD, CKF_WRAP, 32));
    const ByteVector kek = AesSecret(32), secret = AesSecret(16);
    const CK_OBJECT_HANDLE wrapping_key = ImportAes(kek, "Wrapping Key", false, true);
    const CK_OBJECT_HANDLE key = ImportAes(secret, "AES Key");
    ASSERT_NE(wrapping_key, CK_INVALID_HANDLE);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_EQ(Wrap(CKM_AES_CBC_PAD, wrapping_key, key), ref::AesEncrypt("cbc-pad", kek, kWrapIv, secret))
        << "CKA_VALUE encrypted with CBC and PKCS #7 padding (PKCS #11 Mechanisms v2.40 §2.10)";
}

P11_CASE(KeyManagement, UnwrappedKeyEncryptsLikeTheOriginal, .group = "key_management",
         .functions = "C_UnwrapKey C_WrapKey C_EncryptInit C_Encrypt C_CreateObject",
         .mechanisms = "CKM_AES_KEY_WRAP CKM_AES_ECB", .section = "v2.40 §5.14 C_UnwrapKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_WRAP, CKF_WRAP | CKF_UNWRAP, 32) &&
                    OffersKeySize(CKM_AES_ECB, CKF_ENCRYPT, 32));
    const ByteVector kek = AesSecret(32), secret = AesSecret(32);
    const CK_OBJECT_HANDLE wrapping_key = ImportAes(kek, "Wrapping Key", false, true);
    const CK_OBJECT_HANDLE key = ImportAes(secret, "AES Key");
    ASSERT_NE(wrapping_key, CK_INVALID_HANDLE);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    ByteVector wrapped = Wrap(CKM_AES_KEY_WRAP, wrapping_key, key);
    ASSERT_EQ(wrapped.size(), 40u) << "RFC 3394: 8 bytes more than the 32-byte key";

    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Bool(CKA_TOKEN, false);
    tmpl.Bool(CKA_ENCRYPT, true).Text(CKA_LABEL, Label("Unwrapped Key"));
    CK_MECHANISM mechanism = {CKM_AES_KEY_WRAP, nullptr, 0};
    CK_OBJECT_HANDLE unwrapped = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_UnwrapKey(session_, &mechanism, wrapping_key, wrapped.data(), wrapped.size(), tmpl.data(),
                                tmpl.size(), &unwrapped),
              CKR_OK);
    Keep(unwrapped);
    const ByteVector expected = ref::AesEncrypt("ecb", secret, {}, blocks_);
    EXPECT_EQ(EncryptBlocks(key), expected) << "the original key, against OpenSSL";
    EXPECT_EQ(EncryptBlocks(unwrapped), expected) << "the unwrapped key is the same key";
}

P11_CASE(KeyManagement, WrappingAnUnextractableKeyIsKeyUnextractable, .group = "key_management",
         .functions = "C_WrapKey C_CreateObject", .mechanisms = "CKM_AES_KEY_WRAP", .section = "v2.40 §5.14 C_WrapKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_WRAP, CKF_WRAP, 32));
    const CK_OBJECT_HANDLE wrapping_key = ImportAes(AesSecret(32), "Wrapping Key", false, true);
    const CK_OBJECT_HANDLE key = ImportAes(AesSecret(16), "AES Key", false);
    ASSERT_NE(wrapping_key, CK_INVALID_HANDLE);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    CK_MECHANISM mechanism = {CKM_AES_KEY_WRAP, nullptr, 0};
    ByteVector wrapped(64);
    CK_ULONG length = wrapped.size();
    EXPECT_RV(fl()->C_WrapKey(session_, &mechanism, wrapping_key, key, wrapped.data(), &length),
              CKR_KEY_UNEXTRACTABLE)
        << "CKA_EXTRACTABLE is false; v2.40 §5.1.6 CKR_KEY_UNEXTRACTABLE";
}

P11_CASE(KeyManagement, WrapKeyLengthQueryGivesTheLength, .group = "key_management",
         .functions = "C_WrapKey C_CreateObject", .mechanisms = "CKM_AES_KEY_WRAP", .section = "v2.40 §5.14 C_WrapKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_WRAP, CKF_WRAP, 32));
    const CK_OBJECT_HANDLE wrapping_key = ImportAes(AesSecret(32), "Wrapping Key", false, true);
    const CK_OBJECT_HANDLE key = ImportAes(AesSecret(16), "AES Key");
    ASSERT_NE(wrapping_key, CK_INVALID_HANDLE);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    CK_MECHANISM mechanism = {CKM_AES_KEY_WRAP, nullptr, 0};
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_WrapKey(session_, &mechanism, wrapping_key, key, nullptr, &length), CKR_OK) << "v2.40 §5.2";
    EXPECT_EQ(length, 24u) << "RFC 3394: a 16-byte key wraps to 24 bytes";
    ByteVector small(8);
    CK_ULONG small_length = small.size();
    EXPECT_RV(fl()->C_WrapKey(session_, &mechanism, wrapping_key, key, small.data(), &small_length),
              CKR_BUFFER_TOO_SMALL)
        << "v2.40 §5.2";
    EXPECT_EQ(small_length, 24u) << "v2.40 §5.2: the length needed";
}

// ---- C_DeriveKey ---------------------------------------------------------------------

P11_CASE(KeyManagement, Ecdh1DeriveMatchesOpenSslSharedSecret, .group = "key_management",
         .functions = "C_DeriveKey C_CreateObject C_GetAttributeValue", .mechanisms = "CKM_ECDH1_DERIVE",
         .section = "v2.40 §5.14 C_DeriveKey")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_ECDH1_DERIVE, CKF_DERIVE, 256));
    const ref::EcKey own = ref::GenerateEcKey("P-256");
    const ref::EcKey peer = ref::GenerateEcKey("P-256");
    Template priv;
    priv.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, true).Bool(CKA_DERIVE, true);
    priv.Bytes(CKA_EC_PARAMS, own.ec_params).Bytes(CKA_VALUE, own.private_value);
    const CK_OBJECT_HANDLE base = CreateObject(priv, "Device Priv TLS Key", false);
    ASSERT_NE(base, CK_INVALID_HANDLE);

    ByteVector peer_point = peer.point; // uncompressed 04||X||Y (PKCS #11 Mechanisms v2.40 §2.3)
    CK_ECDH1_DERIVE_PARAMS params = {CKD_NULL, 0, nullptr, static_cast<CK_ULONG>(peer_point.size()),
                                     peer_point.data()};
    CK_MECHANISM mechanism = {CKM_ECDH1_DERIVE, &params, sizeof(params)};
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET).Ulong(CKA_VALUE_LEN, 32);
    tmpl.Bool(CKA_TOKEN, false).Bool(CKA_SENSITIVE, false).Bool(CKA_EXTRACTABLE, true);
    tmpl.Text(CKA_LABEL, Label("Derived Key"));
    CK_OBJECT_HANDLE derived = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_DeriveKey(session_, &mechanism, base, tmpl.data(), tmpl.size(), &derived), CKR_OK);
    Keep(derived);
    EXPECT_EQ(Attribute(derived, CKA_VALUE), ref::EcdhSecret(peer, own.point))
        << "CKD_NULL: the shared secret's x-coordinate, as OpenSSL derives it from the peer's side";
}

// ---- C_DigestKey ---------------------------------------------------------------------

P11_CASE(KeyManagement, DigestKeyEqualsSha256OfTheKeyValue, .group = "key_management",
         .functions = "C_DigestKey C_DigestInit C_DigestFinal C_GenerateKey C_GetAttributeValue",
         .mechanisms = "CKM_SHA256 CKM_AES_KEY_GEN", .section = "v2.40 §5.10 C_DigestKey")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256, CKF_DIGEST) && OffersKeySize(CKM_AES_KEY_GEN, CKF_GENERATE, 32));
    // Extractable and not sensitive, so the value can be read to check the digest.
    Template tmpl;
    tmpl.Ulong(CKA_VALUE_LEN, 32).Bool(CKA_SENSITIVE, false).Bool(CKA_EXTRACTABLE, true).Bool(CKA_ENCRYPT, true);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    ASSERT_RV(GenerateAes(tmpl, &key), CKR_OK);
    const ByteVector value = Attribute(key, CKA_VALUE);
    ASSERT_EQ(value.size(), 32u);
    CK_MECHANISM sha256 = {CKM_SHA256, nullptr, 0};
    ASSERT_RV(fl()->C_DigestInit(session_, &sha256), CKR_OK);
    ASSERT_RV(fl()->C_DigestKey(session_, key), CKR_OK);
    ByteVector digest(32);
    CK_ULONG length = digest.size();
    ASSERT_RV(fl()->C_DigestFinal(session_, digest.data(), &length), CKR_OK);
    digest.resize(length);
    EXPECT_EQ(digest, ref::Sha256(value)) << "C_DigestKey digests the key's value";
}

} // namespace
} // namespace p11conf
