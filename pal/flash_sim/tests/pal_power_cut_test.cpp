// Power cut at every write and erase step of a save, a replace, a destroy
// and a compaction: after the power comes back and the PAL rescans, the
// object holds exactly its old or its new value and every other object is
// intact. Each test counts the cut points it tried.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <random>

#include "flash_test_support.h"

using namespace p11test;

namespace {

using Store = std::map<std::string, std::string>;
using Value = std::optional<std::string>; // nullopt: no object under the label

Value Current(const std::string &label)
{
    std::string value;
    return Lookup(label, &value) ? Value(value) : std::nullopt;
}

class FlashPowerCutTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_EQ(0, flash_sim_reset(&kSmallFlash));
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    }
    void TearDown() override { flash_sim_power_cycle(); }

    // From the current flash state, cuts the power after n = 0, 1, 2, ...
    // operations of `op` until it completes without reaching the cut. After
    // each cut: the target is old or new, the others are exactly `others`,
    // and the store takes a new save. Returns the number of cut points.
    int CutEverywhere(const std::string &target, const Value &old_value, const Value &new_value, const Store &others,
                      const std::function<bool()> &op)
    {
        const std::vector<unsigned char> image = SaveImage();
        int cuts = 0;
        int saw_old = 0;
        int saw_new = 0;
        for (unsigned long n = 0; n < 1000; n++) {
            LoadImage(image);
            flash_sim_cut_after(n);
            bool ok = op();
            bool cut = flash_sim_cut_reached() != 0;
            testing::internal::CaptureStderr(); // torn records are reported; expected here
            CK_RV rv = Reboot();
            (void)testing::internal::GetCapturedStderr();
            EXPECT_EQ(CKR_OK, rv) << "cut " << n;
            Value now = Current(target);
            EXPECT_TRUE(now == old_value || now == new_value) << "cut " << n << ": " << now.value_or("<none>");
            saw_old += now == old_value;
            saw_new += now == new_value;
            ExpectStore(others);
            EXPECT_NE(CK_INVALID_HANDLE, Save("probe", "after the cut")) << "cut " << n;
            if (!cut) {
                EXPECT_TRUE(ok) << "finished without a cut but failed";
                EXPECT_EQ(new_value, now);
                break;
            }
            EXPECT_FALSE(ok) << "cut " << n << " reached but the operation said it succeeded";
            cuts++;
        }
        EXPECT_GT(saw_old, 0);
        EXPECT_GT(saw_new, 0);
        LoadImage(image);
        return cuts;
    }

    Store others_ = {{"other 1", "first"}, {"other 2", std::string(50, '2')}, {"other 3", "third"}};
    void SaveOthers()
    {
        for (const auto &[label, value] : others_) {
            ASSERT_NE(CK_INVALID_HANDLE, Save(label, value));
        }
    }
};

TEST_F(FlashPowerCutTest, SaveIsAbsentOrNewAfterACutAtEveryStep)
{
    SaveOthers();
    int cuts = CutEverywhere("target", std::nullopt, std::string("new"), others_,
                             [] { return Save("target", "new") != CK_INVALID_HANDLE; });
    RecordProperty("cut_points", cuts);
    std::cout << "save: " << cuts << " cut points\n";
    EXPECT_EQ(2, cuts); // body, trailer
}

TEST_F(FlashPowerCutTest, ReplaceIsOldOrNewAfterACutAtEveryStep)
{
    SaveOthers();
    Save("target", "old value");
    int cuts = CutEverywhere("target", std::string("old value"), std::string("new value"), others_,
                             [] { return Save("target", "new value") != CK_INVALID_HANDLE; });
    RecordProperty("cut_points", cuts);
    std::cout << "replace: " << cuts << " cut points\n";
    EXPECT_GE(cuts, 2); // body, commit; and an erase and a block header when the head is full
}

TEST_F(FlashPowerCutTest, DestroyIsOldOrGoneAfterACutAtEveryStep)
{
    SaveOthers();
    Save("target", "old value");
    int cuts = CutEverywhere("target", std::string("old value"), std::nullopt, others_,
                             [] { return PKCS11_PAL_DestroyObject(Find("target")) == CKR_OK; });
    RecordProperty("cut_points", cuts);
    std::cout << "destroy: " << cuts << " cut points\n";
    EXPECT_EQ(2, cuts);
}

// Replaces `label` until the next save of `next` would compact (seen on a
// copy of the flash: it erases a block); leaves the flash just before it.
void ChurnUntilNextSaveCompacts(const std::string &label, const std::string &next)
{
    for (int i = 0; i < 500; i++) {
        std::vector<unsigned char> image = SaveImage();
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, next));
        std::vector<unsigned char> after = SaveImage();
        LoadImage(image);
        // Compaction erases a block that was in use (an erase of a free
        // block before its first use is not one).
        for (size_t b = 0; b < kSmallFlash.block_count; b++) {
            if (image[b * kSmallFlash.block_size] != 0xFF && after[b * kSmallFlash.block_size] == 0xFF) {
                return;
            }
        }
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, "churn " + std::to_string(i) + std::string(40, '.')));
    }
    FAIL() << "no save compacted";
}

TEST_F(FlashPowerCutTest, CompactionIsOldOrNewAfterACutAtEveryStep)
{
    SaveOthers();
    // A destroyed object whose tombstone compaction drops: it must stay gone.
    Save("destroyed", "must not come back");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("destroyed")));
    const std::string next = "compacting save" + std::string(33, '.'); // as long as the churn
    ChurnUntilNextSaveCompacts("target", next);
    Value old_value = Current("target");
    ASSERT_TRUE(old_value.has_value());
    int cuts = CutEverywhere("target", old_value, next, others_,
                             [&next] { return Save("target", next) != CK_INVALID_HANDLE; });
    RecordProperty("cut_points", cuts);
    std::cout << "save with compaction: " << cuts << " cut points\n";
    // Erase the spare, copy each of the 3 live records, commit, erase the old
    // block, then the record's body and trailer.
    EXPECT_GE(cuts, 6);
    EXPECT_EQ(std::nullopt, Current("destroyed"));
}

TEST_F(FlashPowerCutTest, DestroyedObjectStaysGoneThroughCompactionCuts)
{
    SaveOthers();
    Save("destroyed", "must not come back");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("destroyed")));
    const std::string next(48, 'x'); // as long as the churn, so it needs the room too
    ChurnUntilNextSaveCompacts("target", next);
    std::vector<unsigned char> image = SaveImage();
    for (unsigned long n = 0; n < 50; n++) {
        LoadImage(image);
        flash_sim_cut_after(n);
        bool ok = Save("target", next) != CK_INVALID_HANDLE;
        testing::internal::CaptureStderr();
        ASSERT_EQ(CKR_OK, Reboot());
        (void)testing::internal::GetCapturedStderr();
        // Compact the rest of the log twice over, so that every block the
        // tombstone and the old record ever shared is rewritten.
        for (int i = 0; i < 60; i++) {
            ASSERT_NE(CK_INVALID_HANDLE, Save("target", "more churn " + std::to_string(i) + std::string(40, '-')));
        }
        ASSERT_EQ(CKR_OK, Reboot());
        EXPECT_EQ(std::nullopt, Current("destroyed")) << "cut " << n;
        ExpectStore(others_);
        if (ok) {
            break;
        }
    }
}

// Random saves, replaces and destroys with a power cut at a random step,
// checked against a model after each reboot: every object except the one
// being changed is exactly as the model says.
TEST_F(FlashPowerCutTest, RandomOperationsWithRandomCutsMatchAModel)
{
    std::mt19937 rng(20240611);
    Store model;
    int cuts = 0;
    for (int step = 0; step < 400; step++) {
        std::string label = "obj " + std::to_string(rng() % 8);
        bool destroy = rng() % 4 == 0 && model.count(label) != 0;
        std::string value = "v" + std::to_string(step) + std::string(rng() % 80, 'z');
        bool cut = rng() % 3 == 0;
        if (cut) {
            flash_sim_cut_after(rng() % 6);
        }
        bool ok = destroy ? PKCS11_PAL_DestroyObject(Find(label)) == CKR_OK : Save(label, value) != CK_INVALID_HANDLE;
        if (cut) {
            cuts += flash_sim_cut_reached() != 0;
            testing::internal::CaptureStderr();
            ASSERT_EQ(CKR_OK, Reboot());
            (void)testing::internal::GetCapturedStderr();
        }
        Value now = Current(label);
        Value old_value = model.count(label) ? Value(model[label]) : std::nullopt;
        Value new_value = destroy ? std::nullopt : Value(value);
        if (ok) {
            ASSERT_EQ(new_value, now) << "step " << step;
        } else {
            ASSERT_TRUE(now == old_value || now == new_value) << "step " << step;
        }
        if (now.has_value()) {
            model[label] = *now;
        } else {
            model.erase(label);
        }
        Store others = model;
        others.erase(label);
        ExpectStore(others);
        for (int i = 0; i < 8; i++) {
            std::string l = "obj " + std::to_string(i);
            if (model.count(l) == 0) {
                ASSERT_EQ(CK_INVALID_HANDLE, Find(l)) << "step " << step << " " << l;
            }
        }
    }
    std::cout << "random operations: " << cuts << " cuts reached\n";
    EXPECT_GT(cuts, 50);
}

} // namespace
