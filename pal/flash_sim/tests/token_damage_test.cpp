/* The real token over the simulated flash: a bit flipped in any byte of a
 * stored object's record, and a full flash. */
#include <iostream>

#include "backend_api.h"
#include "flash_record.h"
#include "flash_token_support.h"

using namespace p11flash;

namespace {

class TokenFlashTest : public FlashTokenTest {};

// A data object readable without a login, so the loop below needs none.
Tmpl PublicData(const std::string &label)
{
    Tmpl t = p11test::DataTemplate(label, true);
    t.Bool(CKA_PRIVATE, false);
    return t;
}

TEST_F(TokenFlashTest, BitFlipInAnyByteOfAnObjectRecordLosesAtMostThatObject)
{
    CK_SESSION_HANDLE h = OpenUser();
    ASSERT_EQ(CKR_OK, Create(h, PublicData("first")));
    ASSERT_EQ(CKR_OK, Create(h, PublicData("target")));
    ASSERT_EQ(CKR_OK, Create(h, p11test::CertificateTemplate("last", true)));
    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    const std::vector<unsigned char> image = SaveImage();

    // The target is the second object: PAL label "p11forge obj 00000002".
    const std::string pal_label = "p11forge obj 00000002";
    size_t offset = 0;
    size_t size = 0;
    ASSERT_TRUE(flash_sim_record_span(reinterpret_cast<const unsigned char *>(pal_label.data()), pal_label.size(),
                                      &offset, &size));
    for (size_t i = 0; i < size; i++) {
        LoadImage(image);
        ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(offset + i, static_cast<unsigned>(i % 8)));
        testing::internal::CaptureStderr();
        ASSERT_EQ(CKR_OK, p11be_C_Initialize(nullptr)) << "byte " << i;
        std::string errors = testing::internal::GetCapturedStderr();
        if (i < size - kTokenFlash.write_unit) { // a flip in the commit slot changes nothing
            EXPECT_FALSE(errors.empty()) << "byte " << i << ": the damage went unreported";
        }
        CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, p11be_C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &ro));
        // One header copy, or the commit slot (zeros; any zero bit commits):
        // the record still reads. Anywhere else it is refused.
        const bool survives = i < FLASH_RECORD_HEADER_BYTES || i >= size - kTokenFlash.write_unit;
        if (survives) {
            EXPECT_EQ(1u, FindByLabel(ro, "target").size()) << "byte " << i;
        } else {
            EXPECT_TRUE(FindByLabel(ro, "target").empty()) << "byte " << i;
        }
        ExpectOne(ro, "first", kObjectKinds[0]);
        ExpectOne(ro, "last", kObjectKinds[1]);
        ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    }
    std::cout << "flipped a bit in each of " << size << " bytes\n";
    RecordProperty("bytes_flipped", static_cast<int>(size));
    EXPECT_EQ(CKR_OK, p11be_C_Initialize(nullptr));
}

// A data object with 900 bytes of CKA_OBJECT_ID, all `fill`.
Tmpl Filler(const std::string &label, std::uint8_t fill)
{
    Tmpl t = p11test::DataTemplate(label, true);
    t.Bytes(CKA_OBJECT_ID, ByteVec(900, fill));
    return t;
}

// The backend cannot tell a full flash from a failing one (SaveObject only
// says CK_INVALID_HANDLE), so a refused save is CKR_DEVICE_ERROR.
TEST_F(TokenFlashTest, FullFlashRefusesCreateWithDeviceErrorAndKeepsEverything)
{
    CK_SESSION_HANDLE h = OpenUser();
    std::vector<std::string> stored;
    CK_RV rv = CKR_OK;
    for (int i = 0; i < 100 && rv == CKR_OK; i++) {
        std::string label = "filler " + std::to_string(i);
        rv = Create(h, Filler(label, static_cast<std::uint8_t>(i)));
        if (rv == CKR_OK) {
            stored.push_back(label);
        }
    }
    ASSERT_EQ(CKR_DEVICE_ERROR, rv);
    ASSERT_GE(stored.size(), 10u);
    EXPECT_EQ(CKR_DEVICE_ERROR, Create(h, Filler("one more", 0xEE)));

    ASSERT_EQ(CKR_OK, p11be_C_Finalize(nullptr));
    ASSERT_EQ(CKR_OK, PowerOnAndInitialize());
    h = OpenUser();
    for (size_t i = 0; i < stored.size(); i++) {
        std::vector<CK_OBJECT_HANDLE> found = FindByLabel(h, stored[i]);
        ASSERT_EQ(1u, found.size()) << stored[i];
        EXPECT_EQ(ByteVec(900, static_cast<std::uint8_t>(i)), Attr(h, found[0], CKA_OBJECT_ID)) << stored[i];
    }
    EXPECT_TRUE(FindByLabel(h, "one more").empty());
    // Destroying makes room again. (Two: the flash PAL keeps room to replace
    // its largest record, and the index page grows with the new entry, so
    // the room one destroy frees falls just short at this boundary.)
    ASSERT_EQ(CKR_OK, Destroy(h, FindByLabel(h, stored[0])[0]));
    ASSERT_EQ(CKR_OK, Destroy(h, FindByLabel(h, stored[1])[0]));
    EXPECT_EQ(CKR_OK, Create(h, Filler("one more", 0xEE)));
    // And a full store still replaces a value with one of the same size.
    CK_OBJECT_HANDLE last = FindByLabel(h, stored.back())[0];
    CK_ATTRIBUTE id = {CKA_OBJECT_ID, nullptr, 0};
    ByteVec replacement(900, 0x5A);
    id.pValue = replacement.data();
    id.ulValueLen = replacement.size();
    EXPECT_EQ(CKR_OK, With(h, [&](p11_session *s) { return p11be_C_SetAttributeValue(s, last, &id, 1); }));
    EXPECT_EQ(replacement, Attr(h, last, CKA_OBJECT_ID));
}

} // namespace
