/* Backend behaviour with a token that is ready at first start
 * (profile_initialized.cpp: user PIN "1234", SO PIN "87654321", PINs 4..16,
 * at most 16 sessions of which 8 R/W). */
#include <algorithm>
#include <atomic>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "backend_test_support.h"
#include "pal_memory.h"
#include "pin_attempt.h"

#include "wolfcrypt.h"

using namespace p11test;

namespace {

constexpr CK_FLAGS kRo = CKF_SERIAL_SESSION;
constexpr CK_FLAGS kRw = CKF_SERIAL_SESSION | CKF_RW_SESSION;
const char kUserPin[] = "1234";
const char kSoPin[] = "87654321";

bool HasNul(const unsigned char *field, std::size_t width)
{
    return std::memchr(field, 0, width) != nullptr;
}

std::string Hex(const std::vector<CK_BYTE> &bytes)
{
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (CK_BYTE b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

} // namespace

// ---- General purpose ------------------------------------------------------

using GeneralTest = BackendTest;

TEST_F(GeneralTest, InitializeTwiceIsAlreadyInitialized)
{
    EXPECT_EQ(CKR_CRYPTOKI_ALREADY_INITIALIZED, p11be_C_Initialize(nullptr));
    EXPECT_TRUE(p11be_initialized());
}

TEST_F(GeneralTest, FinalizeTwiceIsNotInitialized)
{
    EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    EXPECT_FALSE(p11be_initialized());
    EXPECT_EQ(CKR_CRYPTOKI_NOT_INITIALIZED, p11be_C_Finalize(nullptr));
}

TEST_F(GeneralTest, AcquireAfterFinalizeIsNotInitialized)
{
    CK_SESSION_HANDLE h = Open(false);
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    p11_session *session = nullptr;
    EXPECT_EQ(CKR_CRYPTOKI_NOT_INITIALIZED, p11be_session_acquire(h, &session));
}

TEST_F(GeneralTest, RepeatedInitializeFinalizeCyclesWork)
{
    for (int i = 0; i < 5; ++i) {
        CK_SESSION_HANDLE h = Open(true);
        EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
        EXPECT_EQ(CKS_RW_USER_FUNCTIONS, State(h));
        Restart();
    }
}

TEST_F(GeneralTest, FinalizeClosesAllSessions)
{
    CK_SESSION_HANDLE a = Open(false);
    CK_SESSION_HANDLE b = Open(true);
    CK_SESSION_HANDLE c = Open(true);
    Restart();
    p11_session *session = nullptr;
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, p11be_session_acquire(a, &session));
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, p11be_session_acquire(b, &session));
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, p11be_session_acquire(c, &session));
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(0u, info.ulSessionCount);
    EXPECT_EQ(0u, info.ulRwSessionCount);
}

TEST_F(GeneralTest, FinalizeForgetsLoginState)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    Restart();
    h = Open(true);
    EXPECT_EQ(CKS_RW_PUBLIC_SESSION, State(h));
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
}

TEST_F(GeneralTest, StoreThatCannotBeOpenedFailsInitializeUntilItCan)
{
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    p11_pal_memory_fail_initialize(CKR_DEVICE_ERROR);
    // v2.40 §5.4 lists no device codes for C_Initialize.
    EXPECT_EQ(CKR_FUNCTION_FAILED, p11be_C_Initialize(nullptr));
    EXPECT_FALSE(p11be_initialized());
    p11_pal_memory_fail_initialize(CKR_HOST_MEMORY); // worth a retry: said as it is
    EXPECT_EQ(CKR_HOST_MEMORY, p11be_C_Initialize(nullptr));
    p11_pal_memory_fail_initialize(CKR_OK);
    EXPECT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
}

TEST_F(GeneralTest, InfoReportsVersion240AndBlankPaddedText)
{
    CK_INFO info;
    std::memset(&info, 0, sizeof info);
    ASSERT_EQ(CKR_OK, p11be_C_GetInfo(&info));
    EXPECT_EQ(2, info.cryptokiVersion.major);
    EXPECT_EQ(40, info.cryptokiVersion.minor);
    EXPECT_EQ(Padded("p11forge", 32), Field(info.manufacturerID, 32));
    EXPECT_EQ(Padded("p11forge wolfCrypt backend", 32), Field(info.libraryDescription, 32));
    EXPECT_EQ(0u, info.flags);
    EXPECT_EQ(0, info.libraryVersion.major);
    EXPECT_EQ(1, info.libraryVersion.minor);
}

TEST_F(GeneralTest, ParallelFunctionsAreNotParallel)
{
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_FUNCTION_NOT_PARALLEL, With(h, [](p11_session *s) { return p11be_C_GetFunctionStatus(s); }));
    EXPECT_EQ(CKR_FUNCTION_NOT_PARALLEL, With(h, [](p11_session *s) { return p11be_C_CancelFunction(s); }));
}

TEST_F(GeneralTest, FeaturesNotYetBuiltAreFunctionNotSupported)
{
    CK_SESSION_HANDLE h = Open(true);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    CK_MECHANISM mechanism = {CKM_SHA256, nullptr, 0};
    EXPECT_EQ(CKR_FUNCTION_NOT_SUPPORTED,
              With(h, [&](p11_session *s) { return p11be_C_EncryptInit(s, &mechanism, 1); }));
    EXPECT_EQ(CKR_FUNCTION_NOT_SUPPORTED,
              With(h, [&](p11_session *s) { return p11be_C_DigestKey(s, 1); }));
    EXPECT_EQ(CKR_FUNCTION_NOT_SUPPORTED,
              With(h, [&](p11_session *s) { return p11be_C_GenerateKey(s, &mechanism, nullptr, 0, &object); }));
}

// ---- Application locking --------------------------------------------------

namespace {

struct MutexCounters {
    std::atomic<int> created{0}, destroyed{0}, locked{0}, unlocked{0};
    bool fail_create = false;
};
MutexCounters g_counters;

CK_RV CountingCreate(CK_VOID_PTR_PTR mutex)
{
    if (g_counters.fail_create) {
        return CKR_HOST_MEMORY;
    }
    ++g_counters.created;
    *mutex = new std::mutex;
    return CKR_OK;
}
CK_RV CountingDestroy(CK_VOID_PTR mutex)
{
    ++g_counters.destroyed;
    delete static_cast<std::mutex *>(mutex);
    return CKR_OK;
}
CK_RV CountingLock(CK_VOID_PTR mutex)
{
    ++g_counters.locked;
    static_cast<std::mutex *>(mutex)->lock();
    return CKR_OK;
}
CK_RV CountingUnlock(CK_VOID_PTR mutex)
{
    ++g_counters.unlocked;
    static_cast<std::mutex *>(mutex)->unlock();
    return CKR_OK;
}

class LockingTest : public BackendTest {
protected:
    void SetUp() override
    {
        // Start uninitialized: each test initializes with its own arguments.
        BackendTest::SetUp();
        ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
        g_counters.created = g_counters.destroyed = g_counters.locked = g_counters.unlocked = 0;
        g_counters.fail_create = false;
    }
    CK_C_INITIALIZE_ARGS Args(CK_FLAGS flags)
    {
        CK_C_INITIALIZE_ARGS args;
        std::memset(&args, 0, sizeof args);
        args.CreateMutex = CountingCreate;
        args.DestroyMutex = CountingDestroy;
        args.LockMutex = CountingLock;
        args.UnlockMutex = CountingUnlock;
        args.flags = flags;
        return args;
    }
};

} // namespace

TEST_F(LockingTest, AppMutexCallbacksAreUsed)
{
    CK_C_INITIALIZE_ARGS args = Args(0);
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(&args));
    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    CK_MECHANISM sha = {CKM_SHA256, nullptr, 0};
    EXPECT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_DigestInit(s, &sha); }));
    EXPECT_EQ(CKR_OK, Close(h));
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    EXPECT_GE(g_counters.created.load(), 2); // the library lock and the session's
    EXPECT_EQ(g_counters.created.load(), g_counters.destroyed.load());
    EXPECT_GT(g_counters.locked.load(), 4);
    EXPECT_EQ(g_counters.locked.load(), g_counters.unlocked.load());
}

TEST_F(LockingTest, OsLockingOkWithCallbacksUsesOsLocks)
{
    CK_C_INITIALIZE_ARGS args = Args(CKF_OS_LOCKING_OK);
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(&args));
    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    // This backend prefers the OS primitives when the application allows them.
    EXPECT_EQ(0, g_counters.locked.load());
}

TEST_F(LockingTest, NoCallbacksAndNoFlagInitializes)
{
    CK_C_INITIALIZE_ARGS args;
    std::memset(&args, 0, sizeof args);
    args.flags = CKF_LIBRARY_CANT_CREATE_OS_THREADS;
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(&args));
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
}

TEST_F(LockingTest, AppCreateMutexFailureFailsInitializeCleanly)
{
    g_counters.fail_create = true;
    CK_C_INITIALIZE_ARGS args = Args(0);
    EXPECT_EQ(CKR_HOST_MEMORY, p11be_C_Initialize(&args));
    EXPECT_FALSE(p11be_initialized());
    g_counters.fail_create = false;
    EXPECT_EQ(CKR_OK, p11be_C_Initialize(&args));
}

// ---- Slot and token -------------------------------------------------------

using SlotTokenTest = BackendTest;

TEST_F(SlotTokenTest, SlotListNullGivesCountOne)
{
    CK_ULONG count = 99;
    EXPECT_EQ(CKR_OK, p11be_C_GetSlotList(CK_TRUE, nullptr, &count));
    EXPECT_EQ(1u, count);
    CK_SLOT_ID slot = 77;
    EXPECT_EQ(CKR_OK, p11be_C_GetSlotList(CK_FALSE, &slot, &count));
    EXPECT_EQ(1u, count);
    EXPECT_EQ(0u, slot);
}

TEST_F(SlotTokenTest, SlotListTooSmallIsBufferTooSmallWithCount)
{
    CK_ULONG count = 0;
    CK_SLOT_ID slot = 77;
    EXPECT_EQ(CKR_BUFFER_TOO_SMALL, p11be_C_GetSlotList(CK_TRUE, &slot, &count));
    EXPECT_EQ(1u, count);
    EXPECT_EQ(77u, slot);
}

TEST_F(SlotTokenTest, UnknownSlotIsSlotIdInvalidEverywhere)
{
    CK_SLOT_INFO slot_info;
    CK_TOKEN_INFO token_info;
    CK_MECHANISM_INFO mech_info;
    CK_ULONG count = 0;
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    std::string label = Padded("x", 32);
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_GetSlotInfo(1, &slot_info));
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_GetTokenInfo(1, &token_info));
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_GetMechanismList(1, nullptr, &count));
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_GetMechanismInfo(1, CKM_SHA256, &mech_info));
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_OpenSession(1, kRo, nullptr, nullptr, &h));
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_CloseAllSessions(1));
    EXPECT_EQ(CKR_SLOT_ID_INVALID, p11be_C_InitToken(1, Pin(kSoPin), 8, Pin(label.c_str())));
}

TEST_F(SlotTokenTest, SlotInfoSaysTokenPresent)
{
    CK_SLOT_INFO info;
    std::memset(&info, 0, sizeof info);
    ASSERT_EQ(CKR_OK, p11be_C_GetSlotInfo(0, &info));
    EXPECT_EQ(CKF_TOKEN_PRESENT, info.flags);
    EXPECT_FALSE(HasNul(info.slotDescription, sizeof info.slotDescription));
    EXPECT_EQ(Padded("p11forge", 32), Field(info.manufacturerID, 32));
}

TEST_F(SlotTokenTest, TokenInfoFieldsAreBlankPaddedAndTruthful)
{
    CK_SESSION_HANDLE ro = Open(false);
    CK_SESSION_HANDLE rw = Open(true);
    (void)ro;
    (void)rw;
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(Padded("Test Token", 32), Field(info.label, 32));
    EXPECT_EQ(Padded("p11forge", 32), Field(info.manufacturerID, 32));
    EXPECT_EQ(Padded("wolfCrypt", 16), Field(info.model, 16));
    std::string serial = Field(info.serialNumber, 16);
    EXPECT_EQ(std::string::npos, serial.find_first_not_of("0123456789ABCDEF")) << serial;
    // The profile's default PINs are still in place: both flagged to be changed.
    EXPECT_EQ(CKF_RNG | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED |
                  CKF_USER_PIN_TO_BE_CHANGED | CKF_SO_PIN_TO_BE_CHANGED,
              info.flags);
    EXPECT_EQ(16u, info.ulMaxSessionCount);
    EXPECT_EQ(2u, info.ulSessionCount);
    EXPECT_EQ(8u, info.ulMaxRwSessionCount);
    EXPECT_EQ(1u, info.ulRwSessionCount);
    EXPECT_EQ(16u, info.ulMaxPinLen);
    EXPECT_EQ(4u, info.ulMinPinLen);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, info.ulTotalPublicMemory);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, info.ulFreePublicMemory);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, info.ulTotalPrivateMemory);
    EXPECT_EQ(CK_UNAVAILABLE_INFORMATION, info.ulFreePrivateMemory);
    EXPECT_EQ(0, info.hardwareVersion.major);
    EXPECT_EQ(1, info.hardwareVersion.minor);
    EXPECT_EQ(0, info.firmwareVersion.major);
    EXPECT_EQ(1, info.firmwareVersion.minor);
    EXPECT_EQ(std::string(16, ' '), Field(info.utcTime, 16));
}

TEST_F(SlotTokenTest, SerialNumberIsStableAcrossRestarts)
{
    std::string before = Field(TokenInfo().serialNumber, 16);
    Restart();
    EXPECT_EQ(before, Field(TokenInfo().serialNumber, 16));
}

TEST_F(SlotTokenTest, WaitForSlotEventDontBlockIsNoEvent)
{
    CK_SLOT_ID slot = 0;
    EXPECT_EQ(CKR_NO_EVENT, p11be_C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr));
    EXPECT_EQ(CKR_FUNCTION_NOT_SUPPORTED, p11be_C_WaitForSlotEvent(0, &slot, nullptr));
}

TEST_F(SlotTokenTest, MechanismListIsProfileIntersectedWithCatalog)
{
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, p11be_C_GetMechanismList(0, nullptr, &count));
    ASSERT_EQ(3u, count);
    std::vector<CK_MECHANISM_TYPE> list(count);
    ASSERT_EQ(CKR_OK, p11be_C_GetMechanismList(0, list.data(), &count));
    std::set<CK_MECHANISM_TYPE> got(list.begin(), list.end());
    EXPECT_EQ((std::set<CK_MECHANISM_TYPE>{CKM_SHA_1, CKM_SHA256, CKM_SHA512}), got);
}

TEST_F(SlotTokenTest, MechanismListTooSmallIsBufferTooSmallWithCount)
{
    CK_ULONG count = 2;
    CK_MECHANISM_TYPE list[2] = {0, 0};
    EXPECT_EQ(CKR_BUFFER_TOO_SMALL, p11be_C_GetMechanismList(0, list, &count));
    EXPECT_EQ(3u, count);
}

TEST_F(SlotTokenTest, MechanismInfoReportsTheIntersection)
{
    CK_MECHANISM_INFO info;
    std::memset(&info, 0xA5, sizeof info);
    ASSERT_EQ(CKR_OK, p11be_C_GetMechanismInfo(0, CKM_SHA512, &info));
    EXPECT_EQ(CKF_DIGEST, info.flags); // the backend has no SHA-512 signing
    EXPECT_EQ(0u, info.ulMinKeySize);
    EXPECT_EQ(0u, info.ulMaxKeySize);
    EXPECT_EQ(CKR_MECHANISM_INVALID, p11be_C_GetMechanismInfo(0, CKM_AES_CBC, &info));
    EXPECT_EQ(CKR_MECHANISM_INVALID, p11be_C_GetMechanismInfo(0, CKM_SHA384, &info));
    EXPECT_EQ(CKR_MECHANISM_INVALID, p11be_C_GetMechanismInfo(0, CKM_SHA224, &info));
}

// ---- Sessions -------------------------------------------------------------

using SessionTest = BackendTest;

TEST_F(SessionTest, SessionHandlesAreUniqueNonZeroAndNeverReused)
{
    std::set<CK_SESSION_HANDLE> seen;
    for (int round = 0; round < 3; ++round) {
        std::vector<CK_SESSION_HANDLE> open;
        for (int i = 0; i < 8; ++i) {
            CK_SESSION_HANDLE h = Open(i % 2 == 0);
            EXPECT_NE(CK_INVALID_HANDLE, h);
            EXPECT_TRUE(seen.insert(h).second) << "handle reused: " << h;
            open.push_back(h);
        }
        for (CK_SESSION_HANDLE h : open) {
            EXPECT_EQ(CKR_OK, Close(h));
        }
        Restart();
    }
}

TEST_F(SessionTest, SessionCountLimitIsEnforced)
{
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    for (int i = 0; i < 16; ++i) {
        ASSERT_EQ(CKR_OK, OpenRv(kRo, &h));
    }
    EXPECT_EQ(CKR_SESSION_COUNT, OpenRv(kRo, &h));
    EXPECT_EQ(CKR_SESSION_COUNT, OpenRv(kRw, &h));
}

TEST_F(SessionTest, RwSessionLimitIsEnforced)
{
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    for (int i = 0; i < 8; ++i) {
        ASSERT_EQ(CKR_OK, OpenRv(kRw, &h));
    }
    EXPECT_EQ(CKR_SESSION_COUNT, OpenRv(kRw, &h));
    EXPECT_EQ(CKR_OK, OpenRv(kRo, &h));
}

TEST_F(SessionTest, SessionInfoFollowsLoginState)
{
    CK_SESSION_HANDLE ro = Open(false);
    CK_SESSION_HANDLE rw = Open(true);
    EXPECT_EQ(CKS_RO_PUBLIC_SESSION, State(ro));
    EXPECT_EQ(CKS_RW_PUBLIC_SESSION, State(rw));
    ASSERT_EQ(CKR_OK, Login(ro, CKU_USER, kUserPin));
    EXPECT_EQ(CKS_RO_USER_FUNCTIONS, State(ro));
    EXPECT_EQ(CKS_RW_USER_FUNCTIONS, State(rw));
    ASSERT_EQ(CKR_OK, Logout(rw));
    ASSERT_EQ(CKR_OK, Close(ro));
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    EXPECT_EQ(CKS_RW_SO_FUNCTIONS, State(rw));

    CK_SESSION_INFO info;
    std::memset(&info, 0xA5, sizeof info);
    ASSERT_EQ(CKR_OK, With(rw, [&](p11_session *s) { return p11be_C_GetSessionInfo(s, &info); }));
    EXPECT_EQ(0u, info.slotID);
    EXPECT_EQ(kRw, info.flags);
    EXPECT_EQ(0u, info.ulDeviceError);
}

TEST_F(SessionTest, RoSessionWhileSoLoggedInIsReadWriteSoExists)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_SESSION_READ_WRITE_SO_EXISTS, OpenRv(kRo, &h));
    EXPECT_EQ(CKR_OK, OpenRv(kRw, &h));
}

TEST_F(SessionTest, ClosedSessionHandleIsInvalid)
{
    CK_SESSION_HANDLE h = Open(false);
    ASSERT_EQ(CKR_OK, Close(h));
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, Close(h));
    p11_session *session = nullptr;
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, p11be_session_acquire(0, &session));
}

TEST_F(SessionTest, AcquiredSessionSurvivesConcurrentClose)
{
    CK_SESSION_HANDLE h = Open(true);
    p11_session *held = nullptr;
    ASSERT_EQ(CKR_OK, p11be_session_acquire(h, &held));
    EXPECT_EQ(CKR_OK, Close(h)); // another "thread" closes it meanwhile
    // The held reference stays valid memory; the backend sees it closed.
    EXPECT_EQ(CKR_SESSION_CLOSED, p11be_C_Login(held, CKU_USER, Pin(kUserPin), 4));
    EXPECT_EQ(CKR_SESSION_CLOSED, p11be_C_CloseSession(held));
    p11be_session_release(held);
    EXPECT_EQ(0u, TokenInfo().ulSessionCount);
}

TEST_F(SessionTest, CloseAllSessionsLogsOutAndInvalidatesHandles)
{
    CK_SESSION_HANDLE a = Open(false);
    CK_SESSION_HANDLE b = Open(true);
    ASSERT_EQ(CKR_OK, Login(a, CKU_USER, kUserPin));
    ASSERT_EQ(CKR_OK, p11be_C_CloseAllSessions(0));
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, Close(a));
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, Close(b));
    CK_SESSION_HANDLE c = Open(false);
    EXPECT_EQ(CKS_RO_PUBLIC_SESSION, State(c));
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Logout(c));
}

TEST_F(SessionTest, ClosingLastSessionLogsOut)
{
    CK_SESSION_HANDLE a = Open(false);
    CK_SESSION_HANDLE b = Open(false);
    ASSERT_EQ(CKR_OK, Login(a, CKU_USER, kUserPin));
    ASSERT_EQ(CKR_OK, Close(a));
    EXPECT_EQ(CKS_RO_USER_FUNCTIONS, State(b)); // one session left: still logged in
    ASSERT_EQ(CKR_OK, Close(b));
    CK_SESSION_HANDLE c = Open(false);
    EXPECT_EQ(CKS_RO_PUBLIC_SESSION, State(c));
}

// ---- Login ----------------------------------------------------------------

using LoginTest = BackendTest;

TEST_F(LoginTest, DefaultUserPinLogsIn)
{
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
}

// FreeRTOS logs in at every TLS session set-up: once the record holds the
// user's key wrap, a login leaves it as it was (its attempt count is raised
// and cleared again, pin_attempt.h) and has nothing to report.
TEST_F(LoginTest, RepeatedLoginsLeaveTheRecordAsItWasAndReportNothing)
{
    CK_SESSION_HANDLE h = Open(true);
    for (CK_USER_TYPE user : {CKU_USER, CKU_SO}) {
        const char *pin = user == CKU_USER ? kUserPin : kSoPin;
        ASSERT_EQ(CKR_OK, Login(h, user, pin)); // a first login may complete the record
        ASSERT_EQ(CKR_OK, Logout(h));
        const std::vector<std::uint8_t> record = ReadRecord();
        testing::internal::CaptureStderr();
        EXPECT_EQ(CKR_OK, Login(h, user, pin));
        EXPECT_EQ("", testing::internal::GetCapturedStderr()) << user;
        EXPECT_EQ(record, ReadRecord()) << user;
        ASSERT_EQ(CKR_OK, Logout(h));
    }
}

TEST_F(LoginTest, WrongPinIsRejectedWithPinIncorrect)
{
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "4321"));
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "12345"));
    EXPECT_EQ(CKS_RO_PUBLIC_SESSION, State(h));
}

TEST_F(LoginTest, WrongLengthPinIsPinIncorrect)
{
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "1"));
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "12341234123412341234"));
    EXPECT_EQ(CKR_PIN_INCORRECT, With(h, [](p11_session *s) { return p11be_C_Login(s, CKU_USER, nullptr, 0); }));
}

TEST_F(LoginTest, LoginStateIsSharedBySessions)
{
    CK_SESSION_HANDLE a = Open(false);
    CK_SESSION_HANDLE b = Open(true);
    ASSERT_EQ(CKR_OK, Login(a, CKU_USER, kUserPin));
    EXPECT_EQ(CKS_RW_USER_FUNCTIONS, State(b));
    EXPECT_EQ(CKR_USER_ALREADY_LOGGED_IN, Login(b, CKU_USER, kUserPin));
    ASSERT_EQ(CKR_OK, Logout(b));
    EXPECT_EQ(CKS_RO_PUBLIC_SESSION, State(a));
}

TEST_F(LoginTest, SoLoginWhileUserLoggedInIsAnotherAlreadyLoggedIn)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, Login(h, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, Logout(h));
    ASSERT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin));
    EXPECT_EQ(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_USER_ALREADY_LOGGED_IN, Login(h, CKU_SO, kSoPin));
}

TEST_F(LoginTest, RoSessionCannotLoginAsSo)
{
    CK_SESSION_HANDLE ro = Open(false);
    EXPECT_EQ(CKR_SESSION_READ_ONLY_EXISTS, Login(ro, CKU_SO, kSoPin));
    // Any R/O session blocks it, even when logging in through an R/W one.
    CK_SESSION_HANDLE rw = Open(true);
    EXPECT_EQ(CKR_SESSION_READ_ONLY_EXISTS, Login(rw, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, Close(ro));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
}

TEST_F(LoginTest, WrongSoPinIsPinIncorrect)
{
    CK_SESSION_HANDLE rw = Open(true);
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(rw, CKU_SO, kUserPin));
    EXPECT_EQ(CKS_RW_PUBLIC_SESSION, State(rw));
}

TEST_F(LoginTest, ContextSpecificLoginWithoutOperationIsOperationNotInitialized)
{
    CK_SESSION_HANDLE h = Open(false);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Login(h, CKU_CONTEXT_SPECIFIC, kUserPin));
}

TEST_F(LoginTest, LogoutWhenNotLoggedInIsUserNotLoggedIn)
{
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Logout(h));
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OK, Logout(h));
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, Logout(h));
}

TEST_F(LoginTest, WrongPinSetsCountLowUntilAGoodPinAcrossRestarts)
{
    CK_SESSION_HANDLE h = Open(false);
    ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "9999"));
    EXPECT_NE(0u, TokenInfo().flags & CKF_USER_PIN_COUNT_LOW);
    Restart();
    EXPECT_NE(0u, TokenInfo().flags & CKF_USER_PIN_COUNT_LOW); // the counter is stored
    h = Open(false);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(0u, TokenInfo().flags & CKF_USER_PIN_COUNT_LOW);
}

// The test profile allows 3 wrong PINs in a row (profile_initialized.cpp).
TEST_F(LoginTest, ThirdWrongPinLocksTheUserPinAcrossRestartsUntilInitPin)
{
    CK_SESSION_HANDLE h = Open(true);
    ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "9999"));
    EXPECT_EQ(CKF_USER_PIN_COUNT_LOW,
              TokenInfo().flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED));
    ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "9999"));
    EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_FINAL_TRY) << "the next wrong PIN locks it";
    ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "9999"));
    EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_LOCKED);
    EXPECT_FALSE(TokenInfo().flags & CKF_USER_PIN_FINAL_TRY);
    EXPECT_EQ(CKR_PIN_LOCKED, Login(h, CKU_USER, kUserPin)) << "the right PIN too";
    EXPECT_EQ(CKR_PIN_LOCKED, SetPin(h, kUserPin, "5678"));
    Restart();
    h = Open(true);
    EXPECT_EQ(CKR_PIN_LOCKED, Login(h, CKU_USER, kUserPin)) << "the count is in the store";
    ASSERT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin)) << "the SO has a count of its own";
    ASSERT_EQ(CKR_OK, InitPin(h, "5678"));
    ASSERT_EQ(CKR_OK, Logout(h));
    EXPECT_FALSE(TokenInfo().flags & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW));
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, "5678"));
}

TEST_F(LoginTest, GoodPinResetsTheCount)
{
    CK_SESSION_HANDLE h = Open(false);
    for (int round = 0; round < 3; ++round) {
        ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "9999"));
        ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_USER, "9999"));
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin)) << round;
        ASSERT_EQ(CKR_OK, Logout(h));
    }
}

TEST_F(LoginTest, LockedSoPinRefusesLoginAndInitToken)
{
    CK_SESSION_HANDLE h = Open(true);
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(CKR_PIN_INCORRECT, Login(h, CKU_SO, "99999999"));
    }
    EXPECT_TRUE(TokenInfo().flags & CKF_SO_PIN_LOCKED);
    EXPECT_EQ(CKR_PIN_LOCKED, Login(h, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, Close(h));
    EXPECT_EQ(CKR_PIN_LOCKED, InitToken(kSoPin, "Again"));
    h = Open(false);
    EXPECT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
}

TEST_F(LoginTest, ContextLoginWithoutAnOperationChecksAndCountsNothing)
{
    CK_SESSION_HANDLE h = Open(false);
    ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    // No operation waits for a context-specific login: nothing is checked or counted.
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED,
              With(h, [](p11_session *s) { return p11be_C_Login(s, CKU_CONTEXT_SPECIFIC, Pin("9999"), 4); }));
    EXPECT_FALSE(TokenInfo().flags & CKF_USER_PIN_COUNT_LOW);
}

// ---- PIN management -------------------------------------------------------

using PinTest = BackendTest;

// pin_attempt.h: the process's copy of a wrong-PIN count changes once the
// store has it, so copy and store agree after every attempt.
TEST_F(PinTest, AttemptLeavesTheCountInMemoryAsStored)
{
    p11::TokenState token;
    ASSERT_EQ(CKR_OK, p11::token_refresh(&token));
    ASSERT_EQ(0u, token.record.user_failures);
    EXPECT_EQ(CKR_PIN_INCORRECT, p11::pin_attempt(&token, p11_active_profile, p11::Login::user, Pin("4321"), 4));
    EXPECT_EQ(1u, token.record.user_failures);
    p11::TokenState stored;
    ASSERT_EQ(CKR_OK, p11::token_refresh(&stored));
    EXPECT_EQ(1u, stored.record.user_failures);
    EXPECT_EQ(CKR_OK, p11::pin_attempt(&token, p11_active_profile, p11::Login::user, Pin(kUserPin), 4));
    EXPECT_EQ(0u, token.record.user_failures);
    ASSERT_EQ(CKR_OK, p11::token_refresh(&stored));
    EXPECT_EQ(0u, stored.record.user_failures);
}

TEST_F(PinTest, InitPinOutsideSoSessionIsUserNotLoggedIn)
{
    CK_SESSION_HANDLE rw = Open(true);
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, InitPin(rw, "5678"));
    ASSERT_EQ(CKR_OK, Login(rw, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_USER_NOT_LOGGED_IN, InitPin(rw, "5678"));
}

TEST_F(PinTest, InitPinBySoReplacesUserPin)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, InitPin(rw, "5678"));
    ASSERT_EQ(CKR_OK, Logout(rw));
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(rw, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_USER, "5678"));
}

TEST_F(PinTest, InitPinLengthOutOfRangeIsPinLenRange)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    EXPECT_EQ(CKR_PIN_LEN_RANGE, InitPin(rw, "123"));
    EXPECT_EQ(CKR_PIN_LEN_RANGE, InitPin(rw, "12345678901234567"));
    EXPECT_EQ(CKR_OK, InitPin(rw, "1234567890123456"));
}

TEST_F(PinTest, SetPinInReadOnlySessionIsSessionReadOnly)
{
    CK_SESSION_HANDLE ro = Open(false);
    EXPECT_EQ(CKR_SESSION_READ_ONLY, SetPin(ro, kUserPin, "5678"));
    ASSERT_EQ(CKR_OK, Login(ro, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_SESSION_READ_ONLY, SetPin(ro, kUserPin, "5678"));
}

TEST_F(PinTest, SetPinInPublicSessionChangesUserPin)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, SetPin(rw, kUserPin, "5678"));
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(rw, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_USER, "5678"));
}

TEST_F(PinTest, DefaultPinsStayFlaggedUntilChanged)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_USER, kUserPin));
    ASSERT_EQ(CKR_OK, Logout(rw));
    EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_TO_BE_CHANGED) << "a login does not change the PIN";
    ASSERT_EQ(CKR_OK, SetPin(rw, kUserPin, "5678"));
    EXPECT_FALSE(TokenInfo().flags & CKF_USER_PIN_TO_BE_CHANGED);
    EXPECT_TRUE(TokenInfo().flags & CKF_SO_PIN_TO_BE_CHANGED);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, SetPin(rw, kSoPin, "so-secret"));
    EXPECT_FALSE(TokenInfo().flags & CKF_SO_PIN_TO_BE_CHANGED);
    Restart(); // the flags are part of the stored token record
    EXPECT_FALSE(TokenInfo().flags & (CKF_USER_PIN_TO_BE_CHANGED | CKF_SO_PIN_TO_BE_CHANGED));
    // Set back to the default every device shares: to be changed again (v2.40 §3.2 says "is the default value").
    rw = Open(true);
    ASSERT_EQ(CKR_OK, SetPin(rw, "5678", kUserPin));
    EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_TO_BE_CHANGED);
}

TEST_F(PinTest, SetPinWithWrongOldPinIsPinIncorrect)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_PIN_INCORRECT, SetPin(rw, "0000", "5678"));
    ASSERT_EQ(CKR_OK, Logout(rw));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_USER, kUserPin));
}

TEST_F(PinTest, SetPinWithNewPinOutOfRangeIsPinLenRange)
{
    CK_SESSION_HANDLE rw = Open(true);
    EXPECT_EQ(CKR_PIN_LEN_RANGE, SetPin(rw, kUserPin, "567"));
    EXPECT_EQ(CKR_PIN_LEN_RANGE, SetPin(rw, kUserPin, "12345678901234567"));
}

TEST_F(PinTest, SetPinAsSoChangesSoPin)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, SetPin(rw, kSoPin, "so-secret"));
    ASSERT_EQ(CKR_OK, Logout(rw));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_USER, kUserPin)); // the user PIN is untouched
    ASSERT_EQ(CKR_OK, Logout(rw));
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(rw, CKU_SO, kSoPin));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_SO, "so-secret"));
}

TEST_F(PinTest, ChangedPinPersistsAcrossRestart)
{
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, SetPin(rw, kUserPin, "5678"));
    Restart();
    rw = Open(true);
    EXPECT_EQ(CKR_PIN_INCORRECT, Login(rw, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OK, Login(rw, CKU_USER, "5678"));
}

TEST_F(PinTest, PinVerifierIsNotThePin)
{
    const std::string user_pin = "horse-battery-9"; // long enough not to match by chance
    const std::string so_pin = "staple-correct-7";
    CK_SESSION_HANDLE rw = Open(true);
    ASSERT_EQ(CKR_OK, SetPin(rw, kUserPin, user_pin.c_str()));
    ASSERT_EQ(CKR_OK, Login(rw, CKU_SO, kSoPin));
    ASSERT_EQ(CKR_OK, SetPin(rw, kSoPin, so_pin.c_str()));
    std::vector<std::uint8_t> record = ReadRecord();
    ASSERT_GT(record.size(), 100u);
    std::string raw(record.begin(), record.end());
    EXPECT_EQ(0, raw.compare(0, 8, "P11FTOKN"));
    EXPECT_EQ(std::string::npos, raw.find(user_pin));
    EXPECT_EQ(std::string::npos, raw.find(so_pin));
    EXPECT_EQ(std::string::npos, raw.find(kSoPin));
}

// ---- C_InitToken on an initialized token -----------------------------------

using InitTokenTest = BackendTest;

TEST_F(InitTokenTest, InitTokenWithSessionsOpenIsSessionExists)
{
    CK_SESSION_HANDLE h = Open(false);
    EXPECT_EQ(CKR_SESSION_EXISTS, InitToken(kSoPin, "New"));
    ASSERT_EQ(CKR_OK, Close(h));
    EXPECT_EQ(CKR_OK, InitToken(kSoPin, "New"));
}

TEST_F(InitTokenTest, InitTokenWithWrongSoPinIsPinIncorrect)
{
    EXPECT_EQ(CKR_PIN_INCORRECT, InitToken(kUserPin, "New"));
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(Padded("Test Token", 32), Field(info.label, 32));
    EXPECT_NE(0u, info.flags & CKF_SO_PIN_COUNT_LOW);
}

TEST_F(InitTokenTest, InitTokenSetsLabelAndClearsUserPin)
{
    std::string serial = Field(TokenInfo().serialNumber, 16);
    ASSERT_EQ(CKR_OK, InitToken(kSoPin, "Fresh label"));
    CK_TOKEN_INFO info = TokenInfo();
    EXPECT_EQ(Padded("Fresh label", 32), Field(info.label, 32));
    EXPECT_EQ(0u, info.flags & CKF_USER_PIN_INITIALIZED);
    EXPECT_NE(0u, info.flags & CKF_TOKEN_INITIALIZED);
    EXPECT_EQ(serial, Field(info.serialNumber, 16)); // the store is the same token
    CK_SESSION_HANDLE h = Open(true);
    EXPECT_EQ(CKR_USER_PIN_NOT_INITIALIZED, Login(h, CKU_USER, kUserPin));
    EXPECT_EQ(CKR_OK, Login(h, CKU_SO, kSoPin));
}

// ---- The stored record ----------------------------------------------------

using RecordTest = BackendTest;

TEST_F(RecordTest, DamagedRecordIsReportedAndTokenIsUninitialized)
{
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    std::vector<std::uint8_t> record = ReadRecord();
    ASSERT_FALSE(record.empty());
    record[record.size() / 2] ^= 0x01;
    WriteRecord(record);
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
    CK_TOKEN_INFO info = TokenInfo();
    // Never back to the profile's default PINs: the token needs C_InitToken.
    EXPECT_EQ(0u, info.flags & (CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED));
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
    EXPECT_EQ(CKR_TOKEN_NOT_RECOGNIZED, OpenRv(kRw, &h));
    EXPECT_EQ(CKR_OK, InitToken("new-so-pin", "Recovered"));
    h = Open(true);
    EXPECT_EQ(CKR_OK, Login(h, CKU_SO, "new-so-pin"));
}

TEST_F(RecordTest, TruncatedRecordIsTreatedAsDamaged)
{
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    std::vector<std::uint8_t> record = ReadRecord();
    record.resize(record.size() - 1);
    WriteRecord(record);
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
    EXPECT_EQ(0u, TokenInfo().flags & CKF_TOKEN_INITIALIZED);
}

TEST_F(RecordTest, NewerRecordVersionIsTreatedAsUninitialized)
{
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    std::vector<std::uint8_t> record = ReadRecord();
    ASSERT_GT(record.size(), 12u + WC_SHA256_DIGEST_SIZE);
    record[11] = 3; // format version (big-endian u32 after the 8-byte magic)
    std::size_t covered = record.size() - WC_SHA256_DIGEST_SIZE;
    ASSERT_EQ(0, wc_Sha256Hash(record.data(), static_cast<word32>(covered), record.data() + covered));
    WriteRecord(record);
    ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
    EXPECT_EQ(0u, TokenInfo().flags & CKF_TOKEN_INITIALIZED);
    // The newer record is left alone until the token is initialized again.
    EXPECT_EQ(record, ReadRecord());
}

// ---- Digests --------------------------------------------------------------

class DigestTest : public BackendTest {
protected:
    void SetUp() override
    {
        BackendTest::SetUp();
        session_ = Open(false);
    }
    CK_RV Init(CK_MECHANISM_TYPE type)
    {
        CK_MECHANISM mechanism = {type, nullptr, 0};
        return With(session_, [&](p11_session *s) { return p11be_C_DigestInit(s, &mechanism); });
    }
    CK_RV Digest(const std::string &data, CK_BYTE *out, CK_ULONG *out_len)
    {
        return With(session_, [&](p11_session *s) {
            return p11be_C_Digest(s, reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(data.data())),
                                  data.size(), out, out_len);
        });
    }
    CK_RV Update(const std::string &data)
    {
        return With(session_, [&](p11_session *s) {
            return p11be_C_DigestUpdate(
                s, reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(data.data())), data.size());
        });
    }
    CK_RV Final(CK_BYTE *out, CK_ULONG *out_len)
    {
        return With(session_, [&](p11_session *s) { return p11be_C_DigestFinal(s, out, out_len); });
    }
    std::string OneShot(CK_MECHANISM_TYPE type, const std::string &data)
    {
        EXPECT_EQ(CKR_OK, Init(type));
        std::vector<CK_BYTE> out(64);
        CK_ULONG len = out.size();
        EXPECT_EQ(CKR_OK, Digest(data, out.data(), &len));
        out.resize(len);
        return Hex(out);
    }
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

// FIPS 180-2 appendix vectors for "abc".
TEST_F(DigestTest, DigestsMatchPublishedVectors)
{
    EXPECT_EQ("a9993e364706816aba3e25717850c26c9cd0d89d", OneShot(CKM_SHA_1, "abc"));
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              OneShot(CKM_SHA256, "abc"));
    EXPECT_EQ("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
              OneShot(CKM_SHA512, "abc"));
}

TEST_F(DigestTest, MultiPartDigestMatchesPublishedVector)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA256));
    ASSERT_EQ(CKR_OK, Update("abcdbcdecdefdefgefghfghighij"));
    ASSERT_EQ(CKR_OK, Update(""));
    ASSERT_EQ(CKR_OK, Update("hijkijkljklmklmnlmnomnopnopq"));
    std::vector<CK_BYTE> out(32);
    CK_ULONG len = out.size();
    ASSERT_EQ(CKR_OK, Final(out.data(), &len));
    EXPECT_EQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", Hex(out));
}

TEST_F(DigestTest, NullOutputGivesLengthAndKeepsOperation)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA256));
    CK_ULONG len = 0;
    ASSERT_EQ(CKR_OK, Digest("abc", nullptr, &len));
    EXPECT_EQ(32u, len);
    std::vector<CK_BYTE> out(len);
    ASSERT_EQ(CKR_OK, Digest("abc", out.data(), &len));
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(out));
}

TEST_F(DigestTest, TooSmallOutputIsBufferTooSmallAndKeepsOperation)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA256));
    ASSERT_EQ(CKR_OK, Update("abc"));
    std::vector<CK_BYTE> out(32);
    CK_ULONG len = 31;
    EXPECT_EQ(CKR_BUFFER_TOO_SMALL, Final(out.data(), &len));
    EXPECT_EQ(32u, len);
    ASSERT_EQ(CKR_OK, Final(out.data(), &len));
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex(out));
}

TEST_F(DigestTest, UpdateAfterFinalIsOperationNotInitialized)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA_1));
    std::vector<CK_BYTE> out(20);
    CK_ULONG len = out.size();
    ASSERT_EQ(CKR_OK, Digest("abc", out.data(), &len));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Update("abc"));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Final(out.data(), &len));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, Digest("abc", out.data(), &len));
}

TEST_F(DigestTest, SecondInitIsOperationActive)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA256));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, Init(CKM_SHA512));
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              [&] {
                  std::vector<CK_BYTE> out(32);
                  CK_ULONG len = out.size();
                  EXPECT_EQ(CKR_OK, Digest("abc", out.data(), &len));
                  return Hex(out);
              }());
}

TEST_F(DigestTest, MechanismOutsideTheIntersectionIsMechanismInvalid)
{
    EXPECT_EQ(CKR_MECHANISM_INVALID, Init(CKM_SHA384));   // the profile lacks CKF_DIGEST
    EXPECT_EQ(CKR_MECHANISM_INVALID, Init(CKM_RSA_PKCS)); // the backend lacks it
    EXPECT_EQ(CKR_OK, Init(CKM_SHA256));
}

TEST_F(DigestTest, MechanismParameterIsMechanismParamInvalid)
{
    CK_BYTE param[4] = {1, 2, 3, 4};
    CK_MECHANISM mechanism = {CKM_SHA256, param, sizeof param};
    EXPECT_EQ(CKR_MECHANISM_PARAM_INVALID,
              With(session_, [&](p11_session *s) { return p11be_C_DigestInit(s, &mechanism); }));
}

// The session keeps an ended digest's memory for the next one: what the
// abandoned run hashed must not leak into it.
TEST_F(DigestTest, DigestAfterAnAbandonedOneStartsClean)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA512));
    ASSERT_EQ(CKR_OK, Update("left over"));
    With(session_, [&](p11_session *s) {
        p11be_session_end_operation(s, P11_OPERATION_DIGEST);
        return CKR_OK;
    });
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", OneShot(CKM_SHA256, "abc"));
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", OneShot(CKM_SHA256, "abc"));
}

TEST_F(DigestTest, ClosingSessionEndsDigest)
{
    ASSERT_EQ(CKR_OK, Init(CKM_SHA256));
    ASSERT_EQ(CKR_OK, Update("abc"));
    EXPECT_EQ(CKR_OK, Close(session_));
    EXPECT_EQ(CKR_SESSION_HANDLE_INVALID, Update("abc"));
}

// ---- Random ---------------------------------------------------------------

using RandomTest = BackendTest;

TEST_F(RandomTest, TwoDrawsDiffer)
{
    CK_SESSION_HANDLE h = Open(false);
    std::vector<CK_BYTE> a(32, 0), b(32, 0);
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_GenerateRandom(s, a.data(), a.size()); }));
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_GenerateRandom(s, b.data(), b.size()); }));
    EXPECT_NE(a, b);
    EXPECT_NE(std::vector<CK_BYTE>(32, 0), a);
    EXPECT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_GenerateRandom(s, nullptr, 0); }));
}

TEST_F(RandomTest, LargeDrawSpansSeveralDrbgBlocks)
{
    CK_SESSION_HANDLE h = Open(false);
    std::vector<CK_BYTE> big(200000, 0);
    ASSERT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_GenerateRandom(s, big.data(), big.size()); }));
    // The tail past the first 64 KiB block is filled too.
    EXPECT_NE(std::vector<CK_BYTE>(64, 0), std::vector<CK_BYTE>(big.end() - 64, big.end()));
}

TEST_F(RandomTest, SameSeedInTwoSessionsStillGivesDifferentDraws)
{
    // The seed is mixed with fresh entropy: it must never make output predictable.
    CK_SESSION_HANDLE first = Open(false);
    CK_SESSION_HANDLE second = Open(false);
    CK_BYTE seed[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CK_BYTE draws[2][32] = {};
    CK_SESSION_HANDLE sessions[2] = {first, second};
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(CKR_OK, With(sessions[i], [&](p11_session *s) { return p11be_C_SeedRandom(s, seed, sizeof seed); }));
        ASSERT_EQ(CKR_OK, With(sessions[i], [&](p11_session *s) {
                      return p11be_C_GenerateRandom(s, draws[i], sizeof draws[i]);
                  }));
    }
    EXPECT_NE(0, std::memcmp(draws[0], draws[1], sizeof draws[0]));
}

// ---- Threads --------------------------------------------------------------

using ThreadTest = BackendTest;

TEST_F(ThreadTest, ManySessionsFromManyThreads)
{
    constexpr int kThreads = 8;
    constexpr int kRounds = 40;
    std::atomic<int> failures{0};
    std::vector<std::vector<CK_SESSION_HANDLE>> handles(kThreads);
    CK_SESSION_HANDLE shared = Open(false);
    ASSERT_EQ(CKR_OK, Login(shared, CKU_USER, kUserPin));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRounds; ++i) {
                CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
                // One R/W session per thread at most: 8 threads, 8 R/W allowed.
                if (OpenRv(i % 2 ? kRw : kRo, &h) != CKR_OK) {
                    ++failures;
                    continue;
                }
                handles[t].push_back(h);
                CK_STATE expected = i % 2 ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
                CK_SESSION_INFO info;
                CK_MECHANISM sha = {CKM_SHA256, nullptr, 0};
                CK_BYTE out[32];
                CK_ULONG len = sizeof out;
                CK_BYTE abc[3] = {'a', 'b', 'c'};
                CK_RV rv = With(h, [&](p11_session *s) {
                    CK_RV r = p11be_C_GetSessionInfo(s, &info);
                    if (r == CKR_OK && info.state != expected) {
                        r = CKR_GENERAL_ERROR;
                    }
                    if (r == CKR_OK) {
                        r = p11be_C_DigestInit(s, &sha);
                    }
                    if (r == CKR_OK) {
                        r = p11be_C_Digest(s, abc, sizeof abc, out, &len);
                    }
                    if (r == CKR_OK && out[0] != 0xba) {
                        r = CKR_GENERAL_ERROR;
                    }
                    return r;
                });
                // The shared session is used by every thread at once.
                CK_BYTE random[16];
                CK_RV rv2 = With(shared, [&](p11_session *s) {
                    return p11be_C_GenerateRandom(s, random, sizeof random);
                });
                if (rv != CKR_OK || rv2 != CKR_OK || Close(h) != CKR_OK) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread &t : threads) {
        t.join();
    }
    EXPECT_EQ(0, failures.load());
    std::set<CK_SESSION_HANDLE> unique;
    std::size_t total = 0;
    for (const auto &list : handles) {
        unique.insert(list.begin(), list.end());
        total += list.size();
    }
    EXPECT_EQ(static_cast<std::size_t>(kThreads * kRounds), total);
    EXPECT_EQ(total, unique.size());
    EXPECT_EQ(1u, TokenInfo().ulSessionCount); // only the shared one is left
    EXPECT_EQ(CKS_RO_USER_FUNCTIONS, State(shared));
}

TEST_F(ThreadTest, CloseRacingCallsOnTheSameSessionIsSafe)
{
    // Threads hammer one session while another closes it; every call must end
    // with a defined code (ASan catches a use after free).
    for (int round = 0; round < 20; ++round) {
        CK_SESSION_HANDLE h = Open(true);
        std::atomic<int> bad{0};
        std::vector<std::thread> users;
        for (int t = 0; t < 4; ++t) {
            users.emplace_back([&] {
                for (int i = 0; i < 50; ++i) {
                    CK_SESSION_INFO info;
                    CK_RV rv = With(h, [&](p11_session *s) { return p11be_C_GetSessionInfo(s, &info); });
                    if (rv != CKR_OK && rv != CKR_SESSION_HANDLE_INVALID) {
                        ++bad;
                    }
                }
            });
        }
        std::thread closer([&] { EXPECT_EQ(CKR_OK, Close(h)); });
        for (std::thread &t : users) {
            t.join();
        }
        closer.join();
        EXPECT_EQ(0, bad.load());
    }
    EXPECT_EQ(0u, TokenInfo().ulSessionCount);
}
