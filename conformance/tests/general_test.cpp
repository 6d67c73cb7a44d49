// General-purpose functions (v2.40 §5.4): C_Initialize, C_Finalize,
// C_GetInfo, C_GetFunctionList, as FreeRTOS's qualification tests use them;
// and the legacy parallel-function calls of v2.40 §5.16.
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>
#include <string>

#include "module_fixture.h"

namespace p11conf {
namespace {

class General : public ModuleTest {};

P11_CASE(General, GetFunctionListWithNullIsArgumentsBad, .group = "general", .functions = "C_GetFunctionList",
         .section = "v2.40 §5.4 C_GetFunctionList")
{
    EXPECT_RV(fl()->C_GetFunctionList(nullptr), CKR_ARGUMENTS_BAD);
}

P11_CASE(General, FunctionListHasNoNullEntries, .group = "general", .functions = "C_GetFunctionList",
         .section = "v2.40 §5.4 C_GetFunctionList")
{
    // p11-kit, OpenSC and OpenSSL call through every entry without a check;
    // a function a module does not support is a stub returning
    // CKR_FUNCTION_NOT_SUPPORTED, never NULL.
    std::string names;
    for (const std::string &name : NullFunctionListEntries()) {
        names += (names.empty() ? "" : ", ") + name;
    }
    EXPECT_TRUE(NullFunctionListEntries().empty()) << "NULL entries in the module's function list: " << names;
}

P11_CASE(General, FunctionListIsVersion2, .group = "general", .functions = "C_GetFunctionList",
         .section = "v2.40 §5.4 C_GetFunctionList")
{
    EXPECT_EQ(fl()->version.major, 2) << "CK_FUNCTION_LIST version of a v2.x module";
}

P11_CASE(General, SecondInitializeIsAlreadyInitialized, .group = "general", .functions = "C_Initialize",
         .section = "v2.40 §5.4 C_Initialize")
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    EXPECT_RV(fl()->C_Initialize(nullptr), CKR_CRYPTOKI_ALREADY_INITIALIZED);
}

P11_CASE(General, CallsAfterFinalizeAreNotInitialized, .group = "general", .functions = "C_Finalize C_GetInfo",
         .section = "v2.40 §5.4 C_Finalize")
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    CK_INFO info{};
    EXPECT_RV(fl()->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED) << "v2.40 §5.1.6";
    EXPECT_RV(fl()->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED);
}

P11_CASE(General, RepeatedInitializeFinalizeCyclesWork, .group = "general", .functions = "C_Initialize C_Finalize",
         .section = "v2.40 §5.4 C_Initialize")
{
    for (int cycle = 0; cycle < 10; ++cycle) {
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;
        ASSERT_RV(fl()->C_Initialize(&args), CKR_OK) << "cycle " << cycle;
        CK_ULONG count = 0;
        ASSERT_RV(fl()->C_GetSlotList(CK_TRUE, nullptr, &count), CKR_OK);
        EXPECT_GT(count, 0u);
        ASSERT_RV(fl()->C_Finalize(nullptr), CKR_OK) << "cycle " << cycle;
    }
}

P11_CASE(General, InitializeWithNullArgumentsWorks, .group = "general", .functions = "C_Initialize",
         .section = "v2.40 §5.4 C_Initialize")
{
    EXPECT_RV(fl()->C_Initialize(nullptr), CKR_OK);
}

// Application-supplied locking (v2.40 §5.4, case 3: callbacks, no
// CKF_OS_LOCKING_OK): the module must use these.
int g_mutex_calls = 0;
std::atomic<int> g_live_mutexes{0}; // created and not yet destroyed

CK_RV TestCreateMutex(CK_VOID_PTR_PTR mutex)
{
    ++g_mutex_calls;
    ++g_live_mutexes;
    *mutex = new std::mutex;
    return CKR_OK;
}
CK_RV TestDestroyMutex(CK_VOID_PTR mutex)
{
    ++g_mutex_calls;
    --g_live_mutexes;
    delete static_cast<std::mutex *>(mutex);
    return CKR_OK;
}
CK_RV TestLockMutex(CK_VOID_PTR mutex)
{
    ++g_mutex_calls;
    static_cast<std::mutex *>(mutex)->lock();
    return CKR_OK;
}
CK_RV TestUnlockMutex(CK_VOID_PTR mutex)
{
    ++g_mutex_calls;
    static_cast<std::mutex *>(mutex)->unlock();
    return CKR_OK;
}

// Application locking through the counting callbacks above, no CKF_OS_LOCKING_OK.
CK_C_INITIALIZE_ARGS CountingMutexArgs()
{
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = TestCreateMutex;
    args.DestroyMutex = TestDestroyMutex;
    args.LockMutex = TestLockMutex;
    args.UnlockMutex = TestUnlockMutex;
    return args;
}

P11_CASE(General, InitializeWithApplicationMutexCallbacksWorks, .group = "general", .functions = "C_Initialize",
         .section = "v2.40 §5.4 C_Initialize")
{
    CK_C_INITIALIZE_ARGS args = CountingMutexArgs();
    g_mutex_calls = 0;
    CK_RV rv = fl()->C_Initialize(&args);
    if (rv == CKR_CANT_LOCK) {
        GTEST_SKIP() << "not applicable: the module declines application locking (CKR_CANT_LOCK, v2.40 §5.4)";
    }
    ASSERT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_Initialize with mutex callbacks";
    CK_SLOT_ID slots[16];
    CK_ULONG count = 16;
    ASSERT_RV(fl()->C_GetSlotList(CK_TRUE, slots, &count), CKR_OK);
    ASSERT_GT(count, 0u);
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_RV open = fl()->C_OpenSession(slots[0], CKF_SERIAL_SESSION, nullptr, nullptr, &session);
    if (open == CKR_OK) {
        EXPECT_RV(fl()->C_CloseSession(session), CKR_OK);
    }
    EXPECT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    EXPECT_GT(g_mutex_calls, 0) << "v2.40 §5.4: with callbacks and no CKF_OS_LOCKING_OK the library locks through them";
}

// What a library makes through the application's CreateMutex it gives back
// through DestroyMutex by the time C_Finalize returns: the mutexes are the
// application's objects (v2.40 §5.4 C_Initialize, CK_C_INITIALIZE_ARGS),
// and sessions left open are closed by C_Finalize, from any thread.
P11_CASE(General, ApplicationMutexesAreAllDestroyedByFinalize, .group = "general",
         .functions = "C_Initialize C_Finalize C_OpenSession C_GetSessionInfo", .section = "v2.40 §5.4 C_Finalize")
{
    CK_C_INITIALIZE_ARGS args = CountingMutexArgs();
    g_live_mutexes = 0;
    CK_RV rv = fl()->C_Initialize(&args);
    if (rv == CKR_CANT_LOCK) {
        GTEST_SKIP() << "not applicable: the module declines application locking (CKR_CANT_LOCK, v2.40 §5.4)";
    }
    ASSERT_RV(rv, CKR_OK);
    CK_SLOT_ID slot = 0;
    std::string error;
    ASSERT_TRUE(ChooseSlot(fl(), &slot, &error)) << error;
    // A session left open here, and one another thread opens and uses,
    // the thread still running when C_Finalize is called.
    CK_SESSION_HANDLE mine = CK_INVALID_HANDLE, closed = CK_INVALID_HANDLE;
    ASSERT_RV(fl()->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &closed), CKR_OK);
    ASSERT_RV(fl()->C_CloseSession(closed), CKR_OK); // and one closed on the way
    ASSERT_RV(fl()->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &mine), CKR_OK);
    std::atomic<bool> used{false}, release{false};
    std::thread worker([&] {
        CK_SESSION_HANDLE theirs = CK_INVALID_HANDLE;
        CK_SESSION_INFO info{};
        if (fl()->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &theirs) == CKR_OK) {
            fl()->C_GetSessionInfo(theirs, &info);
        }
        used = true;
        while (!release) {
            std::this_thread::yield();
        }
    });
    while (!used) {
        std::this_thread::yield();
    }
    EXPECT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    const int live = g_live_mutexes;
    release = true;
    worker.join();
    EXPECT_EQ(live, 0) << "mutexes made through CreateMutex and not given back through DestroyMutex when C_Finalize "
                          "returned (two sessions were still open)";
    EXPECT_EQ(g_live_mutexes.load(), 0) << "after the other thread ended";
    // The callbacks belonged to that initialization: none is called after
    // it (by the next C_Initialize, say, which has its own).
    const int calls = g_mutex_calls;
    ASSERT_RV(fl()->C_Initialize(nullptr), CKR_OK);
    EXPECT_RV(fl()->C_Finalize(nullptr), CKR_OK);
    EXPECT_EQ(g_mutex_calls, calls) << "a mutex callback of the finalized initialization was called again";
}

P11_CASE(General, InfoIsFilledVersion2AndBlankPadded, .group = "general", .functions = "C_GetInfo",
         .section = "v2.40 §5.4 C_GetInfo")
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    CK_INFO info;
    std::memset(&info, 0xA5, sizeof(info)); // a module that fills nothing leaves this pattern
    ASSERT_RV(fl()->C_GetInfo(&info), CKR_OK);
    EXPECT_EQ(info.cryptokiVersion.major, 2);
    EXPECT_NE(info.cryptokiVersion.minor, 0xA5) << "cryptokiVersion not filled";
    EXPECT_FALSE(info.libraryVersion.major == 0xA5 && info.libraryVersion.minor == 0xA5) << "libraryVersion not filled";
    EXPECT_EQ(info.flags, 0u) << "v2.40 §3.1 CK_INFO: flags are reserved, must be zero";
    EXPECT_TRUE(PrintableField(info.manufacturerID, sizeof(info.manufacturerID)))
        << "v2.40 §3.1: blank padded, not NUL terminated";
    EXPECT_TRUE(PrintableField(info.libraryDescription, sizeof(info.libraryDescription)))
        << "v2.40 §3.1: blank padded, not NUL terminated";
}

// The legacy parallel-function calls (v2.40 §5.16) on a valid session.
class Parallel : public WithSession<> {};

P11_CASE(Parallel, GetFunctionStatusIsFunctionNotParallel, .group = "general", .functions = "C_GetFunctionStatus",
         .section = "v2.40 §5.16 C_GetFunctionStatus")
{
    EXPECT_RV(fl()->C_GetFunctionStatus(session_), CKR_FUNCTION_NOT_PARALLEL)
        << "\"a legacy function which should simply return the value CKR_FUNCTION_NOT_PARALLEL\"";
}

P11_CASE(Parallel, CancelFunctionIsFunctionNotParallel, .group = "general", .functions = "C_CancelFunction",
         .section = "v2.40 §5.16 C_CancelFunction")
{
    EXPECT_RV(fl()->C_CancelFunction(session_), CKR_FUNCTION_NOT_PARALLEL)
        << "\"a legacy function which should simply return the value CKR_FUNCTION_NOT_PARALLEL\"";
}

} // namespace
} // namespace p11conf
