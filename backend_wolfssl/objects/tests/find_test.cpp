/* C_FindObjectsInit / C_FindObjects / C_FindObjectsFinal: exact matching,
 * batches, operation state, visibility, and the indexes at scale. */
#include "object_test_support.h"
#include "full_heap_sweep.h"

using namespace p11test;

namespace {
const char kUserPin[] = "1234";
} // namespace

class FindTest : public ObjectTest {
  protected:
    void SetUp() override
    {
        ObjectTest::SetUp();
        h = Open(true);
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, kUserPin));
    }
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
};

TEST_F(FindTest, FindByLabelAndClassOfMissingObjectReturnsZero)
{
    CreateOk(h, EcPrivateTemplate("Device Priv TLS Key", false));
    Tmpl t;
    t.Str(CKA_LABEL, "Claim Key").Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    CK_OBJECT_HANDLE found[4] = {};
    CK_ULONG count = 99;
    EXPECT_EQ(CKR_OK, FindNext(h, found, 4, &count));
    EXPECT_EQ(0u, count);
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, FindByLabelAndClassReturnsTheMatch)
{
    CK_OBJECT_HANDLE priv = CreateOk(h, EcPrivateTemplate("Device TLS Key", true));
    CK_OBJECT_HANDLE pub = CreateOk(h, EcPublicTemplate("Device TLS Key", true));
    Tmpl t;
    t.Str(CKA_LABEL, "Device TLS Key").Ulong(CKA_CLASS, CKO_PUBLIC_KEY);
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{pub}), Find(h, t));
    Tmpl both;
    both.Str(CKA_LABEL, "Device TLS Key");
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{priv, pub}), Find(h, both));
}

// v2.40 §5.7 lists CKR_HOST_MEMORY for C_FindObjectsInit. Whichever
// allocation the heap refuses (the n-th and all after it, for n = 0, 1, ...
// until a search starts without a refusal), the answer is CKR_HOST_MEMORY
// and no search is left active, so the next one can start.
TEST_F(FindTest, FullHeapAtAnyAllocationOfFindObjectsInitIsHostMemoryAndLeavesNoSearch)
{
    CK_SESSION_HANDLE h = Open(false);
    CreateOk(h, DataTemplate("found", false));
    Tmpl labelled;
    labelled.Str(CKA_LABEL, "found");
    const long refused_runs = p11test::SweepFullHeap(
        [&] { return FindInit(h, labelled); },
        [&](CK_RV rv, bool refused, long n) {
            if (!refused) {
                EXPECT_EQ(CKR_OK, rv);
                EXPECT_EQ(CKR_OK, FindFinal(h));
                return;
            }
            EXPECT_EQ(CKR_HOST_MEMORY, rv) << "allocation " << n;
            if (rv == CKR_OK) {
                FindFinal(h);
            }
            CK_OBJECT_HANDLE found[1];
            CK_ULONG count = 1;
            EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, FindNext(h, found, 1, &count)) << "allocation " << n;
        },
        100);
    EXPECT_GT(refused_runs, 0) << "the search allocated nothing: the sweep proved nothing";
    EXPECT_EQ(1u, Find(h, labelled).size());
}

TEST_F(FindTest, FindReturnsEveryMatchInBatchesThenZero)
{
    std::vector<CK_OBJECT_HANDLE> made;
    for (int i = 0; i < 7; ++i) {
        made.push_back(CreateOk(h, DataTemplate("many", i % 2 == 0)));
    }
    CreateOk(h, DataTemplate("other", false));
    Tmpl t;
    t.Str(CKA_LABEL, "many");
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    CK_OBJECT_HANDLE batch[3];
    CK_ULONG count = 0;
    std::vector<CK_OBJECT_HANDLE> all;
    std::vector<CK_ULONG> counts;
    do {
        ASSERT_EQ(CKR_OK, FindNext(h, batch, 3, &count));
        counts.push_back(count);
        all.insert(all.end(), batch, batch + count);
    } while (count != 0);
    EXPECT_EQ((std::vector<CK_ULONG>{3, 3, 1, 0}), counts);
    EXPECT_EQ(made, all);
    EXPECT_EQ(CKR_OK, FindNext(h, batch, 3, &count)); // stays at 0 until Final
    EXPECT_EQ(0u, count);
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, FindWithEmptyTemplateReturnsAllVisible)
{
    CK_OBJECT_HANDLE a = CreateOk(h, DataTemplate("a", false));
    CK_OBJECT_HANDLE b = CreateOk(h, CertificateTemplate("b", true));
    CK_OBJECT_HANDLE c = CreateOk(h, EcPrivateTemplate("c", false));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{a, b, c}), Find(h, Tmpl(), 2));
    ASSERT_EQ(CKR_OK, Logout(h));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{a, b}), Find(h, Tmpl()));
}

TEST_F(FindTest, FindMatchesEveryTemplateAttributeExactly)
{
    CK_OBJECT_HANDLE key = CreateOk(h, EcPublicTemplate("Device Pub TLS Key", false));
    Tmpl prefix;
    prefix.Str(CKA_LABEL, "Device Pub");
    EXPECT_TRUE(Find(h, prefix).empty());
    Tmpl longer;
    longer.Str(CKA_LABEL, "Device Pub TLS Key2");
    EXPECT_TRUE(Find(h, longer).empty());
    Tmpl wrong_class;
    wrong_class.Str(CKA_LABEL, "Device Pub TLS Key").Ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    EXPECT_TRUE(Find(h, wrong_class).empty());
    Tmpl full;
    full.Str(CKA_LABEL, "Device Pub TLS Key").Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_VERIFY, true);
    full.Bytes(CKA_EC_POINT, DerPoint(32));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{key}), Find(h, full));
    Tmpl missing_attribute;
    missing_attribute.Bytes(CKA_MODULUS, {1});
    EXPECT_TRUE(Find(h, missing_attribute).empty());
    Tmpl contradictory;
    contradictory.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_CLASS, CKO_DATA);
    EXPECT_TRUE(Find(h, contradictory).empty());
}

TEST_F(FindTest, FindByIdAndByClass)
{
    Tmpl t = EcPrivateTemplate("k", false);
    t.Bytes(CKA_ID, {0x01, 0x02});
    CK_OBJECT_HANDLE key = CreateOk(h, t);
    CK_OBJECT_HANDLE cert = CreateOk(h, CertificateTemplate("c", false));
    Tmpl id;
    id.Bytes(CKA_ID, {0x01, 0x02});
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{key}), Find(h, id));
    Tmpl klass;
    klass.Ulong(CKA_CLASS, CKO_CERTIFICATE);
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{cert}), Find(h, klass));
}

TEST_F(FindTest, FindBySecretValueMatchesNothing)
{
    CreateOk(h, EcPrivateTemplate("k", false));
    Tmpl t;
    t.Bytes(CKA_VALUE, Filled(32, 0x40));
    EXPECT_TRUE(Find(h, t).empty());
}

TEST_F(FindTest, FindBooleanMatchesAnyTrueByte)
{
    CK_OBJECT_HANDLE token = CreateOk(h, DataTemplate("t", true));
    CreateOk(h, DataTemplate("s", false));
    Tmpl t;
    t.Bytes(CKA_TOKEN, {0xFF});
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{token}), Find(h, t));
}

TEST_F(FindTest, FindOperationStateErrors)
{
    CK_OBJECT_HANDLE found[1];
    CK_ULONG count = 0;
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, FindNext(h, found, 1, &count));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, FindFinal(h));
    Tmpl t;
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    EXPECT_EQ(CKR_OPERATION_ACTIVE, FindInit(h, t));
    EXPECT_EQ(CKR_OK, FindFinal(h));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, FindNext(h, found, 1, &count));
    Tmpl bad;
    bad.Raw(CKA_LABEL, nullptr, 3);
    EXPECT_EQ(CKR_ATTRIBUTE_VALUE_INVALID, FindInit(h, bad));
    EXPECT_EQ(CKR_OPERATION_NOT_INITIALIZED, FindFinal(h));
}

TEST_F(FindTest, FindResultSetIsFixedAtInit)
{
    CK_OBJECT_HANDLE first = CreateOk(h, DataTemplate("x", false));
    CK_OBJECT_HANDLE second = CreateOk(h, DataTemplate("x", false));
    Tmpl t;
    t.Str(CKA_LABEL, "x");
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    CreateOk(h, DataTemplate("x", false)); // after Init: not in this search
    ASSERT_EQ(CKR_OK, Destroy(h, first));  // gone: no longer handed out
    CK_OBJECT_HANDLE found[8];
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, FindNext(h, found, 8, &count));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{second}), std::vector<CK_OBJECT_HANDLE>(found, found + count));
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, ObjectsDestroyedDuringAFindInBatchesAreSkipped)
{
    std::vector<CK_OBJECT_HANDLE> made;
    for (int i = 0; i < 6; ++i) {
        made.push_back(CreateOk(h, DataTemplate("batch", i % 2 == 0)));
    }
    Tmpl t;
    t.Str(CKA_LABEL, "batch");
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    CK_OBJECT_HANDLE found[2];
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, FindNext(h, found, 2, &count));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{made[0], made[1]}), std::vector<CK_OBJECT_HANDLE>(found, found + count));
    ASSERT_EQ(CKR_OK, Destroy(h, made[2])); // a token object
    ASSERT_EQ(CKR_OK, Destroy(h, made[3])); // a session object
    std::vector<CK_OBJECT_HANDLE> rest;
    do {
        ASSERT_EQ(CKR_OK, FindNext(h, found, 2, &count));
        rest.insert(rest.end(), found, found + count);
    } while (count != 0);
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{made[4], made[5]}), rest);
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, ObjectChangedDuringAFindIsStillReturnedOnce)
{
    CK_OBJECT_HANDLE object = CreateOk(h, DataTemplate("before", true));
    Tmpl t;
    t.Str(CKA_LABEL, "before");
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    Tmpl rename;
    rename.Str(CKA_LABEL, "after");
    ASSERT_EQ(CKR_OK, Set(h, object, rename));
    CK_OBJECT_HANDLE found[4];
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, FindNext(h, found, 4, &count));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{object}), std::vector<CK_OBJECT_HANDLE>(found, found + count));
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, SessionObjectsOfAClosedSessionLeaveAFindInAnother)
{
    CK_SESSION_HANDLE other = Open(true);
    CK_OBJECT_HANDLE mine = CreateOk(h, DataTemplate("shared", false));
    CreateOk(other, DataTemplate("shared", false));
    Tmpl t;
    t.Str(CKA_LABEL, "shared");
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    ASSERT_EQ(CKR_OK, Close(other));
    CK_OBJECT_HANDLE found[4];
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, FindNext(h, found, 4, &count));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{mine}), std::vector<CK_OBJECT_HANDLE>(found, found + count));
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, SetAttributeValueMovesTheObjectInTheLabelAndIdIndexes)
{
    Tmpl made = DataTemplate("old label", true);
    CK_OBJECT_HANDLE object = CreateOk(h, made);
    CK_OBJECT_HANDLE twin = CreateOk(h, DataTemplate("new label", false));
    Tmpl change;
    change.Str(CKA_LABEL, "new label");
    ASSERT_EQ(CKR_OK, Set(h, object, change));
    Tmpl old_label;
    old_label.Str(CKA_LABEL, "old label");
    EXPECT_TRUE(Find(h, old_label).empty());
    Tmpl new_label;
    new_label.Str(CKA_LABEL, "new label");
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{object, twin}), Find(h, new_label));
    ASSERT_EQ(CKR_OK, Destroy(h, twin));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{object}), Find(h, new_label));

    Tmpl key = EcPublicTemplate("k", false);
    key.Bytes(CKA_ID, {1});
    CK_OBJECT_HANDLE keyed = CreateOk(h, key);
    Tmpl new_id;
    new_id.Bytes(CKA_ID, {2});
    ASSERT_EQ(CKR_OK, Set(h, keyed, new_id));
    Tmpl id_1;
    id_1.Bytes(CKA_ID, {1});
    EXPECT_TRUE(Find(h, id_1).empty());
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{keyed}), Find(h, new_id));
}

// Labels and ids up to 32 bytes are compared in the Object, longer ones in
// the attribute: both must match exactly.
TEST_F(FindTest, ShortEmptyAndLongLabelsAndIdsMatchExactly)
{
    const std::string exactly_32(32, 'a');
    const std::string long_33(33, 'a');
    const std::string long_other(33, 'b');
    CK_OBJECT_HANDLE empty = CreateOk(h, DataTemplate("", false));
    CK_OBJECT_HANDLE fits = CreateOk(h, DataTemplate(exactly_32, false));
    CK_OBJECT_HANDLE too_long = CreateOk(h, DataTemplate(long_33, false));
    const std::vector<std::pair<std::string, std::vector<CK_OBJECT_HANDLE>>> cases = {
        {"", {empty}},    {exactly_32, {fits}},       {long_33, {too_long}},
        {long_other, {}}, {std::string(31, 'a'), {}}, {std::string(34, 'a'), {}}};
    for (const auto &[label, expected] : cases) {
        Tmpl t;
        t.Str(CKA_LABEL, label);
        EXPECT_EQ(expected, Find(h, t)) << label.size();
    }
    Tmpl key = EcPublicTemplate("k", false);
    key.Bytes(CKA_ID, Filled(40, 7));
    CK_OBJECT_HANDLE keyed = CreateOk(h, key);
    Tmpl same_id;
    same_id.Bytes(CKA_ID, Filled(40, 7));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{keyed}), Find(h, same_id));
    Tmpl other_id;
    other_id.Bytes(CKA_ID, Filled(40, 8));
    EXPECT_TRUE(Find(h, other_id).empty());
    Tmpl no_id; // data objects have no CKA_ID, the key has a 40-byte one
    no_id.Bytes(CKA_ID, {});
    EXPECT_TRUE(Find(h, no_id).empty());
}

TEST_F(FindTest, FindAfterLogoutSkipsPrivateResults)
{
    CK_OBJECT_HANDLE priv = CreateOk(h, EcPrivateTemplate("k", false));
    CK_OBJECT_HANDLE pub = CreateOk(h, EcPublicTemplate("k", false));
    Tmpl t;
    t.Str(CKA_LABEL, "k");
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    ASSERT_EQ(CKR_OK, Logout(h));
    CK_OBJECT_HANDLE found[8];
    CK_ULONG count = 0;
    ASSERT_EQ(CKR_OK, FindNext(h, found, 8, &count));
    EXPECT_EQ((std::vector<CK_OBJECT_HANDLE>{pub}), std::vector<CK_OBJECT_HANDLE>(found, found + count));
    EXPECT_NE(priv, found[0]);
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, FindIsPerSessionAndEndsWithItsSession)
{
    CK_SESSION_HANDLE other = Open(false);
    CreateOk(h, DataTemplate("x", false));
    Tmpl t;
    ASSERT_EQ(CKR_OK, FindInit(h, t));
    EXPECT_EQ(CKR_OK, FindInit(other, t)); // each session has its own search
    EXPECT_EQ(CKR_OK, FindFinal(other));
    EXPECT_EQ(CKR_OK, Close(other)); // closing with a search active frees it
    EXPECT_EQ(CKR_OK, FindFinal(h));
}

TEST_F(FindTest, TenThousandObjectsFindByLabelIsIndexed)
{
    constexpr int kCount = 10000;
    for (int i = 0; i < kCount; ++i) {
        Tmpl t;
        t.Ulong(CKA_CLASS, CKO_DATA).Str(CKA_LABEL, "object " + std::to_string(i));
        t.Bytes(CKA_APPLICATION, {std::uint8_t(i)});
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, Create(h, t, &object)) << i;
    }
    Tmpl t;
    t.Str(CKA_LABEL, "object 4711").Ulong(CKA_CLASS, CKO_DATA);
    std::vector<CK_OBJECT_HANDLE> found = Find(h, t);
    ASSERT_EQ(1u, found.size());
    EXPECT_EQ((ByteVec{std::uint8_t(4711)}), Get(h, found[0], CKA_APPLICATION));
    // An attribute without an index: every object is a candidate.
    Tmpl by_application;
    by_application.Bytes(CKA_APPLICATION, {std::uint8_t(7)});
    EXPECT_EQ(static_cast<std::size_t>(kCount / 256 + (7 < kCount % 256 ? 1 : 0)), Find(h, by_application, 64).size());
    EXPECT_EQ(static_cast<std::size_t>(kCount), Find(h, Tmpl(), 1000).size());
}
