// The PALs' label -> handle index against a std::map model: labels as byte
// strings (NUL and high bytes included), handles stable and never given to
// another label, removal, growth through many rehashes.
#include "pal_label_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
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

TEST_F(LabelIndexTest, InternGivesStableHandles)
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

TEST_F(LabelIndexTest, AgreesWithAMapOverManyRandomInsertionsAndRemovals)
{
    std::mt19937 rng(1234);
    std::map<std::string, CK_OBJECT_HANDLE> model;
    std::set<CK_OBJECT_HANDLE> ever_given;
    size_t removals = 0;
    for (int step = 0; step < 40000; ++step) {
        std::string label(rng() % 6, '\0');
        for (char &c : label) {
            c = static_cast<char>(rng() % 4 == 0 ? 0 : rng() % 256);
        }
        auto it = model.find(label);
        switch (rng() % 3) {
        case 0: {
            CK_OBJECT_HANDLE handle = Intern(label);
            if (it != model.end()) {
                ASSERT_EQ(handle, it->second) << "step " << step;
            } else {
                ASSERT_TRUE(ever_given.insert(handle).second) << "step " << step << ": handle given twice";
                model.emplace(label, handle);
            }
            break;
        }
        case 1:
            ASSERT_EQ(Find(label), it == model.end() ? CK_INVALID_HANDLE : it->second) << "step " << step;
            break;
        default:
            if (it != model.end() && rng() % 2 == 0) {
                p11_label_index_remove(&index_, it->second);
                ASSERT_EQ(p11_label_index_entry(&index_, it->second), nullptr);
                model.erase(it);
                removals++;
            }
            break;
        }
        ASSERT_EQ(index_.count, model.size()) << "step " << step;
    }
    ASSERT_GT(ever_given.size(), 1000u); // enough labels to have grown the tables several times
    ASSERT_GT(removals, 1000u);
    for (const auto &[label, handle] : model) {
        ASSERT_EQ(Find(label), handle);
        p11_label_entry *entry = p11_label_index_entry(&index_, handle);
        ASSERT_NE(entry, nullptr);
        EXPECT_EQ(std::string(reinterpret_cast<char *>(entry->label), entry->label_len), label);
        EXPECT_EQ(p11_label_index_at(&index_, entry->position), entry);
    }
}

TEST_F(LabelIndexTest, ClearForgetsEveryLabelButNeverGivesAHandleAgain)
{
    CK_OBJECT_HANDLE x = Intern("x");
    CK_OBJECT_HANDLE y = Intern("y");
    p11_label_index_clear(&index_);
    EXPECT_EQ(Find("x"), CK_INVALID_HANDLE);
    CK_OBJECT_HANDLE again = Intern("y");
    EXPECT_NE(again, x);
    EXPECT_NE(again, y);
}

TEST_F(LabelIndexTest, ARemovedLabelsHandleFindsNothingAndIsNotReused)
{
    CK_OBJECT_HANDLE a = Intern("a");
    Intern("b");
    p11_label_index_remove(&index_, a);
    EXPECT_EQ(Find("a"), CK_INVALID_HANDLE);
    EXPECT_EQ(p11_label_index_entry(&index_, a), nullptr);
    EXPECT_NE(Intern("c"), a);
    EXPECT_NE(Intern("a"), a);
}

} // namespace
