// General-purpose functions (v2.40 §5.4): C_Initialize, C_Finalize,
// C_GetInfo, C_GetFunctionList, as FreeRTOS's qualification tests use them.
#include <cstddef>
#include <mutex>

#include "module_fixture.h"

namespace p11conf {
namespace {

class General : public ModuleTest {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("general")) {
            GTEST_SKIP() << "not applicable: the profile does not select the general tests";
        }
    }
};

TEST_F(General, GetFunctionListWithNullIsArgumentsBad)
{
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetFunctionList(nullptr), {CKR_ARGUMENTS_BAD})) << "v2.40 §5.4";
}

TEST_F(General, FunctionListHasNoNullEntries)
{
    // p11-kit, OpenSC and OpenSSL call through every entry without a check.
    const CK_FUNCTION_LIST *list = fl();
    const size_t first = offsetof(CK_FUNCTION_LIST, C_Initialize);
    const size_t count = (sizeof(CK_FUNCTION_LIST) - first) / sizeof(CK_C_Initialize);
    const auto *entries = reinterpret_cast<const CK_C_Initialize *>(reinterpret_cast<const char *>(list) + first);
    for (size_t i = 0; i < count; ++i) {
        EXPECT_NE(entries[i], nullptr) << "function list entry " << i << " is NULL";
    }
    EXPECT_EQ(list->version.major, 2) << "v2.40 §5.4: CK_FUNCTION_LIST version";
}

TEST_F(General, SecondInitializeIsAlreadyInitialized)
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    EXPECT_TRUE(RvIsOneOf(fl()->C_Initialize(nullptr), {CKR_CRYPTOKI_ALREADY_INITIALIZED})) << "v2.40 §5.4";
}

TEST_F(General, CallsAfterFinalizeAreNotInitialized)
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    ASSERT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK}));
    CK_INFO info{};
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetInfo(&info), {CKR_CRYPTOKI_NOT_INITIALIZED})) << "v2.40 §5.1.6";
    EXPECT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_CRYPTOKI_NOT_INITIALIZED})) << "v2.40 §5.4";
}

TEST_F(General, RepeatedInitializeFinalizeCyclesWork)
{
    for (int cycle = 0; cycle < 10; ++cycle) {
        CK_C_INITIALIZE_ARGS args{};
        args.flags = CKF_OS_LOCKING_OK;
        ASSERT_TRUE(RvIsOneOf(fl()->C_Initialize(&args), {CKR_OK})) << "cycle " << cycle;
        CK_ULONG count = 0;
        ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, nullptr, &count), {CKR_OK}));
        EXPECT_GT(count, 0u);
        ASSERT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK})) << "cycle " << cycle;
    }
}

TEST_F(General, InitializeWithNullArgumentsWorks)
{
    EXPECT_TRUE(RvIsOneOf(fl()->C_Initialize(nullptr), {CKR_OK}));
}

// Application-supplied locking (v2.40 §5.4, case 3: callbacks, no
// CKF_OS_LOCKING_OK): the module must use these.
int g_mutex_calls = 0;

CK_RV TestCreateMutex(CK_VOID_PTR_PTR mutex)
{
    ++g_mutex_calls;
    *mutex = new std::mutex;
    return CKR_OK;
}
CK_RV TestDestroyMutex(CK_VOID_PTR mutex)
{
    ++g_mutex_calls;
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

TEST_F(General, InitializeWithApplicationMutexCallbacksWorks)
{
    CK_C_INITIALIZE_ARGS args{};
    args.CreateMutex = TestCreateMutex;
    args.DestroyMutex = TestDestroyMutex;
    args.LockMutex = TestLockMutex;
    args.UnlockMutex = TestUnlockMutex;
    g_mutex_calls = 0;
    CK_RV rv = fl()->C_Initialize(&args);
    if (rv == CKR_CANT_LOCK) {
        GTEST_SKIP() << "not applicable: the module declines application locking (CKR_CANT_LOCK, v2.40 §5.4)";
    }
    ASSERT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "v2.40 §5.4";
    CK_SLOT_ID slots[16];
    CK_ULONG count = 16;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, slots, &count), {CKR_OK}));
    ASSERT_GT(count, 0u);
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_RV open = fl()->C_OpenSession(slots[0], CKF_SERIAL_SESSION, nullptr, nullptr, &session);
    if (open == CKR_OK) {
        EXPECT_TRUE(RvIsOneOf(fl()->C_CloseSession(session), {CKR_OK}));
    }
    EXPECT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK}));
    EXPECT_GT(g_mutex_calls, 0) << "v2.40 §5.4: with callbacks and no CKF_OS_LOCKING_OK the library locks through them";
}

TEST_F(General, InfoIsVersion2AndBlankPadded)
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    CK_INFO info{};
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetInfo(&info), {CKR_OK}));
    EXPECT_EQ(info.cryptokiVersion.major, 2);
    EXPECT_EQ(info.flags, 0u) << "v2.40 §3.2 CK_INFO: flags are reserved, must be zero";
    EXPECT_TRUE(PrintableField(info.manufacturerID, sizeof(info.manufacturerID)))
        << "v2.40 §3.2: blank padded, not NUL terminated";
    EXPECT_TRUE(PrintableField(info.libraryDescription, sizeof(info.libraryDescription)))
        << "v2.40 §3.2: blank padded, not NUL terminated";
}

TEST_F(General, FinalizeInvalidatesEverySession)
{
    ASSERT_NO_FATAL_FAILURE(Initialize());
    if (!OpenSession()) {
        GTEST_SKIP() << skip_reason();
    }
    const CK_SESSION_HANDLE old_session = session_;
    ASSERT_TRUE(RvIsOneOf(fl()->C_Finalize(nullptr), {CKR_OK}));
    ASSERT_NO_FATAL_FAILURE(Initialize());
    CK_SESSION_INFO info{};
    EXPECT_TRUE(RvIsOneOf(fl()->C_GetSessionInfo(old_session, &info), {CKR_SESSION_HANDLE_INVALID}))
        << "v2.40 §5.4 C_Finalize";
}

} // namespace
} // namespace p11conf
