// Every field of the information structures (v2.40 §3.1-3.5: CK_INFO,
// CK_SLOT_INFO, CK_TOKEN_INFO, CK_SESSION_INFO, CK_MECHANISM_INFO) is written
// by the call that returns it, and CK_TOKEN_INFO / CK_SESSION_INFO follow
// every session and login change (v2.40 §5.5, §5.6).
//
// A field is "written" when two calls, one on a structure filled with 0x00
// and one on a structure filled with 0xFF, give the same bytes in it: a field
// the module leaves alone keeps the caller's fill. Field by field, not
// memcmp: padding between fields is nobody's to write.
#include <cstring>
#include <string>
#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

// The same field of the two reads, byte for byte.
#define EXPECT_FIELD_WRITTEN(zeros, ones, field, what)                                                                 \
    EXPECT_EQ(std::memcmp(&(zeros).field, &(ones).field, sizeof((zeros).field)), 0)                                   \
        << (what) << ": " #field " was not written (it kept the bytes the caller put there)"

// Calls get(&info) on a 0x00-filled and a 0xFF-filled structure; false (with
// a failure) unless both answer CKR_OK.
template <typename Info, typename Get> bool ReadTwice(Get get, Info *zeros, Info *ones, const std::string &call)
{
    std::memset(zeros, 0x00, sizeof(Info));
    std::memset(ones, 0xFF, sizeof(Info));
    const CK_RV first = get(zeros);
    const CK_RV second = get(ones);
    EXPECT_TRUE(RvIsOneOf(first, {CKR_OK})) << call << " on a structure filled with 0x00";
    EXPECT_TRUE(RvIsOneOf(second, {CKR_OK})) << call << " on a structure filled with 0xFF";
    return first == CKR_OK && second == CKR_OK;
}

void ExpectTokenInfoWritten(const CK_TOKEN_INFO &a, const CK_TOKEN_INFO &b, const std::string &when)
{
    const std::string what = "CK_TOKEN_INFO " + when;
    EXPECT_FIELD_WRITTEN(a, b, label, what);
    EXPECT_FIELD_WRITTEN(a, b, manufacturerID, what);
    EXPECT_FIELD_WRITTEN(a, b, model, what);
    EXPECT_FIELD_WRITTEN(a, b, serialNumber, what);
    EXPECT_FIELD_WRITTEN(a, b, flags, what);
    EXPECT_FIELD_WRITTEN(a, b, ulMaxSessionCount, what);
    EXPECT_FIELD_WRITTEN(a, b, ulSessionCount, what);
    EXPECT_FIELD_WRITTEN(a, b, ulMaxRwSessionCount, what);
    EXPECT_FIELD_WRITTEN(a, b, ulRwSessionCount, what);
    EXPECT_FIELD_WRITTEN(a, b, ulMaxPinLen, what);
    EXPECT_FIELD_WRITTEN(a, b, ulMinPinLen, what);
    EXPECT_FIELD_WRITTEN(a, b, ulTotalPublicMemory, what);
    EXPECT_FIELD_WRITTEN(a, b, ulFreePublicMemory, what);
    EXPECT_FIELD_WRITTEN(a, b, ulTotalPrivateMemory, what);
    EXPECT_FIELD_WRITTEN(a, b, ulFreePrivateMemory, what);
    EXPECT_FIELD_WRITTEN(a, b, hardwareVersion.major, what);
    EXPECT_FIELD_WRITTEN(a, b, hardwareVersion.minor, what);
    EXPECT_FIELD_WRITTEN(a, b, firmwareVersion.major, what);
    EXPECT_FIELD_WRITTEN(a, b, firmwareVersion.minor, what);
    // utcTime is "only meaningful" with CKF_CLOCK_ON_TOKEN (§3.2), and a
    // clock may tick between the two reads.
}

class InfoFields : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
    }
};

P11_CASE(InfoFields, EveryFieldOfCkInfoIsWritten, .group = "general", .functions = "C_GetInfo",
         .section = "v2.40 §5.4 C_GetInfo")
{
    CK_INFO a, b;
    ASSERT_TRUE(ReadTwice([&](CK_INFO *info) { return fl()->C_GetInfo(info); }, &a, &b, "C_GetInfo"));
    EXPECT_FIELD_WRITTEN(a, b, cryptokiVersion.major, "CK_INFO");
    EXPECT_FIELD_WRITTEN(a, b, cryptokiVersion.minor, "CK_INFO");
    EXPECT_FIELD_WRITTEN(a, b, manufacturerID, "CK_INFO");
    EXPECT_FIELD_WRITTEN(a, b, flags, "CK_INFO");
    EXPECT_FIELD_WRITTEN(a, b, libraryDescription, "CK_INFO");
    EXPECT_FIELD_WRITTEN(a, b, libraryVersion.major, "CK_INFO");
    EXPECT_FIELD_WRITTEN(a, b, libraryVersion.minor, "CK_INFO");
    EXPECT_EQ(a.flags, 0u) << "v2.40 §3.1 CK_INFO: flags \"bit flags reserved for future versions. Must be zero\"";
}

P11_CASE(InfoFields, EveryFieldOfCkSlotInfoIsWritten, .group = "slot_token", .functions = "C_GetSlotInfo",
         .section = "v2.40 §5.5 C_GetSlotInfo")
{
    CK_SLOT_INFO a, b;
    ASSERT_TRUE(ReadTwice([&](CK_SLOT_INFO *info) { return fl()->C_GetSlotInfo(slot_, info); }, &a, &b,
                          "C_GetSlotInfo"));
    EXPECT_FIELD_WRITTEN(a, b, slotDescription, "CK_SLOT_INFO");
    EXPECT_FIELD_WRITTEN(a, b, manufacturerID, "CK_SLOT_INFO");
    EXPECT_FIELD_WRITTEN(a, b, flags, "CK_SLOT_INFO");
    EXPECT_FIELD_WRITTEN(a, b, hardwareVersion.major, "CK_SLOT_INFO");
    EXPECT_FIELD_WRITTEN(a, b, hardwareVersion.minor, "CK_SLOT_INFO");
    EXPECT_FIELD_WRITTEN(a, b, firmwareVersion.major, "CK_SLOT_INFO");
    EXPECT_FIELD_WRITTEN(a, b, firmwareVersion.minor, "CK_SLOT_INFO");
}

P11_CASE(InfoFields, EveryFieldOfCkTokenInfoIsWritten, .group = "slot_token", .functions = "C_GetTokenInfo",
         .section = "v2.40 §5.5 C_GetTokenInfo")
{
    CK_TOKEN_INFO a, b;
    ASSERT_TRUE(ReadTwice([&](CK_TOKEN_INFO *info) { return fl()->C_GetTokenInfo(slot_, info); }, &a, &b,
                          "C_GetTokenInfo"));
    ExpectTokenInfoWritten(a, b, "with no session open");
}

P11_CASE(InfoFields, EveryFieldOfCkMechanismInfoIsWritten, .group = "slot_token", .functions = "C_GetMechanismInfo",
         .section = "v2.40 §5.5 C_GetMechanismInfo")
{
    ASSERT_FALSE(ActiveProfile().mechanisms.empty()) << "the profile names no mechanism";
    for (const ProfileMechanism &mechanism : ActiveProfile().mechanisms) {
        CK_MECHANISM_INFO a, b;
        const std::string call = "C_GetMechanismInfo(" + mechanism.name + ")";
        if (fl()->C_GetMechanismInfo(slot_, mechanism.type, &a) == CKR_MECHANISM_INVALID) {
            continue; // not offered: SlotToken.EveryProfileMechanismIsOffered... says so
        }
        if (!ReadTwice([&](CK_MECHANISM_INFO *info) { return fl()->C_GetMechanismInfo(slot_, mechanism.type, info); },
                       &a, &b, call)) {
            continue;
        }
        EXPECT_FIELD_WRITTEN(a, b, ulMinKeySize, call);
        EXPECT_FIELD_WRITTEN(a, b, ulMaxKeySize, call);
        EXPECT_FIELD_WRITTEN(a, b, flags, call);
    }
}

P11_CASE(InfoFields, MechanismInfoOfAnUnknownSlotIsSlotIdInvalid, .group = "slot_token",
         .functions = "C_GetMechanismInfo", .section = "v2.40 §5.5 C_GetMechanismInfo")
{
    ASSERT_FALSE(ActiveProfile().mechanisms.empty()) << "the profile names no mechanism";
    CK_MECHANISM_INFO info{};
    EXPECT_RV(fl()->C_GetMechanismInfo(0x7A11BAD, ActiveProfile().mechanisms.front().type, &info),
              CKR_SLOT_ID_INVALID);
}

// The session and token information through a sequence of session and login
// changes: after each, every CK_SESSION_INFO of the open sessions and the
// CK_TOKEN_INFO are read twice (every field written) and checked against the
// state tables of v2.40 §5.6 (Table 8 / §4.4 session states).
class InfoStates : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
    }

    struct Open {
        CK_SESSION_HANDLE handle;
        bool rw;
    };

    // Every open session in `state` with its own flags; the token's counts
    // (when it gives them) equal to the open sessions.
    void ExpectStates(const std::vector<Open> &sessions, CK_STATE ro_state, CK_STATE rw_state,
                      const std::string &when)
    {
        for (const Open &open : sessions) {
            CK_SESSION_INFO a, b;
            const std::string call = std::string("C_GetSessionInfo of the ") + (open.rw ? "R/W" : "R/O") +
                                     " session " + when;
            if (!ReadTwice([&](CK_SESSION_INFO *info) { return fl()->C_GetSessionInfo(open.handle, info); }, &a, &b,
                           call)) {
                continue;
            }
            EXPECT_FIELD_WRITTEN(a, b, slotID, call);
            EXPECT_FIELD_WRITTEN(a, b, state, call);
            EXPECT_FIELD_WRITTEN(a, b, flags, call);
            EXPECT_FIELD_WRITTEN(a, b, ulDeviceError, call);
            EXPECT_EQ(a.slotID, slot_) << call;
            EXPECT_EQ(a.state, open.rw ? rw_state : ro_state) << call << " (v2.40 §5.6 session states)";
            EXPECT_EQ(a.flags, open.rw ? (CKF_SERIAL_SESSION | CKF_RW_SESSION) : CKF_SERIAL_SESSION)
                << call << ": CKF_RW_SESSION and CKF_SERIAL_SESSION as opened, no other bit (v2.40 §3.5)";
        }
        CK_TOKEN_INFO a, b;
        const std::string call = "C_GetTokenInfo " + when;
        if (!ReadTwice([&](CK_TOKEN_INFO *info) { return fl()->C_GetTokenInfo(slot_, info); }, &a, &b, call)) {
            return;
        }
        ExpectTokenInfoWritten(a, b, when);
        CK_ULONG rw = 0;
        for (const Open &open : sessions) {
            rw += open.rw ? 1 : 0;
        }
        if (a.ulSessionCount != CK_UNAVAILABLE_INFORMATION) {
            EXPECT_EQ(a.ulSessionCount, sessions.size()) << call << ": ulSessionCount, the sessions open";
        }
        if (a.ulRwSessionCount != CK_UNAVAILABLE_INFORMATION) {
            EXPECT_EQ(a.ulRwSessionCount, rw) << call << ": ulRwSessionCount, the R/W sessions open";
        }
    }

    CK_RV OpenOne(bool rw, CK_SESSION_HANDLE *handle)
    {
        return fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0), nullptr, nullptr, handle);
    }

    CK_RV LoginAs(CK_SESSION_HANDLE session, CK_USER_TYPE who, std::string pin)
    {
        return fl()->C_Login(session, who, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size());
    }
};

P11_CASE(InfoStates, SessionAndTokenInfoFollowEverySessionAndLoginChange, .group = "login",
         .functions = "C_OpenSession C_CloseSession C_Login C_Logout C_GetSessionInfo C_GetTokenInfo",
         .section = "v2.40 §5.6 C_GetSessionInfo")
{
    if (UserPin().empty()) {
        GTEST_SKIP() << "not applicable: no user PIN (pass --user-pin)";
    }
    std::vector<Open> open;
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "before any session");

    CK_SESSION_HANDLE ro = CK_INVALID_HANDLE, rw = CK_INVALID_HANDLE;
    ASSERT_RV(OpenOne(false, &ro), CKR_OK);
    open.push_back({ro, false});
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "after opening a R/O session");
    ASSERT_RV(OpenOne(true, &rw), CKR_OK);
    open.push_back({rw, true});
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "after opening a R/W session");

    ASSERT_RV(LoginAs(ro, CKU_USER, UserPin()), CKR_OK);
    ExpectStates(open, CKS_RO_USER_FUNCTIONS, CKS_RW_USER_FUNCTIONS, "after the user's C_Login on the R/O session");
    ASSERT_RV(fl()->C_Logout(rw), CKR_OK);
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "after C_Logout on the R/W session");

    ASSERT_RV(fl()->C_CloseSession(ro), CKR_OK);
    open.erase(open.begin());
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "after closing the R/O session");

    if (!SoPin().empty()) {
        // The SO may log in once no R/O session is open (v2.40 §5.6).
        ASSERT_RV(LoginAs(rw, CKU_SO, SoPin()), CKR_OK);
        ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_SO_FUNCTIONS, "after the SO's C_Login");
        ASSERT_RV(fl()->C_Logout(rw), CKR_OK);
        ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "after the SO's C_Logout");
    }
    ASSERT_RV(LoginAs(rw, CKU_USER, UserPin()), CKR_OK);
    ExpectStates(open, CKS_RO_USER_FUNCTIONS, CKS_RW_USER_FUNCTIONS, "after the user's C_Login on the R/W session");
    ASSERT_RV(OpenOne(false, &ro), CKR_OK);
    open.push_back({ro, false});
    ExpectStates(open, CKS_RO_USER_FUNCTIONS, CKS_RW_USER_FUNCTIONS,
                 "after opening a R/O session while the user is logged in");

    ASSERT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
    open.clear();
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION, "after C_CloseAllSessions");
    ASSERT_RV(OpenOne(true, &rw), CKR_OK);
    open.push_back({rw, true});
    ExpectStates(open, CKS_RO_PUBLIC_SESSION, CKS_RW_PUBLIC_SESSION,
                 "in a new session after C_CloseAllSessions (the login ended with the last session)");
    EXPECT_RV(fl()->C_CloseSession(rw), CKR_OK);
}

} // namespace
} // namespace p11conf
