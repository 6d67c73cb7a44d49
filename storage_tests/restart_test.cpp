// What a process writes survives its exit: a second process finds the token
// label set by C_InitToken, the PINs changed with C_SetPIN (the old ones are
// refused), and the token objects with their values.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "module_client.h"

namespace p11storage {
namespace {

const char kLabel[] = "restart test token";
const std::string kFirstSoPin = "12345678", kSoPin = "87654321";
const std::string kFirstUserPin = "1111", kUserPin = "2222";
constexpr int kObjects = 5;

std::string ValueOf(int i)
{
    return "kept value " + std::to_string(i) + std::string(static_cast<size_t>(i) * 100, 'k');
}

// The first process: a blank token made ready and changed the way a user
// would, then the process exits.
int SetUpToken()
{
    CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FULL);
    if (fl == nullptr) {
        return 10;
    }
    Client client(fl);
    const struct {
        const char *what;
        CK_RV rv;
    } steps[] = {
        {"C_InitToken", client.InitTokenThenOpen(kFirstSoPin, kLabel)},
        {"SO login", client.Login(CKU_SO, kFirstSoPin)},
        {"C_InitPIN", client.InitUserPin(kFirstUserPin)},
        {"SO C_SetPIN", client.SetPin(kFirstSoPin, kSoPin)},
        {"SO logout", client.Logout()},
        {"user login", client.Login(CKU_USER, kFirstUserPin)},
        {"user C_SetPIN", client.SetPin(kFirstUserPin, kUserPin)},
    };
    for (const auto &step : steps) {
        if (step.rv != CKR_OK) {
            std::fprintf(stderr, "%s: 0x%lx\n", step.what, step.rv);
            return 11;
        }
    }
    for (int i = 0; i < kObjects; ++i) {
        if (client.CreateData("kept " + std::to_string(i), ValueOf(i)) != CKR_OK) {
            return 12;
        }
    }
    return 0;
}

TEST(Restart, TokenLabelPinsAndObjectsSurviveTheProcess)
{
    TempDir tmp;
    ASSERT_FALSE(tmp.path().empty());
    setenv("P11FORGE_STORE_DIR", (tmp.path() + "/store").c_str(), 1);
    ASSERT_EQ(0, RunInChild(SetUpToken)) << "the first process failed; see its message above";

    // This process never loaded the store before: everything comes from disk.
    CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FULL);
    ASSERT_NE(nullptr, fl);
    Client client(fl);
    ASSERT_EQ(CKR_OK, client.Open());
    CK_TOKEN_INFO info = {};
    ASSERT_EQ(CKR_OK, client.TokenInfo(&info));
    std::string label(reinterpret_cast<const char *>(info.label), sizeof info.label);
    EXPECT_EQ(std::string(kLabel) + std::string(sizeof info.label - std::strlen(kLabel), ' '), label);
    EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_TRUE(info.flags & CKF_USER_PIN_INITIALIZED);

    EXPECT_EQ(CKR_PIN_INCORRECT, client.Login(CKU_USER, kFirstUserPin)) << "the old user PIN still works";
    ASSERT_EQ(CKR_OK, client.Login(CKU_USER, kUserPin));
    for (int i = 0; i < kObjects; ++i) {
        std::vector<CK_OBJECT_HANDLE> found;
        ASSERT_EQ(CKR_OK, client.FindByLabel("kept " + std::to_string(i), &found));
        ASSERT_EQ(1u, found.size()) << i;
        std::string value;
        ASSERT_EQ(CKR_OK, client.Value(found[0], &value));
        EXPECT_EQ(ValueOf(i), value);
    }
    ASSERT_EQ(CKR_OK, client.Logout());
    EXPECT_EQ(CKR_PIN_INCORRECT, client.Login(CKU_SO, kFirstSoPin)) << "the old SO PIN still works";
    EXPECT_EQ(CKR_OK, client.Login(CKU_SO, kSoPin));
}

} // namespace
} // namespace p11storage
