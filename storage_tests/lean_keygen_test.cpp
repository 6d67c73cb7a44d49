// The lean module that writes (freertos-keygen) and the full freertos module
// over one POSIX store, as a device and its factory or service tool share a
// flash image: a key pair the device makes signs in the full module, objects
// either module creates are seen and destroyed by the other, a destroy stays
// done after both restart, and two modules writing in turn never hand out one
// number twice.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "module_client.h"

namespace p11storage {
namespace {

const std::string kUserPin = "0000";
const CK_BYTE kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

class LeanKeygen : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        const std::string store = tmp_.path() + "/store";
        setenv("P11FORGE_STORE_DIR", store.c_str(), 1);
        unsetenv("P11FORGE_DEVICE_KEY_FILE");
        full_ = LoadModule(P11_MODULE_FREERTOS);
        lean_ = LoadModule(P11_MODULE_FREERTOS_KEYGEN);
        ASSERT_NE(nullptr, full_);
        ASSERT_NE(nullptr, lean_);
    }

    // A token P-256 pair under the labels; the handles in that module.
    static void Generate(Client &client, const std::string &pub_label, const std::string &priv_label,
                         CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
    {
        CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        CK_BBOOL yes = CK_TRUE;
        CK_ATTRIBUTE pub_tmpl[] = {{CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256), sizeof kP256},
                                   {CKA_TOKEN, &yes, sizeof yes},
                                   {CKA_VERIFY, &yes, sizeof yes},
                                   {CKA_LABEL, const_cast<char *>(pub_label.data()), pub_label.size()}};
        CK_ATTRIBUTE priv_tmpl[] = {{CKA_TOKEN, &yes, sizeof yes},
                                    {CKA_SIGN, &yes, sizeof yes},
                                    {CKA_PRIVATE, &yes, sizeof yes},
                                    {CKA_LABEL, const_cast<char *>(priv_label.data()), priv_label.size()}};
        ASSERT_EQ(CKR_OK, client.functions()->C_GenerateKeyPair(client.session(), &mechanism, pub_tmpl, 4, priv_tmpl,
                                                                4, pub, priv));
    }

    static CK_OBJECT_HANDLE FindOne(Client &client, const std::string &label)
    {
        std::vector<CK_OBJECT_HANDLE> found;
        EXPECT_EQ(CKR_OK, client.FindByLabel(label, &found));
        EXPECT_EQ(1u, found.size()) << label;
        return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
    }

    static std::vector<CK_BYTE> Sign(Client &client, CK_OBJECT_HANDLE key, std::string data)
    {
        CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
        std::vector<CK_BYTE> signature(64);
        CK_ULONG len = signature.size();
        EXPECT_EQ(CKR_OK, client.functions()->C_SignInit(client.session(), &mechanism, key));
        EXPECT_EQ(CKR_OK, client.functions()->C_Sign(client.session(), reinterpret_cast<CK_BYTE *>(&data[0]),
                                                     data.size(), signature.data(), &len));
        signature.resize(len);
        return signature;
    }

    static CK_RV Verify(Client &client, CK_OBJECT_HANDLE key, std::string data, std::vector<CK_BYTE> signature)
    {
        CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
        EXPECT_EQ(CKR_OK, client.functions()->C_VerifyInit(client.session(), &mechanism, key));
        return client.functions()->C_Verify(client.session(), reinterpret_cast<CK_BYTE *>(&data[0]), data.size(),
                                            signature.data(), signature.size());
    }

    TempDir tmp_;
    CK_FUNCTION_LIST *full_ = nullptr;
    CK_FUNCTION_LIST *lean_ = nullptr;
};

TEST_F(LeanKeygen, APairTheDeviceMadeSignsInTheFullModuleAndTheOtherWayRound)
{
    {
        Client lean(lean_);
        ASSERT_EQ(CKR_OK, lean.Open());
        ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
        CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
        Generate(lean, "Device Pub TLS Key", "Device Priv TLS Key", &pub, &priv);
    }
    Client full(full_);
    ASSERT_EQ(CKR_OK, full.Open());
    ASSERT_EQ(CKR_OK, full.Login(CKU_USER, kUserPin));
    const CK_OBJECT_HANDLE priv = FindOne(full, "Device Priv TLS Key");
    const CK_OBJECT_HANDLE pub = FindOne(full, "Device Pub TLS Key");
    ASSERT_NE(CK_INVALID_HANDLE, priv);
    ASSERT_NE(CK_INVALID_HANDLE, pub);
    EXPECT_EQ(CKR_OK, Verify(full, pub, "handshake", Sign(full, priv, "handshake")))
        << "the full module opens the private value the lean one sealed";

    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    ASSERT_EQ(CKR_OK, lean.Login(CKU_USER, kUserPin));
    const CK_OBJECT_HANDLE lean_pub = FindOne(lean, "Device Pub TLS Key");
    EXPECT_EQ(CKR_OK, Verify(lean, lean_pub, "handshake", Sign(full, priv, "handshake")));
}

TEST_F(LeanKeygen, EitherModuleDestroysWhatTheOtherMadeAndTheDestroyLastsARestart)
{
    {
        Client full(full_);
        ASSERT_EQ(CKR_OK, full.Open());
        ASSERT_EQ(CKR_OK, full.CreateData("made by the host", "h"));
        ASSERT_EQ(CKR_OK, full.CreateData("kept", "k"));
        Client lean(lean_);
        ASSERT_EQ(CKR_OK, lean.Open());
        ASSERT_EQ(CKR_OK, lean.CreateData("made by the device", "d"));
        EXPECT_EQ(CKR_OK, lean.DestroyByLabel("made by the host"));
        std::vector<CK_OBJECT_HANDLE> device_made;
        ASSERT_EQ(CKR_OK, full.FindByLabel("made by the device", &device_made));
        ASSERT_EQ(1u, device_made.size()) << "the full module sees what the lean one stored";
        EXPECT_EQ(CKR_OK, full.Destroy(device_made[0]));
    }
    for (CK_FUNCTION_LIST *module : {full_, lean_}) {
        Client client(module);
        ASSERT_EQ(CKR_OK, client.Open());
        std::vector<CK_OBJECT_HANDLE> all;
        ASSERT_EQ(CKR_OK, client.FindAllData(&all));
        ASSERT_EQ(1u, all.size()) << (module == full_ ? "full" : "lean") << ": only the kept object is left";
        std::string value;
        EXPECT_EQ(CKR_OK, client.Value(all[0], &value));
        EXPECT_EQ("k", value);
    }
}

TEST_F(LeanKeygen, ModulesWritingInTurnNeverShareANumber)
{
    // Each module creates while the other's handles are still held: the
    // lean one re-reads the head under the store lock, the full one too.
    Client full(full_);
    ASSERT_EQ(CKR_OK, full.Open());
    Client lean(lean_);
    ASSERT_EQ(CKR_OK, lean.Open());
    for (int i = 0; i < 20; ++i) {
        ASSERT_EQ(CKR_OK, full.CreateData("host " + std::to_string(i), "h"));
        ASSERT_EQ(CKR_OK, lean.CreateData("device " + std::to_string(i), "d"));
    }
    for (Client *client : {&full, &lean}) {
        std::vector<CK_OBJECT_HANDLE> all;
        ASSERT_EQ(CKR_OK, client->FindAllData(&all));
        EXPECT_EQ(40u, all.size()) << "an object was lost or overwritten";
        for (int i = 0; i < 20; ++i) {
            std::vector<CK_OBJECT_HANDLE> one;
            ASSERT_EQ(CKR_OK, client->FindByLabel("device " + std::to_string(i), &one));
            EXPECT_EQ(1u, one.size());
        }
    }
}

} // namespace
} // namespace p11storage
