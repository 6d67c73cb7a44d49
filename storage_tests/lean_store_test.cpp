// The lean verify-only module (backend: lean, freertos-ota) over a store the
// full module (freertos) writes, as on an OTA device provisioned at the
// factory: it reads objects from the store when used, so what is provisioned
// while it runs is seen at once; a damaged record is skipped; wrong PINs are
// counted in the store both modules share; private objects stay hidden until
// the user logs in; it never writes a store it found empty.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "module_client.h"

namespace p11storage {
namespace {

const std::string kUserPin = "0000"; // the FreeRTOS profiles' default
constexpr CK_ULONG kPinTries = 10;   // their limits.pin_tries (the default)

// P-256's CKA_EC_PARAMS and order n (SEC 2 §2.4.2).
const CK_BYTE kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const CK_BYTE kP256Order[32] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                                0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                                0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

class LeanStore : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        store_ = tmp_.path() + "/store";
        setenv("P11FORGE_STORE_DIR", store_.c_str(), 1);
        full_ = LoadModule(P11_MODULE_FREERTOS);
        lean_ = LoadModule(P11_MODULE_FREERTOS_OTA);
        ASSERT_NE(nullptr, full_);
        ASSERT_NE(nullptr, lean_);
    }

    // The file the POSIX PAL keeps a label in: hex(label).obj.
    std::string FileOf(const std::string &label) const
    {
        static const char kHex[] = "0123456789abcdef";
        std::string name;
        for (unsigned char c : label) {
            name += kHex[c >> 4];
            name += kHex[c & 0xf];
        }
        return store_ + "/" + name + ".obj";
    }

    void FlipByte(const std::string &label, std::size_t from_end)
    {
        const std::string path = FileOf(label);
        std::ifstream in(path, std::ios::binary);
        ASSERT_TRUE(in.good()) << path;
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        in.close();
        ASSERT_GT(bytes.size(), from_end);
        bytes[bytes.size() - 1 - from_end] ^= 0x01;
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }

    TempDir tmp_;
    std::string store_;
    CK_FUNCTION_LIST *full_ = nullptr;
    CK_FUNCTION_LIST *lean_ = nullptr;
};

CK_RV CreateData(Client &client, const std::string &label, bool is_private, CK_OBJECT_HANDLE *out)
{
    CK_OBJECT_CLASS klass = CKO_DATA;
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL priv = is_private ? CK_TRUE : CK_FALSE;
    CK_BYTE value[] = {'v', 'a', 'l'};
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_TOKEN, &yes, sizeof yes},
                           {CKA_PRIVATE, &priv, sizeof priv},
                           {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                           {CKA_VALUE, value, sizeof value}};
    return client.functions()->C_CreateObject(client.session(), tmpl, 5, out);
}

// A token P-256 pair under the label; *pub and *priv its handles.
CK_RV GeneratePair(Client &client, const std::string &label, CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub_tmpl[] = {{CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256), sizeof kP256},
                               {CKA_TOKEN, &yes, sizeof yes},
                               {CKA_VERIFY, &yes, sizeof yes},
                               {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    CK_ATTRIBUTE priv_tmpl[] = {{CKA_TOKEN, &yes, sizeof yes},
                                {CKA_SIGN, &yes, sizeof yes},
                                {CKA_PRIVATE, &yes, sizeof yes},
                                {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    return client.functions()->C_GenerateKeyPair(client.session(), &mechanism, pub_tmpl, 4, priv_tmpl, 4, pub,
                                                 priv);
}

std::vector<CK_BYTE> Sign(Client &client, CK_OBJECT_HANDLE key, const std::string &data)
{
    CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
    std::vector<CK_BYTE> signature(64);
    CK_ULONG len = signature.size();
    CK_FUNCTION_LIST *fl = client.functions();
    if (fl->C_SignInit(client.session(), &mechanism, key) != CKR_OK ||
        fl->C_Sign(client.session(), reinterpret_cast<CK_BYTE *>(const_cast<char *>(data.data())), data.size(),
                   signature.data(), &len) != CKR_OK) {
        return {};
    }
    signature.resize(len);
    return signature;
}

CK_RV Verify(Client &client, CK_OBJECT_HANDLE key, const std::string &data, std::vector<CK_BYTE> signature)
{
    CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
    CK_FUNCTION_LIST *fl = client.functions();
    CK_RV rv = fl->C_VerifyInit(client.session(), &mechanism, key);
    if (rv == CKR_OK) {
        rv = fl->C_Verify(client.session(), reinterpret_cast<CK_BYTE *>(const_cast<char *>(data.data())),
                          data.size(), signature.data(), signature.size());
    }
    return rv;
}

CK_RV FindOne(Client &client, const std::string &label, CK_OBJECT_CLASS klass, CK_OBJECT_HANDLE *out)
{
    CK_ATTRIBUTE tmpl[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                           {CKA_CLASS, &klass, sizeof klass}};
    CK_FUNCTION_LIST *fl = client.functions();
    CK_OBJECT_HANDLE found[4];
    CK_ULONG count = 0;
    CK_RV rv = fl->C_FindObjectsInit(client.session(), tmpl, 2);
    if (rv == CKR_OK) {
        rv = fl->C_FindObjects(client.session(), found, 4, &count);
        fl->C_FindObjectsFinal(client.session());
    }
    if (rv == CKR_OK && count != 1) {
        rv = count == 0 ? CKR_OBJECT_HANDLE_INVALID : CKR_GENERAL_ERROR;
    }
    if (rv == CKR_OK) {
        *out = found[0];
    }
    return rv;
}

TEST_F(LeanStore, SeesWhatIsProvisionedWhileItRunsAndVerifiesWithIt)
{
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, FindOne(lean, "code", CKO_PUBLIC_KEY, &key));

    std::vector<CK_BYTE> signature;
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        ASSERT_EQ(CKR_OK, full.Login(CKU_USER, kUserPin));
        CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, GeneratePair(full, "code", &pub, &priv));
        signature = Sign(full, priv, "firmware image");
        ASSERT_EQ(64u, signature.size());
    }
    // No C_Finalize/C_Initialize of the lean module in between.
    ASSERT_EQ(CKR_OK, FindOne(lean, "code", CKO_PUBLIC_KEY, &key));
    EXPECT_EQ(CKR_OK, Verify(lean, key, "firmware image", signature));
    EXPECT_EQ(CKR_SIGNATURE_INVALID, Verify(lean, key, "firmware imagE", signature));

    // r or s of zero or not below the order n is no signature (FIPS 186-4 §6.4.2).
    std::vector<CK_BYTE> bad = signature;
    std::memcpy(bad.data(), kP256Order, 32);
    EXPECT_EQ(CKR_SIGNATURE_INVALID, Verify(lean, key, "firmware image", bad)) << "r = n";
    bad = signature;
    std::memcpy(bad.data() + 32, kP256Order, 32);
    EXPECT_EQ(CKR_SIGNATURE_INVALID, Verify(lean, key, "firmware image", bad)) << "s = n";
    bad = signature;
    std::memset(bad.data(), 0, 32);
    EXPECT_EQ(CKR_SIGNATURE_INVALID, Verify(lean, key, "firmware image", bad)) << "r = 0";
}

TEST_F(LeanStore, ASearchFindsEveryObjectWhenThereAreMoreThanItFirstMakesRoomFor)
{
    constexpr int kObjects = 40; // the search's list starts with room for 16 and grows
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        for (int i = 0; i < kObjects; ++i) {
            ASSERT_EQ(CKR_OK, full.CreateData("data " + std::to_string(i), "value " + std::to_string(i)));
        }
    }
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    std::vector<CK_OBJECT_HANDLE> found;
    ASSERT_EQ(CKR_OK, lean.FindAllData(&found));
    ASSERT_EQ(static_cast<std::size_t>(kObjects), found.size());
    std::vector<std::string> values;
    for (CK_OBJECT_HANDLE object : found) {
        std::string value;
        ASSERT_EQ(CKR_OK, lean.Value(object, &value));
        values.push_back(value);
    }
    std::sort(values.begin(), values.end());
    for (int i = 0; i < kObjects; ++i) {
        EXPECT_TRUE(std::binary_search(values.begin(), values.end(), "value " + std::to_string(i))) << i;
    }
}

TEST_F(LeanStore, ADamagedRecordIsSkippedAndTheOthersFound)
{
    CK_OBJECT_HANDLE kept = CK_INVALID_HANDLE, damaged = CK_INVALID_HANDLE;
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        ASSERT_EQ(CKR_OK, CreateData(full, "kept", false, &kept));
        ASSERT_EQ(CKR_OK, CreateData(full, "damaged", false, &damaged));
    }
    // Object records 1 and 2, in creation order; one bit of the second's checksum.
    FlipByte("p11forge obj 00000002", 5);
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    CK_OBJECT_HANDLE found = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_OK, FindOne(lean, "kept", CKO_DATA, &found));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, FindOne(lean, "damaged", CKO_DATA, &found));
    CK_BYTE value[8];
    CK_ATTRIBUTE attr = {CKA_VALUE, value, sizeof value};
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, lean.functions()->C_GetAttributeValue(lean.session(), 2, &attr, 1))
        << "the damaged record's handle";
}

TEST_F(LeanStore, ADamagedTokenRecordLeavesTheTokenUninitializedNotWithDefaultPins)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
    }
    FlipByte("p11forge token", 40);
    ASSERT_EQ(CKR_OK, lean_->C_Initialize(nullptr));
    CK_TOKEN_INFO info = {};
    EXPECT_EQ(CKR_OK, lean_->C_GetTokenInfo(0, &info));
    EXPECT_EQ(0u, info.flags & CKF_TOKEN_INITIALIZED);
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_TOKEN_NOT_RECOGNIZED, lean_->C_OpenSession(0, CKF_SERIAL_SESSION, nullptr, nullptr, &session));
    lean_->C_Finalize(nullptr);
}

TEST_F(LeanStore, ATokenRecordDamagedUnderAnOpenSessionFailsTheLoginAndIsNotRewritten)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
    }
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open()); // read while whole
    FlipByte("p11forge token", 40);
    const auto bytes = [&] {
        std::ifstream in(FileOf("p11forge token"), std::ios::binary);
        return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    const std::vector<char> damaged = bytes();
    // Read again at the login: an uninitialized token (no user PIN), and the SO's check cannot be counted.
    EXPECT_EQ(CKR_USER_PIN_NOT_INITIALIZED, lean.Login(CKU_USER, kUserPin));
    EXPECT_EQ(CKR_DEVICE_ERROR, lean.Login(CKU_SO, "00000000"));
    EXPECT_EQ(CKR_DEVICE_ERROR, lean.Login(CKU_SO, "99999999"));
    EXPECT_EQ(damaged, bytes()) << "a wrong-PIN count patched into a damaged record would pass it off as whole";
}

TEST_F(LeanStore, WrongPinsAreCountedInTheStoreBothModulesRead)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open()); // the token record, with the default PINs
    }
    {
        Client lean(lean_);
        ASSERT_EQ(CKR_OK, lean.Open());
        for (CK_ULONG i = 0; i + 1 < kPinTries; ++i) {
            ASSERT_EQ(CKR_PIN_INCORRECT, lean.Login(CKU_USER, "9999"));
        }
    }
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        CK_TOKEN_INFO info = {};
        ASSERT_EQ(CKR_OK, full.TokenInfo(&info));
        EXPECT_TRUE(info.flags & CKF_USER_PIN_FINAL_TRY) << "the full module reads the lean one's count";
        EXPECT_EQ(CKR_PIN_INCORRECT, full.Login(CKU_USER, "9999"));
    }
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    CK_TOKEN_INFO info = {};
    ASSERT_EQ(CKR_OK, lean.TokenInfo(&info));
    EXPECT_TRUE(info.flags & CKF_USER_PIN_LOCKED) << "and the lean one the full one's";
    EXPECT_EQ(CKR_PIN_LOCKED, lean.Login(CKU_USER, kUserPin));
}

TEST_F(LeanStore, AUserPinNeverSetIsAnsweredSoAndSpendsNoTry)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.InitTokenThenOpen("00000000", "no user yet")); // C_InitToken: no user PIN
    }
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    for (CK_ULONG i = 0; i <= kPinTries; ++i) {
        ASSERT_EQ(CKR_USER_PIN_NOT_INITIALIZED, lean.Login(CKU_USER, kUserPin)) << "attempt " << i;
    }
    CK_TOKEN_INFO info = {};
    ASSERT_EQ(CKR_OK, lean.TokenInfo(&info));
    EXPECT_EQ(0u, info.flags & (CKF_USER_PIN_INITIALIZED | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_LOCKED));
    EXPECT_EQ(0, std::memcmp(info.label, "no user yet", 11));
}

TEST_F(LeanStore, AGoodPinAfterWrongOnesResetsTheStoredCount)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
    }
    {
        Client lean(lean_);
        ASSERT_EQ(CKR_OK, lean.Open());
        ASSERT_EQ(CKR_PIN_INCORRECT, lean.Login(CKU_USER, "9999"));
        ASSERT_EQ(CKR_PIN_INCORRECT, lean.Login(CKU_USER, "9998"));
        ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
    }
    Client full(full_);
    ASSERT_EQ(CKR_OK, full.Open());
    CK_TOKEN_INFO info = {};
    ASSERT_EQ(CKR_OK, full.TokenInfo(&info));
    EXPECT_EQ(0u, info.flags & (CKF_USER_PIN_COUNT_LOW | CKF_SO_PIN_COUNT_LOW)) << "the full module reads a count of 0";
    for (CK_ULONG i = 0; i + 1 < kPinTries; ++i) {
        ASSERT_EQ(CKR_PIN_INCORRECT, full.Login(CKU_USER, "9999")) << "tries left after the reset: " << i;
    }
    EXPECT_EQ(CKR_OK, full.Login(CKU_USER, kUserPin));
}

TEST_F(LeanStore, PrivateObjectsAppearAtLoginAndAPrivateKeysValueStaysSensitive)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        ASSERT_EQ(CKR_OK, full.Login(CKU_USER, kUserPin));
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, CreateData(full, "secret data", true, &object));
        ASSERT_EQ(CKR_OK, GeneratePair(full, "tls", &pub, &priv));
    }
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    CK_OBJECT_HANDLE found = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, FindOne(lean, "secret data", CKO_DATA, &found));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, FindOne(lean, "tls", CKO_PRIVATE_KEY, &found));
    ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OK, FindOne(lean, "secret data", CKO_DATA, &found));
    ASSERT_EQ(CKR_OK, FindOne(lean, "tls", CKO_PRIVATE_KEY, &found));
    CK_BYTE value[64];
    CK_KEY_TYPE key_type = 0;
    CK_ATTRIBUTE attrs[] = {{CKA_KEY_TYPE, &key_type, sizeof key_type}, {CKA_VALUE, value, sizeof value}};
    EXPECT_EQ(CKR_ATTRIBUTE_SENSITIVE, lean.functions()->C_GetAttributeValue(lean.session(), found, attrs, 2));
    EXPECT_EQ(CKK_EC, key_type);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, attrs[1].ulValueLen);
    CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
    // v2.40 §5.1.6: CKR_KEY_TYPE_INCONSISTENT "has a higher priority than CKR_KEY_FUNCTION_NOT_PERMITTED".
    EXPECT_EQ(CKR_KEY_TYPE_INCONSISTENT, lean.functions()->C_VerifyInit(lean.session(), &mechanism, found))
        << "a private key does not verify";
    ASSERT_EQ(CKR_OK, lean.Logout());
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, lean.functions()->C_GetAttributeValue(lean.session(), found, attrs, 1));
}

TEST_F(LeanStore, AnEmptyStoreIsTheProfilesFreshTokenAndStaysUnwritten)
{
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    CK_TOKEN_INFO info = {};
    ASSERT_EQ(CKR_OK, lean.TokenInfo(&info));
    EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_TRUE(info.flags & CKF_USER_PIN_INITIALIZED);
    EXPECT_EQ(0, std::memcmp(info.label, "FreeRTOS ", 9));
    EXPECT_EQ(CKR_PIN_INCORRECT, lean.Login(CKU_USER, "1234"));
    ASSERT_EQ(CKR_OK, lean.TokenInfo(&info));
    EXPECT_TRUE(info.flags & CKF_USER_PIN_COUNT_LOW);
    ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
    std::error_code error;
    const bool wrote = std::filesystem::exists(FileOf("p11forge token"), error);
    EXPECT_FALSE(wrote) << "the lean module writes no token record of its own";
}

} // namespace
} // namespace p11storage
