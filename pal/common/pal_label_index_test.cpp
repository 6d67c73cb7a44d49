// The PALs' label -> handle index against a std::map model: labels as byte
// strings (NUL and high bytes included), handles stable and dense, growth
// through many rehashes.
#include "pal_label_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace {

const unsigned char *bytes(const std::string &s)
{
    return reinterpret_cast<const unsigned char *>(s.data());
}

class LabelIndexTest : public ::testing::Test {
  protected:
    void TearDown() override { p11_label_index_clear(&index_); }

    CK_OBJECT_HANDLE Intern(const std::string &label) { return p11_label_index_intern(&index_, bytes(label), label.size()); }
    CK_OBJECT_HANDLE Find(const std::string &label) { return p11_label_index_find(&index_, bytes(label), label.size()); }

    p11_label_index index_ = P11_LABEL_INDEX_INIT;
};

TEST_F(LabelIndexTest, EmptyIndexFindsNothing)
{
    EXPECT_EQ(Find("Device Priv TLS Key"), CK_INVALID_HANDLE);
    EXPECT_EQ(Find(""), CK_INVALID_HANDLE);
    EXPECT_EQ(p11_label_index_entry(&index_, 1), nullptr);
}

TEST_F(LabelIndexTest, InternGivesDenseStableHandles)
{
    EXPECT_EQ(Intern("a"), 1u);
    EXPECT_EQ(Intern("b"), 2u);
    EXPECT_EQ(Intern("a"), 1u);
    EXPECT_EQ(Find("b"), 2u);
    p11_label_entry *entry = p11_label_index_entry(&index_, 2);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(std::string(reinterpret_cast<char *>(entry->label), entry->label_len), "b");
    EXPECT_EQ(entry->value, nullptr);
    EXPECT_EQ(p11_label_index_entry(&index_, 3), nullptr);
    EXPECT_EQ(p11_label_index_entry(&index_, CK_INVALID_HANDLE), nullptr);
}

TEST_F(LabelIndexTest, LabelsDifferingOnlyAfterANulByteOrInLengthAreDistinct)
{
    const std::string with_nul("key\0one", 7);
    const std::string other_nul("key\0two", 7);
    CK_OBJECT_HANDLE a = Intern(with_nul);
    CK_OBJECT_HANDLE b = Intern(other_nul);
    CK_OBJECT_HANDLE c = Intern("key");
    CK_OBJECT_HANDLE d = Intern("");
    EXPECT_NE(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(c, d);
    EXPECT_EQ(Find(with_nul), a);
    EXPECT_EQ(Find(other_nul), b);
    EXPECT_EQ(Find(std::string("key\0", 4)), CK_INVALID_HANDLE);
    EXPECT_EQ(Find(""), d);
}

TEST_F(LabelIndexTest, AgreesWithAMapOverManyRandomLabels)
{
    std::mt19937 rng(1234);
    std::map<std::string, CK_OBJECT_HANDLE> model;
    for (int step = 0; step < 20000; ++step) {
        std::string label(rng() % 6, '\0');
        for (char &c : label) {
            c = static_cast<char>(rng() % 4 == 0 ? 0 : rng() % 256);
        }
        if (rng() % 2 == 0) {
            CK_OBJECT_HANDLE handle = Intern(label);
            auto [it, inserted] = model.emplace(label, model.size() + 1);
            ASSERT_EQ(handle, it->second) << "step " << step;
            (void)inserted;
        } else {
            auto it = model.find(label);
            ASSERT_EQ(Find(label), it == model.end() ? CK_INVALID_HANDLE : it->second) << "step " << step;
        }
    }
    ASSERT_GT(model.size(), 1000u); // enough labels to have grown the table several times
    for (const auto &[label, handle] : model) {
        ASSERT_EQ(Find(label), handle);
    }
}

TEST_F(LabelIndexTest, ClearForgetsEveryLabelAndStartsHandlesOver)
{
    Intern("x");
    Intern("y");
    p11_label_index_clear(&index_);
    EXPECT_EQ(Find("x"), CK_INVALID_HANDLE);
    EXPECT_EQ(Intern("y"), 1u);
}

} // namespace
