// Encryption and decryption (v2.40 §5.8, §5.9) with AES: CKM_AES_ECB,
// CKM_AES_CBC_PAD and CKM_AES_GCM against OpenSSL for an imported key, a
// generated key round trip, single-part equal to multi-part, the §5.2 output
// convention (a NULL buffer asks for the length, a buffer too small is
// CKR_BUFFER_TOO_SMALL, both keep the operation, any other result of
// C_Encrypt / C_Decrypt ends it), the length and padding errors, the key's
// CKA_ENCRYPT / CKA_DECRYPT, and the dual-function calls of v2.40 §5.13.
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

const ByteVector kIv = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
const ByteVector kGcmNonce = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
const ByteVector kGcmAad = {'h', 'e', 'a', 'd', 'e', 'r'};

// 37 bytes: not a multiple of the block, so CBC-PAD pads 11 bytes.
ByteVector PaddedPlaintext()
{
    const std::string text = "PKCS #11 cipher conformance payload!";
    ByteVector out(text.begin(), text.end());
    out.push_back('?');
    return out;
}

// 48 bytes: three blocks, what CKM_AES_ECB takes.
ByteVector BlockPlaintext()
{
    ByteVector out(48);
    for (size_t i = 0; i < out.size(); ++i) {
        out[i] = static_cast<unsigned char>(i * 5 + 1);
    }
    return out;
}

// A cipher mechanism with the parameters this suite uses: a fixed 16-byte IV
// for CBC, a 12-byte nonce, 6 bytes of AAD and a 128-bit tag for GCM.
class CipherMechanism {
  public:
    explicit CipherMechanism(CK_MECHANISM_TYPE type) : value_{type, nullptr, 0}
    {
        if (type == CKM_AES_CBC_PAD || type == CKM_AES_CBC) {
            value_.pParameter = iv_.data();
            value_.ulParameterLen = iv_.size();
        } else if (type == CKM_AES_GCM) {
            gcm_ = CK_GCM_PARAMS{nonce_.data(), nonce_.size(), nonce_.size() * 8, aad_.data(), aad_.size(), 128};
            value_.pParameter = &gcm_;
            value_.ulParameterLen = sizeof(gcm_);
        }
    }
    CipherMechanism(const CipherMechanism &) = delete;
    CipherMechanism &operator=(const CipherMechanism &) = delete;
    CK_MECHANISM *get() { return &value_; }

  private:
    ByteVector iv_ = kIv, nonce_ = kGcmNonce, aad_ = kGcmAad;
    CK_GCM_PARAMS gcm_{};
    CK_MECHANISM value_;
};

// OpenSSL's ciphertext of `plaintext` under `secret` with the parameters above.
ByteVector Reference(CK_MECHANISM_TYPE type, const ByteVector &secret, const ByteVector &plaintext)
{
    if (type == CKM_AES_GCM) {
        return ref::AesEncrypt("gcm", secret, kGcmNonce, plaintext, kGcmAad);
    }
    return ref::AesEncrypt(type == CKM_AES_ECB ? "ecb" : "cbc-pad", secret, type == CKM_AES_ECB ? ByteVector{} : kIv,
                           plaintext);
}

const char *MechanismSection(CK_MECHANISM_TYPE type)
{
    return type == CKM_AES_GCM ? "PKCS #11 Mechanisms v2.40, AES-GCM" : "PKCS #11 Mechanisms v2.40 §2.10 (AES)";
}

class Cipher : public KeyTest {
  protected:
    // Imports the 32-byte AES key (a session object with CKA_ENCRYPT and
    // CKA_DECRYPT) when the module offers `type` with `flags` for 32-byte
    // keys; false (skip_reason(), or a failure) otherwise.
    bool UseAesKey(CK_MECHANISM_TYPE type, CK_FLAGS flags)
    {
        if (!OffersKeySize(type, flags, 32)) {
            return false;
        }
        Template tmpl = AesTemplate(secret_);
        key_ = CreateObject(tmpl, "AES Key", false);
        return key_ != CK_INVALID_HANDLE;
    }

    CK_RV EncryptInit(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key)
    {
        CipherMechanism mechanism(type);
        return fl()->C_EncryptInit(session_, mechanism.get(), key);
    }

    CK_RV DecryptInit(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key)
    {
        CipherMechanism mechanism(type);
        return fl()->C_DecryptInit(session_, mechanism.get(), key);
    }

    // C_EncryptInit, the NULL-buffer length query, C_Encrypt; empty with a
    // test failure on error.
    ByteVector Encrypt(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, ByteVector data)
    {
        EXPECT_RV(EncryptInit(type, key), CKR_OK) << "C_EncryptInit with " << MechanismName(type);
        CK_ULONG length = 0;
        EXPECT_RV(fl()->C_Encrypt(session_, data.data(), data.size(), nullptr, &length), CKR_OK)
            << "C_Encrypt length query, v2.40 §5.2";
        ByteVector out(length);
        const CK_RV rv = fl()->C_Encrypt(session_, data.data(), data.size(), out.data(), &length);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_Encrypt with " << MechanismName(type);
        out.resize(rv == CKR_OK ? length : 0);
        return out;
    }

    // The same for C_DecryptInit / C_Decrypt.
    ByteVector Decrypt(CK_MECHANISM_TYPE type, CK_OBJECT_HANDLE key, ByteVector data)
    {
        EXPECT_RV(DecryptInit(type, key), CKR_OK) << "C_DecryptInit with " << MechanismName(type);
        CK_ULONG length = 0;
        EXPECT_RV(fl()->C_Decrypt(session_, data.data(), data.size(), nullptr, &length), CKR_OK)
            << "C_Decrypt length query, v2.40 §5.2";
        ByteVector out(length);
        const CK_RV rv = fl()->C_Decrypt(session_, data.data(), data.size(), out.data(), &length);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_Decrypt with " << MechanismName(type);
        out.resize(rv == CKR_OK ? length : 0);
        return out;
    }

    // C_Encrypt of plaintext_ into a buffer of `capacity` bytes (NULL when 0).
    CK_RV EncryptInto(CK_ULONG capacity, CK_ULONG *length, ByteVector *out)
    {
        out->assign(capacity, 0);
        *length = capacity;
        return fl()->C_Encrypt(session_, plaintext_.data(), plaintext_.size(), capacity == 0 ? nullptr : out->data(),
                               length);
    }

    // C_EncryptUpdate of `part`, its output appended to *out.
    CK_RV EncryptUpdate(const ByteVector &part, ByteVector *out)
    {
        ByteVector buffer(part.size() + 32);
        CK_ULONG length = buffer.size();
        ByteVector input = part;
        const CK_RV rv = fl()->C_EncryptUpdate(session_, input.data(), input.size(), buffer.data(), &length);
        if (rv == CKR_OK) {
            out->insert(out->end(), buffer.begin(), buffer.begin() + static_cast<long>(length));
        }
        return rv;
    }

    CK_RV DecryptUpdate(const ByteVector &part, ByteVector *out)
    {
        ByteVector buffer(part.size() + 32);
        CK_ULONG length = buffer.size();
        ByteVector input = part;
        const CK_RV rv = fl()->C_DecryptUpdate(session_, input.data(), input.size(), buffer.data(), &length);
        if (rv == CKR_OK) {
            out->insert(out->end(), buffer.begin(), buffer.begin() + static_cast<long>(length));
        }
        return rv;
    }

    ByteVector secret_ = AesSecret(32);
    CK_OBJECT_HANDLE key_ = CK_INVALID_HANDLE;
    ByteVector plaintext_ = PaddedPlaintext();
};

// ---- Results against OpenSSL -------------------------------------------------

P11_CASE(Cipher, AesCbcPadEncryptMatchesOpenSsl, .group = "cipher",
         .functions = "C_Encrypt C_EncryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_ENCRYPT));
    EXPECT_EQ(Encrypt(CKM_AES_CBC_PAD, key_, plaintext_), Reference(CKM_AES_CBC_PAD, secret_, plaintext_))
        << "AES-256-CBC with PKCS #7 padding, " << MechanismSection(CKM_AES_CBC_PAD);
}

P11_CASE(Cipher, AesEcbEncryptMatchesOpenSsl, .group = "cipher", .functions = "C_Encrypt C_EncryptInit C_CreateObject",
         .mechanisms = "CKM_AES_ECB", .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_ENCRYPT));
    const ByteVector blocks = BlockPlaintext();
    EXPECT_EQ(Encrypt(CKM_AES_ECB, key_, blocks), Reference(CKM_AES_ECB, secret_, blocks))
        << "AES-256-ECB, " << MechanismSection(CKM_AES_ECB);
}

P11_CASE(Cipher, AesGcmEncryptMatchesOpenSsl, .group = "cipher", .functions = "C_Encrypt C_EncryptInit C_CreateObject",
         .mechanisms = "CKM_AES_GCM", .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_GCM, CKF_ENCRYPT));
    EXPECT_EQ(Encrypt(CKM_AES_GCM, key_, plaintext_), Reference(CKM_AES_GCM, secret_, plaintext_))
        << "AES-256-GCM ciphertext followed by the 16-byte tag, " << MechanismSection(CKM_AES_GCM);
}

P11_CASE(Cipher, AesCbcPadDecryptGivesThePlaintextBack, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_DECRYPT));
    EXPECT_EQ(Decrypt(CKM_AES_CBC_PAD, key_, Reference(CKM_AES_CBC_PAD, secret_, plaintext_)), plaintext_)
        << "OpenSSL's ciphertext, the padding removed";
}

P11_CASE(Cipher, AesEcbDecryptGivesThePlaintextBack, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_ECB",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_DECRYPT));
    const ByteVector blocks = BlockPlaintext();
    EXPECT_EQ(Decrypt(CKM_AES_ECB, key_, Reference(CKM_AES_ECB, secret_, blocks)), blocks);
}

P11_CASE(Cipher, AesGcmDecryptGivesThePlaintextBack, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_GCM",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_GCM, CKF_DECRYPT));
    EXPECT_EQ(Decrypt(CKM_AES_GCM, key_, Reference(CKM_AES_GCM, secret_, plaintext_)), plaintext_)
        << "OpenSSL's ciphertext and tag";
}

P11_CASE(Cipher, AesGcmDecryptWithAWrongTagIsEncryptedDataInvalid, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_GCM",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_GCM, CKF_DECRYPT));
    ByteVector ciphertext = Reference(CKM_AES_GCM, secret_, plaintext_);
    ciphertext.back() ^= 0x01;
    ASSERT_RV(DecryptInit(CKM_AES_GCM, key_), CKR_OK);
    ByteVector out(ciphertext.size());
    CK_ULONG length = out.size();
    EXPECT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length),
              CKR_ENCRYPTED_DATA_INVALID)
        << "the tag does not authenticate the data (v2.40 §5.1.6: \"determined to be invalid ciphertext\")";
}

P11_CASE(Cipher, GeneratedAesKeyDecryptsWhatItEncrypted, .group = "cipher",
         .functions = "C_Encrypt C_EncryptInit C_Decrypt C_DecryptInit C_GenerateKey",
         .mechanisms = "CKM_AES_CBC_PAD CKM_AES_KEY_GEN", .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_KEY_GEN, CKF_GENERATE, 32) &&
                    OffersKeySize(CKM_AES_CBC_PAD, CKF_ENCRYPT | CKF_DECRYPT, 32));
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Ulong(CKA_VALUE_LEN, 32);
    tmpl.Bool(CKA_TOKEN, false).Bool(CKA_ENCRYPT, true).Bool(CKA_DECRYPT, true).Text(CKA_LABEL, Label("AES Key"));
    CK_MECHANISM mechanism = {CKM_AES_KEY_GEN, nullptr, 0};
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_GenerateKey(session_, &mechanism, tmpl.data(), tmpl.size(), &key), CKR_OK)
        << "v2.40 §5.14 C_GenerateKey";
    Keep(key);
    const ByteVector ciphertext = Encrypt(CKM_AES_CBC_PAD, key, plaintext_);
    EXPECT_EQ(ciphertext.size(), 48u) << "37 bytes padded to three blocks, " << MechanismSection(CKM_AES_CBC_PAD);
    EXPECT_NE(ciphertext, Reference(CKM_AES_CBC_PAD, secret_, plaintext_)) << "a generated key is not the fixed one";
    EXPECT_EQ(Decrypt(CKM_AES_CBC_PAD, key, ciphertext), plaintext_);
}

// ---- Multi-part ----------------------------------------------------------------

P11_CASE(Cipher, MultiPartEncryptEqualsSinglePart, .group = "cipher",
         .functions = "C_EncryptUpdate C_EncryptFinal C_EncryptInit C_Encrypt C_CreateObject",
         .mechanisms = "CKM_AES_CBC_PAD", .section = "v2.40 §5.8 C_EncryptUpdate")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_ENCRYPT));
    const ByteVector single = Encrypt(CKM_AES_CBC_PAD, key_, plaintext_);
    ASSERT_RV(EncryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    ByteVector multi;
    // Parts that do not fall on block boundaries: 5, 20 and 12 bytes.
    ASSERT_RV(EncryptUpdate(ByteVector(plaintext_.begin(), plaintext_.begin() + 5), &multi), CKR_OK);
    ASSERT_RV(EncryptUpdate(ByteVector(plaintext_.begin() + 5, plaintext_.begin() + 25), &multi), CKR_OK);
    ASSERT_RV(EncryptUpdate(ByteVector(plaintext_.begin() + 25, plaintext_.end()), &multi), CKR_OK);
    ByteVector last(32);
    CK_ULONG length = last.size();
    ASSERT_RV(fl()->C_EncryptFinal(session_, last.data(), &length), CKR_OK);
    multi.insert(multi.end(), last.begin(), last.begin() + static_cast<long>(length));
    EXPECT_EQ(multi, single) << "the parts and C_EncryptFinal give what C_Encrypt gives";
    EXPECT_EQ(multi, Reference(CKM_AES_CBC_PAD, secret_, plaintext_)) << "and OpenSSL";
}

P11_CASE(Cipher, MultiPartDecryptEqualsSinglePart, .group = "cipher",
         .functions = "C_DecryptUpdate C_DecryptFinal C_DecryptInit C_Decrypt C_CreateObject",
         .mechanisms = "CKM_AES_CBC_PAD", .section = "v2.40 §5.9 C_DecryptUpdate")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_DECRYPT));
    const ByteVector ciphertext = Reference(CKM_AES_CBC_PAD, secret_, plaintext_);
    const ByteVector single = Decrypt(CKM_AES_CBC_PAD, key_, ciphertext);
    ASSERT_RV(DecryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    ByteVector multi;
    ASSERT_RV(DecryptUpdate(ByteVector(ciphertext.begin(), ciphertext.begin() + 7), &multi), CKR_OK);
    ASSERT_RV(DecryptUpdate(ByteVector(ciphertext.begin() + 7, ciphertext.begin() + 33), &multi), CKR_OK);
    ASSERT_RV(DecryptUpdate(ByteVector(ciphertext.begin() + 33, ciphertext.end()), &multi), CKR_OK);
    ByteVector last(32);
    CK_ULONG length = last.size();
    ASSERT_RV(fl()->C_DecryptFinal(session_, last.data(), &length), CKR_OK);
    multi.insert(multi.end(), last.begin(), last.begin() + static_cast<long>(length));
    EXPECT_EQ(multi, single) << "the parts and C_DecryptFinal give what C_Decrypt gives";
    EXPECT_EQ(multi, plaintext_);
}

P11_CASE(Cipher, EncryptFinalLengthQueryKeepsTheOperation, .group = "cipher",
         .functions = "C_EncryptFinal C_EncryptUpdate C_EncryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.8 C_EncryptFinal")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_ENCRYPT));
    ASSERT_RV(EncryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    ByteVector out;
    ASSERT_RV(EncryptUpdate(plaintext_, &out), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_EncryptFinal(session_, nullptr, &length), CKR_OK) << "v2.40 §5.2";
    EXPECT_EQ(out.size() + length, 48u) << "what is left of three padded blocks";
    ByteVector last(length);
    ASSERT_RV(fl()->C_EncryptFinal(session_, last.data(), &length), CKR_OK) << "the length query keeps it";
    out.insert(out.end(), last.begin(), last.begin() + static_cast<long>(length));
    EXPECT_EQ(out, Reference(CKM_AES_CBC_PAD, secret_, plaintext_));
}

// ---- The §5.2 output convention and the end of the operation -----------------

P11_CASE(Cipher, EncryptLengthQueryKeepsTheOperation, .group = "cipher",
         .functions = "C_Encrypt C_EncryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_ENCRYPT));
    ASSERT_RV(EncryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    CK_ULONG length = 0;
    ByteVector out;
    ASSERT_RV(EncryptInto(0, &length, &out), CKR_OK) << "v2.40 §5.2";
    EXPECT_EQ(length, 48u) << "37 bytes padded to three blocks";
    ASSERT_RV(EncryptInto(48, &length, &out), CKR_OK) << "the length query keeps the operation";
    out.resize(length);
    EXPECT_EQ(out, Reference(CKM_AES_CBC_PAD, secret_, plaintext_));
}

P11_CASE(Cipher, EncryptBufferTooSmallKeepsTheOperation, .group = "cipher",
         .functions = "C_Encrypt C_EncryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_ENCRYPT));
    ASSERT_RV(EncryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    CK_ULONG length = 0;
    ByteVector out;
    EXPECT_RV(EncryptInto(16, &length, &out), CKR_BUFFER_TOO_SMALL) << "v2.40 §5.2";
    EXPECT_EQ(length, 48u) << "v2.40 §5.2: the length needed";
    ASSERT_RV(EncryptInto(48, &length, &out), CKR_OK) << "CKR_BUFFER_TOO_SMALL keeps the operation";
    out.resize(length);
    EXPECT_EQ(out, Reference(CKM_AES_CBC_PAD, secret_, plaintext_));
}

P11_CASE(Cipher, EncryptEndsTheOperation, .group = "cipher", .functions = "C_Encrypt C_EncryptInit C_CreateObject",
         .mechanisms = "CKM_AES_CBC_PAD", .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_ENCRYPT));
    ASSERT_RV(EncryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    CK_ULONG length = 0;
    ByteVector out;
    ASSERT_RV(EncryptInto(48, &length, &out), CKR_OK);
    EXPECT_RV(EncryptInto(48, &length, &out), CKR_OPERATION_NOT_INITIALIZED) << "a finished C_Encrypt ends it";
}

P11_CASE(Cipher, DecryptLengthQueryKeepsTheOperation, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_DECRYPT));
    ByteVector ciphertext = Reference(CKM_AES_CBC_PAD, secret_, plaintext_);
    ASSERT_RV(DecryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    CK_ULONG length = 0;
    ASSERT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), nullptr, &length), CKR_OK)
        << "v2.40 §5.2";
    // §5.2: the length may be "somewhat (but not much) larger" than needed.
    EXPECT_GE(length, plaintext_.size());
    EXPECT_LE(length, ciphertext.size());
    ByteVector out(length);
    ASSERT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length), CKR_OK)
        << "the length query keeps the operation";
    out.resize(length);
    EXPECT_EQ(out, plaintext_);
}

P11_CASE(Cipher, DecryptBufferTooSmallKeepsTheOperation, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_ECB",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_DECRYPT));
    const ByteVector blocks = BlockPlaintext();
    ByteVector ciphertext = Reference(CKM_AES_ECB, secret_, blocks);
    ASSERT_RV(DecryptInit(CKM_AES_ECB, key_), CKR_OK);
    ByteVector out(48);
    CK_ULONG length = 16;
    EXPECT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length),
              CKR_BUFFER_TOO_SMALL)
        << "v2.40 §5.2";
    EXPECT_EQ(length, 48u) << "v2.40 §5.2: the length needed (ECB: the input's)";
    length = out.size();
    ASSERT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length), CKR_OK)
        << "CKR_BUFFER_TOO_SMALL keeps the operation";
    out.resize(length);
    EXPECT_EQ(out, blocks);
}

P11_CASE(Cipher, DecryptEndsTheOperation, .group = "cipher", .functions = "C_Decrypt C_DecryptInit C_CreateObject",
         .mechanisms = "CKM_AES_ECB", .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_DECRYPT));
    ByteVector ciphertext = Reference(CKM_AES_ECB, secret_, BlockPlaintext());
    ASSERT_RV(DecryptInit(CKM_AES_ECB, key_), CKR_OK);
    ByteVector out(48);
    CK_ULONG length = out.size();
    ASSERT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length), CKR_OK);
    length = out.size();
    EXPECT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length),
              CKR_OPERATION_NOT_INITIALIZED)
        << "a finished C_Decrypt ends it";
}

P11_CASE(Cipher, SecondEncryptInitIsOperationActive, .group = "cipher", .functions = "C_EncryptInit C_CreateObject",
         .mechanisms = "CKM_AES_ECB", .section = "v2.40 §5.8 C_EncryptInit")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_ENCRYPT));
    ASSERT_RV(EncryptInit(CKM_AES_ECB, key_), CKR_OK);
    EXPECT_RV(EncryptInit(CKM_AES_ECB, key_), CKR_OPERATION_ACTIVE);
}

P11_CASE(Cipher, EncryptWithoutInitIsOperationNotInitialized, .group = "cipher", .functions = "C_Encrypt",
         .section = "v2.40 §5.8 C_Encrypt")
{
    CK_ULONG length = 0;
    ByteVector out;
    EXPECT_RV(EncryptInto(48, &length, &out), CKR_OPERATION_NOT_INITIALIZED);
}

P11_CASE(Cipher, DecryptWithoutInitIsOperationNotInitialized, .group = "cipher", .functions = "C_Decrypt",
         .section = "v2.40 §5.9 C_Decrypt")
{
    ByteVector data(32, 0x11), out(32);
    CK_ULONG length = out.size();
    EXPECT_RV(fl()->C_Decrypt(session_, data.data(), data.size(), out.data(), &length), CKR_OPERATION_NOT_INITIALIZED);
}

// ---- Length, padding and key errors -----------------------------------------------

P11_CASE(Cipher, EcbEncryptOfAPartialBlockIsDataLenRange, .group = "cipher",
         .functions = "C_Encrypt C_EncryptInit C_CreateObject", .mechanisms = "CKM_AES_ECB",
         .section = "v2.40 §5.8 C_Encrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_ENCRYPT));
    ASSERT_RV(EncryptInit(CKM_AES_ECB, key_), CKR_OK);
    ByteVector data(17, 0x42), out(48);
    CK_ULONG length = out.size();
    EXPECT_RV(fl()->C_Encrypt(session_, data.data(), data.size(), out.data(), &length), CKR_DATA_LEN_RANGE)
        << "CKM_AES_ECB takes a multiple of the block size (" << MechanismSection(CKM_AES_ECB)
        << "); v2.40 §5.1.6 CKR_DATA_LEN_RANGE: \"The plaintext input data to a cryptographic operation has a bad "
           "length\"";
}

P11_CASE(Cipher, EcbDecryptOfAPartialBlockIsEncryptedDataLenRange, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_ECB",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_ECB, CKF_DECRYPT));
    ASSERT_RV(DecryptInit(CKM_AES_ECB, key_), CKR_OK);
    ByteVector data(17, 0x42), out(48);
    CK_ULONG length = out.size();
    EXPECT_RV(fl()->C_Decrypt(session_, data.data(), data.size(), out.data(), &length), CKR_ENCRYPTED_DATA_LEN_RANGE)
        << "v2.40 §5.1.6: ciphertext that \"is not a multiple of some particular blocksize\"";
}

P11_CASE(Cipher, CbcPadDecryptOfAPartialBlockIsEncryptedDataLenRange, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_DECRYPT));
    ByteVector ciphertext = Reference(CKM_AES_CBC_PAD, secret_, plaintext_);
    ciphertext.pop_back();
    ASSERT_RV(DecryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    ByteVector out(48);
    CK_ULONG length = out.size();
    EXPECT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length),
              CKR_ENCRYPTED_DATA_LEN_RANGE)
        << "47 bytes: v2.40 §5.1.6, ciphertext that \"is not a multiple of some particular blocksize\"";
}

P11_CASE(Cipher, CbcPadDecryptWithBadPaddingIsEncryptedDataInvalid, .group = "cipher",
         .functions = "C_Decrypt C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_CBC_PAD",
         .section = "v2.40 §5.9 C_Decrypt")
{
    P11_SKIP_UNLESS(UseAesKey(CKM_AES_CBC_PAD, CKF_DECRYPT));
    // Two blocks whose plaintext ends in 0x00: no PKCS #7 padding ends so.
    ByteVector bad_plaintext(32, 0x21);
    bad_plaintext.back() = 0x00;
    ByteVector ciphertext = ref::AesEncrypt("cbc", secret_, kIv, bad_plaintext);
    ASSERT_EQ(ciphertext.size(), 32u) << "OpenSSL AES-CBC without padding";
    ASSERT_RV(DecryptInit(CKM_AES_CBC_PAD, key_), CKR_OK);
    ByteVector out(48);
    CK_ULONG length = out.size();
    EXPECT_RV(fl()->C_Decrypt(session_, ciphertext.data(), ciphertext.size(), out.data(), &length),
              CKR_ENCRYPTED_DATA_INVALID)
        << "v2.40 §5.1.6: \"The encrypted input to a decryption operation has been determined to be invalid "
           "ciphertext\"";
}

P11_CASE(Cipher, KeyWithoutEncryptPermissionIsKeyFunctionNotPermitted, .group = "cipher",
         .functions = "C_EncryptInit C_CreateObject", .mechanisms = "CKM_AES_ECB", .section = "v2.40 §5.8 C_EncryptInit")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_ECB, CKF_ENCRYPT, 32));
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Bool(CKA_ENCRYPT, false);
    tmpl.Bool(CKA_DECRYPT, true).Bytes(CKA_VALUE, secret_);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "AES Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_RV(EncryptInit(CKM_AES_ECB, key), CKR_KEY_FUNCTION_NOT_PERMITTED) << "CKA_ENCRYPT is false";
}

P11_CASE(Cipher, KeyWithoutDecryptPermissionIsKeyFunctionNotPermitted, .group = "cipher",
         .functions = "C_DecryptInit C_CreateObject", .mechanisms = "CKM_AES_ECB", .section = "v2.40 §5.9 C_DecryptInit")
{
    P11_SKIP_UNLESS(OffersKeySize(CKM_AES_ECB, CKF_DECRYPT, 32));
    Template tmpl;
    tmpl.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_AES).Bool(CKA_ENCRYPT, true);
    tmpl.Bool(CKA_DECRYPT, false).Bytes(CKA_VALUE, secret_);
    const CK_OBJECT_HANDLE key = CreateObject(tmpl, "AES Key", false);
    ASSERT_NE(key, CK_INVALID_HANDLE);
    EXPECT_RV(DecryptInit(CKM_AES_ECB, key), CKR_KEY_FUNCTION_NOT_PERMITTED) << "CKA_DECRYPT is false";
}

// ---- Dual-function calls (v2.40 §5.13) -------------------------------------------
// With CKM_AES_ECB, which has no padding, so what the cipher passes to the
// digest, signature or verification is exactly the data (§5.13 describes how
// a padding mechanism can make the two sides see different bytes).

class DualFunction : public Cipher {
  protected:
    // Calls one dual function: input in, output collected (buffer as large as the input).
    template <typename Call> CK_RV Dual(Call call, const ByteVector &input, ByteVector *output)
    {
        ByteVector in = input, buffer(input.size() + 16);
        CK_ULONG length = buffer.size();
        const CK_RV rv = call(session_, in.data(), static_cast<CK_ULONG>(in.size()), buffer.data(), &length);
        if (rv == CKR_OK) {
            output->insert(output->end(), buffer.begin(), buffer.begin() + static_cast<long>(length));
        }
        return rv;
    }

    CK_RV EncryptFinalInto(ByteVector *output)
    {
        ByteVector buffer(32);
        CK_ULONG length = buffer.size();
        const CK_RV rv = fl()->C_EncryptFinal(session_, buffer.data(), &length);
        if (rv == CKR_OK) {
            output->insert(output->end(), buffer.begin(), buffer.begin() + static_cast<long>(length));
        }
        return rv;
    }

    CK_RV DecryptFinalInto(ByteVector *output)
    {
        ByteVector buffer(32);
        CK_ULONG length = buffer.size();
        const CK_RV rv = fl()->C_DecryptFinal(session_, buffer.data(), &length);
        if (rv == CKR_OK) {
            output->insert(output->end(), buffer.begin(), buffer.begin() + static_cast<long>(length));
        }
        return rv;
    }

    ByteVector DigestFinal()
    {
        ByteVector digest(32);
        CK_ULONG length = digest.size();
        EXPECT_RV(fl()->C_DigestFinal(session_, digest.data(), &length), CKR_OK);
        digest.resize(length);
        return digest;
    }

    CK_OBJECT_HANDLE HmacKey()
    {
        Template tmpl = HmacTemplate(HmacSecret());
        return CreateObject(tmpl, "HMAC Key", false);
    }

    ByteVector blocks_ = BlockPlaintext();
};

P11_CASE(DualFunction, DigestEncryptUpdateEqualsDigestAndEncryptApart, .group = "cipher",
         .functions = "C_DigestEncryptUpdate C_DigestInit C_DigestFinal C_EncryptInit C_EncryptFinal C_CreateObject",
         .mechanisms = "CKM_AES_ECB CKM_SHA256", .section = "v2.40 §5.13 C_DigestEncryptUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256, CKF_DIGEST) && UseAesKey(CKM_AES_ECB, CKF_ENCRYPT));
    CK_MECHANISM sha256 = {CKM_SHA256, nullptr, 0};
    ASSERT_RV(fl()->C_DigestInit(session_, &sha256), CKR_OK);
    ASSERT_RV(EncryptInit(CKM_AES_ECB, key_), CKR_OK);
    ByteVector ciphertext;
    ASSERT_RV(Dual(fl()->C_DigestEncryptUpdate, ByteVector(blocks_.begin(), blocks_.begin() + 16), &ciphertext),
              CKR_OK);
    ASSERT_RV(Dual(fl()->C_DigestEncryptUpdate, ByteVector(blocks_.begin() + 16, blocks_.end()), &ciphertext), CKR_OK);
    EXPECT_EQ(DigestFinal(), ref::Sha256(blocks_)) << "the digest of the plaintext";
    ASSERT_RV(EncryptFinalInto(&ciphertext), CKR_OK);
    EXPECT_EQ(ciphertext, Reference(CKM_AES_ECB, secret_, blocks_)) << "the encryption of the plaintext";
}

P11_CASE(DualFunction, DecryptDigestUpdateEqualsDecryptAndDigestApart, .group = "cipher",
         .functions = "C_DecryptDigestUpdate C_DigestInit C_DigestFinal C_DecryptInit C_DecryptFinal C_CreateObject",
         .mechanisms = "CKM_AES_ECB CKM_SHA256", .section = "v2.40 §5.13 C_DecryptDigestUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256, CKF_DIGEST) && UseAesKey(CKM_AES_ECB, CKF_DECRYPT));
    const ByteVector ciphertext = Reference(CKM_AES_ECB, secret_, blocks_);
    CK_MECHANISM sha256 = {CKM_SHA256, nullptr, 0};
    ASSERT_RV(DecryptInit(CKM_AES_ECB, key_), CKR_OK);
    ASSERT_RV(fl()->C_DigestInit(session_, &sha256), CKR_OK);
    ByteVector plaintext;
    ASSERT_RV(Dual(fl()->C_DecryptDigestUpdate, ciphertext, &plaintext), CKR_OK);
    ASSERT_RV(DecryptFinalInto(&plaintext), CKR_OK);
    EXPECT_EQ(plaintext, blocks_) << "the decryption of OpenSSL's ciphertext";
    EXPECT_EQ(DigestFinal(), ref::Sha256(blocks_)) << "the digest of the plaintext";
}

P11_CASE(DualFunction, SignEncryptUpdateEqualsSignAndEncryptApart, .group = "cipher",
         .functions = "C_SignEncryptUpdate C_SignInit C_SignFinal C_EncryptInit C_EncryptFinal C_CreateObject",
         .mechanisms = "CKM_AES_ECB CKM_SHA256_HMAC", .section = "v2.40 §5.13 C_SignEncryptUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_SIGN) && UseAesKey(CKM_AES_ECB, CKF_ENCRYPT));
    const CK_OBJECT_HANDLE mac_key = HmacKey();
    ASSERT_NE(mac_key, CK_INVALID_HANDLE);
    ASSERT_RV(SignInit(CKM_SHA256_HMAC, mac_key), CKR_OK);
    ASSERT_RV(EncryptInit(CKM_AES_ECB, key_), CKR_OK);
    ByteVector ciphertext;
    ASSERT_RV(Dual(fl()->C_SignEncryptUpdate, blocks_, &ciphertext), CKR_OK);
    ByteVector mac(32);
    CK_ULONG length = mac.size();
    ASSERT_RV(fl()->C_SignFinal(session_, mac.data(), &length), CKR_OK);
    mac.resize(length);
    EXPECT_EQ(mac, ref::HmacSha256(HmacSecret(), blocks_)) << "the HMAC of the plaintext";
    ASSERT_RV(EncryptFinalInto(&ciphertext), CKR_OK);
    EXPECT_EQ(ciphertext, Reference(CKM_AES_ECB, secret_, blocks_)) << "the encryption of the plaintext";
}

P11_CASE(DualFunction, DecryptVerifyUpdateEqualsDecryptAndVerifyApart, .group = "cipher",
         .functions = "C_DecryptVerifyUpdate C_VerifyInit C_VerifyFinal C_DecryptInit C_DecryptFinal C_CreateObject",
         .mechanisms = "CKM_AES_ECB CKM_SHA256_HMAC", .section = "v2.40 §5.13 C_DecryptVerifyUpdate")
{
    P11_SKIP_UNLESS(Offers(CKM_SHA256_HMAC, CKF_VERIFY) && UseAesKey(CKM_AES_ECB, CKF_DECRYPT));
    const CK_OBJECT_HANDLE mac_key = HmacKey();
    ASSERT_NE(mac_key, CK_INVALID_HANDLE);
    const ByteVector ciphertext = Reference(CKM_AES_ECB, secret_, blocks_);
    ASSERT_RV(DecryptInit(CKM_AES_ECB, key_), CKR_OK);
    ASSERT_RV(VerifyInit(CKM_SHA256_HMAC, mac_key), CKR_OK);
    ByteVector plaintext;
    ASSERT_RV(Dual(fl()->C_DecryptVerifyUpdate, ciphertext, &plaintext), CKR_OK);
    ASSERT_RV(DecryptFinalInto(&plaintext), CKR_OK);
    EXPECT_EQ(plaintext, blocks_) << "the decryption of OpenSSL's ciphertext";
    ByteVector mac = ref::HmacSha256(HmacSecret(), blocks_);
    EXPECT_RV(fl()->C_VerifyFinal(session_, mac.data(), mac.size()), CKR_OK) << "OpenSSL's HMAC of the plaintext";
}

} // namespace
} // namespace p11conf
