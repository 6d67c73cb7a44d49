// A running process sees what other processes do to the store it shares,
// without C_Finalize/C_Initialize (issue 14, defect 6): an object another
// process created is found, a changed one shows its new attributes under the
// same handle, a destroyed one answers CKR_OBJECT_HANDLE_INVALID (a key:
// CKR_KEY_HANDLE_INVALID) and is no longer found, more changes than the
// journal holds are all seen, and another process's C_InitToken ends this
// one's sessions. The observer is one long-lived process stepping through
// the checks when told; the changes are made by separate processes between
// its steps. The full module (a token initialized here: SO PIN 12345678,
// user PIN 1234).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "module_client.h"

namespace p11storage {
namespace {

const unsigned char kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

// A process that keeps one library open and runs step(client, n) when the
// parent asks; each step answers 0 when its checks held.
class Observer {
  public:
    template <typename Step> explicit Observer(Step step)
    {
        if (pipe(to_child_) != 0 || pipe(from_child_) != 0) {
            return;
        }
        pid_ = StartChild([&] {
            Client client(LoadModule(P11_MODULE_FULL));
            int ready = client.Open() == CKR_OK && client.Login(CKU_USER, "1234") == CKR_OK ? 0 : 1;
            if (write(from_child_[1], &ready, 1) != 1) {
                return 1;
            }
            unsigned char n = 0;
            while (read(to_child_[0], &n, 1) == 1 && n != 255) {
                const unsigned char result = static_cast<unsigned char>(step(client, n));
                if (write(from_child_[1], &result, 1) != 1) {
                    return 1;
                }
            }
            return 0;
        });
        unsigned char ready = 1;
        ready_ = pid_ > 0 && read(from_child_[0], &ready, 1) == 1 && ready == 0;
    }
    ~Observer()
    {
        const unsigned char stop = 255;
        (void)!write(to_child_[1], &stop, 1);
        WaitChild(pid_);
        for (int fd : {to_child_[0], to_child_[1], from_child_[0], from_child_[1]}) {
            close(fd);
        }
    }
    bool ready() const { return ready_; }
    // The step's answer; -1 when the observer is gone.
    int Step(unsigned char n)
    {
        unsigned char result = 0;
        if (write(to_child_[1], &n, 1) != 1 || read(from_child_[0], &result, 1) != 1) {
            return -1;
        }
        return result;
    }

  private:
    int to_child_[2] = {-1, -1};
    int from_child_[2] = {-1, -1};
    pid_t pid_ = -1;
    bool ready_ = false;
};

// Another application: opens, logs in, runs body, finalizes.
template <typename Body> int Other(Body body)
{
    return RunInChild([&] {
        Client client(LoadModule(P11_MODULE_FULL));
        if (client.Open() != CKR_OK || client.Login(CKU_USER, "1234") != CKR_OK) {
            return 2;
        }
        const CK_RV rv = body(client);
        if (rv != CKR_OK) {
            std::fprintf(stderr, "the other process: 0x%lx\n", rv);
        }
        return rv == CKR_OK ? 0 : 3;
    });
}

CK_RV Label(Client &client, CK_OBJECT_HANDLE object, std::string *out)
{
    CK_ATTRIBUTE attr = {CKA_LABEL, nullptr, 0};
    CK_RV rv = client.functions()->C_GetAttributeValue(client.session(), object, &attr, 1);
    if (rv != CKR_OK) {
        return rv;
    }
    out->assign(attr.ulValueLen, '\0');
    attr.pValue = &(*out)[0];
    return client.functions()->C_GetAttributeValue(client.session(), object, &attr, 1);
}

CK_RV GenerateKey(Client &client, const std::string &label)
{
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub[] = {{CKA_TOKEN, &yes, sizeof yes},
                          {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                          {CKA_EC_PARAMS, const_cast<unsigned char *>(kP256), sizeof kP256}};
    CK_ATTRIBUTE prv[] = {{CKA_TOKEN, &yes, sizeof yes},
                          {CKA_PRIVATE, &yes, sizeof yes},
                          {CKA_SIGN, &yes, sizeof yes},
                          {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE a = 0, b = 0;
    return client.functions()->C_GenerateKeyPair(client.session(), &mechanism, pub, 3, prv, 4, &a, &b);
}

// The private key under the label (the public key shares it).
CK_RV PrivateKey(Client &client, const std::string &label, CK_OBJECT_HANDLE *out)
{
    CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &klass, sizeof klass},
                           {CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
    CK_FUNCTION_LIST *fl = client.functions();
    CK_RV rv = fl->C_FindObjectsInit(client.session(), tmpl, 2);
    CK_ULONG count = 0;
    if (rv == CKR_OK) {
        rv = fl->C_FindObjects(client.session(), out, 1, &count);
        (void)fl->C_FindObjectsFinal(client.session());
    }
    return rv == CKR_OK && count != 1 ? CKR_OBJECT_HANDLE_INVALID : rv;
}

CK_RV SignInit(Client &client, CK_OBJECT_HANDLE key)
{
    CK_MECHANISM mechanism = {CKM_ECDSA, nullptr, 0};
    CK_RV rv = client.functions()->C_SignInit(client.session(), &mechanism, key);
    if (rv == CKR_OK) {
        unsigned char hash[32] = {1};
        unsigned char signature[64];
        CK_ULONG len = sizeof signature;
        rv = client.functions()->C_Sign(client.session(), hash, sizeof hash, signature, &len);
    }
    return rv;
}

class CoherenceTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        setenv("P11FORGE_STORE_DIR", (tmp_.path() + "/store").c_str(), 1);
        unsetenv("P11FORGE_DEVICE_KEY_FILE");
    }
    TempDir tmp_;
};

// The observer's steps; handles it learns are kept across steps.
CK_OBJECT_HANDLE g_data = CK_INVALID_HANDLE;
CK_OBJECT_HANDLE g_key = CK_INVALID_HANDLE;

int ObserverStep(Client &client, unsigned char n)
{
    std::vector<CK_OBJECT_HANDLE> found;
    std::string text;
    switch (n) {
    case 0: // before anything: nothing under "fresh"
        return client.FindByLabel("fresh", &found) == CKR_OK && found.empty() ? 0 : 10;
    case 1: // another process created it
        if (client.FindByLabel("fresh", &found) != CKR_OK || found.size() != 1) {
            return 11;
        }
        g_data = found[0];
        return client.Value(g_data, &text) == CKR_OK && text == "one" ? 0 : 12;
    case 2: // another process renamed it: same handle, new label
        if (Label(client, g_data, &text) != CKR_OK || text != "renamed") {
            return 13;
        }
        if (client.FindByLabel("renamed", &found) != CKR_OK || found != std::vector<CK_OBJECT_HANDLE>{g_data}) {
            return 14;
        }
        return client.FindByLabel("fresh", &found) == CKR_OK && found.empty() ? 0 : 15;
    case 3: // another process destroyed it
        if (client.Value(g_data, &text) != CKR_OBJECT_HANDLE_INVALID) {
            return 16;
        }
        if (client.SetLabel(g_data, "back") != CKR_OBJECT_HANDLE_INVALID) {
            return 17;
        }
        return client.FindByLabel("renamed", &found) == CKR_OK && found.empty() ? 0 : 18;
    case 4: // another process generated a key: found and usable
        return PrivateKey(client, "k", &g_key) == CKR_OK && SignInit(client, g_key) == CKR_OK ? 0 : 19;
    case 5: // another process destroyed the key
        return SignInit(client, g_key) == CKR_KEY_HANDLE_INVALID ? 0 : 20;
    case 6: // more changes than the journal holds
        return client.FindAllData(&found) == CKR_OK && found.size() == 100 ? 0 : 21;
    case 10: // remember the shared object
        if (client.FindByLabel("shared", &found) != CKR_OK || found.size() != 1) {
            return 30;
        }
        g_data = found[0];
        return 0;
    case 11: // rename it after another process changed its value
        return client.SetLabel(g_data, "renamed by A") == CKR_OK ? 0 : 31;
    case 7: { // another process initialized the token: this session is gone
        const CK_RV rv = client.FindByLabel("bulk 1", &found);
        return rv == CKR_SESSION_HANDLE_INVALID ? 0 : 22;
    }
    default:
        return 99;
    }
}

} // namespace

CK_RV SetValue(Client &client, CK_OBJECT_HANDLE object, const std::string &value)
{
    CK_ATTRIBUTE attr = {CKA_VALUE, const_cast<char *>(value.data()), value.size()};
    return client.functions()->C_SetAttributeValue(client.session(), object, &attr, 1);
}

void InitFullToken()
{
    ASSERT_EQ(0, RunInChild([] {
        Client client(LoadModule(P11_MODULE_FULL));
        CK_RV rv = client.InitTokenThenOpen("12345678", "coherence");
        rv = rv == CKR_OK ? client.Login(CKU_SO, "12345678") : rv;
        return rv == CKR_OK && client.InitUserPin("1234") == CKR_OK ? 0 : 2;
    }));
}

// A process that changes an object another process changed since it loaded
// it starts from the stored record: the other change is kept, not reverted.
TEST_F(CoherenceTest, AChangeStartsFromTheStoredRecord)
{
    InitFullToken();
    ASSERT_EQ(0, Other([](Client &c) { return c.CreateData("shared", "v"); }));
    Observer observer(ObserverStep);
    ASSERT_TRUE(observer.ready());
    ASSERT_EQ(0, observer.Step(10));
    ASSERT_EQ(0, Other([](Client &c) {
        std::vector<CK_OBJECT_HANDLE> found;
        CK_RV rv = c.FindByLabel("shared", &found);
        return rv == CKR_OK && found.size() == 1 ? SetValue(c, found[0], "changed by B") : CKR_GENERAL_ERROR;
    }));
    ASSERT_EQ(0, observer.Step(11));
    EXPECT_EQ(0, Other([](Client &c) {
        std::vector<CK_OBJECT_HANDLE> found;
        std::string value;
        CK_RV rv = c.FindByLabel("renamed by A", &found);
        rv = rv == CKR_OK && found.size() == 1 ? c.Value(found[0], &value) : CKR_GENERAL_ERROR;
        if (rv == CKR_OK && value != "changed by B") {
            std::fprintf(stderr, "value \"%s\": the other process's change was reverted\n", value.c_str());
            return CKR_GENERAL_ERROR;
        }
        return rv;
    }));
}

TEST_F(CoherenceTest, ARunningProcessSeesOtherProcessesChanges)
{
    InitFullToken();
    Observer observer(ObserverStep);
    ASSERT_TRUE(observer.ready());
    ASSERT_EQ(0, observer.Step(0));

    ASSERT_EQ(0, Other([](Client &c) { return c.CreateData("fresh", "one"); }));
    EXPECT_EQ(0, observer.Step(1)) << "an object another process created is not found";

    ASSERT_EQ(0, Other([](Client &c) {
        std::vector<CK_OBJECT_HANDLE> found;
        CK_RV rv = c.FindByLabel("fresh", &found);
        return rv == CKR_OK && found.size() == 1 ? c.SetLabel(found[0], "renamed") : CKR_GENERAL_ERROR;
    }));
    EXPECT_EQ(0, observer.Step(2)) << "a change another process made is not seen";

    ASSERT_EQ(0, Other([](Client &c) { return c.DestroyByLabel("renamed"); }));
    EXPECT_EQ(0, observer.Step(3)) << "an object another process destroyed is still there";

    ASSERT_EQ(0, Other([](Client &c) { return GenerateKey(c, "k"); }));
    EXPECT_EQ(0, observer.Step(4));
    ASSERT_EQ(0, Other([](Client &c) {
        CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
        CK_RV rv = PrivateKey(c, "k", &key);
        return rv == CKR_OK ? c.Destroy(key) : rv;
    }));
    EXPECT_EQ(0, observer.Step(5)) << "a key another process destroyed still signs";

    ASSERT_EQ(0, Other([](Client &c) {
        for (int i = 0; i < 100; ++i) {
            CK_RV rv = c.CreateData("bulk " + std::to_string(i), "v");
            if (rv != CKR_OK) {
                return rv;
            }
        }
        return CKR_OK;
    }));
    EXPECT_EQ(0, observer.Step(6)) << "after more changes than the journal holds";

    ASSERT_EQ(0, RunInChild([] {
        Client client(LoadModule(P11_MODULE_FULL));
        return client.InitTokenThenOpen("12345678", "again") == CKR_OK ? 0 : 2;
    }));
    EXPECT_EQ(0, observer.Step(7)) << "a session of the token another process initialized goes on";
}

} // namespace p11storage
