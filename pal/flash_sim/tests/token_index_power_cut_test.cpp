/* Power cuts in the index steps that token_power_cut_test.cpp does not
 * reach (index_records.h): the first object of a fresh store (a new page,
 * then the head that takes it in), the create that converts a format 1
 * store to pages, and the destroy that removes an emptied page before the
 * last. After each cut: C_Initialize gives CKR_OK, the target is there or
 * not as the old or the new state says, the other objects are intact and
 * the token still stores objects. */
#include <iostream>

#include "backend_api.h"
#include "flash_token_support.h"
#include "objects/record_labels.h"

using namespace p11flash;

namespace {

const ObjectKind &kData = kObjectKinds[0];

class TokenIndexPowerCutTest : public FlashTokenTest {
  protected:
    // From the state `prepare` leaves, cuts the power after n = 0, 1, 2, ...
    // flash operations of `run` until it completes without reaching the
    // cut. `target_after` says whether "target" exists once run succeeded;
    // `others` must survive every cut. Returns the cut points tried.
    int CutEverywhere(const std::function<void(CK_SESSION_HANDLE)> &prepare,
                      const std::function<CK_RV(CK_SESSION_HANDLE)> &run, bool target_after,
                      const std::vector<std::string> &others)
    {
        CK_SESSION_HANDLE h = OpenUser();
        prepare(h);
        EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
        const std::vector<unsigned char> image = SaveImage();

        int cuts = 0;
        bool saw_old = false;
        for (unsigned long n = 0; n < 200; n++) {
            bool cut = false;
            CK_RV rv = RunWithCutAfter(image, n, run, &cut);
            std::string errors;
            CK_RV init = PowerOnCapturingErrors(&errors);
            EXPECT_EQ(CKR_OK, init) << "cut " << n << ": " << errors;
            if (init != CKR_OK) {
                break;
            }
            h = OpenUser();
            const std::size_t targets = FindByLabel(h, "target").size();
            EXPECT_LE(targets, 1u) << "cut " << n;
            const bool target_now = targets == 1;
            if (target_now) {
                ExpectOne(h, "target", kData);
            }
            saw_old = saw_old || target_now != target_after;
            if (rv == CKR_OK || !cut) {
                EXPECT_EQ(target_after, target_now) << "cut " << n << ": succeeded, but the old state is back";
            }
            for (const std::string &other : others) {
                ExpectOne(h, other, kData);
            }
            EXPECT_EQ(CKR_OK, Create(h, kData.make("probe", true))) << "cut " << n;
            EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
            if (!cut) {
                EXPECT_EQ(CKR_OK, rv) << "finished without a cut";
                break;
            }
            cuts++;
        }
        EXPECT_TRUE(saw_old) << "no cut left the old state";
        EXPECT_EQ(CKR_OK, p11be_C_Initialize(nullptr)); // for TearDown
        std::cout << cuts << " cut points\n";
        return cuts;
    }
};

TEST_F(TokenIndexPowerCutTest, FirstObjectOfAFreshStoreIsAbsentOrNew)
{
    int cuts = CutEverywhere([](CK_SESSION_HANDLE) {},
                             [this](CK_SESSION_HANDLE h) { return Create(h, kData.make("target", true)); }, true, {});
    EXPECT_GE(cuts, 3); // record, page, head
}

TEST_F(TokenIndexPowerCutTest, CreateThatConvertsAFormat1StoreIsAbsentOrNew)
{
    auto prepare = [this](CK_SESSION_HANDLE h) {
        ASSERT_EQ(CKR_OK, Create(h, kData.make("other", true)));
        p11test::RewriteAsFormat1(2, {p11::object_record_label(1)}, 1);
    };
    int cuts = CutEverywhere(prepare, [this](CK_SESSION_HANDLE h) { return Create(h, kData.make("target", true)); },
                             true, {"other"});
    EXPECT_GE(cuts, 4); // page and head of the conversion, record, page
}

// Format 1 can leave numbers far apart: "target" alone on page 0, the other
// objects on page 2, so destroying it removes page 0.
TEST_F(TokenIndexPowerCutTest, DestroyThatRemovesAnEmptiedPageIsOldOrGone)
{
    auto prepare = [this](CK_SESSION_HANDLE h) {
        ASSERT_EQ(CKR_OK, Create(h, kData.make("target", true)));
        ASSERT_EQ(CKR_OK, Create(h, kData.make("other", true)));
        const std::string moved = p11::object_record_label(599);
        p11test::PalWrite(moved, p11test::PalRead(p11::object_record_label(2)));
        p11test::PalDestroy(p11::object_record_label(2));
        p11test::RewriteAsFormat1(600, {p11::object_record_label(1), moved}, 1);
        ASSERT_EQ(CKR_OK, Create(h, kData.make("converted", true))); // converts: pages 0 and 2
    };
    auto run = [this](CK_SESSION_HANDLE h) {
        std::vector<CK_OBJECT_HANDLE> found = FindByLabel(h, "target");
        return found.size() == 1 ? Destroy(h, found[0]) : CKR_GENERAL_ERROR;
    };
    int cuts = CutEverywhere(prepare, run, false, {"other", "converted"});
    EXPECT_FALSE(p11test::PalHas(p11::index_page_label(0)));
    EXPECT_GE(cuts, 1); // the page goes: the commit point
}

} // namespace
