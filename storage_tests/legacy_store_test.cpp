// A store written before encryption at rest (token record format 1 with
// PBKDF2-only verifiers, object records format 1 with the private value in
// clear) is read as it is, and sealed at the first login: afterwards no file
// holds the value, the token record is format 2, and the PINs and the key
// still work in a new process. The files are made here byte by byte from the
// format the older code wrote (backend_wolfssl/token_record.h and
// objects/object_codec.h of that version), on the freertos-device module's
// fixed-label store, where each record is one file named hex(label).obj.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include "module_client.h"

namespace p11storage {
namespace {

using Blob = std::vector<unsigned char>;

const unsigned char kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

void U32(Blob *out, std::uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8) {
        out->push_back(static_cast<unsigned char>(v >> shift));
    }
}

void Append(Blob *out, const void *data, std::size_t len)
{
    const auto *p = static_cast<const unsigned char *>(data);
    out->insert(out->end(), p, p + len);
}

void Seal(Blob *record)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(record->data(), record->size(), digest);
    Append(record, digest, sizeof digest);
}

// present | 3 zero bytes | iterations | salt | PBKDF2-HMAC-SHA256(pin, salt).
void LegacyVerifier(Blob *out, const std::string &pin, unsigned char salt_byte)
{
    const std::uint32_t iterations = 10000;
    unsigned char salt[16];
    std::memset(salt, salt_byte, sizeof salt);
    unsigned char hash[32];
    ASSERT_EQ(1, PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt, sizeof salt,
                                   static_cast<int>(iterations), EVP_sha256(), sizeof hash, hash));
    out->push_back(1);
    out->insert(out->end(), 3, 0);
    U32(out, iterations);
    Append(out, salt, sizeof salt);
    Append(out, hash, sizeof hash);
}

Blob LegacyTokenRecord()
{
    Blob body;
    U32(&body, 3); // token initialized, user PIN initialized
    std::string label = "FreeRTOS";
    label.resize(32, ' ');
    Append(&body, label.data(), label.size());
    const unsigned char serial[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    Append(&body, serial, sizeof serial);
    LegacyVerifier(&body, "00000000", 0x51);
    LegacyVerifier(&body, "0000", 0x52);
    U32(&body, 0);
    U32(&body, 0);
    Blob record;
    Append(&record, "P11FTOKN", 8);
    U32(&record, 1);
    U32(&record, static_cast<std::uint32_t>(body.size()));
    Append(&record, body.data(), body.size());
    Seal(&record);
    return record;
}

void Attribute(Blob *out, std::uint32_t type, const void *value, std::size_t len)
{
    U32(out, type);
    U32(out, static_cast<std::uint32_t>(len));
    Append(out, value, len);
}

void UlongAttribute(Blob *out, std::uint32_t type, std::uint64_t value)
{
    U32(out, type);
    U32(out, 8);
    U32(out, static_cast<std::uint32_t>(value >> 32));
    U32(out, static_cast<std::uint32_t>(value));
}

Blob LegacyKeyRecord(const std::string &label, const Blob &d)
{
    const unsigned char yes = 1;
    Blob record;
    Append(&record, "P11FOBJT", 8);
    U32(&record, 1);
    U32(&record, 8);
    UlongAttribute(&record, CKA_CLASS, CKO_PRIVATE_KEY);
    Attribute(&record, CKA_TOKEN, &yes, 1);
    Attribute(&record, CKA_PRIVATE, &yes, 1);
    Attribute(&record, CKA_LABEL, label.data(), label.size());
    Attribute(&record, CKA_VALUE, d.data(), d.size());
    UlongAttribute(&record, CKA_KEY_TYPE, CKK_EC);
    Attribute(&record, CKA_SIGN, &yes, 1);
    Attribute(&record, CKA_EC_PARAMS, kP256, sizeof kP256);
    Seal(&record);
    return record;
}

std::string FileOf(const std::string &store, const std::string &label)
{
    static const char kHex[] = "0123456789abcdef";
    std::string name;
    for (unsigned char c : label) {
        name += kHex[c >> 4];
        name += kHex[c & 15];
    }
    return store + "/" + name + ".obj";
}

void WriteFile(const std::string &path, const Blob &bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    chmod(path.c_str(), 0600);
}

Blob ReadFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return Blob(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool Holds(const Blob &bytes, const Blob &value)
{
    return std::search(bytes.begin(), bytes.end(), value.begin(), value.end()) != bytes.end();
}

// Logs in with the PIN (user or SO) and, as the user, signs with the key.
int LoginAndSign(CK_USER_TYPE user, const std::string &pin, const std::string &label)
{
    CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS_DEVICE);
    if (fl == nullptr) {
        return 2;
    }
    Client client(fl);
    if (client.Open() != CKR_OK) {
        return 3;
    }
    const CK_RV login = client.Login(user, pin);
    if (login != CKR_OK) {
        std::fprintf(stderr, "C_Login: 0x%lx\n", login);
        return 4;
    }
    if (user == CKU_SO) {
        return 0;
    }
    std::vector<CK_OBJECT_HANDLE> found;
    if (client.FindByLabel(label, &found) != CKR_OK || found.size() != 1) {
        return 5;
    }
    CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
    unsigned char hash[32] = {9};
    unsigned char signature[128];
    CK_ULONG len = sizeof signature;
    CK_RV rv = fl->C_SignInit(client.session(), &mechanism, found[0]);
    rv = rv == CKR_OK ? fl->C_Sign(client.session(), hash, sizeof hash, signature, &len) : rv;
    if (rv != CKR_OK || len != 64) {
        std::fprintf(stderr, "sign: 0x%lx, %lu bytes\n", rv, len);
        return 6;
    }
    return 0;
}

} // namespace

TEST(LegacyStoreTest, AStoreFromBeforeEncryptionIsSealedAtTheFirstLogin)
{
    TempDir tmp;
    ASSERT_FALSE(tmp.path().empty());
    const std::string store = tmp.path() + "/store";
    ASSERT_EQ(0, mkdir(store.c_str(), 0700));
    setenv("P11FORGE_STORE_DIR", store.c_str(), 1);
    unsetenv("P11FORGE_DEVICE_KEY_FILE");
    const std::string label = "Device Priv TLS Key";
    Blob d(32);
    for (std::size_t i = 0; i < d.size(); ++i) {
        d[i] = static_cast<unsigned char>(0x10 + 3 * i); // 1 <= d < n (n begins 0xFFFFFFFF)
    }
    WriteFile(FileOf(store, "p11forge token"), LegacyTokenRecord());
    WriteFile(FileOf(store, label), LegacyKeyRecord(label, d));
    ASSERT_TRUE(Holds(ReadFile(FileOf(store, label)), d));

    // A process that only looks leaves the store as it was.
    ASSERT_EQ(0, RunInChild([] {
                  Client client(LoadModule(P11_MODULE_FREERTOS_DEVICE));
                  return client.Open() == CKR_OK ? 0 : 3;
              }));
    EXPECT_TRUE(Holds(ReadFile(FileOf(store, label)), d));

    // The first login (format 0 verifier) works and seals the key.
    ASSERT_EQ(0, RunInChild([&] { return LoginAndSign(CKU_USER, "0000", label); }));
    const Blob sealed = ReadFile(FileOf(store, label));
    EXPECT_FALSE(Holds(sealed, d)) << "the private value is still in clear after the first login";
    ASSERT_GE(sealed.size(), 12u);
    EXPECT_EQ(2, sealed[11]) << "object record format";
    const Blob token = ReadFile(FileOf(store, "p11forge token"));
    ASSERT_GE(token.size(), 12u);
    EXPECT_EQ(2, token[11]) << "token record format";

    // A new process: the same PINs (the SO's verifier is still format 0 until
    // the SO logs in), the same key.
    EXPECT_EQ(0, RunInChild([&] { return LoginAndSign(CKU_USER, "0000", label); }));
    EXPECT_EQ(0, RunInChild([&] { return LoginAndSign(CKU_SO, "00000000", label); }));
    EXPECT_EQ(0, RunInChild([&] { return LoginAndSign(CKU_USER, "0000", label); }));
    EXPECT_NE(0, RunInChild([&] { return LoginAndSign(CKU_USER, "1111", label); }));
}

} // namespace p11storage
