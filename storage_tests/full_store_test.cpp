// A full file system under the POSIX store: C_CreateObject fails with an
// error, and nothing stored before is lost or damaged. The store is a 64 KiB
// tmpfs (the tests run as root); where mounting is not allowed the test is
// skipped and says so.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/mount.h>

#include "module_client.h"

namespace p11storage {
namespace {

// Mounts a small tmpfs for the life of the object.
class SmallFileSystem {
  public:
    explicit SmallFileSystem(const std::string &path) : path_(path)
    {
        std::filesystem::create_directory(path_);
        if (mount("p11storage", path_.c_str(), "tmpfs", 0, "size=64k,mode=0700") == 0) {
            mounted_ = true;
        } else {
            error_ = std::strerror(errno);
        }
    }
    ~SmallFileSystem()
    {
        if (mounted_) {
            umount2(path_.c_str(), MNT_DETACH);
        }
    }
    SmallFileSystem(const SmallFileSystem &) = delete;
    SmallFileSystem &operator=(const SmallFileSystem &) = delete;
    bool mounted() const { return mounted_; }
    const std::string &error() const { return error_; }

  private:
    std::string path_;
    bool mounted_ = false;
    std::string error_;
};

std::string ValueOf(int i)
{
    return std::to_string(i) + std::string(3000, static_cast<char>('a' + i % 26));
}

TEST(FullStore, CreateObjectFailsAndKeepsEverythingStored)
{
    TempDir tmp;
    ASSERT_FALSE(tmp.path().empty());
    const std::string store = tmp.path() + "/small";
    SmallFileSystem fs(store);
    if (!fs.mounted()) {
        GTEST_SKIP() << "not applicable here: cannot mount a 64 KiB tmpfs (" << fs.error()
                     << "); needs root or CAP_SYS_ADMIN";
    }
    setenv("P11FORGE_STORE_DIR", store.c_str(), 1);
    CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
    ASSERT_NE(nullptr, fl);

    int stored = 0;
    CK_RV failure = CKR_OK;
    {
        Client client(fl);
        ASSERT_EQ(CKR_OK, client.Open());
        ASSERT_EQ(CKR_OK, client.Login(CKU_USER, "0000"));
        for (int i = 0; i < 64; ++i) { // 64 KiB cannot hold 64 records of 3 KB
            failure = client.CreateData("object " + std::to_string(i), ValueOf(i));
            if (failure != CKR_OK) {
                break;
            }
            ++stored;
        }
        ASSERT_NE(CKR_OK, failure) << "the file system never filled up";
        EXPECT_TRUE(failure == CKR_DEVICE_ERROR || failure == CKR_DEVICE_MEMORY) << std::hex << failure;
        ASSERT_GT(stored, 0);
        std::vector<CK_OBJECT_HANDLE> found;
        ASSERT_EQ(CKR_OK, client.FindByLabel("object " + std::to_string(stored), &found));
        EXPECT_TRUE(found.empty()) << "the object that did not fit is listed";
    }

    // After a restart every object that was stored is there, whole.
    {
        Client client(fl);
        ASSERT_EQ(CKR_OK, client.Open());
        ASSERT_EQ(CKR_OK, client.Login(CKU_USER, "0000"));
        std::vector<CK_OBJECT_HANDLE> all;
        ASSERT_EQ(CKR_OK, client.FindAllData(&all));
        EXPECT_EQ(static_cast<size_t>(stored), all.size());
        for (int i = 0; i < stored; ++i) {
            std::vector<CK_OBJECT_HANDLE> found;
            ASSERT_EQ(CKR_OK, client.FindByLabel("object " + std::to_string(i), &found));
            ASSERT_EQ(1u, found.size()) << "object " << i << " is lost";
            std::string value;
            ASSERT_EQ(CKR_OK, client.Value(found[0], &value));
            EXPECT_EQ(ValueOf(i), value) << "object " << i << " is damaged";
        }
        // No temporary file is left to hold the space; freeing one object
        // makes room again.
        for (const auto &entry : std::filesystem::directory_iterator(store)) {
            EXPECT_NE(0, entry.path().filename().string().rfind(".tmp-", 0)) << entry.path();
        }
        ASSERT_EQ(CKR_OK, client.DestroyByLabel("object 0"));
        EXPECT_EQ(CKR_OK, client.CreateData("object after", ValueOf(0)));
    }
}

} // namespace
} // namespace p11storage
