// Secrets at rest (issue 14): after generating and importing EC, RSA and
// secret keys, no file of the store holds a byte string of any private
// value; a store copied without the device key file gives up none of the
// keys bound to it; the keys survive C_SetPIN and C_InitPIN (the token key is
// rewrapped, the objects untouched); a store written before encryption is
// sealed at the first login. The full module binds private objects to the
// PIN, the freertos modules to the device key. Every phase runs in its own
// process, as separate applications would.
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

#include "module_client.h"

namespace p11storage {
namespace {

using Blob = std::vector<unsigned char>;

const char kSoPin[] = "12345678";
const char kUserPin[] = "1234";
// DER of the P-256 OID (CKA_EC_PARAMS).
const unsigned char kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

class SecretsAtRestTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        store_ = tmp_.path() + "/store";
        setenv("P11FORGE_STORE_DIR", store_.c_str(), 1);
        unsetenv("P11FORGE_DEVICE_KEY_FILE"); // beside the store: <store>.device-key
    }
    TempDir tmp_;
    std::string store_;
};

Blob ReadFile(const std::filesystem::path &path)
{
    std::ifstream in(path, std::ios::binary);
    return Blob(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The first store file holding 12 or more bytes of value in a row ("" when none).
std::string FileHolding(const std::string &dir, const Blob &value)
{
    const std::size_t window = std::min<std::size_t>(12, value.size());
    for (const auto &entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const Blob bytes = ReadFile(entry.path());
        for (std::size_t at = 0; at + window <= value.size(); ++at) {
            if (std::search(bytes.begin(), bytes.end(), value.begin() + static_cast<long>(at),
                            value.begin() + static_cast<long>(at + window)) != bytes.end()) {
                return entry.path().string();
            }
        }
    }
    return "";
}

CK_RV Attribute(Client &client, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, Blob *out)
{
    CK_ATTRIBUTE query = {type, nullptr, 0};
    CK_RV rv = client.functions()->C_GetAttributeValue(client.session(), object, &query, 1);
    if (rv != CKR_OK) {
        return rv;
    }
    out->assign(query.ulValueLen, 0);
    query.pValue = out->data();
    return client.functions()->C_GetAttributeValue(client.session(), object, &query, 1);
}

// A token key pair whose private values can be read back (to look for them).
CK_RV GenerateExtractable(Client &client, bool ec, const std::string &label, CK_OBJECT_HANDLE *priv)
{
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    CK_ULONG bits = 2048;
    std::vector<CK_ATTRIBUTE> pub = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_VERIFY, &yes, sizeof yes},
                                     {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    if (ec) {
        pub.push_back({CKA_EC_PARAMS, const_cast<unsigned char *>(kP256), sizeof kP256});
    } else {
        pub.push_back({CKA_MODULUS_BITS, &bits, sizeof bits});
    }
    CK_ATTRIBUTE prv[] = {{CKA_TOKEN, &yes, sizeof yes},      {CKA_PRIVATE, &yes, sizeof yes},
                          {CKA_SIGN, &yes, sizeof yes},       {CKA_SENSITIVE, &no, sizeof no},
                          {CKA_EXTRACTABLE, &yes, sizeof yes}, {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    CK_MECHANISM mechanism = {ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_handle = CK_INVALID_HANDLE;
    return client.functions()->C_GenerateKeyPair(client.session(), &mechanism, pub.data(),
                                                 static_cast<CK_ULONG>(pub.size()), prv, 6, &pub_handle, priv);
}

const CK_ATTRIBUTE_TYPE kRsaPrivateParts[] = {CKA_PRIVATE_EXPONENT, CKA_PRIME_1,     CKA_PRIME_2,
                                              CKA_EXPONENT_1,       CKA_EXPONENT_2, CKA_COEFFICIENT};

// Imports an EC private key with value d (CKA_PRIVATE as given).
CK_RV ImportEc(Client &client, const Blob &d, bool is_private, const std::string &label, CK_OBJECT_HANDLE *out)
{
    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    CK_KEY_TYPE type = CKK_EC;
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL priv = is_private ? CK_TRUE : CK_FALSE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_KEY_TYPE, &type, sizeof type},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_PRIVATE, &priv, sizeof priv},
                           {CKA_SIGN, &yes, sizeof yes},
                           {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                           {CKA_EC_PARAMS, const_cast<unsigned char *>(kP256), sizeof kP256},
                           {CKA_VALUE, const_cast<unsigned char *>(d.data()), d.size()}};
    return client.functions()->C_CreateObject(client.session(), tmpl, 8, out);
}

// Imports an RSA private key from its parts (modulus, e and the CRT parts).
CK_RV ImportRsa(Client &client, const std::vector<Blob> &parts, const Blob &modulus, const Blob &e,
                const std::string &label, CK_OBJECT_HANDLE *out)
{
    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    CK_KEY_TYPE type = CKK_RSA;
    CK_BBOOL yes = CK_TRUE;
    std::vector<CK_ATTRIBUTE> tmpl = {{CKA_CLASS, &klass, sizeof klass},
                                      {CKA_KEY_TYPE, &type, sizeof type},
                                      {CKA_TOKEN, &yes, sizeof yes},
                                      {CKA_PRIVATE, &yes, sizeof yes},
                                      {CKA_SIGN, &yes, sizeof yes},
                                      {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                                      {CKA_MODULUS, const_cast<unsigned char *>(modulus.data()), modulus.size()},
                                      {CKA_PUBLIC_EXPONENT, const_cast<unsigned char *>(e.data()), e.size()}};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        tmpl.push_back({kRsaPrivateParts[i], const_cast<unsigned char *>(parts[i].data()), parts[i].size()});
    }
    return client.functions()->C_CreateObject(client.session(), tmpl.data(), static_cast<CK_ULONG>(tmpl.size()),
                                              out);
}

CK_RV ImportSecret(Client &client, const Blob &value, const std::string &label)
{
    CK_OBJECT_CLASS klass = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_GENERIC_SECRET;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_KEY_TYPE, &type, sizeof type},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_SIGN, &yes, sizeof yes},
                           {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                           {CKA_VALUE, const_cast<unsigned char *>(value.data()), value.size()}};
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    return client.functions()->C_CreateObject(client.session(), tmpl, 6, &handle);
}

// Signs 32 bytes with the one key under the label; CKR_OK when it signed.
CK_RV SignWith(Client &client, const std::string &label, CK_MECHANISM_TYPE mechanism_type)
{
    std::vector<CK_OBJECT_HANDLE> found;
    CK_RV rv = client.FindByLabel(label, &found);
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    for (CK_OBJECT_HANDLE handle : found) {
        Blob klass;
        if (Attribute(client, handle, CKA_CLASS, &klass) == CKR_OK && klass.size() == sizeof(CK_OBJECT_CLASS) &&
            *reinterpret_cast<CK_OBJECT_CLASS *>(klass.data()) != CKO_PUBLIC_KEY) {
            key = handle;
        }
    }
    if (rv != CKR_OK || key == CK_INVALID_HANDLE) {
        return rv != CKR_OK ? rv : CKR_KEY_HANDLE_INVALID;
    }
    CK_MECHANISM mechanism = {mechanism_type, nullptr, 0};
    unsigned char data[32] = {1, 2, 3};
    unsigned char signature[512];
    CK_ULONG len = sizeof signature;
    rv = client.functions()->C_SignInit(client.session(), &mechanism, key);
    return rv == CKR_OK ? client.functions()->C_Sign(client.session(), data, sizeof data, signature, &len) : rv;
}

// Full module: a blank token, SO PIN kSoPin, user PIN kUserPin, user logged in.
CK_RV OpenFullAsUser(Client &client)
{
    CK_RV rv = client.InitTokenThenOpen(kSoPin, "at rest");
    rv = rv == CKR_OK ? client.Login(CKU_SO, kSoPin) : rv;
    rv = rv == CKR_OK ? client.InitUserPin(kUserPin) : rv;
    rv = rv == CKR_OK ? client.Logout() : rv;
    return rv == CKR_OK ? client.Login(CKU_USER, kUserPin) : rv;
}

#define CHECK_OK(expr, code)                                                                                      \
    do {                                                                                                          \
        const CK_RV rv_ = (expr);                                                                                 \
        if (rv_ != CKR_OK) {                                                                                      \
            std::fprintf(stderr, "%s: 0x%lx\n", #expr, rv_);                                                      \
            return code;                                                                                          \
        }                                                                                                         \
    } while (0)

// Generates and imports EC, RSA and secret keys as the user, keeps every
// private value in *secrets, and finalizes.
int MakeKeys(const char *module, bool full, std::vector<Blob> *secrets)
{
    CK_FUNCTION_LIST *fl = LoadModule(module);
    if (fl == nullptr) {
        return 2;
    }
    Client client(fl);
    CHECK_OK(full ? OpenFullAsUser(client) : client.Open(), 3);
    if (!full) {
        CHECK_OK(client.Login(CKU_USER, "0000"), 4);
    }
    CK_OBJECT_HANDLE ec = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE rsa = CK_INVALID_HANDLE;
    CHECK_OK(GenerateExtractable(client, true, "generated ec", &ec), 5);
    CHECK_OK(GenerateExtractable(client, false, "generated rsa", &rsa), 6);
    Blob d;
    CHECK_OK(Attribute(client, ec, CKA_VALUE, &d), 7);
    secrets->push_back(d);
    std::vector<Blob> rsa_parts;
    for (CK_ATTRIBUTE_TYPE part : kRsaPrivateParts) {
        Blob value;
        CHECK_OK(Attribute(client, rsa, part, &value), 8);
        rsa_parts.push_back(value);
        secrets->push_back(value);
    }
    Blob modulus, e;
    CHECK_OK(Attribute(client, rsa, CKA_MODULUS, &modulus), 9);
    CHECK_OK(Attribute(client, rsa, CKA_PUBLIC_EXPONENT, &e), 9);
    // Imported: the same values again under other labels (one EC key
    // usable without a login: device-bound in every profile), and a secret.
    CK_OBJECT_HANDLE imported = CK_INVALID_HANDLE;
    CHECK_OK(ImportEc(client, d, true, "imported ec", &imported), 10);
    CHECK_OK(ImportEc(client, d, false, "imported public ec", &imported), 11);
    CHECK_OK(ImportRsa(client, rsa_parts, modulus, e, "imported rsa", &imported), 12);
    Blob secret(32);
    for (std::size_t i = 0; i < secret.size(); ++i) {
        secret[i] = static_cast<unsigned char>(0xA0 ^ (i * 37));
    }
    CHECK_OK(ImportSecret(client, secret, "imported hmac"), 13);
    secrets->push_back(secret);
    return 0;
}

// Writes the values to a file, one per line in hex, for the parent.
void SaveValues(const std::string &path, const std::vector<Blob> &values)
{
    std::ofstream out(path);
    for (const Blob &value : values) {
        for (unsigned char byte : value) {
            char hex[3];
            std::snprintf(hex, sizeof hex, "%02x", byte);
            out << hex;
        }
        out << "\n";
    }
}

std::vector<Blob> LoadValues(const std::string &path)
{
    std::vector<Blob> values;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        Blob value;
        for (std::size_t i = 0; i + 1 < line.size(); i += 2) {
            value.push_back(static_cast<unsigned char>(std::stoul(line.substr(i, 2), nullptr, 16)));
        }
        values.push_back(value);
    }
    return values;
}

void ExpectNoValueInStore(const std::string &store, const std::vector<Blob> &values)
{
    ASSERT_EQ(1u + 6u + 1u, values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        ASSERT_GE(values[i].size(), 16u);
        EXPECT_EQ("", FileHolding(store, values[i])) << "value " << i << " found in the store";
    }
}

// Logs in (the given module) and signs with every key of MakeKeys.
int SignWithEveryKey(const char *module, const std::string &pin)
{
    CK_FUNCTION_LIST *fl = LoadModule(module);
    if (fl == nullptr) {
        return 2;
    }
    Client client(fl);
    CHECK_OK(client.Open(), 3);
    CHECK_OK(client.Login(CKU_USER, pin), 4);
    CHECK_OK(SignWith(client, "generated ec", CKM_ECDSA), 5);
    CHECK_OK(SignWith(client, "generated rsa", CKM_SHA256_RSA_PKCS), 6);
    CHECK_OK(SignWith(client, "imported ec", CKM_ECDSA), 7);
    CHECK_OK(SignWith(client, "imported public ec", CKM_ECDSA), 8);
    CHECK_OK(SignWith(client, "imported rsa", CKM_SHA256_RSA_PKCS), 9);
    CHECK_OK(SignWith(client, "imported hmac", CKM_SHA256_HMAC), 10);
    return 0;
}

} // namespace

TEST_F(SecretsAtRestTest, FullModuleStoresNoPrivateValueInClear)
{
    const std::string values_file = tmp_.path() + "/values";
    ASSERT_EQ(0, RunInChild([&] {
                  std::vector<Blob> secrets;
                  const int code = MakeKeys(P11_MODULE_FULL, true, &secrets);
                  SaveValues(values_file, secrets);
                  return code;
              }));
    ExpectNoValueInStore(store_, LoadValues(values_file));
    const Blob device_key = ReadFile(store_ + ".device-key");
    ASSERT_EQ(32u, device_key.size()) << "the device key lives beside the store, 32 bytes";
    EXPECT_EQ("", FileHolding(store_, device_key)) << "the device key is in the store";
    EXPECT_EQ(0600u, static_cast<unsigned>(std::filesystem::status(store_ + ".device-key").permissions()) & 0777u);
    EXPECT_EQ(0, RunInChild([] { return SignWithEveryKey(P11_MODULE_FULL, kUserPin); }));
}

TEST_F(SecretsAtRestTest, FreertosModuleStoresNoPrivateValueInClear)
{
    const std::string values_file = tmp_.path() + "/values";
    ASSERT_EQ(0, RunInChild([&] {
                  std::vector<Blob> secrets;
                  const int code = MakeKeys(P11_MODULE_FREERTOS, false, &secrets);
                  SaveValues(values_file, secrets);
                  return code;
              }));
    ExpectNoValueInStore(store_, LoadValues(values_file));
    EXPECT_EQ(0, RunInChild([] { return SignWithEveryKey(P11_MODULE_FREERTOS, "0000"); }));
}

// The store folder copied without its device key: the PIN still opens the
// PIN-bound keys (the token key is wrapped under the PIN), the key bound to
// the device key is gone. With the device key file copied too, all is there.
TEST_F(SecretsAtRestTest, AStoreCopiedWithoutTheDeviceKeyGivesUpNoDeviceBoundKey)
{
    std::vector<Blob> unused;
    ASSERT_EQ(0, RunInChild([&] { return MakeKeys(P11_MODULE_FULL, true, &unused); }));
    const std::string copy = tmp_.path() + "/copy";
    std::filesystem::copy(store_, copy, std::filesystem::copy_options::recursive);
    setenv("P11FORGE_STORE_DIR", copy.c_str(), 1);
    const std::string other_key = tmp_.path() + "/other.device-key";
    setenv("P11FORGE_DEVICE_KEY_FILE", other_key.c_str(), 1);
    EXPECT_EQ(0, RunInChild([] {
                  CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FULL);
                  Client client(fl);
                  CHECK_OK(client.Open(), 3);
                  CHECK_OK(client.Login(CKU_USER, kUserPin), 4);
                  CHECK_OK(SignWith(client, "imported ec", CKM_ECDSA), 5);
                  CHECK_OK(SignWith(client, "generated rsa", CKM_SHA256_RSA_PKCS), 6);
                  std::vector<CK_OBJECT_HANDLE> found;
                  CHECK_OK(client.FindByLabel("imported public ec", &found), 7);
                  return found.empty() ? 0 : 8;
              }));
    // The right device key file makes the copy whole.
    std::filesystem::copy_file(store_ + ".device-key", other_key, std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(0, RunInChild([] { return SignWithEveryKey(P11_MODULE_FULL, kUserPin); }));
}

// C_SetPIN rewraps the token key under the new PIN; C_InitPIN by the SO
// wraps it under the user's new PIN: the keys stay usable, and the old PIN
// opens nothing.
TEST_F(SecretsAtRestTest, KeysSurviveSetPinAndInitPin)
{
    std::vector<Blob> unused;
    ASSERT_EQ(0, RunInChild([&] { return MakeKeys(P11_MODULE_FULL, true, &unused); }));
    ASSERT_EQ(0, RunInChild([] {
                  Client client(LoadModule(P11_MODULE_FULL));
                  CHECK_OK(client.Open(), 3);
                  CHECK_OK(client.SetPin(kUserPin, "5678"), 4); // not logged in: the old PIN unwraps
                  return 0;
              }));
    EXPECT_EQ(0, RunInChild([] { return SignWithEveryKey(P11_MODULE_FULL, "5678"); }));
    ASSERT_EQ(0, RunInChild([] {
                  Client client(LoadModule(P11_MODULE_FULL));
                  CHECK_OK(client.Open(), 3);
                  CHECK_OK(client.Login(CKU_SO, kSoPin), 4);
                  CHECK_OK(client.InitUserPin("9999"), 5);
                  return 0;
              }));
    EXPECT_EQ(0, RunInChild([] { return SignWithEveryKey(P11_MODULE_FULL, "9999"); }));
}

} // namespace p11storage
