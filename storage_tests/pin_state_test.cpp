// The token's PIN state shared by processes: a process that loaded the token
// earlier never saves its stale PINs back over another's change, wrong PINs
// from several processes all count, and a locked PIN stays locked across a
// restart until the SO sets a new one. The freertos module: user PIN 0000,
// SO PIN 00000000, 10 tries (the profile default).
#include <gtest/gtest.h>

#include <string>

#include <unistd.h>

#include "module_client.h"

namespace p11storage {
namespace {

constexpr int kTries = 10;

// A fresh store for one test, in this process's environment (children inherit it).
class PinStateTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        const std::string store = tmp_.path() + "/store";
        setenv("P11FORGE_STORE_DIR", store.c_str(), 1);
    }
    TempDir tmp_;
};

// A child that logs in once with `pin` and exits with 0 when the result was `expected`.
int LoginIs(const std::string &pin, CK_RV expected, CK_USER_TYPE user = CKU_USER)
{
    return RunInChild([&] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
        if (fl == nullptr) {
            return 11;
        }
        Client client(fl);
        if (client.Open() != CKR_OK) {
            return 12;
        }
        const CK_RV rv = client.Login(user, pin);
        if (rv != expected) {
            std::fprintf(stderr, "login with %s: 0x%lx, expected 0x%lx\n", pin.c_str(), rv, expected);
            return 13;
        }
        return 0;
    });
}

// The token flags as a new process sees them, or ~0 on failure.
CK_FLAGS FlagsInNewProcess()
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
        return ~0ul;
    }
    const int code = RunInChild([&] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
        CK_TOKEN_INFO info;
        if (fl == nullptr) {
            return 1;
        }
        Client client(fl);
        if (client.Open() != CKR_OK || client.TokenInfo(&info) != CKR_OK) {
            return 2;
        }
        return write(pipe_fds[1], &info.flags, sizeof info.flags) == sizeof info.flags ? 0 : 3;
    });
    CK_FLAGS flags = ~0ul;
    if (code != 0 || read(pipe_fds[0], &flags, sizeof flags) != sizeof flags) {
        flags = ~0ul;
    }
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return flags;
}

TEST_F(PinStateTest, PinChangedByAnotherProcessIsNotRevertedByAStaleOne)
{
    int ready[2];
    int go[2];
    ASSERT_EQ(0, pipe(ready));
    ASSERT_EQ(0, pipe(go));
    // B loads the token (PIN 0000), waits while A changes the PIN, then enters a wrong PIN.
    pid_t b = StartChild([&] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
        if (fl == nullptr) {
            return 11;
        }
        Client client(fl);
        char byte = 1;
        if (client.Open() != CKR_OK || write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) {
            return 12;
        }
        return client.Login(CKU_USER, "9999") == CKR_PIN_INCORRECT ? 0 : 13;
    });
    ASSERT_GT(b, 0);
    char byte = 0;
    ASSERT_EQ(1, read(ready[0], &byte, 1));
    ASSERT_EQ(0, RunInChild([] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
        Client client(fl);
        return fl != nullptr && client.Open() == CKR_OK && client.SetPin("0000", "5678") == CKR_OK ? 0 : 1;
    }));
    ASSERT_EQ(1, write(go[1], &byte, 1));
    EXPECT_EQ(0, WaitChild(b)) << "B's wrong PIN";
    EXPECT_EQ(0, LoginIs("5678", CKR_OK)) << "A's new PIN must still hold after B's failed login";
    EXPECT_EQ(0, LoginIs("0000", CKR_PIN_INCORRECT)) << "the old PIN must not come back";
    for (int fd : {ready[0], ready[1], go[0], go[1]}) {
        close(fd);
    }
}

TEST_F(PinStateTest, WrongPinsFromTwoProcessesAllCount)
{
    // Each child waits for the gate, then enters half the tries wrong at once
    // with the other: a lost increment would leave the PIN unlocked.
    int gate[2];
    ASSERT_EQ(0, pipe(gate));
    pid_t children[2];
    for (pid_t &child : children) {
        child = StartChild([&] {
            close(gate[1]);
            CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
            Client client(fl);
            char go = 0;
            if (fl == nullptr || client.Open() != CKR_OK || read(gate[0], &go, 1) < 0) {
                return 11;
            }
            for (int i = 0; i < kTries / 2; ++i) {
                const CK_RV rv = client.Login(CKU_USER, "9999");
                if (rv != CKR_PIN_INCORRECT && rv != CKR_PIN_LOCKED) {
                    std::fprintf(stderr, "wrong PIN %d: 0x%lx\n", i, rv);
                    return 12;
                }
            }
            return 0;
        });
        ASSERT_GT(child, 0);
    }
    close(gate[0]);
    close(gate[1]);
    EXPECT_EQ(0, WaitChild(children[0]));
    EXPECT_EQ(0, WaitChild(children[1]));
    EXPECT_EQ(0, LoginIs("0000", CKR_PIN_LOCKED)) << kTries << " wrong PINs in all must lock the user PIN";
}

TEST_F(PinStateTest, LockedPinStaysLockedAcrossRestartUntilTheSoSetsANewOne)
{
    ASSERT_EQ(0, RunInChild([] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
        Client client(fl);
        if (fl == nullptr || client.Open() != CKR_OK) {
            return 11;
        }
        CK_TOKEN_INFO info;
        for (int i = 0; i < kTries; ++i) {
            if (i == kTries - 1 && (client.TokenInfo(&info) != CKR_OK || !(info.flags & CKF_USER_PIN_FINAL_TRY))) {
                return 12; // the last try is announced
            }
            if (client.Login(CKU_USER, "9999") != CKR_PIN_INCORRECT) {
                return 13;
            }
        }
        return client.Login(CKU_USER, "0000") == CKR_PIN_LOCKED ? 0 : 14;
    }));
    const CK_FLAGS flags = FlagsInNewProcess();
    ASSERT_NE(~0ul, flags);
    EXPECT_TRUE(flags & CKF_USER_PIN_LOCKED);
    EXPECT_FALSE(flags & CKF_USER_PIN_FINAL_TRY);
    EXPECT_EQ(0, LoginIs("0000", CKR_PIN_LOCKED)) << "a restart does not unlock";
    ASSERT_EQ(0, RunInChild([] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
        Client client(fl);
        return fl != nullptr && client.Open() == CKR_OK && client.Login(CKU_SO, "00000000") == CKR_OK &&
                       client.InitUserPin("4321") == CKR_OK
                   ? 0
                   : 1;
    }));
    EXPECT_EQ(0, LoginIs("4321", CKR_OK)) << "C_InitPIN by the SO unlocks the user";
    EXPECT_FALSE(FlagsInNewProcess() & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW));
}

TEST_F(PinStateTest, LockedSoPinRefusesTheRightPin)
{
    for (int i = 0; i < kTries; ++i) {
        ASSERT_EQ(0, LoginIs("99999999", CKR_PIN_INCORRECT, CKU_SO)) << i;
    }
    EXPECT_EQ(0, LoginIs("00000000", CKR_PIN_LOCKED, CKU_SO));
    EXPECT_TRUE(FlagsInNewProcess() & CKF_SO_PIN_LOCKED);
    EXPECT_EQ(0, LoginIs("0000", CKR_OK)) << "the user PIN has its own count";
}

} // namespace
} // namespace p11storage
