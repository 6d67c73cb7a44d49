// The lean module that signs (freertos-tls) with keys the freertos module
// provisioned over the same POSIX store: a signature the provisioning module
// verifies, and no signature at all when the sealed value cannot be opened —
// another device key, or a box changed under a record checksum made anew
// (an attacker who can write the flash can recompute a SHA-256, not a GCM tag).
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "module_client.h"

namespace p11storage {
namespace {

const std::string kUserPin = "0000";
const std::string kKeyLabel = "Device Priv TLS Key";
const CK_BYTE kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const std::string kData = "handshake";

class LeanSigning : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        store_ = tmp_.path() + "/store";
        setenv("P11FORGE_STORE_DIR", store_.c_str(), 1);
        unsetenv("P11FORGE_DEVICE_KEY_FILE");
        full_ = LoadModule(P11_MODULE_FREERTOS);
        lean_ = LoadModule(P11_MODULE_FREERTOS_TLS);
        ASSERT_NE(nullptr, full_);
        ASSERT_NE(nullptr, lean_);
    }

    // A token P-256 pair made by the freertos module; its public key's handle there.
    void Provision(Client &client, CK_OBJECT_HANDLE *pub)
    {
        CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        CK_BBOOL yes = CK_TRUE;
        CK_ATTRIBUTE pub_tmpl[] = {{CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256), sizeof kP256},
                                   {CKA_TOKEN, &yes, sizeof yes},
                                   {CKA_VERIFY, &yes, sizeof yes}};
        CK_ATTRIBUTE priv_tmpl[] = {{CKA_TOKEN, &yes, sizeof yes},
                                    {CKA_SIGN, &yes, sizeof yes},
                                    {CKA_PRIVATE, &yes, sizeof yes},
                                    {CKA_LABEL, const_cast<char *>(kKeyLabel.data()), kKeyLabel.size()}};
        CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, client.functions()->C_GenerateKeyPair(client.session(), &mechanism, pub_tmpl, 3, priv_tmpl,
                                                                4, pub, &priv));
    }

    // The pair made and the freertos module finalized (its Client closed).
    void ProvisionAndFinalize()
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        ASSERT_EQ(CKR_OK, full.Login(CKU_USER, kUserPin));
        CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
        Provision(full, &pub);
    }

    // C_SignInit with the lean module's private key, found by label after a
    // login; C_Sign when it starts. *found: whether the key was listed.
    CK_RV LeanSign(Client &client, std::vector<CK_BYTE> *signature, bool *found)
    {
        std::vector<CK_OBJECT_HANDLE> keys;
        EXPECT_EQ(CKR_OK, client.FindByLabel(kKeyLabel, &keys));
        *found = keys.size() == 1;
        if (!*found) {
            return CKR_GENERAL_ERROR;
        }
        CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
        CK_RV rv = client.functions()->C_SignInit(client.session(), &mechanism, keys[0]);
        if (rv != CKR_OK) {
            return rv;
        }
        signature->assign(64, 0);
        CK_ULONG len = signature->size();
        std::string data = kData;
        rv = client.functions()->C_Sign(client.session(), reinterpret_cast<CK_BYTE *>(&data[0]), data.size(),
                                        signature->data(), &len);
        signature->resize(rv == CKR_OK ? len : 0);
        return rv;
    }

    // The object records' files (labels "p11forge obj <n>", stored as hex(label).obj).
    std::vector<std::string> ObjectRecordFiles() const
    {
        static const char kHex[] = "0123456789abcdef";
        std::string prefix;
        for (unsigned char c : std::string("p11forge obj ")) {
            prefix += kHex[c >> 4];
            prefix += kHex[c & 0xf];
        }
        std::vector<std::string> files;
        for (const auto &entry : std::filesystem::directory_iterator(store_)) {
            if (entry.path().filename().string().rfind(prefix, 0) == 0) {
                files.push_back(entry.path().string());
            }
        }
        return files;
    }

    TempDir tmp_;
    std::string store_;
    CK_FUNCTION_LIST *full_ = nullptr;
    CK_FUNCTION_LIST *lean_ = nullptr;
};

std::vector<char> ReadFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string &path, const std::vector<char> &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST_F(LeanSigning, AKeyTheProvisioningModuleMadeSignsWhatItVerifies)
{
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    std::vector<CK_BYTE> signature;
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        ASSERT_EQ(CKR_OK, full.Login(CKU_USER, kUserPin));
        Provision(full, &pub);
        Client lean(lean_);
        ASSERT_EQ(CKR_OK, lean.Open());
        ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
        bool found = false;
        ASSERT_EQ(CKR_OK, LeanSign(lean, &signature, &found));
        ASSERT_EQ(64u, signature.size());
        CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
        ASSERT_EQ(CKR_OK, full.functions()->C_VerifyInit(full.session(), &mechanism, pub));
        std::string data = kData;
        EXPECT_EQ(CKR_OK, full.functions()->C_Verify(full.session(), reinterpret_cast<CK_BYTE *>(&data[0]),
                                                      data.size(), signature.data(), signature.size()))
            << "the freertos module verifies the lean module's signature";
    }
}

TEST_F(LeanSigning, UnderAnotherDeviceKeyNoBoxOpens)
{
    ASSERT_NO_FATAL_FAILURE(ProvisionAndFinalize());
    const std::string key_file = store_ + ".device-key";
    std::vector<char> key = ReadFile(key_file);
    ASSERT_EQ(32u, key.size()) << key_file;
    key[7] ^= 0x40; // the store moved to another device
    WriteFile(key_file, key);
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
    std::vector<CK_BYTE> signature;
    bool found = false;
    EXPECT_EQ(CKR_FUNCTION_FAILED, LeanSign(lean, &signature, &found));
    EXPECT_TRUE(found) << "the key is listed: only its sealed value is out of reach";
}

TEST_F(LeanSigning, ABoxChangedUnderAFreshChecksumDoesNotOpen)
{
    ASSERT_NO_FATAL_FAILURE(ProvisionAndFinalize());
    // The last byte of each object record's box (its GCM tag) changed, and
    // the record's SHA-256 (its last 32 bytes) made anew. A public key has
    // no box: its change lands in a clear value, which this test ignores.
    const std::vector<std::string> files = ObjectRecordFiles();
    ASSERT_EQ(2u, files.size());
    for (const std::string &path : files) {
        std::vector<char> bytes = ReadFile(path);
        ASSERT_GT(bytes.size(), 64u);
        const std::size_t covered = bytes.size() - SHA256_DIGEST_LENGTH;
        bytes[covered - 1] ^= 0x01;
        SHA256(reinterpret_cast<const unsigned char *>(bytes.data()), covered,
               reinterpret_cast<unsigned char *>(bytes.data() + covered));
        WriteFile(path, bytes);
    }
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
    std::vector<CK_BYTE> signature;
    bool found = false;
    EXPECT_EQ(CKR_FUNCTION_FAILED, LeanSign(lean, &signature, &found));
    EXPECT_TRUE(found) << "the record is well formed: only its box fails";
}

} // namespace
} // namespace p11storage
