/* ObjectTable, the store's flat sets of objects by handle and by PAL label:
 * put, replace, find, erase with backward shift (checked against std::map
 * over many random steps, with keys that collide on purpose), reserve and
 * growth, and references the table lets go of. */
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "objects/object_table.h"

using p11::ByHandle;
using p11::ByPalLabel;
using p11::ObjectRef;
using p11::ObjectTable;

namespace {

ObjectRef MakeObject(CK_OBJECT_HANDLE handle, const std::string &pal_label = std::string())
{
    auto object = p11::make_object();
    object->handle = handle;
    object->pal_label = pal_label;
    return object;
}

TEST(ObjectTableTest, FindsWhatWasPutAndNothingElse)
{
    ObjectTable<ByHandle> table;
    EXPECT_EQ(nullptr, table.find(1)); // empty, no slots yet
    table.put(MakeObject(1));
    table.put(MakeObject(2));
    ASSERT_NE(nullptr, table.find(1));
    EXPECT_EQ(1u, (*table.find(1))->handle);
    EXPECT_EQ(2u, (*table.find(2))->handle);
    EXPECT_EQ(nullptr, table.find(3));
    EXPECT_EQ(2u, table.size());
}

TEST(ObjectTableTest, PutUnderATakenKeyReplacesTheObject)
{
    ObjectTable<ByPalLabel> table;
    ObjectRef first = MakeObject(1, "obj-a");
    table.put(first);
    ObjectRef second = MakeObject(7, "obj-a");
    table.put(second);
    EXPECT_EQ(1u, table.size());
    EXPECT_EQ(7u, (*table.find("obj-a"))->handle);
    EXPECT_EQ(1u, first.use_count()); // the table let the first one go
    EXPECT_EQ(2u, second.use_count());
}

TEST(ObjectTableTest, EraseReleasesTheObjectAndSaysWhetherItWasThere)
{
    ObjectTable<ByHandle> table;
    ObjectRef object = MakeObject(5);
    table.put(object);
    EXPECT_FALSE(table.erase(6));
    EXPECT_TRUE(table.erase(5));
    EXPECT_FALSE(table.erase(5));
    EXPECT_EQ(0u, table.size());
    EXPECT_EQ(1u, object.use_count());
}

TEST(ObjectTableTest, ReserveMakesRoomSoThatPutsDoNotGrowIt)
{
    ObjectTable<ByHandle> table;
    table.reserve(64);
    const std::size_t capacity = table.capacity();
    EXPECT_GE(capacity, 128u);
    for (CK_OBJECT_HANDLE h = 1; h <= 64; ++h) {
        table.put(MakeObject(h));
    }
    EXPECT_EQ(capacity, table.capacity());
    table.put(MakeObject(65)); // past the reservation it grows, keeping all
    EXPECT_GT(table.capacity(), capacity);
    for (CK_OBJECT_HANDLE h = 1; h <= 65; ++h) {
        ASSERT_NE(nullptr, table.find(h)) << h;
    }
}

TEST(ObjectTableTest, ForEachVisitsEveryObjectOnce)
{
    ObjectTable<ByHandle> table;
    for (CK_OBJECT_HANDLE h = 100; h < 140; ++h) {
        table.put(MakeObject(h));
    }
    table.erase(120);
    std::map<CK_OBJECT_HANDLE, int> seen;
    table.for_each([&](const ObjectRef &object) { ++seen[object->handle]; });
    EXPECT_EQ(39u, seen.size());
    EXPECT_EQ(0u, seen.count(120));
    for (const auto &entry : seen) {
        EXPECT_EQ(1, entry.second);
    }
}

// Labels that share a home slot in a 16-slot table, so that runs wrap
// around and erase must pull later entries back across the end.
TEST(ObjectTableTest, RandomStepsAgreeWithAMapInACrowdedTable)
{
    std::mt19937 random(1234);
    for (int round = 0; round < 50; ++round) {
        ObjectTable<ByPalLabel> table;
        std::map<std::string, CK_OBJECT_HANDLE> model;
        CK_OBJECT_HANDLE next = 1;
        for (int step = 0; step < 400; ++step) {
            const std::string label = "obj-" + std::to_string(random() % 12);
            if (random() % 3 != 0) {
                table.put(MakeObject(next, label));
                model[label] = next++;
            } else {
                EXPECT_EQ(model.erase(label) == 1, table.erase(label));
            }
            ASSERT_EQ(model.size(), table.size());
            for (int k = 0; k < 12; ++k) {
                const std::string probe = "obj-" + std::to_string(k);
                const ObjectRef *found = table.find(probe);
                auto expected = model.find(probe);
                ASSERT_EQ(expected != model.end(), found != nullptr) << probe;
                if (found != nullptr) {
                    EXPECT_EQ(expected->second, (*found)->handle);
                    EXPECT_EQ(probe, (*found)->pal_label);
                }
            }
        }
    }
}

TEST(ObjectTableTest, ManyHandlesComeAndGo)
{
    ObjectTable<ByHandle> table;
    std::map<CK_OBJECT_HANDLE, bool> model;
    std::mt19937 random(99);
    for (CK_OBJECT_HANDLE h = 1; h <= 5000; ++h) {
        table.put(MakeObject(h));
        model[h] = true;
        if (random() % 2 == 0) {
            const CK_OBJECT_HANDLE victim = 1 + random() % h;
            EXPECT_EQ(model.erase(victim) == 1, table.erase(victim));
        }
    }
    ASSERT_EQ(model.size(), table.size());
    for (CK_OBJECT_HANDLE h = 1; h <= 5000; ++h) {
        EXPECT_EQ(model.count(h) == 1, table.find(h) != nullptr) << h;
    }
    table.clear();
    EXPECT_EQ(0u, table.size());
    EXPECT_EQ(nullptr, table.find(1));
}

} // namespace

namespace {

// Erasing while scanning: every chosen object goes, every other stays,
// also where erasing pulls a later object back into the slot just looked at
// or runs wrap around the end of the array (labels crowd a small table).
TEST(ObjectTableTest, EraseIfRemovesExactlyTheChosenObjects)
{
    std::mt19937 random(31);
    for (int round = 0; round < 200; ++round) {
        ObjectTable<ByPalLabel> table;
        std::map<std::string, CK_OBJECT_HANDLE> model;
        const int count = 1 + static_cast<int>(random() % 7); // at most 7 of 16 slots
        for (int i = 0; i < count; ++i) {
            const std::string label = "obj-" + std::to_string(random() % 40);
            const CK_OBJECT_HANDLE handle = 1 + random() % 1000;
            table.put(MakeObject(handle, label));
            model[label] = handle;
        }
        table.erase_if([](const ObjectRef &object) { return object->handle % 2 == 0; });
        for (auto it = model.begin(); it != model.end();) {
            it = it->second % 2 == 0 ? model.erase(it) : std::next(it);
        }
        ASSERT_EQ(model.size(), table.size()) << "round " << round;
        for (const auto &entry : model) {
            const ObjectRef *found = table.find(entry.first);
            ASSERT_NE(nullptr, found) << entry.first;
            EXPECT_EQ(entry.second, (*found)->handle);
        }
        table.for_each([](const ObjectRef &object) { EXPECT_EQ(1u, object->handle % 2); });
    }
}

} // namespace
