// C_InitToken (v2.40 §5.5). Destructive: runs only with --init-token, and
// leaves the token initialized with the run's PINs.
#include <cstring>
#include <string>
#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

CK_UTF8CHAR *Bytes(std::string &text)
{
    return reinterpret_cast<CK_UTF8CHAR *>(&text[0]);
}

class InitToken : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
        so_pin_ = SoPin();
        user_pin_ = UserPin();
        if (so_pin_.empty() || user_pin_.empty()) {
            GTEST_SKIP() << "not applicable: needs the SO and user PINs (pass --so-pin and --user-pin)";
        }
        std::memset(label_, ' ', sizeof(label_));
        std::memcpy(label_, "reinitialized", 13);
    }

    CK_RV InitTokenWith(std::string so_pin) { return fl()->C_InitToken(slot_, Bytes(so_pin), so_pin.size(), label_); }

    // Gives the user PIN back after a re-initialization cleared it.
    void RestoreUserPin()
    {
        ASSERT_TRUE(OpenSession());
        ASSERT_RV(fl()->C_Login(session_, CKU_SO, Bytes(so_pin_), so_pin_.size()), CKR_OK);
        ASSERT_RV(fl()->C_InitPIN(session_, Bytes(user_pin_), user_pin_.size()), CKR_OK);
        ASSERT_RV(fl()->C_CloseSession(session_), CKR_OK);
    }

    std::string so_pin_;
    std::string user_pin_;
    CK_UTF8CHAR label_[32];
};

P11_CASE(InitToken, WithASessionOpenIsSessionExists, .group = "init_token", .functions = "C_InitToken",
         .section = "v2.40 §5.5 C_InitToken", .destructive = true)
{
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION));
    EXPECT_RV(InitTokenWith(so_pin_), CKR_SESSION_EXISTS);
}

P11_CASE(InitToken, WrongSoPinIsPinIncorrect, .group = "init_token", .functions = "C_InitToken",
         .section = "v2.40 §5.5 C_InitToken", .destructive = true)
{
    EXPECT_RV(InitTokenWith(so_pin_ + "x"), CKR_PIN_INCORRECT);
}

P11_CASE(InitToken, ReinitializingSetsTheLabelAndClearsTheUserPin, .group = "init_token",
         .functions = "C_InitToken C_InitPIN", .section = "v2.40 §5.5 C_InitToken", .destructive = true)
{
    ASSERT_RV(InitTokenWith(so_pin_), CKR_OK);
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    EXPECT_EQ(std::memcmp(info.label, label_, sizeof(label_)), 0) << "the label given to C_InitToken";
    EXPECT_NE(info.flags & CKF_TOKEN_INITIALIZED, 0u);
    EXPECT_EQ(info.flags & CKF_USER_PIN_INITIALIZED, 0u) << "v2.40 §5.5 C_InitToken: the user PIN is cleared";
    ASSERT_TRUE(OpenSession());
    EXPECT_RV(fl()->C_Login(session_, CKU_USER, Bytes(user_pin_), user_pin_.size()), CKR_USER_PIN_NOT_INITIALIZED)
        << "v2.40 §5.6 C_Login";
    ASSERT_RV(fl()->C_CloseSession(session_), CKR_OK);
    RestoreUserPin();
}

// v2.40 §5.5 C_InitToken: "When a token is initialized, all objects that can
// be destroyed are destroyed". Initialized again and again, each time with
// one new token object, the token holds exactly that object after C_Finalize
// and C_Initialize: no object of an earlier round comes back.
P11_CASE(InitToken, ReinitializedAgainAndAgainKeepsOnlyTheNewestObject, .group = "init_token",
         .functions = "C_InitToken C_InitPIN C_CreateObject C_Finalize C_FindObjectsInit C_FindObjects "
                      "C_FindObjectsFinal",
         .section = "v2.40 §5.5 C_InitToken", .destructive = true)
{
    for (int round = 0; round < 5; ++round) {
        ASSERT_RV(InitTokenWith(so_pin_), CKR_OK) << "round " << round;
        ASSERT_NO_FATAL_FAILURE(RestoreUserPin());
        ASSERT_TRUE(OpenSession());
        ASSERT_RV(fl()->C_Login(session_, CKU_USER, Bytes(user_pin_), user_pin_.size()), CKR_OK);
        Template tmpl;
        const std::string value = "round " + std::to_string(round);
        tmpl.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_TOKEN, true).Bool(CKA_PRIVATE, false);
        tmpl.Text(CKA_LABEL, TestObjectLabel("JITP Cert", true)).Text(CKA_VALUE, value);
        ASSERT_NE(Create(tmpl), CK_INVALID_HANDLE) << "round " << round;
        ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
        ASSERT_NO_FATAL_FAILURE(Initialize());
        ASSERT_TRUE(OpenSession());
        Template every;
        every.Ulong(CKA_CLASS, CKO_DATA);
        const std::vector<CK_OBJECT_HANDLE> found = Find(every);
        ASSERT_EQ(found.size(), 1u) << "after round " << round << " the token holds " << found.size()
                                    << " data objects: objects of earlier rounds came back";
        ByteVector read(64);
        CK_ATTRIBUTE attribute = {CKA_VALUE, read.data(), read.size()};
        ASSERT_RV(fl()->C_GetAttributeValue(session_, found[0], &attribute, 1), CKR_OK);
        read.resize(attribute.ulValueLen);
        EXPECT_EQ(read, ByteVector(value.begin(), value.end())) << "round " << round;
        ASSERT_RV(fl()->C_CloseSession(session_), CKR_OK);
    }
    // The last round's object goes, the token as the run found it otherwise.
    ASSERT_RV(InitTokenWith(so_pin_), CKR_OK);
    RestoreUserPin();
}

} // namespace
} // namespace p11conf
