// Session management (v2.40 §5.6): opening, states, closing.
#include <set>

#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

class Session : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        ASSERT_NO_FATAL_FAILURE(Initialize());
    }

    CK_STATE StateOf(CK_SESSION_HANDLE session)
    {
        CK_SESSION_INFO info{};
        EXPECT_RV(fl()->C_GetSessionInfo(session, &info), CKR_OK);
        return info.state;
    }
};

P11_CASE(Session, UnknownSlotIsSlotIdInvalid, .group = "session", .functions = "C_OpenSession",
         .section = "v2.40 §5.6 C_OpenSession")
{
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    EXPECT_RV(fl()->C_OpenSession(0x7A11BAD, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_SLOT_ID_INVALID)
        << "v2.40 §5.6 C_OpenSession";
}

P11_CASE(Session, ReadOnlyAndReadWriteSessionsReportTheirState, .group = "session",
         .functions = "C_GetSessionInfo C_OpenSession", .section = "v2.40 §5.6 C_GetSessionInfo")
{
    P11_SKIP_UNLESS(OpenSession(CKF_SERIAL_SESSION));
    const CK_SESSION_HANDLE ro = session_;
    ASSERT_TRUE(OpenSession(CKF_SERIAL_SESSION | CKF_RW_SESSION));
    const CK_SESSION_HANDLE rw = session_;
    EXPECT_EQ(StateOf(ro), CKS_RO_PUBLIC_SESSION) << "v2.40 §5.6 (session states)";
    EXPECT_EQ(StateOf(rw), CKS_RW_PUBLIC_SESSION);
    CK_SESSION_INFO info{};
    ASSERT_RV(fl()->C_GetSessionInfo(rw, &info), CKR_OK);
    EXPECT_EQ(info.slotID, slot_);
    EXPECT_EQ(info.flags, static_cast<CK_FLAGS>(CKF_SERIAL_SESSION | CKF_RW_SESSION));
    ASSERT_RV(fl()->C_GetSessionInfo(ro, &info), CKR_OK);
    EXPECT_EQ(info.flags, static_cast<CK_FLAGS>(CKF_SERIAL_SESSION));
}

P11_CASE(Session, HandlesAreDistinctAndNotZero, .group = "session", .functions = "C_OpenSession",
         .section = "v2.40 §5.6 C_OpenSession")
{
    std::set<CK_SESSION_HANDLE> seen;
    for (int i = 0; i < 8; ++i) {
        P11_SKIP_UNLESS(OpenSession());
        EXPECT_NE(session_, static_cast<CK_SESSION_HANDLE>(CK_INVALID_HANDLE));
        EXPECT_TRUE(seen.insert(session_).second) << "handle " << session_ << " given twice";
    }
}

P11_CASE(Session, ClosedSessionHandleIsInvalid, .group = "session", .functions = "C_CloseSession C_GetSessionInfo",
         .section = "v2.40 §5.6 C_CloseSession")
{
    P11_SKIP_UNLESS(OpenSession());
    ASSERT_RV(fl()->C_CloseSession(session_), CKR_OK);
    EXPECT_RV(fl()->C_CloseSession(session_), CKR_SESSION_HANDLE_INVALID) << "v2.40 §5.1.2";
    CK_SESSION_INFO info{};
    EXPECT_RV(fl()->C_GetSessionInfo(session_, &info), CKR_SESSION_HANDLE_INVALID);
}

P11_CASE(Session, CloseAllSessionsClosesEveryOne, .group = "session",
         .functions = "C_CloseAllSessions C_GetSessionInfo", .section = "v2.40 §5.6 C_CloseAllSessions")
{
    CK_SESSION_HANDLE handles[3];
    for (CK_SESSION_HANDLE &handle : handles) {
        P11_SKIP_UNLESS(OpenSession());
        handle = session_;
    }
    ASSERT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
    for (CK_SESSION_HANDLE handle : handles) {
        CK_SESSION_INFO info{};
        EXPECT_RV(fl()->C_GetSessionInfo(handle, &info), CKR_SESSION_HANDLE_INVALID);
    }
    EXPECT_RV(fl()->C_CloseAllSessions(0x7A11BAD), CKR_SLOT_ID_INVALID);
}

// v2.40 §5.6 C_OpenSession: CKR_SESSION_COUNT, "This value can only be
// returned by C_OpenSession. It indicates that the attempt to open a session
// failed, either because the token has too many sessions already open, or
// because the token has too many read/write sessions already open".
P11_CASE(Session, OneSessionMoreThanTheTokensMaximumIsSessionCount, .group = "session",
         .functions = "C_OpenSession C_GetTokenInfo C_CloseAllSessions", .section = "v2.40 §5.6 C_OpenSession")
{
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    for (bool rw : {false, true}) {
        const CK_ULONG limit = rw ? info.ulMaxRwSessionCount : info.ulMaxSessionCount;
        if (limit == CK_EFFECTIVELY_INFINITE || limit == CK_UNAVAILABLE_INFORMATION || limit > 1024) {
            continue;
        }
        const CK_FLAGS flags = CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0);
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        for (CK_ULONG i = 0; i < limit; ++i) {
            ASSERT_RV(fl()->C_OpenSession(slot_, flags, nullptr, nullptr, &session), CKR_OK)
                << "session " << i + 1 << " of the " << limit << (rw ? " R/W" : "") << " the token allows";
        }
        EXPECT_RV(fl()->C_OpenSession(slot_, flags, nullptr, nullptr, &session), CKR_SESSION_COUNT)
            << "one " << (rw ? "R/W " : "") << "session more than CK_TOKEN_INFO's " << limit;
        ASSERT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
        ASSERT_RV(fl()->C_OpenSession(slot_, flags, nullptr, nullptr, &session), CKR_OK) << "room again after closing";
        ASSERT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
        return;
    }
    GTEST_SKIP() << "not applicable: the token gives no session maximum (ulMaxSessionCount "
                 << info.ulMaxSessionCount << ")";
}

P11_CASE(Session, EveryOneOfTwentySessionsStaysValidAsMoreOpen, .group = "session",
         .functions = "C_OpenSession C_GetSessionInfo C_CloseAllSessions", .section = "v2.40 §5.6 C_OpenSession")
{
    CK_TOKEN_INFO info{};
    ASSERT_RV(fl()->C_GetTokenInfo(slot_, &info), CKR_OK);
    CK_ULONG count = 20;
    if (info.ulMaxSessionCount != CK_EFFECTIVELY_INFINITE && info.ulMaxSessionCount != CK_UNAVAILABLE_INFORMATION &&
        info.ulMaxSessionCount < count) {
        count = info.ulMaxSessionCount;
    }
    std::vector<CK_SESSION_HANDLE> open;
    for (CK_ULONG i = 0; i < count; ++i) {
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        ASSERT_RV(fl()->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &session), CKR_OK) << "session " << i;
        open.push_back(session);
        for (size_t j = 0; j < open.size(); ++j) {
            CK_SESSION_INFO session_info{};
            ASSERT_RV(fl()->C_GetSessionInfo(open[j], &session_info), CKR_OK)
                << "session " << j << " after " << open.size() << " were opened";
            EXPECT_EQ(session_info.slotID, slot_);
        }
    }
    EXPECT_RV(fl()->C_CloseAllSessions(slot_), CKR_OK);
}

} // namespace
} // namespace p11conf
