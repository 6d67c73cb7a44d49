/* The real token over the simulated flash, with a power cut at every write
 * and erase step of C_CreateObject, C_SetAttributeValue (CKA_LABEL) and
 * C_DestroyObject, for each object kind. After the cut: C_Finalize, power
 * back on, C_Initialize gives CKR_OK, the object is old or new, the three
 * other objects are intact and the token still stores objects. */
#include <iostream>

#include "backend_api.h"
#include "flash_token_support.h"

using namespace p11flash;

namespace {

enum class Op { create, set_label, destroy };

// What a check after a cut saw of the target: the old state or the new one.
enum class Seen { old_state, new_state, neither };

class TokenPowerCutTest : public FlashTokenTest, public ::testing::WithParamInterface<ObjectKind> {
  protected:
    // The other objects, created before the target.
    void CreateOthers(CK_SESSION_HANDLE h)
    {
        ASSERT_EQ(CKR_OK, Create(h, p11test::DataTemplate("other data", true)));
        ASSERT_EQ(CKR_OK, Create(h, p11test::EcPublicTemplate("other public key", true)));
        ASSERT_EQ(CKR_OK, Create(h, p11test::CertificateTemplate("other certificate", true)));
    }
    void ExpectOthers(CK_SESSION_HANDLE h)
    {
        ExpectOne(h, "other data", kObjectKinds[0]);
        ExpectOne(h, "other public key", kObjectKinds[3]);
        ExpectOne(h, "other certificate", kObjectKinds[1]);
    }

    Seen Inspect(CK_SESSION_HANDLE h, Op op)
    {
        const ObjectKind &kind = GetParam();
        size_t target = FindByLabel(h, "target").size();
        size_t renamed = FindByLabel(h, "renamed").size();
        Seen seen = Seen::neither;
        switch (op) {
        case Op::create:
            seen = target == 0 && renamed == 0   ? Seen::old_state
                   : target == 1 && renamed == 0 ? Seen::new_state
                                                 : Seen::neither;
            break;
        case Op::set_label:
            seen = target == 1 && renamed == 0   ? Seen::old_state
                   : target == 0 && renamed == 1 ? Seen::new_state
                                                 : Seen::neither;
            break;
        case Op::destroy:
            seen = target == 1 && renamed == 0   ? Seen::old_state
                   : target == 0 && renamed == 0 ? Seen::new_state
                                                 : Seen::neither;
            break;
        }
        if (target + renamed == 1) {
            ExpectOne(h, target == 1 ? "target" : "renamed", kind); // and its value is whole
        }
        return seen;
    }

    CK_RV Run(CK_SESSION_HANDLE h, Op op)
    {
        if (op == Op::create) {
            return Create(h, GetParam().make("target", true));
        }
        std::vector<CK_OBJECT_HANDLE> found = FindByLabel(h, "target");
        EXPECT_EQ(1u, found.size());
        if (found.size() != 1) {
            return CKR_GENERAL_ERROR;
        }
        return op == Op::destroy ? Destroy(h, found[0]) : SetLabel(h, found[0], "renamed");
    }

    // Cuts after n = 0, 1, 2, ... flash operations of the call until it
    // completes without reaching the cut; returns the cut points tried.
    int CutEverywhere(Op op, const char *what)
    {
        CK_SESSION_HANDLE h = OpenUser();
        CreateOthers(h);
        if (op != Op::create) {
            EXPECT_EQ(CKR_OK, Create(h, GetParam().make("target", true)));
        }
        EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
        const std::vector<unsigned char> image = SaveImage();

        int cuts = 0;
        bool saw_old = false;
        for (unsigned long n = 0; n < 200; n++) {
            bool cut = false;
            CK_RV rv = RunWithCutAfter(image, n, [&](CK_SESSION_HANDLE s) { return Run(s, op); }, &cut);
            std::string errors;
            CK_RV init = PowerOnCapturingErrors(&errors);
            EXPECT_EQ(CKR_OK, init) << what << " cut " << n << ": " << errors;
            if (init != CKR_OK) {
                break;
            }
            h = OpenUser();
            Seen seen = Inspect(h, op);
            EXPECT_NE(Seen::neither, seen) << what << " cut " << n;
            saw_old = saw_old || seen == Seen::old_state;
            ExpectOthers(h);
            EXPECT_EQ(CKR_OK, Create(h, p11test::DataTemplate("probe", true))) << what << " cut " << n;
            EXPECT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
            if (!cut) {
                EXPECT_EQ(CKR_OK, rv) << what << " finished without a cut";
                EXPECT_EQ(Seen::new_state, seen) << what;
                break;
            }
            // A call may report success once its commit point has landed
            // (C_DestroyObject: the index without the object), so only a
            // success is checked.
            if (rv == CKR_OK) {
                EXPECT_EQ(Seen::new_state, seen) << what << " cut " << n << ": succeeded, but the old state is back";
            }
            cuts++;
        }
        EXPECT_TRUE(saw_old) << what;
        std::cout << GetParam().name << " " << what << ": " << cuts << " cut points\n";
        RecordProperty(std::string("cut_points_") + what, cuts);
        EXPECT_EQ(CKR_OK, p11be_C_Initialize(nullptr)); // for TearDown
        return cuts;
    }
};

TEST_P(TokenPowerCutTest, CreateIsAbsentOrNewAfterACutAtEveryStep)
{
    EXPECT_GT(CutEverywhere(Op::create, "create"), 0);
}

TEST_P(TokenPowerCutTest, SetLabelIsOldOrNewAfterACutAtEveryStep)
{
    EXPECT_GT(CutEverywhere(Op::set_label, "set_label"), 0);
}

TEST_P(TokenPowerCutTest, DestroyIsOldOrGoneAfterACutAtEveryStep)
{
    EXPECT_GT(CutEverywhere(Op::destroy, "destroy"), 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, TokenPowerCutTest, ::testing::ValuesIn(kObjectKinds),
                         [](const ::testing::TestParamInfo<ObjectKind> &info) { return info.param.name; });

} // namespace
