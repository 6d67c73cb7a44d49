/* The paged index of a store that takes any label (index_records.h): many
 * objects spread over fixed-size pages, emptied and damaged pages, numbers
 * never handed out twice, a store in format 1 converted by its first write,
 * and C_InitToken removing every record. */
#include <string>
#include <vector>

#include "object_test_support.h"
#include "objects/indexed_storage.h"
#include "objects/record_labels.h"

using namespace p11test;

namespace {

const char kIndex[] = "p11forge index";

std::string Obj(std::uint64_t id)
{
    return p11::object_record_label(id);
}

std::string Page(std::uint64_t page)
{
    return p11::index_page_label(page);
}

class PagedIndexTest : public UserSessionTest {
  protected:
    // Restart, reopen, and what C_Initialize said on stderr.
    std::string RestartCapturingErrors()
    {
        testing::internal::CaptureStderr();
        Restart();
        std::string errors = testing::internal::GetCapturedStderr();
        Reopen();
        return errors;
    }
    std::vector<CK_OBJECT_HANDLE> CreateMany(int count, int first = 0)
    {
        std::vector<CK_OBJECT_HANDLE> made;
        for (int i = first; i < first + count; ++i) {
            made.push_back(CreateOk(h, DataTemplate("object " + std::to_string(i), true)));
        }
        return made;
    }
    std::size_t Stored() { return Find(h, Tmpl(), 256).size(); }
    std::size_t Labelled(const std::string &label)
    {
        Tmpl t;
        t.Str(CKA_LABEL, label);
        return Find(h, t).size();
    }
};

TEST_F(PagedIndexTest, ObjectsSpreadOverPagesOfTwoHundredFiftySixAndAllLoad)
{
    CreateMany(600);
    EXPECT_TRUE(PalHas(Page(0)));
    EXPECT_TRUE(PalHas(Page(1)));
    EXPECT_TRUE(PalHas(Page(2)));
    EXPECT_FALSE(PalHas(Page(3)));
    EXPECT_TRUE(PalHas(Obj(600)));
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(600u, Stored());
    EXPECT_EQ(1u, Labelled("object 0"));
    EXPECT_EQ(1u, Labelled("object 599"));
}

// What makes a create cost the same at any size: nothing it writes grows.
TEST_F(PagedIndexTest, IndexRecordsKeepTheirSizeAsTheStoreGrows)
{
    CreateMany(1);
    const std::size_t head = PalRead(kIndex).size();
    const std::size_t page = PalRead(Page(0)).size();
    CreateMany(299, 1);
    EXPECT_EQ(head, PalRead(kIndex).size());
    EXPECT_EQ(page, PalRead(Page(0)).size());
    EXPECT_EQ(page, PalRead(Page(1)).size());
}

TEST_F(PagedIndexTest, EmptiedPageBeforeTheLastIsRemovedAndTheRestLoads)
{
    std::vector<CK_OBJECT_HANDLE> made = CreateMany(300);
    for (int i = 0; i < 256; ++i) {
        ASSERT_EQ(CKR_OK, Destroy(h, made[i]));
    }
    EXPECT_FALSE(PalHas(Page(0)));
    EXPECT_FALSE(PalHas(Obj(1)));
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(44u, Stored());
    CreateOk(h, DataTemplate("after", true));
    EXPECT_TRUE(PalHas(Obj(301)));
}

TEST_F(PagedIndexTest, EmptiedLastPageStaysAndNumbersAreNotHandedOutAgain)
{
    std::vector<CK_OBJECT_HANDLE> made = CreateMany(2);
    ASSERT_EQ(CKR_OK, Destroy(h, made[0]));
    ASSERT_EQ(CKR_OK, Destroy(h, made[1]));
    EXPECT_TRUE(PalHas(Page(0)));
    RestartCapturingErrors();
    CreateOk(h, DataTemplate("third", true));
    EXPECT_TRUE(PalHas(Obj(3)));
    EXPECT_FALSE(PalHas(Obj(1)));
    EXPECT_FALSE(PalHas(Obj(2)));
}

TEST_F(PagedIndexTest, DamagedPageSkipsOnlyItsObjectsAndIsNeverOverwritten)
{
    CreateMany(300);
    ByteVec page = PalRead(Page(0));
    page[page.size() / 2] ^= 0x04;
    PalWrite(Page(0), page);
    std::string errors = RestartCapturingErrors();
    EXPECT_NE(std::string::npos, errors.find("page 0")) << errors;
    EXPECT_EQ(44u, Stored());
    CreateOk(h, DataTemplate("after", true));
    EXPECT_TRUE(PalHas(Obj(301)));
    EXPECT_EQ(page, PalRead(Page(0)));
}

TEST_F(PagedIndexTest, DamagedLastPageMakesNewObjectsStartTheNextPage)
{
    CreateMany(3);
    ByteVec page = PalRead(Page(0));
    page[0] ^= 0xFF;
    PalWrite(Page(0), page);
    RestartCapturingErrors();
    EXPECT_EQ(0u, Stored());
    CreateOk(h, DataTemplate("after", true));
    EXPECT_TRUE(PalHas(Obj(257)));
    EXPECT_EQ(page, PalRead(Page(0)));
    RestartCapturingErrors();
    EXPECT_EQ(1u, Labelled("after"));
}

TEST_F(PagedIndexTest, MissingRecordIsReportedOnceAndDroppedFromItsPage)
{
    CreateMany(2);
    PalDestroy(Obj(1));
    std::string errors = RestartCapturingErrors();
    EXPECT_NE(std::string::npos, errors.find("missing")) << errors;
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(1u, Stored());
}

// Objects made together get one page, so one page write lists both or none.
TEST_F(PagedIndexTest, ObjectsStoredTogetherNeverStraddleTwoPages)
{
    CreateMany(255);
    p11::IndexedStorage storage; // a second writer on the same store
    std::vector<p11::StoredObject> loaded;
    storage.load(&loaded, true);
    ASSERT_EQ(255u, loaded.size());
    p11::AttributeSet attrs = loaded[0].attrs;
    std::vector<std::string> labels;
    ASSERT_EQ(CKR_OK, storage.add({&attrs, &attrs}, &labels));
    EXPECT_EQ((std::vector<std::string>{Obj(257), Obj(258)}), labels);
    EXPECT_FALSE(PalHas(Obj(256)));
    RestartCapturingErrors();
    EXPECT_EQ(257u, Stored());
}

// Two writers on one store (two processes, as far as the store can tell):
// each starts from the stored head and page, so neither hands out a number
// the other used nor drops the other's objects.
TEST_F(PagedIndexTest, TwoWritersNeverShareANumberOrDropEachOthersObjects)
{
    CreateMany(1);
    p11::IndexedStorage first;
    p11::IndexedStorage second;
    std::vector<p11::StoredObject> loaded;
    first.load(&loaded, true);
    second.load(&loaded, true);
    p11::AttributeSet attrs = loaded[0].attrs;
    std::vector<std::string> by_first;
    std::vector<std::string> by_second;
    ASSERT_EQ(CKR_OK, first.add({&attrs}, &by_first));
    ASSERT_EQ(CKR_OK, second.add({&attrs}, &by_second));
    EXPECT_EQ((std::vector<std::string>{Obj(2)}), by_first);
    EXPECT_EQ((std::vector<std::string>{Obj(3)}), by_second);
    // The first starts page 1 while the second still believes in page 0 alone.
    std::vector<const p11::AttributeSet *> many(253, &attrs); // fills page 0
    ASSERT_EQ(CKR_OK, first.add(many, &by_first));
    ASSERT_EQ(CKR_OK, first.add({&attrs}, &by_first));
    EXPECT_EQ((std::vector<std::string>{Obj(257)}), by_first);
    ASSERT_EQ(CKR_OK, second.add({&attrs}, &by_second));
    EXPECT_EQ((std::vector<std::string>{Obj(258)}), by_second);
    ASSERT_EQ(CKR_OK, second.remove(Obj(2)));
    RestartCapturingErrors();
    EXPECT_EQ(258u - 1u, Stored());
}

TEST_F(PagedIndexTest, Format1StoreLoadsAndItsFirstWriteConvertsIt)
{
    std::vector<CK_OBJECT_HANDLE> made = CreateMany(3);
    ASSERT_EQ(CKR_OK, Destroy(h, made[1]));
    RewriteAsFormat1(4, {Obj(1), Obj(3)}, 1);
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(2u, Stored());
    EXPECT_EQ(1, PalRead(kIndex)[11]); // loading writes nothing

    CreateOk(h, DataTemplate("new", true));
    EXPECT_TRUE(PalHas(Obj(4))); // after every number format 1 handed out
    EXPECT_EQ(2, PalRead(kIndex)[11]);
    EXPECT_TRUE(PalHas(Page(0)));
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(3u, Stored());
    EXPECT_EQ(1u, Labelled("object 0"));
    EXPECT_EQ(1u, Labelled("object 2"));
}

TEST_F(PagedIndexTest, Format1StoreSpanningPagesKeepsEveryNumber)
{
    CreateMany(2);
    PalWrite(Obj(599), PalRead(Obj(2))); // as if numbers 2 .. 598 had come and gone
    PalDestroy(Obj(2));
    RewriteAsFormat1(600, {Obj(1), Obj(599)}, 1);
    RestartCapturingErrors();
    ASSERT_EQ(2u, Stored());
    std::vector<CK_OBJECT_HANDLE> found = Find(h, Tmpl());
    ASSERT_EQ(2u, found.size());
    ASSERT_EQ(CKR_OK, Destroy(h, found[0])); // the first write converts

    EXPECT_FALSE(PalHas(Page(1))); // empty and not the last: not stored
    CreateOk(h, DataTemplate("new", true));
    EXPECT_TRUE(PalHas(Obj(600)));
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(2u, Stored());
}

// Format 1 handed out numbers from 1; a store with a single object is the
// smallest that still needs a page (number 1 is on page 0).
TEST_F(PagedIndexTest, Format1StoreOfOneObjectKeepsItThroughTheConversion)
{
    CreateMany(1);
    const ByteVec record = PalRead(Obj(1));
    RewriteAsFormat1(2, {Obj(1)}, 1);
    RestartCapturingErrors();
    CreateOk(h, DataTemplate("new", true)); // the first write converts
    EXPECT_EQ(record, PalRead(Obj(1))) << "number 1 was handed out again";
    EXPECT_TRUE(PalHas(Obj(2)));
    EXPECT_EQ("", RestartCapturingErrors()) << "the converted head lists every page";
    EXPECT_EQ(2u, Stored());
    EXPECT_EQ(1u, Labelled("object 0"));
}

// A format 1 index whose next number lags behind a label it lists (written
// by hand, or by a version that saved the record first): the conversion
// takes the highest number, so no listed record is ever overwritten.
TEST_F(PagedIndexTest, Format1StoreListingANumberPastItsNextKeepsThatObject)
{
    CreateMany(3);
    const ByteVec third = PalRead(Obj(3));
    RewriteAsFormat1(2, {Obj(1), Obj(2), Obj(3)}, 1);
    RestartCapturingErrors();
    ASSERT_EQ(3u, Stored());
    CreateOk(h, DataTemplate("new", true));
    EXPECT_EQ(third, PalRead(Obj(3))) << "a listed number was handed out again";
    EXPECT_TRUE(PalHas(Obj(4)));
    EXPECT_EQ("", RestartCapturingErrors());
    EXPECT_EQ(4u, Stored());
    EXPECT_EQ(1u, Labelled("object 2"));
}

// Every write wears a device's flash: starting reads the store and writes
// nothing, and a destroy that went well has nothing to report.
TEST_F(PagedIndexTest, StartingWritesNothingAndAGoodDestroyReportsNothing)
{
    CreateMany(3);
    const unsigned long saves = Saves();
    testing::internal::CaptureStderr();
    Restart();
    EXPECT_EQ("", testing::internal::GetCapturedStderr());
    EXPECT_EQ(saves, Saves());
    Reopen();
    std::vector<CK_OBJECT_HANDLE> found = Find(h, Tmpl());
    ASSERT_EQ(3u, found.size());
    testing::internal::CaptureStderr();
    EXPECT_EQ(CKR_OK, Destroy(h, found[1]));
    EXPECT_EQ("", testing::internal::GetCapturedStderr());
    EXPECT_FALSE(PalHas(Obj(2)));
}

TEST_F(PagedIndexTest, InitTokenRemovesEveryRecordAndPageAndNumbersGoOn)
{
    CreateMany(300);
    ASSERT_EQ(CKR_OK, Close(h));
    ASSERT_EQ(CKR_OK, InitToken("87654321", "Fresh"));
    for (std::uint64_t id : {1, 256, 257, 300}) {
        EXPECT_FALSE(PalHas(Obj(id))) << id;
    }
    EXPECT_FALSE(PalHas(Page(0)));
    EXPECT_FALSE(PalHas(Page(1)));
    CK_SESSION_HANDLE so = Open(true);
    ASSERT_EQ(CKR_OK, Login(so, CKU_SO, "87654321"));
    CreateOk(so, DataTemplate("fresh", true));
    EXPECT_TRUE(PalHas(Obj(513)));
    ASSERT_EQ(CKR_OK, Close(so));
    Restart();
    CK_SESSION_HANDLE ro = Open(false);
    EXPECT_EQ(1u, Find(ro, Tmpl()).size());
}

} // namespace
