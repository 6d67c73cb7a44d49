// The simulated-flash PAL: the six functions, a reboot (power cycle and a
// rescan), damaged records skipped, and a full flash.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "flash_record.h"
#include "flash_test_support.h"

using namespace p11test;

namespace {

class FlashPalTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_EQ(0, flash_sim_reset(&kSmallFlash));
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    }
    void TearDown() override { flash_sim_power_cycle(); }
};

TEST_F(FlashPalTest, SavedObjectIsFoundAndReadBack)
{
    std::string value("key\0bytes", 9);
    CK_OBJECT_HANDLE handle = Save("Device Priv TLS Key", value);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    EXPECT_EQ(handle, Find("Device Priv TLS Key"));
    std::string got;
    CK_BBOOL is_private = CK_FALSE;
    EXPECT_EQ(CKR_OK, Get(handle, &got, &is_private));
    EXPECT_EQ(value, got);
    EXPECT_EQ(CK_TRUE, is_private);
}

TEST_F(FlashPalTest, UnknownLabelAndBadArgumentsAreRefused)
{
    EXPECT_EQ(CK_INVALID_HANDLE, Find("nothing"));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(nullptr, nullptr, 0));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_FindObject(nullptr, 0));
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_GetObjectValue(42, &data, &size, &is_private));
    EXPECT_EQ(CKR_ARGUMENTS_BAD, PKCS11_PAL_GetObjectValue(42, nullptr, &size, &is_private));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(42));
}

TEST_F(FlashPalTest, ReplaceKeepsTheHandleAndReturnsTheNewValue)
{
    CK_OBJECT_HANDLE first = Save("cert", "old");
    CK_OBJECT_HANDLE second = Save("cert", "new value");
    EXPECT_EQ(first, second);
    std::string got;
    EXPECT_EQ(CKR_OK, Get(second, &got));
    EXPECT_EQ("new value", got);
}

TEST_F(FlashPalTest, EmptyValueIsStored)
{
    CK_OBJECT_HANDLE handle = Save("empty", "");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    std::string got = "x";
    EXPECT_EQ(CKR_OK, Get(handle, &got));
    EXPECT_EQ("", got);
}

TEST_F(FlashPalTest, DestroyedObjectIsGoneAndItsLabelCanBeSavedAgain)
{
    CK_OBJECT_HANDLE handle = Save("gone", "value");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("gone"));
    std::string got;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(handle, &got));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(handle));
    EXPECT_EQ(handle, Save("gone", "again")); // the label keeps its handle
    EXPECT_EQ(CKR_OK, Get(handle, &got));
    EXPECT_EQ("again", got);
}

TEST_F(FlashPalTest, ObjectsSurviveAReboot)
{
    CK_OBJECT_HANDLE kept = Save("kept", "one");
    Save("replaced", "old");
    Save("replaced", "new");
    CK_OBJECT_HANDLE gone = Save("destroyed", "x");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(gone));
    ASSERT_EQ(CKR_OK, Reboot());
    ExpectStore({{"kept", "one"}, {"replaced", "new"}});
    EXPECT_EQ(CK_INVALID_HANDLE, Find("destroyed"));
    EXPECT_EQ(kept, Find("kept")); // handles stay stable within the process
}

TEST_F(FlashPalTest, FreshProcessOnTheSameFlashFindsEverything)
{
    Save("a", "alpha");
    Save("b", "beta");
    std::vector<unsigned char> image = SaveImage();
    ASSERT_EQ(0, flash_sim_reset(&kSmallFlash)); // forgets labels and handles
    LoadImage(image);
    ExpectStore({{"a", "alpha"}, {"b", "beta"}});
}

TEST_F(FlashPalTest, ManyReplacementsCompactAndKeepEveryObject)
{
    std::map<std::string, std::string> expected = {{"a", std::string(60, 'a')}, {"b", std::string(90, 'b')}};
    for (const auto &[label, value] : expected) {
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, value));
    }
    flash_counters before{};
    flash_sim_counters(&before);
    // Far more bytes than the flash holds: only compaction makes this fit.
    for (int i = 0; i < 200; i++) {
        std::string value = "churn " + std::to_string(i) + std::string(static_cast<size_t>(i % 50), '.');
        ASSERT_NE(CK_INVALID_HANDLE, Save("churn", value)) << i;
        expected["churn"] = value;
    }
    flash_counters after{};
    flash_sim_counters(&after);
    EXPECT_GT(after.erases, before.erases);
    ExpectStore(expected);
    ASSERT_EQ(CKR_OK, Reboot());
    ExpectStore(expected);
}

TEST_F(FlashPalTest, EachSaveIsTwoWritesWhateverTheNumberOfObjects)
{
    const flash_geometry unpaged = {kSmallFlash.block_size, kSmallFlash.block_count, kSmallFlash.write_unit, 0};
    ASSERT_EQ(0, flash_sim_reset(&unpaged)); // with pages, a body that crosses one is two programs
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    for (int i = 0; i < 6; i++) {
        Save("object " + std::to_string(i), "v");
    }
    unsigned long before = WritesAndErases();
    ASSERT_NE(CK_INVALID_HANDLE, Save("object 3", "w"));
    EXPECT_EQ(2u, WritesAndErases() - before); // body, then the slot that commits it
    before = WritesAndErases();
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("object 4")));
    EXPECT_EQ(2u, WritesAndErases() - before);
}

// Flips one bit in every byte of the label's newest record (one byte at a
// time, from the same image) and scans again. A flip in one header copy or
// the commit slot loses nothing (`current` still reads); anywhere else the
// label is refused: it never reads an older value, and a destroyed object
// never comes back. Every other object is untouched, and saves still work.
void FlipEveryByteOf(const std::string &label, const std::optional<std::string> &current,
                     const std::optional<std::string> &older, const std::map<std::string, std::string> &others)
{
    size_t offset = 0;
    size_t size = 0;
    ASSERT_TRUE(
        flash_sim_record_span(reinterpret_cast<const unsigned char *>(label.data()), label.size(), &offset, &size));
    const size_t commit_slot = size - kSmallFlash.write_unit;
    std::vector<unsigned char> image = SaveImage();
    for (size_t i = 0; i < size; i++) {
        LoadImage(image);
        ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(offset + i, static_cast<unsigned>(i % 8)));
        testing::internal::CaptureStderr();
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
        std::string errors = testing::internal::GetCapturedStderr();
        std::string got;
        const bool readable = Lookup(label, &got);
        if (i < FLASH_RECORD_HEADER_BYTES || i >= commit_slot) {
            EXPECT_EQ(current.has_value(), readable) << "byte " << i;
            EXPECT_EQ(current.value_or(""), got) << "byte " << i;
            if (i < FLASH_RECORD_HEADER_BYTES) {
                EXPECT_NE(std::string::npos, errors.find("header copy is damaged")) << "byte " << i;
            }
        } else {
            EXPECT_FALSE(readable) << "byte " << i << " read " << got;
            EXPECT_NE(std::string::npos, errors.find("no longer checks")) << "byte " << i;
        }
        if (older.has_value()) {
            EXPECT_NE(*older, got) << "byte " << i << ": rolled back";
        }
        ExpectStore(others);
        EXPECT_NE(CK_INVALID_HANDLE, Save("after", "works")) << "byte " << i;
    }
    LoadImage(image);
}

TEST_F(FlashPalTest, BitFlipInAnyByteOfARecordLosesAtMostThatRecord)
{
    Save("first", "one");
    Save("target", "the target value");
    Save("last", "three");
    FlipEveryByteOf("target", "the target value", std::nullopt, {{"first", "one"}, {"last", "three"}});
}

TEST_F(FlashPalTest, BitFlipInTheNewestRecordIsRefusedNeverRolledBack)
{
    Save("target", "older");
    Save("middle", "two");
    Save("target", "newer value");
    Save("last", "three");
    FlipEveryByteOf("target", "newer value", "older", {{"middle", "two"}, {"last", "three"}});
}

TEST_F(FlashPalTest, BitFlipInATombstoneNeverBringsTheObjectBack)
{
    Save("target", "before destroy");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("target")));
    Save("last", "three");
    FlipEveryByteOf("target", std::nullopt, "before destroy", {{"last", "three"}});
}

// A refused label survives compaction (its rotted record is carried over as
// it is) and a new save under it takes over.
TEST_F(FlashPalTest, ARefusedLabelStaysRefusedThroughCompactionUntilSavedAgain)
{
    Save("target", "older");
    Save("target", "newer value");
    size_t offset = 0;
    size_t size = 0;
    ASSERT_TRUE(flash_sim_record_span(reinterpret_cast<const unsigned char *>("target"), 6, &offset, &size));
    ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(offset + FLASH_RECORD_HEADER_BYTES + 6 + 1, 2));
    testing::internal::CaptureStderr();
    ASSERT_EQ(CKR_OK, Reboot());
    for (int i = 0; i < 30; i++) {
        ASSERT_NE(CK_INVALID_HANDLE, Save("churn", std::string(60 + i, 'c')));
    }
    ASSERT_EQ(CKR_OK, Reboot());
    (void)testing::internal::GetCapturedStderr();
    std::string got;
    EXPECT_NE(CK_INVALID_HANDLE, Find("target"));
    EXPECT_EQ(CKR_DEVICE_ERROR, Get(Find("target"), &got));
    ASSERT_NE(CK_INVALID_HANDLE, Save("target", "saved again"));
    ASSERT_EQ(CKR_OK, Reboot());
    EXPECT_TRUE(Lookup("target", &got));
    EXPECT_EQ("saved again", got);
}

TEST_F(FlashPalTest, RecordDamagedAfterTheScanFailsToReadWithDeviceError)
{
    CK_OBJECT_HANDLE handle = Save("target", "value");
    size_t offset = 0;
    size_t size = 0;
    ASSERT_TRUE(flash_sim_record_span(reinterpret_cast<const unsigned char *>("target"), 6, &offset, &size));
    ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(offset + FLASH_RECORD_HEADER_BYTES + 6 + 2, 0)); // in the value
    std::string got;
    testing::internal::CaptureStderr();
    EXPECT_EQ(CKR_DEVICE_ERROR, Get(handle, &got));
    EXPECT_NE(std::string::npos, testing::internal::GetCapturedStderr().find("no longer reads back"));
}

// The record sequence number of the label's current record (header bytes 12-15, little-endian).
uint32_t CurrentSeq(const std::string &label)
{
    size_t offset = 0;
    size_t size = 0;
    EXPECT_TRUE(flash_sim_record_span(reinterpret_cast<const unsigned char *>(label.data()), label.size(), &offset,
                                      &size));
    unsigned char header[FLASH_RECORD_HEADER_BYTES] = {};
    EXPECT_EQ(FLASH_OK, flash_device_read(offset, header, sizeof header));
    return static_cast<uint32_t>(header[12]) | static_cast<uint32_t>(header[13]) << 8 |
           static_cast<uint32_t>(header[14]) << 16 | static_cast<uint32_t>(header[15]) << 24;
}

// A record whose body fails its CRC (its header still checks) refuses its
// label, and its sequence number stays taken: a later record never gets it, so two
// records never claim the same place in the log.
TEST_F(FlashPalTest, TheSequenceOfADamagedRecordIsNeverReused)
{
    Save("target", "older");
    Save("target", "newer value");
    const uint32_t damaged_seq = CurrentSeq("target");
    size_t offset = 0;
    size_t size = 0;
    ASSERT_TRUE(flash_sim_record_span(reinterpret_cast<const unsigned char *>("target"), 6, &offset, &size));
    ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(offset + FLASH_RECORD_HEADER_BYTES + 6 + 2, 3)); // in the value
    flash_sim_power_cycle();
    testing::internal::CaptureStderr();
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    (void)testing::internal::GetCapturedStderr();
    std::string got;
    ASSERT_EQ(CKR_DEVICE_ERROR, Get(Find("target"), &got)); // refused, not rolled back to "older"
    Save("fresh", "x");
    EXPECT_GT(CurrentSeq("fresh"), damaged_seq);
}

// Saves 100-byte objects until the flash refuses one; returns what it holds.
std::map<std::string, std::string> FillFlash()
{
    std::map<std::string, std::string> stored;
    for (int i = 0; i < 100; i++) {
        std::string label = "fill " + std::to_string(i);
        std::string value(100, static_cast<char>('A' + i % 26));
        if (Save(label, value) == CK_INVALID_HANDLE) {
            return stored;
        }
        stored[label] = value;
    }
    ADD_FAILURE() << "the flash never filled up";
    return stored;
}

TEST_F(FlashPalTest, FullFlashRefusesTheSaveAndKeepsEverything)
{
    std::map<std::string, std::string> stored = FillFlash();
    // 3 usable blocks of 480 bytes, 168 bytes a record: 2 records a block,
    // less the room kept to replace the largest object (and a tombstone).
    ASSERT_EQ(5u, stored.size());
    std::vector<unsigned char> image = SaveImage();
    EXPECT_EQ(CK_INVALID_HANDLE, Save("one more", std::string(100, 'x')));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("one more"));
    // A replace that does not fit keeps the old value.
    EXPECT_EQ(CK_INVALID_HANDLE, Save("fill 0", std::string(300, 'y')));
    ExpectStore(stored);
    EXPECT_EQ(image, SaveImage()); // a refused save writes nothing
    ASSERT_EQ(CKR_OK, Reboot());
    ExpectStore(stored);
}

TEST_F(FlashPalTest, FullFlashStillDestroysAndThenHasRoomAgain)
{
    std::map<std::string, std::string> stored = FillFlash();
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("fill 3")));
    stored.erase("fill 3");
    EXPECT_NE(CK_INVALID_HANDLE, Save("replacement", std::string(100, 'r')));
    stored["replacement"] = std::string(100, 'r');
    ASSERT_EQ(CKR_OK, Reboot());
    ExpectStore(stored);
    EXPECT_EQ(CK_INVALID_HANDLE, Find("fill 3"));
}

TEST_F(FlashPalTest, ObjectLargerThanABlockIsRefused)
{
    EXPECT_EQ(CK_INVALID_HANDLE, Save("huge", std::string(600, 'h')));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("huge"));
}

} // namespace

namespace {

// Labels are bounded (P11_FLASH_PAL_MAX_LABEL) so that the room a full store
// keeps for one tombstone always suffices: a full store can destroy an object
// under the longest label it accepted.
TEST_F(FlashPalTest, LabelsOverTheLimitAreRefusedAndAFullStoreDestroysTheLongest)
{
    EXPECT_EQ(CK_INVALID_HANDLE, Save(std::string(P11_FLASH_PAL_MAX_LABEL + 1, 'L'), "v"));
    std::map<std::string, std::string> stored;
    for (int i = 0; i < 100; i++) {
        std::string label = std::to_string(i) + std::string(P11_FLASH_PAL_MAX_LABEL - 3, 'L');
        label.resize(P11_FLASH_PAL_MAX_LABEL);
        if (Save(label, std::string(60, 'v')) == CK_INVALID_HANDLE) {
            break;
        }
        stored[label] = std::string(60, 'v');
    }
    ASSERT_GE(stored.size(), 3u);
    for (const auto &[label, value] : stored) {
        ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find(label))) << label;
        EXPECT_EQ(CK_INVALID_HANDLE, Find(label));
    }
    ASSERT_EQ(CKR_OK, Reboot());
    for (const auto &[label, value] : stored) {
        EXPECT_EQ(CK_INVALID_HANDLE, Find(label));
    }
}

} // namespace
