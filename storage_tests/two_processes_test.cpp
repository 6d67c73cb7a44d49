// Two processes create and destroy token objects in one POSIX store at the
// same time; afterwards a third view of the store must hold exactly the
// objects that should exist, each with its value, and no damaged file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "module_client.h"

namespace p11storage {
namespace {

constexpr int kObjectsPerProcess = 24;

std::string LabelOf(int process, int i)
{
    return "p" + std::to_string(process) + " object " + std::to_string(i);
}

// Lengths differ per object, so a value written over another would show.
std::string ValueOf(int process, int i)
{
    return "value of " + LabelOf(process, i) + std::string(static_cast<size_t>(50 * i + process), 'v');
}

// One child: creates objects, destroying every even one right after the
// next is made, so the two children's index writes interleave. It waits on
// `start` first, so both begin together.
int CreateAndDestroy(int process, int start)
{
    char go = 0;
    if (read(start, &go, 1) < 0) {
        return 10;
    }
    CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
    if (fl == nullptr) {
        return 11;
    }
    Client client(fl);
    if (client.Open() != CKR_OK || client.Login(CKU_USER, "0000") != CKR_OK) {
        return 12;
    }
    for (int i = 0; i < kObjectsPerProcess; ++i) {
        CK_RV rv = client.CreateData(LabelOf(process, i), ValueOf(process, i));
        if (rv != CKR_OK) {
            std::fprintf(stderr, "process %d: create %d: 0x%lx\n", process, i, rv);
            return 13;
        }
        if (i % 2 == 1) {
            rv = client.DestroyByLabel(LabelOf(process, i - 1));
            if (rv != CKR_OK) {
                std::fprintf(stderr, "process %d: destroy %d: 0x%lx\n", process, i - 1, rv);
                return 14;
            }
        }
    }
    return 0;
}

TEST(TwoProcesses, CreatingAndDestroyingAtOnceLosesNothing)
{
    TempDir tmp;
    ASSERT_FALSE(tmp.path().empty());
    const std::string store = tmp.path() + "/store";
    setenv("P11FORGE_STORE_DIR", store.c_str(), 1);

    int gate[2];
    ASSERT_EQ(0, pipe(gate));
    pid_t children[2];
    for (int process = 0; process < 2; ++process) {
        children[process] = StartChild([process, &gate] {
            close(gate[1]);
            return CreateAndDestroy(process, gate[0]);
        });
        ASSERT_GT(children[process], 0);
    }
    close(gate[0]);
    close(gate[1]); // both children read end-of-file now and start
    EXPECT_EQ(0, WaitChild(children[0])) << "see the child's message above";
    EXPECT_EQ(0, WaitChild(children[1])) << "see the child's message above";

    // A restarted view of the store (this process never loaded it before).
    CK_FUNCTION_LIST *fl = LoadModule(P11_MODULE_FREERTOS);
    ASSERT_NE(nullptr, fl);
    Client client(fl);
    ASSERT_EQ(CKR_OK, client.Open());
    ASSERT_EQ(CKR_OK, client.Login(CKU_USER, "0000"));
    for (int process = 0; process < 2; ++process) {
        for (int i = 0; i < kObjectsPerProcess; ++i) {
            std::vector<CK_OBJECT_HANDLE> found;
            ASSERT_EQ(CKR_OK, client.FindByLabel(LabelOf(process, i), &found));
            if (i % 2 == 0) {
                EXPECT_TRUE(found.empty()) << LabelOf(process, i) << " was destroyed";
                continue;
            }
            ASSERT_EQ(1u, found.size()) << LabelOf(process, i) << " is lost";
            std::string value;
            ASSERT_EQ(CKR_OK, client.Value(found[0], &value));
            EXPECT_EQ(ValueOf(process, i), value);
        }
    }
    std::vector<CK_OBJECT_HANDLE> all;
    ASSERT_EQ(CKR_OK, client.FindAllData(&all));
    EXPECT_EQ(static_cast<size_t>(kObjectsPerProcess), all.size());

    // On disk: one record per live object, the index head and its copy, one
    // index page (fewer than 256 numbers were handed out), the token record
    // and the lock file; no temporary file and no record left unlisted.
    size_t objects = 0, others = 0;
    for (const auto &entry : std::filesystem::directory_iterator(store)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".obj") {
            ++objects;
        } else if (name != ".lock") {
            ++others;
            ADD_FAILURE() << "stray file " << name;
        }
    }
    EXPECT_EQ(static_cast<size_t>(kObjectsPerProcess) + 4, objects);
    EXPECT_EQ(0u, others);
}

} // namespace
} // namespace p11storage
