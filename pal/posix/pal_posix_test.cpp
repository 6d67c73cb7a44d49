// Behaviour of the POSIX file PAL: handles, atomic replace, file modes, the
// store folder rules, the store lock, and failures that really happen (also
// as root).
#include "core_pkcs11_pal.h"
#include "core_pkcs11_pal_changes.h"
#include "core_pkcs11_pal_device_key.h"
#include "core_pkcs11_pal_lock.h"
#include "pal_posix.h"
#include "pal_test_helpers.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace std::string_literals;
using p11test::Find;
using p11test::Get;
using p11test::Save;

namespace {

const char *const kEnvNames[] = {"P11FORGE_STORE_DIR", "XDG_DATA_HOME", "HOME", "P11FORGE_DEVICE_KEY_FILE"};

unsigned Mode(const fs::path &path)
{
    struct stat st = {};
    EXPECT_EQ(0, stat(path.c_str(), &st)) << path;
    return st.st_mode & 07777;
}

// The files in a store folder, without the lock file every store has.
std::set<std::string> Names(const fs::path &dir)
{
    std::set<std::string> names;
    for (const auto &entry : fs::directory_iterator(dir)) {
        if (entry.path().filename() != ".lock") {
            names.insert(entry.path().filename().string());
        }
    }
    return names;
}

// Every test gets a fresh temporary root; the store is <root>/store, so
// Initialize has to create it. The PAL's environment is restored afterwards.
class PalPosixTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        for (const char *name : kEnvNames) {
            const char *value = std::getenv(name);
            saved_env_.push_back(value ? std::optional<std::string>(value)
                                       : std::nullopt);
        }
        std::string tmpl =
            (fs::temp_directory_path() / "p11pal-posix-XXXXXX").string();
        ASSERT_NE(nullptr, mkdtemp(tmpl.data()));
        root_ = tmpl;
        store_ = root_ / "store";
        UseStore(store_);
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    }

    void TearDown() override
    {
        for (size_t i = 0; i < saved_env_.size(); i++) {
            if (saved_env_[i]) {
                setenv(kEnvNames[i], saved_env_[i]->c_str(), 1);
            } else {
                unsetenv(kEnvNames[i]);
            }
        }
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }

    static void UseStore(const fs::path &dir)
    {
        setenv("P11FORGE_STORE_DIR", dir.c_str(), 1);
    }

    fs::path root_;
    fs::path store_;
    std::vector<std::optional<std::string>> saved_env_;
};

TEST_F(PalPosixTest, SaveThenFindReturnsSameHandle)
{
    CK_OBJECT_HANDLE saved = Save("Device Cert", "cert bytes");
    ASSERT_NE(CK_INVALID_HANDLE, saved);
    EXPECT_EQ(saved, Find("Device Cert"));
}

TEST_F(PalPosixTest, SaveThenGetReturnsValueMarkedPrivate)
{
    CK_OBJECT_HANDLE handle = Save("Device Priv TLS Key", "key\0bytes"s);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    std::string value;
    CK_BBOOL is_private = CK_FALSE;
    ASSERT_EQ(CKR_OK, Get(handle, &value, &is_private));
    EXPECT_EQ("key\0bytes"s, value);
    EXPECT_EQ(CK_TRUE, is_private);
}

TEST_F(PalPosixTest, DifferentLabelsGetDifferentHandles)
{
    CK_OBJECT_HANDLE cert = Save("Device Cert", "c");
    CK_OBJECT_HANDLE key = Save("Device Priv TLS Key", "k");
    ASSERT_NE(CK_INVALID_HANDLE, cert);
    ASSERT_NE(CK_INVALID_HANDLE, key);
    EXPECT_NE(cert, key);
}

TEST_F(PalPosixTest, ReplaceKeepsHandleAndNewValue)
{
    CK_OBJECT_HANDLE first = Save("Root Cert", "old value, longer than new");
    ASSERT_NE(CK_INVALID_HANDLE, first);
    EXPECT_EQ(first, Save("Root Cert", "new"));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(first, &value));
    EXPECT_EQ("new", value);
    EXPECT_EQ(first, Find("Root Cert"));
}

TEST_F(PalPosixTest, MissingLabelIsNotFound)
{
    EXPECT_EQ(CK_INVALID_HANDLE, Find("JITP Cert"));
}

TEST_F(PalPosixTest, UnknownHandleIsInvalid)
{
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(CK_INVALID_HANDLE, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(0x7fffffff, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(0x7fffffff));
}

TEST_F(PalPosixTest, DestroyedObjectIsNotFound)
{
    CK_OBJECT_HANDLE handle = Save("Claim Key", "secret");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle));

    EXPECT_EQ(CK_INVALID_HANDLE, Find("Claim Key"));
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(handle, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(handle));
    EXPECT_TRUE(Names(store_).empty());
}

TEST_F(PalPosixTest, ResaveAfterDestroyKeepsHandle)
{
    CK_OBJECT_HANDLE handle = Save("Claim Cert", "one");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle));
    EXPECT_EQ(handle, Save("Claim Cert", "two"));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("two", value);
}

TEST_F(PalPosixTest, EmptyValueRoundTrips)
{
    CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>("HMAC Key"), 8};
    CK_OBJECT_HANDLE handle = PKCS11_PAL_SaveObject(&label, nullptr, 0);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    std::string value = "not cleared";
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("", value);
}

TEST_F(PalPosixTest, FilesAre0600InA0700Folder)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "c"));
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "replaced"));

    EXPECT_EQ(0700u, Mode(store_));
    // Exactly one file: the replace left no temporary file behind.
    // The name is the hex of the label bytes plus ".obj".
    EXPECT_EQ(std::set<std::string>{"4465766963652043657274.obj"},
              Names(store_));
    EXPECT_EQ(0600u, Mode(store_ / "4465766963652043657274.obj"));
}

TEST_F(PalPosixTest, MissingParentsAreCreated0700)
{
    fs::path deep = root_ / "a" / "b" / "store";
    UseStore(deep);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_EQ(0700u, Mode(root_ / "a"));
    EXPECT_EQ(0700u, Mode(root_ / "a" / "b"));
    EXPECT_EQ(0700u, Mode(deep));
}

TEST_F(PalPosixTest, SurvivesReinitialize)
{
    CK_OBJECT_HANDLE handle = Save("Code Verify Key", "pubkey");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_EQ(handle, Find("Code Verify Key"));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("pubkey", value);
}

TEST_F(PalPosixTest, InitializeRereadsStoreFolder)
{
    CK_OBJECT_HANDLE handle = Save("Device Cert", "in first store");
    ASSERT_NE(CK_INVALID_HANDLE, handle);

    UseStore(root_ / "other");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Device Cert"));
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(handle, &value));

    UseStore(store_);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_EQ(handle, Find("Device Cert"));
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("in first store", value);
}

TEST_F(PalPosixTest, DefaultFolderIsUnderXdgDataHome)
{
    unsetenv("P11FORGE_STORE_DIR");
    setenv("XDG_DATA_HOME", (root_ / "xdg").c_str(), 1);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "c"));
    fs::path dir = root_ / "xdg" / "p11forge" / "store";
    EXPECT_TRUE(fs::is_regular_file(dir / "4465766963652043657274.obj"));
    EXPECT_EQ(0700u, Mode(dir));
}

TEST_F(PalPosixTest, DefaultFolderFallsBackToHome)
{
    unsetenv("P11FORGE_STORE_DIR");
    unsetenv("XDG_DATA_HOME");
    setenv("HOME", (root_ / "home").c_str(), 1);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "c"));
    EXPECT_TRUE(fs::is_regular_file(root_ / "home/.local/share/p11forge/store" /
                                    "4465766963652043657274.obj"));
}

TEST_F(PalPosixTest, RelativeXdgDataHomeIsIgnored)
{
    // Run inside the temporary root, so a wrongly used relative path lands
    // there (and is removed) rather than in the test's working directory.
    fs::path cwd = fs::current_path();
    fs::current_path(root_);
    unsetenv("P11FORGE_STORE_DIR");
    setenv("XDG_DATA_HOME", "relative/data", 1);
    setenv("HOME", (root_ / "home").c_str(), 1);
    CK_RV rv = PKCS11_PAL_Initialize();
    fs::current_path(cwd);

    ASSERT_EQ(CKR_OK, rv);
    EXPECT_TRUE(fs::is_directory(root_ / "home/.local/share/p11forge/store"));
    EXPECT_FALSE(fs::exists(root_ / "relative"));
}

TEST_F(PalPosixTest, LabelsWithArbitraryBytes)
{
    // Separators, dot-dot, NUL, high bytes, a prefix of another label and
    // the empty label each name their own object.
    const std::vector<std::string> labels = {
        "../../etc/passwd"s, "a/b"s,  "\0"s,         "\0\0"s, "\xff\xfe\x80"s,
        "Device Cert"s,      "Device Cert\0"s, "Device"s, ""s,     " "s};
    std::set<CK_OBJECT_HANDLE> handles;
    for (size_t i = 0; i < labels.size(); i++) {
        CK_OBJECT_HANDLE handle = Save(labels[i], "value " + std::to_string(i));
        ASSERT_NE(CK_INVALID_HANDLE, handle) << i;
        handles.insert(handle);
    }
    EXPECT_EQ(labels.size(), handles.size());
    for (size_t i = 0; i < labels.size(); i++) {
        std::string value;
        ASSERT_EQ(CKR_OK, Get(Find(labels[i]), &value)) << i;
        EXPECT_EQ("value " + std::to_string(i), value) << i;
    }
    // Nothing escaped the store folder.
    EXPECT_EQ(labels.size(), Names(store_).size());
    EXPECT_EQ(std::set<std::string>{"store"}, Names(root_));
}

TEST_F(PalPosixTest, LabelLengthIsLimitedByFileNames)
{
    std::string longest(P11_PAL_POSIX_MAX_LABEL_LEN, 'x');
    std::string too_long(P11_PAL_POSIX_MAX_LABEL_LEN + 1, 'x');
    CK_OBJECT_HANDLE handle = Save(longest, "fits");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    EXPECT_EQ(handle, Find(longest));
    EXPECT_EQ(CK_INVALID_HANDLE, Save(too_long, "does not fit"));
    EXPECT_EQ(CK_INVALID_HANDLE, Find(too_long));
}

TEST_F(PalPosixTest, FindSeesObjectSavedByAnotherProcess)
{
    pid_t child = fork();
    ASSERT_NE(-1, child);
    if (child == 0) {
        bool ok = PKCS11_PAL_Initialize() == CKR_OK &&
                  Save("OTA Cert", "from the child") != CK_INVALID_HANDLE;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(child, waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(0, WEXITSTATUS(status));

    CK_OBJECT_HANDLE handle = Find("OTA Cert");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("from the child", value);
}

TEST_F(PalPosixTest, FileRemovedBehindOurBackIsNotFound)
{
    CK_OBJECT_HANDLE handle = Save("Device Cert", "c");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_TRUE(fs::remove(store_ / "4465766963652043657274.obj"));

    EXPECT_EQ(CK_INVALID_HANDLE, Find("Device Cert"));
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(handle, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(handle));
}

TEST_F(PalPosixTest, InitializeFailsWhenFolderCannotBeCreated)
{
    CK_OBJECT_HANDLE handle = Save("Device Cert", "c");
    ASSERT_NE(CK_INVALID_HANDLE, handle);

    // A regular file where a parent folder should be: fails even for root.
    std::ofstream(root_ / "file") << "not a folder";
    UseStore(root_ / "file" / "store");
    EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_Initialize());

    // Until a good Initialize, nothing reaches any folder.
    EXPECT_EQ(CK_INVALID_HANDLE, Save("Root Cert", "r"));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Device Cert"));
    std::string value;
    EXPECT_EQ(CKR_DEVICE_ERROR, Get(handle, &value));

    UseStore(store_);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_EQ(handle, Find("Device Cert"));
}

TEST_F(PalPosixTest, FailedSaveKeepsOldValue)
{
    CK_OBJECT_HANDLE handle = Save("Device Cert", "old");
    ASSERT_NE(CK_INVALID_HANDLE, handle);

    // RLIMIT_FSIZE makes write() fail with EFBIG, for root too. Without
    // ignoring SIGXFSZ the process would be killed instead.
    struct rlimit saved_limit = {};
    ASSERT_EQ(0, getrlimit(RLIMIT_FSIZE, &saved_limit));
    auto saved_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = {16, saved_limit.rlim_max};
    ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &small));
    CK_OBJECT_HANDLE failed = Save("Device Cert", std::string(4096, 'n'));
    ASSERT_EQ(0, setrlimit(RLIMIT_FSIZE, &saved_limit));
    std::signal(SIGXFSZ, saved_handler);

    EXPECT_EQ(CK_INVALID_HANDLE, failed);
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("old", value);
    // The temporary file was removed.
    EXPECT_EQ(std::set<std::string>{"4465766963652043657274.obj"},
              Names(store_));
}

TEST_F(PalPosixTest, SaveFailsWhenStoreFolderIsGone)
{
    fs::remove_all(store_);
    std::ofstream(store_) << "a file where the store was";
    EXPECT_EQ(CK_INVALID_HANDLE, Save("Device Cert", "c"));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Device Cert"));
}

TEST_F(PalPosixTest, NullArgumentsAreRejected)
{
    CK_BYTE data[] = {1, 2, 3};
    CK_ATTRIBUTE no_value = {CKA_LABEL, nullptr, 4};
    CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>("Root"), 4};
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(nullptr, data, 3));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(&no_value, data, 3));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(&label, nullptr, 3));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_FindObject(nullptr, 4));
    EXPECT_TRUE(Names(store_).empty());

    CK_OBJECT_HANDLE handle = PKCS11_PAL_SaveObject(&label, data, 3);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    CK_BYTE_PTR out = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    EXPECT_EQ(CKR_ARGUMENTS_BAD,
              PKCS11_PAL_GetObjectValue(handle, nullptr, &size, &is_private));
    EXPECT_EQ(CKR_ARGUMENTS_BAD,
              PKCS11_PAL_GetObjectValue(handle, &out, nullptr, &is_private));
    EXPECT_EQ(CKR_ARGUMENTS_BAD,
              PKCS11_PAL_GetObjectValue(handle, &out, &size, nullptr));
    EXPECT_EQ(nullptr, out);
    PKCS11_PAL_GetObjectValueCleanup(nullptr, 0); // a no-op, not a crash
}

TEST_F(PalPosixTest, ConcurrentSavesKeepOneHandlePerLabelAndWholeValues)
{
    constexpr int kThreads = 4;
    constexpr int kRounds = 25;
    std::vector<CK_OBJECT_HANDLE> own(kThreads), shared(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([t, &own, &shared] {
            // Values differ in length, so a torn write would show.
            std::string value(100 + 1000 * t, static_cast<char>('a' + t));
            for (int i = 0; i < kRounds; i++) {
                CK_OBJECT_HANDLE h = Save("own " + std::to_string(t), value);
                CK_OBJECT_HANDLE s = Save("shared", value);
                if (h == CK_INVALID_HANDLE || s == CK_INVALID_HANDLE ||
                    (i > 0 && (h != own[t] || s != shared[t]))) {
                    own[t] = shared[t] = CK_INVALID_HANDLE;
                    return;
                }
                own[t] = h;
                shared[t] = s;
            }
        });
    }
    for (auto &thread : threads) {
        thread.join();
    }

    for (int t = 0; t < kThreads; t++) {
        ASSERT_NE(CK_INVALID_HANDLE, own[t]) << t;
        EXPECT_EQ(own[t], Find("own " + std::to_string(t)));
        EXPECT_EQ(shared[0], shared[t]);
    }
    std::string value;
    ASSERT_EQ(CKR_OK, Get(shared[0], &value));
    ASSERT_FALSE(value.empty());
    size_t t = static_cast<size_t>(value[0] - 'a');
    ASSERT_LT(t, static_cast<size_t>(kThreads));
    EXPECT_EQ(std::string(100 + 1000 * t, static_cast<char>('a' + t)), value);
    // kThreads own files + one shared file; no temporary file left.
    EXPECT_EQ(static_cast<size_t>(kThreads + 1), Names(store_).size());
}

TEST_F(PalPosixTest, StoreFolderOfAnotherUserIsRefused)
{
    // Tests run as root, who may give the folder away; others skip.
    if (geteuid() != 0) {
        GTEST_SKIP() << "needs root to chown the store folder";
    }
    ASSERT_EQ(0, chown(store_.c_str(), 1, 1));
    EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_Initialize());
    EXPECT_EQ(CK_INVALID_HANDLE, Save("Device Cert", "c"));

    ASSERT_EQ(0, chown(store_.c_str(), geteuid(), getegid()));
    EXPECT_EQ(CKR_OK, PKCS11_PAL_Initialize());
}

TEST_F(PalPosixTest, StoreFolderOpenToGroupOrOthersIsRefused)
{
    for (mode_t mode : {0750, 0705, 0710, 0777}) {
        ASSERT_EQ(0, chmod(store_.c_str(), mode));
        EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_Initialize()) << std::oct << mode;
        EXPECT_EQ(CK_INVALID_HANDLE, Save("Device Cert", "c"));
    }
    ASSERT_EQ(0, chmod(store_.c_str(), 0700));
    EXPECT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_NE(CK_INVALID_HANDLE, Save("Device Cert", "c"));
}

TEST_F(PalPosixTest, LockFileIs0600AndNeverAnObject)
{
    EXPECT_EQ(0600u, Mode(store_ / ".lock"));
    EXPECT_EQ(CK_INVALID_HANDLE, Find(".lock"));
}

TEST_F(PalPosixTest, StoreLockNestsAndAllowsWritesInside)
{
    ASSERT_EQ(CKR_OK, PKCS11_PAL_LockStore());
    ASSERT_EQ(CKR_OK, PKCS11_PAL_LockStore());
    CK_OBJECT_HANDLE handle = Save("Device Cert", "inside");
    EXPECT_NE(CK_INVALID_HANDLE, handle);
    EXPECT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle));
    PKCS11_PAL_UnlockStore();
    PKCS11_PAL_UnlockStore();
    EXPECT_NE(CK_INVALID_HANDLE, Save("Device Cert", "after"));
}

TEST_F(PalPosixTest, StoreLockMakesAnotherProcessWait)
{
    ASSERT_EQ(CKR_OK, PKCS11_PAL_LockStore());
    pid_t child = fork();
    ASSERT_NE(-1, child);
    if (child == 0) {
        // A fresh Initialize, as a second process would do.
        bool ok = PKCS11_PAL_Initialize() == CKR_OK &&
                  Save("Root Cert", "from the child") != CK_INVALID_HANDLE;
        _exit(ok ? 0 : 1);
    }
    // The child's save waits for our lock.
    usleep(300 * 1000);
    int status = 0;
    EXPECT_EQ(0, waitpid(child, &status, WNOHANG)) << "the child did not wait";
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Root Cert"));
    PKCS11_PAL_UnlockStore();

    ASSERT_EQ(child, waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(Find("Root Cert"), &value));
    EXPECT_EQ("from the child", value);
}


// The device key: made once beside the store (0600, 32 bytes), the same on
// every call and after a new Initialize, never replaced when it is unfit.
TEST_F(PalPosixTest, DeviceKeyIsMadeOnceBesideTheStoreAndKept)
{
    unsetenv("P11FORGE_DEVICE_KEY_FILE");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    unsigned char first[P11_PAL_DEVICE_KEY_SIZE] = {};
    unsigned char again[P11_PAL_DEVICE_KEY_SIZE] = {};
    ASSERT_EQ(CKR_OK, PKCS11_PAL_GetDeviceKey(first, sizeof first));
    const fs::path file = root_ / "store.device-key";
    ASSERT_TRUE(fs::exists(file));
    EXPECT_EQ(0600u, Mode(file));
    EXPECT_EQ(sizeof first, fs::file_size(file));
    EXPECT_FALSE(fs::exists(store_ / "store.device-key"));
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    ASSERT_EQ(CKR_OK, PKCS11_PAL_GetDeviceKey(again, sizeof again));
    EXPECT_EQ(0, memcmp(first, again, sizeof first));
    EXPECT_NE(std::string(sizeof first, '\0'), std::string(reinterpret_cast<char *>(first), sizeof first));
    EXPECT_EQ(CKR_ARGUMENTS_BAD, PKCS11_PAL_GetDeviceKey(nullptr, sizeof first));
    EXPECT_EQ(CKR_ARGUMENTS_BAD, PKCS11_PAL_GetDeviceKey(first, sizeof first - 1));
}

TEST_F(PalPosixTest, UnfitDeviceKeyFileIsRefusedNotReplaced)
{
    const fs::path file = root_ / "named.key";
    setenv("P11FORGE_DEVICE_KEY_FILE", file.c_str(), 1);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    unsigned char key[P11_PAL_DEVICE_KEY_SIZE] = {};
    {
        std::ofstream out(file, std::ios::binary);
        out << std::string(P11_PAL_DEVICE_KEY_SIZE, 'k');
    }
    chmod(file.c_str(), 0644); // others may read it
    testing::internal::CaptureStderr();
    EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_GetDeviceKey(key, sizeof key));
    EXPECT_NE(std::string::npos, testing::internal::GetCapturedStderr().find("mode 0600"));
    chmod(file.c_str(), 0600);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_GetDeviceKey(key, sizeof key));
    EXPECT_EQ(std::string(P11_PAL_DEVICE_KEY_SIZE, 'k'), std::string(reinterpret_cast<char *>(key), sizeof key));
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << "short";
    }
    testing::internal::CaptureStderr();
    EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_GetDeviceKey(key, sizeof key));
    (void)testing::internal::GetCapturedStderr();
    EXPECT_EQ(5u, fs::file_size(file)) << "an unfit key file was replaced";
}

void NoteLabel(const CK_BYTE *label, CK_ULONG len, void *context)
{
    static_cast<std::vector<std::string> *>(context)->emplace_back(reinterpret_cast<const char *>(label), len);
}

// Every save and destroy raises the count and names its label; a reader
// further behind than the journal is told to re-read everything.
TEST_F(PalPosixTest, ChangeJournalNamesEverySaveAndDestroy)
{
    uint64_t start = 0;
    ASSERT_EQ(CKR_OK, PKCS11_PAL_ChangeCount(&start));
    ASSERT_NE(CK_INVALID_HANDLE, Save("one", "1"));
    ASSERT_NE(CK_INVALID_HANDLE, Save("two", "2"));
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("one")));
    uint64_t now = 0;
    ASSERT_EQ(CKR_OK, PKCS11_PAL_ChangeCount(&now));
    EXPECT_EQ(start + 3, now);
    std::vector<std::string> labels;
    ASSERT_EQ(CKR_OK, PKCS11_PAL_LockStore());
    uint64_t reported = 0;
    EXPECT_EQ(CKR_OK, PKCS11_PAL_ChangesSince(start, NoteLabel, &labels, &reported));
    EXPECT_EQ(now, reported);
    EXPECT_EQ((std::vector<std::string>{"one", "two", "one"}), labels);
    labels.clear();
    EXPECT_EQ(CKR_OK, PKCS11_PAL_ChangesSince(now, NoteLabel, &labels, &reported));
    EXPECT_TRUE(labels.empty());
    PKCS11_PAL_UnlockStore();

    for (int i = 0; i < 100; i++) {
        ASSERT_NE(CK_INVALID_HANDLE, Save("bulk " + std::to_string(i), "v"));
    }
    ASSERT_EQ(CKR_OK, PKCS11_PAL_LockStore());
    EXPECT_EQ(CKR_DATA_LEN_RANGE, PKCS11_PAL_ChangesSince(now, NoteLabel, &labels, &reported));
    EXPECT_EQ(now + 100, reported);
    PKCS11_PAL_UnlockStore();
}

// Another process's saves move this one's count (the journal is shared).
TEST_F(PalPosixTest, ChangeCountSeesOtherProcesses)
{
    uint64_t before = 0;
    ASSERT_EQ(CKR_OK, PKCS11_PAL_ChangeCount(&before));
    pid_t child = fork();
    if (child == 0) {
        const bool ok = PKCS11_PAL_Initialize() == CKR_OK && Save("from child", "x") != CK_INVALID_HANDLE;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(child, waitpid(child, &status, 0));
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    uint64_t after = 0;
    ASSERT_EQ(CKR_OK, PKCS11_PAL_ChangeCount(&after));
    EXPECT_EQ(before + 1, after);
}

} // namespace
