/* A power cut inside C_DestroyObject, after the index page that commits the
 * destroy and before the record itself goes, leaves an unlisted ("orphan")
 * object record. Defect: nothing ever reclaimed it, so repeated cuts filled
 * the flash with records of objects that no longer exist. The next
 * C_Initialize must reclaim it. */
#include <iostream>

#include "backend_api.h"
#include "core_pkcs11_pal.h"
#include "flash_token_support.h"
#include "objects/record_labels.h"

using namespace p11flash;

namespace {

const ObjectKind &kData = kObjectKinds[0];

// A data object with 900 bytes of CKA_OBJECT_ID.
Tmpl Bulky(const std::string &label)
{
    Tmpl t = kData.make(label, true);
    t.Bytes(CKA_OBJECT_ID, ByteVec(900, 0xA5));
    return t;
}

bool PalHolds(const std::string &label)
{
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label.data())), label.size()) !=
           CK_INVALID_HANDLE;
}

class TokenOrphanTest : public FlashTokenTest {};

TEST_F(TokenOrphanTest, ADestroyCutBeforeTheRecordGoesLeavesNoRecordBehind)
{
    int orphaning_cuts = 0;
    for (int round = 0; round < 30; round++) {
        if (round > 0) { // a fresh start: the previous round left the token running
            ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
            ASSERT_EQ(CKR_OK, PowerOnAndInitialize());
        }
        CK_SESSION_HANDLE h = OpenUser();
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, Create(h, Bulky("victim " + std::to_string(round)), &object)) << "round " << round;
        ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
        const std::vector<unsigned char> image = SaveImage();
        // The record the destroy must remove: the newest object record.
        std::string record;
        for (std::uint64_t id = 1; id < 4096; id++) {
            if (PalHolds(p11::object_record_label(id))) {
                record = p11::object_record_label(id);
            }
        }
        ASSERT_FALSE(record.empty());
        // Cut after n flash operations, for growing n, until the object is
        // gone from the token: the first such cut is between the page and
        // the record when the destroy leaves the record behind.
        bool gone = false;
        for (unsigned long n = 0; n < 40 && !gone; n++) {
            bool cut = false;
            (void)RunWithCutAfter(
                image, n,
                [&](CK_SESSION_HANDLE s) {
                    std::vector<CK_OBJECT_HANDLE> found = FindByLabel(s, "victim " + std::to_string(round));
                    return found.empty() ? CKR_OBJECT_HANDLE_INVALID : Destroy(s, found[0]);
                },
                &cut);
            std::string errors;
            ASSERT_EQ(CKR_OK, PowerOnCapturingErrors(&errors)) << errors;
            CK_SESSION_HANDLE s = OpenUser();
            gone = FindByLabel(s, "victim " + std::to_string(round)).empty();
            if (gone) {
                orphaning_cuts += cut;
                EXPECT_FALSE(PalHolds(record)) << "round " << round << ": the destroyed object's record "
                                               << record << " is still stored after C_Initialize";
            } else {
                ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
            }
        }
        ASSERT_TRUE(gone) << "round " << round;
    }
    EXPECT_GT(orphaning_cuts, 20);
    // The flash is not filled with dead records: objects still fit.
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    ASSERT_EQ(CKR_OK, PowerOnAndInitialize());
    CK_SESSION_HANDLE h = OpenUser();
    for (int i = 0; i < 8; i++) {
        EXPECT_EQ(CKR_OK, Create(h, Bulky("after " + std::to_string(i)))) << i;
    }
}

} // namespace
