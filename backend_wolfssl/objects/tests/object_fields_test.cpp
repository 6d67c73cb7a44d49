/* The Object's cached fields a find reads: InlineValue (label, id), the
 * StoreMark, and their place in the Object's first cache line. */
#include <gtest/gtest.h>

#include <cstdint>

#include "objects/object.h"

using p11::Bytes;
using p11::InlineValue;
using p11::Object;

namespace {

Bytes Of(std::size_t size, unsigned char fill)
{
    return Bytes(size, fill);
}

} // namespace

TEST(ObjectFieldsTest, InlineValueComparesKeptValuesExactly)
{
    InlineValue value;
    const Bytes label = Of(InlineValue::kRoom, 'a');
    const p11::ByteView label_view = label;
    value.assign(&label_view);
    EXPECT_EQ(InlineValue::Match::yes, value.compare(Of(InlineValue::kRoom, 'a')));
    EXPECT_EQ(InlineValue::Match::no, value.compare(Of(InlineValue::kRoom, 'b')));
    EXPECT_EQ(InlineValue::Match::no, value.compare(Of(InlineValue::kRoom - 1, 'a')));
    EXPECT_EQ(InlineValue::Match::no, value.compare(Of(InlineValue::kRoom + 1, 'a')));
    const p11::ByteView empty;
    value.assign(&empty);
    EXPECT_EQ(InlineValue::Match::yes, value.compare(Bytes()));
    EXPECT_EQ(InlineValue::Match::no, value.compare(Of(1, 0)));
}

TEST(ObjectFieldsTest, InlineValueOfAnAbsentAttributeMatchesNothing)
{
    InlineValue value;
    value.assign(nullptr);
    EXPECT_EQ(InlineValue::Match::no, value.compare(Bytes()));
    EXPECT_EQ(InlineValue::Match::no, value.compare(Of(3, 'x')));
}

TEST(ObjectFieldsTest, InlineValueTooLongLeavesLongCompareToTheAttribute)
{
    InlineValue value;
    const Bytes label = Of(InlineValue::kRoom + 1, 'a');
    const p11::ByteView label_view = label;
    value.assign(&label_view);
    EXPECT_EQ(InlineValue::Match::unknown, value.compare(Of(InlineValue::kRoom + 1, 'a')));
    EXPECT_EQ(InlineValue::Match::unknown, value.compare(Of(InlineValue::kRoom + 7, 'a')));
    EXPECT_EQ(InlineValue::Match::no, value.compare(Of(InlineValue::kRoom, 'a'))); // shorter: cannot be equal
}

TEST(ObjectFieldsTest, CopiedObjectStartsOutOfTheStore)
{
    Object original;
    original.in_store.set(true);
    Object copy(original);
    EXPECT_TRUE(original.in_store.held());
    EXPECT_FALSE(copy.in_store.held());
}

TEST(ObjectFieldsTest, MadeObjectKeepsHandleFlagsAndLabelInOneCacheLine)
{
    for (int i = 0; i < 16; ++i) {
        auto object = p11::make_object();
        const auto first = reinterpret_cast<std::uintptr_t>(&object->handle);
        const auto last = reinterpret_cast<std::uintptr_t>(&object->label) + sizeof(InlineValue) - 1;
        EXPECT_EQ(first / p11::kCacheLine, last / p11::kCacheLine);
        auto copy = p11::make_object(*object);
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(object.get()) % p11::kCacheLine,
                  reinterpret_cast<std::uintptr_t>(copy.get()) % p11::kCacheLine);
    }
}
