// A process that still holds an object another process has wiped (its
// C_InitToken) or destroyed must not write it back: C_SetAttributeValue
// answers CKR_OBJECT_HANDLE_INVALID (after a C_InitToken elsewhere the
// session itself is gone: CKR_SESSION_HANDLE_INVALID, store_sync.h) and no
// store file holds the value again.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <unistd.h>

#include "module_client.h"

namespace p11storage {
namespace {

const std::string kMarker = "stale-object-marker-7d1f0c";
const char kSoPin[] = "12345678";

// True when a file of the store folder holds `text` verbatim.
bool StoreHolds(const std::string &store, const std::string &text)
{
    for (const auto &entry : std::filesystem::directory_iterator(store)) {
        std::ifstream in(entry.path(), std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

// B creates an object and waits; A runs `change` in a process of its own;
// then B renames the object (CKA_LABEL). B exits 0 when that answered `expected`.
void StaleWriteAfter(const std::string &store, int (*change)(), CK_RV expected)
{
    int ready[2];
    int go[2];
    ASSERT_EQ(0, pipe(ready));
    ASSERT_EQ(0, pipe(go));
    pid_t b = StartChild([&] {
        CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FULL);
        Client client(fl);
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        char byte = 1;
        // The full module: it has C_SetAttributeValue, and starts blank.
        if (fl == nullptr || client.InitTokenThenOpen(kSoPin, "Stale") != CKR_OK ||
            client.CreateData("stale", kMarker, &object) != CKR_OK ||
            write(ready[1], &byte, 1) != 1 || read(go[0], &byte, 1) != 1) {
            return 11;
        }
        const CK_RV rv = client.SetLabel(object, "renamed");
        if (rv != expected) {
            std::fprintf(stderr, "C_SetAttributeValue on the stale object: 0x%lx\n", rv);
            return 12;
        }
        return 0;
    });
    ASSERT_GT(b, 0);
    char byte = 0;
    ASSERT_EQ(1, read(ready[0], &byte, 1));
    ASSERT_TRUE(StoreHolds(store, kMarker)) << "the object was stored";
    ASSERT_EQ(0, RunInChild(change));
    ASSERT_EQ(1, write(go[1], &byte, 1));
    EXPECT_EQ(0, WaitChild(b));
    for (int fd : {ready[0], ready[1], go[0], go[1]}) {
        close(fd);
    }
}

class StaleObjectTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_FALSE(tmp_.path().empty());
        store_ = tmp_.path() + "/store";
        setenv("P11FORGE_STORE_DIR", store_.c_str(), 1);
    }
    TempDir tmp_;
    std::string store_;
};

TEST_F(StaleObjectTest, ObjectWipedByInitTokenElsewhereIsNotWrittenBack)
{
    StaleWriteAfter(
        store_,
        [] {
            CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FULL);
            Client client(fl);
            return fl != nullptr && client.InitTokenThenOpen(kSoPin, "Wiped") == CKR_OK ? 0 : 1;
        },
        CKR_SESSION_HANDLE_INVALID);
    EXPECT_FALSE(StoreHolds(store_, kMarker)) << "the wiped object's value is back in the store";
}

TEST_F(StaleObjectTest, ObjectDestroyedElsewhereIsNotWrittenBack)
{
    StaleWriteAfter(
        store_,
        [] {
            CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FULL);
            Client client(fl);
            return fl != nullptr && client.Open() == CKR_OK && client.DestroyByLabel("stale") == CKR_OK ? 0 : 1;
        },
        CKR_OBJECT_HANDLE_INVALID);
    EXPECT_FALSE(StoreHolds(store_, kMarker)) << "the destroyed object's value is back in the store";
}

} // namespace
} // namespace p11storage
