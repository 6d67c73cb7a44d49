/* AttributeSet (attribute_set.h): values in one buffer per set. Checked
 * against a std::map over random sets, replaces and erases (every view must
 * read its current value after the buffer moved), copies that hold only live
 * bytes, and values taken from the set itself. */
#include "attribute_set.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

namespace {

using p11::AttributeSet;
using p11::Bytes;
using p11::ByteView;

Bytes Of(std::size_t size, unsigned char fill)
{
    return Bytes(size, fill);
}

void ExpectSame(const std::map<CK_ATTRIBUTE_TYPE, Bytes> &model, const AttributeSet &set)
{
    ASSERT_EQ(model.size(), set.size());
    auto item = set.items().begin();
    for (const auto &entry : model) {
        const ByteView *value = set.get(entry.first);
        ASSERT_NE(nullptr, value) << entry.first;
        EXPECT_EQ(ByteView(entry.second), *value) << entry.first;
        EXPECT_EQ(entry.first, item->type); // sorted by type
        EXPECT_EQ(value, &item->value);
        ++item;
    }
}

TEST(AttributeSetTest, RandomSetsReplacesAndErasesAgreeWithAMap)
{
    std::mt19937 random(5);
    for (int round = 0; round < 30; ++round) {
        AttributeSet set;
        std::map<CK_ATTRIBUTE_TYPE, Bytes> model;
        for (int step = 0; step < 300; ++step) {
            const CK_ATTRIBUTE_TYPE type = random() % 24;
            if (random() % 4 == 0) {
                set.erase(type);
                model.erase(type);
            } else {
                const Bytes value = Of(random() % 70, static_cast<unsigned char>(random()));
                set.set(type, value.data(), value.size());
                model[type] = value;
            }
            ExpectSame(model, set);
            ASSERT_FALSE(HasFatalFailure()) << "round " << round << " step " << step;
        }
    }
}

TEST(AttributeSetTest, AValueTakenFromTheSetItselfIsCopiedBeforeTheBufferMoves)
{
    AttributeSet set;
    const Bytes big = Of(40, 0xAB);
    set.set(CKA_VALUE, big.data(), big.size());
    const ByteView *value = set.get(CKA_VALUE);
    for (CK_ATTRIBUTE_TYPE type = 100; type < 120; ++type) {
        value = set.get(CKA_VALUE);
        set.set(type, value->data(), value->size()); // the buffer grows meanwhile
    }
    for (CK_ATTRIBUTE_TYPE type = 100; type < 120; ++type) {
        EXPECT_EQ(ByteView(big), *set.get(type)) << type;
    }
    value = set.get(CKA_VALUE);
    set.set(CKA_VALUE, value->data() + 1, value->size() - 1); // itself, shorter
    EXPECT_EQ(ByteView(Of(39, 0xAB)), *set.get(CKA_VALUE));
}

TEST(AttributeSetTest, ACopyHoldsOnlyLiveBytesAndOwnsThem)
{
    AttributeSet set;
    const Bytes long_value = Of(200, 1);
    set.set(CKA_LABEL, long_value.data(), long_value.size());
    const Bytes short_value = Of(3, 2);
    set.set(CKA_LABEL, short_value.data(), short_value.size()); // 197 bytes of garbage
    EXPECT_EQ(197u, set.garbage());
    AttributeSet copy = set;
    EXPECT_EQ(0u, copy.garbage());
    EXPECT_NE(set.get(CKA_LABEL)->data(), copy.get(CKA_LABEL)->data());
    set.set(CKA_LABEL, long_value.data(), long_value.size());
    EXPECT_EQ(ByteView(short_value), *copy.get(CKA_LABEL)); // unaffected
    AttributeSet moved = std::move(copy);
    EXPECT_EQ(ByteView(short_value), *moved.get(CKA_LABEL));
}

TEST(AttributeSetTest, GarbageIsCompactedAwayAsValuesChange)
{
    AttributeSet set;
    for (int i = 0; i < 100; ++i) {
        const Bytes value = Of(50 + i % 7, static_cast<unsigned char>(i));
        set.set(CKA_VALUE, value.data(), value.size());
        set.erase(CKA_ID);
        set.set(CKA_ID, value.data(), 10);
    }
    // Never more wiped bytes kept than the slack plus one value's worth.
    EXPECT_LE(set.garbage(), 64u + 60u);
    EXPECT_EQ(10u, set.get(CKA_ID)->size());
}

TEST(AttributeSetTest, ScalarsReadBackAndMalformedOnesFallBack)
{
    AttributeSet set;
    set.set_bool(CKA_TOKEN, true);
    set.set_ulong(CKA_CLASS, CKO_DATA);
    EXPECT_TRUE(set.bool_or(CKA_TOKEN, false));
    EXPECT_EQ(static_cast<CK_ULONG>(CKO_DATA), set.ulong_or(CKA_CLASS, 99));
    const unsigned char three[3] = {1, 2, 3};
    set.set(CKA_CLASS, three, sizeof three);
    EXPECT_EQ(99u, set.ulong_or(CKA_CLASS, 99)); // not a CK_ULONG's size
    EXPECT_FALSE(set.has(CKA_PRIVATE));
}

} // namespace
