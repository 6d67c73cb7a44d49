/* ValueIndex, the flat key -> objects table under the label, class and id
 * indexes: one object inline, shared keys in handle order, erase with
 * backward shift (checked against std::multimap over many random steps in
 * small, crowded tables), growth. */
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "objects/value_index.h"

using p11::Object;
using p11::ObjectRef;
using p11::ValueIndex;

namespace {

ObjectRef MakeObject(CK_OBJECT_HANDLE handle)
{
    auto object = p11::make_object();
    object->handle = handle;
    return object;
}

std::vector<CK_OBJECT_HANDLE> Handles(const ValueIndex &index, std::size_t key)
{
    std::vector<CK_OBJECT_HANDLE> out;
    index.find(key).for_each([&](const ObjectRef &object) { out.push_back(object->handle); });
    return out;
}

} // namespace

TEST(ValueIndexTest, EmptyIndexFindsNothingAndEraseIsHarmless)
{
    ValueIndex index;
    EXPECT_EQ(0u, index.find(42).size());
    index.erase(42, 1);
    EXPECT_EQ(0u, index.keys());
    EXPECT_EQ(0u, index.capacity());
}

TEST(ValueIndexTest, OneObjectUnderAKeyIsFound)
{
    ValueIndex index;
    index.insert(42, MakeObject(7));
    EXPECT_EQ(1u, index.find(42).size());
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{7}), Handles(index, 42));
    EXPECT_EQ(0u, index.find(43).size());
    index.erase(42, 8); // another handle: stays
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{7}), Handles(index, 42));
    index.erase(42, 7);
    EXPECT_EQ(0u, index.find(42).size());
    EXPECT_EQ(0u, index.keys());
}

TEST(ValueIndexTest, SharedKeyKeepsObjectsInHandleOrderUntilTheLastGoes)
{
    ValueIndex index;
    index.insert(5, MakeObject(30));
    index.insert(5, MakeObject(10));
    index.insert(5, MakeObject(20));
    EXPECT_EQ(1u, index.keys());
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{10, 20, 30}), Handles(index, 5));
    index.erase(5, 20);
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{10, 30}), Handles(index, 5));
    index.erase(5, 10);
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{30}), Handles(index, 5));
    index.insert(5, MakeObject(40)); // from inline back to a group
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{30, 40}), Handles(index, 5));
    index.erase(5, 30);
    index.erase(5, 40);
    EXPECT_EQ(0u, index.find(5).size());
    EXPECT_EQ(0u, index.keys());
}

TEST(ValueIndexTest, ReferencesKeepObjectsAliveAfterErase)
{
    ValueIndex index;
    ObjectRef object = MakeObject(3);
    index.insert(1, object);
    EXPECT_EQ(2u, object.use_count()); // the index holds it too
    index.erase(1, 3);
    EXPECT_EQ(1u, object.use_count()); // this test's reference alone
}

TEST(ValueIndexTest, GrowsAtHalfFullAndKeepsEveryKey)
{
    ValueIndex index;
    for (std::size_t key = 0; key < 8; ++key) {
        index.insert(key, MakeObject(key + 1));
    }
    EXPECT_EQ(16u, index.capacity());
    index.insert(8, MakeObject(9)); // would fill 16 slots past half
    EXPECT_EQ(32u, index.capacity());
    constexpr std::size_t kKeys = 100000;
    for (std::size_t key = 9; key < kKeys; ++key) {
        index.insert(key, MakeObject(key + 1));
    }
    EXPECT_EQ(kKeys, index.keys());
    EXPECT_GE(index.capacity(), 2 * kKeys);
    for (std::size_t key = 0; key < kKeys; ++key) {
        ASSERT_EQ((std::vector<CK_OBJECT_HANDLE>{key + 1}), Handles(index, key)) << key;
    }
    for (std::size_t key = 0; key < kKeys; key += 2) {
        index.erase(key, key + 1);
    }
    for (std::size_t key = 0; key < kKeys; ++key) {
        ASSERT_EQ(key % 2 == 0 ? 0u : 1u, index.find(key).size()) << key;
    }
    index.clear();
    EXPECT_EQ(0u, index.keys());
    EXPECT_EQ(0u, index.find(1).size());
}

// Few slots, keys from a small set and many handles per key: colliding
// homes, runs that wrap past the end of the array, and erases in the middle
// of runs happen all the time. After each step every key must give exactly
// what a std::multimap gives.
TEST(ValueIndexTest, RandomInsertsAndErasesMatchAReference)
{
    std::mt19937_64 random(20240611);
    std::vector<std::size_t> keys;
    for (int i = 0; i < 12; ++i) {
        keys.push_back(random());
    }
    keys.push_back(0);
    ValueIndex index;
    std::map<std::size_t, std::map<CK_OBJECT_HANDLE, bool>> reference;
    CK_OBJECT_HANDLE next_handle = 1;
    for (int step = 0; step < 20000; ++step) {
        const std::size_t key = keys[random() % keys.size()];
        auto &under = reference[key];
        if (!under.empty() && random() % 2 == 0) {
            auto victim = under.begin();
            std::advance(victim, static_cast<long>(random() % under.size()));
            index.erase(key, victim->first);
            under.erase(victim);
        } else if (under.size() < 3) {
            index.insert(key, MakeObject(next_handle));
            under[next_handle++] = true;
        } else {
            index.erase(key, next_handle + 1000); // not there: no change
        }
        std::size_t used_keys = 0;
        for (std::size_t each : keys) {
            std::vector<CK_OBJECT_HANDLE> expected;
            for (const auto &entry : reference[each]) {
                expected.push_back(entry.first);
            }
            used_keys += expected.empty() ? 0 : 1;
            ASSERT_EQ(expected, Handles(index, each)) << "step " << step;
        }
        ASSERT_EQ(used_keys, index.keys()) << "step " << step;
    }
}

namespace {

// One key shared by many objects (a class): erases leave holes, objects
// come back under their old handle (C_SetAttributeValue, a re-read record)
// or under a handle below the largest, and the holes are dropped now and
// then. Handle order and membership must stay what a std::map says.
TEST(ValueIndexTest, LargeGroupWithHolesAndReturningHandlesMatchesAReference)
{
    std::mt19937_64 random(77);
    ValueIndex index;
    std::map<CK_OBJECT_HANDLE, bool> reference;
    std::vector<CK_OBJECT_HANDLE> erased;
    CK_OBJECT_HANDLE next_handle = 1000;
    for (int step = 0; step < 6000; ++step) {
        const unsigned choice = static_cast<unsigned>(random() % 10);
        if (choice < 4 || reference.size() < 2) {
            index.insert(7, MakeObject(next_handle));
            reference[next_handle++] = true;
        } else if (choice < 8) {
            auto victim = reference.begin();
            std::advance(victim, static_cast<long>(random() % reference.size()));
            index.erase(7, victim->first);
            erased.push_back(victim->first);
            reference.erase(victim);
        } else if (choice == 8 && !erased.empty()) {
            const CK_OBJECT_HANDLE back = erased[random() % erased.size()];
            if (reference.count(back) == 0) {
                index.insert(7, MakeObject(back));
                reference[back] = true;
            }
        } else {
            const CK_OBJECT_HANDLE low = 1 + random() % 999; // below every other handle
            if (reference.count(low) == 0) {
                index.insert(7, MakeObject(low));
                reference[low] = true;
            }
        }
        std::vector<CK_OBJECT_HANDLE> expected;
        for (const auto &entry : reference) {
            expected.push_back(entry.first);
        }
        ASSERT_EQ(expected, Handles(index, 7)) << "step " << step;
        ASSERT_EQ(expected.size(), index.find(7).size()) << "step " << step;
    }
}

TEST(ValueIndexTest, GroupLetsGoOfErasedObjects)
{
    ValueIndex index;
    std::vector<ObjectRef> objects;
    for (CK_OBJECT_HANDLE h = 1; h <= 40; ++h) {
        objects.push_back(MakeObject(h));
        index.insert(3, objects.back());
    }
    for (CK_OBJECT_HANDLE h = 1; h <= 39; ++h) {
        index.erase(3, h);
    }
    for (std::size_t i = 0; i < 39; ++i) {
        EXPECT_EQ(1u, objects[i].use_count()) << i; // not kept in a hole
    }
    EXPECT_EQ(2u, objects[39].use_count()); // inline in its slot again
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{40}), Handles(index, 3));
}

} // namespace
