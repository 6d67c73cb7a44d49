// Faults a device meets in the field, each one a defect the flash PAL once
// had: a flipped bit in a block header, a damaged record header in front of
// a value an attacker chose, a forged top sequence number, an allocation
// failure while Initialize indexes, a program that does not read back, an
// erase cut late (reads erased, is not), lengths that wrap.
#include <gtest/gtest.h>

#include <malloc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "flash_record.h"
#include "flash_test_support.h"

using namespace p11test;

// Allocation failure injection: the test links with -Wl,--wrap=p11_port_malloc.
extern "C" void *__real_p11_port_malloc(size_t size);
namespace {
long allocations_before_failure = -1; // -1: never fail
bool an_allocation_failed = false;
}
extern "C" void *__wrap_p11_port_malloc(size_t size)
{
    if (allocations_before_failure == 0) {
        an_allocation_failed = true;
        return nullptr;
    }
    if (allocations_before_failure > 0) {
        allocations_before_failure--;
    }
    return __real_p11_port_malloc(size);
}

namespace {

using Store = std::map<std::string, std::string>;

class FlashFaultTest : public ::testing::Test {
  protected:
    void SetUp() override
    {
        ASSERT_EQ(0, flash_sim_reset(&kSmallFlash));
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    }
    void TearDown() override
    {
        allocations_before_failure = -1;
        flash_sim_power_cycle();
    }
};

// Scans the flash again with the log captured; the scan's result.
CK_RV QuietInitialize()
{
    testing::internal::CaptureStderr();
    CK_RV rv = PKCS11_PAL_Initialize();
    (void)testing::internal::GetCapturedStderr();
    return rv;
}

bool Gone(const std::string &label)
{
    std::string value;
    return !Lookup(label, &value);
}

// Where the next record will go: just after the label's record, which must be
// the newest on the flash.
size_t AfterRecordOf(const std::string &label)
{
    size_t offset = 0;
    size_t size = 0;
    EXPECT_TRUE(
        flash_sim_record_span(reinterpret_cast<const unsigned char *>(label.data()), label.size(), &offset, &size));
    return offset + size;
}

std::vector<unsigned char> EncodeRecord(const std::string &label, const std::string &value, uint32_t seq)
{
    flash_record_header header{};
    header.kind = FLASH_RECORD_OBJECT;
    header.label_len = static_cast<uint16_t>(label.size());
    header.data_len = static_cast<uint32_t>(value.size());
    header.seq = seq;
    std::vector<unsigned char> out(flash_record_size(label.size(), value.size(), kSmallFlash.write_unit));
    flash_record_encode(&header, reinterpret_cast<const unsigned char *>(label.data()),
                        reinterpret_cast<const unsigned char *>(value.data()), out.data(), kSmallFlash.write_unit);
    return out;
}

// A revoked key, a destroyed key, a replaced value and kept ones, spread over
// two blocks.
Store ProvisionMixedStore()
{
    Store kept = {{"Device Priv TLS Key", std::string(70, 'k')}, {"Device Cert", std::string(90, 'c')}};
    EXPECT_NE(CK_INVALID_HANDLE, Save("Device Priv TLS Key", std::string(70, 'k')));
    EXPECT_NE(CK_INVALID_HANDLE, Save("revoked", "old trust"));
    EXPECT_NE(CK_INVALID_HANDLE, Save("Device Cert", "first cert"));
    EXPECT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("revoked")));
    EXPECT_NE(CK_INVALID_HANDLE, Save("destroyed", "secret"));
    EXPECT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("destroyed")));
    EXPECT_NE(CK_INVALID_HANDLE, Save("Device Cert", std::string(90, 'c')));
    return kept;
}

void ExpectExactly(const Store &kept, const char *where, size_t byte)
{
    for (const auto &[label, value] : kept) {
        std::string got;
        EXPECT_TRUE(Lookup(label, &got)) << where << " byte " << byte << ": " << label << " lost";
        EXPECT_EQ(value, got) << where << " byte " << byte;
    }
    EXPECT_TRUE(Gone("revoked")) << where << " byte " << byte << ": a revoked key came back";
    EXPECT_TRUE(Gone("destroyed")) << where << " byte " << byte << ": a destroyed key came back";
}

// Defect: the block header was a single copy; one flip dropped its block.
TEST_F(FlashFaultTest, OneFlippedBitInAnyBlockHeaderByteLosesNothingAndResurrectsNothing)
{
    const Store kept = ProvisionMixedStore();
    const std::vector<unsigned char> image = SaveImage();
    const size_t header = flash_block_header_size(kSmallFlash.write_unit);
    int blocks_tried = 0;
    for (size_t block = 0; block < kSmallFlash.block_count; block++) {
        const size_t base = block * kSmallFlash.block_size;
        if (image[base] == 0xFF) {
            continue; // not in use
        }
        blocks_tried++;
        for (size_t byte = 0; byte < header; byte++) {
            LoadImage(image);
            ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(base + byte, static_cast<unsigned>(byte % 8)));
            flash_sim_power_cycle();
            ASSERT_EQ(CKR_OK, QuietInitialize()) << "byte " << byte;
            ExpectExactly(kept, "after the flip", base + byte);
            // Saves that compact the store must not make a loss permanent.
            for (int i = 0; i < 12; i++) {
                ASSERT_NE(CK_INVALID_HANDLE, Save("churn", std::string(40 + i, 'x'))) << "byte " << byte;
            }
            flash_sim_power_cycle();
            ASSERT_EQ(CKR_OK, QuietInitialize());
            ExpectExactly(kept, "after compaction", base + byte);
        }
    }
    EXPECT_GE(blocks_tried, 2);
}

// Defect: a damaged record header made the scan step into the record's value,
// where a record forged by whoever chose the value was accepted.
TEST_F(FlashFaultTest, ADamagedRecordHeaderNeverMakesTheScanReadInsideAValue)
{
    const flash_geometry roomy = {2048, 4, 8, 256};
    ASSERT_EQ(0, flash_sim_reset(&roomy));
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Priv TLS Key", "the real key"));
    // The carrier's value holds a forged record at every alignment.
    const std::vector<unsigned char> forged = EncodeRecord("Device Priv TLS Key", "attacker's key", 0x7FFFFFF0u);
    std::string value;
    for (size_t shift = 0; shift < kSmallFlash.write_unit; shift++) {
        value += std::string(1, 'p') + std::string(forged.begin(), forged.end());
    }
    ASSERT_LT(value.size() + 128, roomy.block_size);
    ASSERT_NE(CK_INVALID_HANDLE, Save("carrier", value));
    size_t offset = 0;
    size_t size = 0;
    ASSERT_TRUE(flash_sim_record_span(reinterpret_cast<const unsigned char *>("carrier"), 7, &offset, &size));
    const std::vector<unsigned char> image = SaveImage();
    for (size_t byte = 0; byte < 64; byte++) { // the record header and the start of the label and value
        for (unsigned bit = 0; bit < 8; bit += 3) {
            LoadImage(image);
            ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(offset + byte, bit));
            flash_sim_power_cycle();
            ASSERT_EQ(CKR_OK, QuietInitialize());
            std::string got;
            ASSERT_TRUE(Lookup("Device Priv TLS Key", &got)) << "byte " << byte << " bit " << bit;
            EXPECT_EQ("the real key", got) << "byte " << byte << " bit " << bit;
        }
    }
}

// Defect: a record carrying the top sequence number wrapped the counter, so
// a later save that answered success was lost at the next boot.
TEST_F(FlashFaultTest, ARecordWithTheTopSequenceNeverMakesALaterSaveVanish)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("victim", "first"));
    for (uint32_t top : {0xFFFFFFFFu, 0xFFFFFFFEu}) {
        ASSERT_EQ(0, flash_sim_reset(&kSmallFlash));
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
        ASSERT_NE(CK_INVALID_HANDLE, Save("victim", "first"));
        const std::vector<unsigned char> record = EncodeRecord("victim", "forged", top);
        ASSERT_EQ(FLASH_OK, flash_device_write(AfterRecordOf("victim"), record.data(), record.size()));
        flash_sim_power_cycle();
        ASSERT_EQ(CKR_OK, QuietInitialize());
        bool saved = Save("victim", "second") != CK_INVALID_HANDLE;
        flash_sim_power_cycle();
        ASSERT_EQ(CKR_OK, QuietInitialize());
        std::string got;
        if (saved) {
            ASSERT_TRUE(Lookup("victim", &got)) << top;
            EXPECT_EQ("second", got) << "a save that answered success was lost (top " << top << ")";
        }
    }
}

// Defect: an allocation failure while Initialize indexed the records still
// answered CKR_OK, and the next compaction erased the record left out.
TEST_F(FlashFaultTest, AnAllocationFailureWhileIndexingFailsInitializeAndLosesNothing)
{
    Store stored;
    for (int i = 0; i < 5; i++) {
        std::string label = "key " + std::to_string(i);
        stored[label] = std::string(30 + i, static_cast<char>('a' + i));
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, stored[label]));
    }
    const std::vector<unsigned char> image = SaveImage();
    int failures_seen = 0;
    for (long k = 0; k < 60; k++) {
        LoadImage(image);
        ASSERT_EQ(0, flash_sim_reset(&kSmallFlash)); // a new process: the index is rebuilt from nothing
        ASSERT_EQ(FLASH_OK, flash_sim_image_load(image.data(), image.size()));
        allocations_before_failure = k;
        an_allocation_failed = false;
        CK_RV rv = QuietInitialize();
        const bool failed = an_allocation_failed;
        allocations_before_failure = -1;
        if (failed) {
            failures_seen++;
            EXPECT_NE(CKR_OK, rv) << "allocation " << k << " failed and Initialize answered CKR_OK";
        }
        // Whatever happened, the next calls see every object, and compaction keeps them.
        for (int i = 0; i < 12; i++) {
            (void)Save("churn", std::string(40 + i, 'x'));
        }
        ExpectStore(stored);
        flash_sim_power_cycle();
        ASSERT_EQ(CKR_OK, QuietInitialize());
        ExpectStore(stored);
    }
    EXPECT_GT(failures_seen, 3);
}

// Real NOR programs by clearing bits and silently keeps a 0 where the data
// has a 1: a save over bits that are already 0 must not answer success.
TEST_F(FlashFaultTest, AProgramThatDoesNotReadBackNeverAnswersSuccess)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("first", "one"));
    const size_t next = AfterRecordOf("first");
    for (size_t i = 0; i < 48; i += 5) {
        ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(next + i, 1)); // bits stuck at 0 where the next record goes
    }
    testing::internal::CaptureStderr();
    bool saved = Save("second", "the second value") != CK_INVALID_HANDLE;
    (void)testing::internal::GetCapturedStderr();
    flash_sim_power_cycle();
    ASSERT_EQ(CKR_OK, QuietInitialize());
    std::string got;
    if (saved) {
        EXPECT_TRUE(Lookup("second", &got)) << "a save that answered success does not read back";
        EXPECT_EQ("the second value", got);
    }
    EXPECT_TRUE(Lookup("first", &got));
    EXPECT_EQ("one", got);
}

// An erase cut near its end reads all 0xFF but is not a clean erase: the PAL
// must erase a block again before it trusts it.
TEST_F(FlashFaultTest, ABlockThatOnlyReadsErasedIsErasedBeforeUse)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("first", "one"));
    for (size_t block = 0; block < kSmallFlash.block_count; block++) {
        std::vector<unsigned char> contents(kSmallFlash.block_size);
        ASSERT_EQ(FLASH_OK, flash_device_read(block * kSmallFlash.block_size, contents.data(), contents.size()));
        if (contents[0] == 0xFF) {
            ASSERT_EQ(FLASH_OK, flash_sim_weaken_block(block));
        }
    }
    flash_sim_power_cycle();
    ASSERT_EQ(CKR_OK, QuietInitialize());
    Store stored = {{"first", "one"}};
    for (int i = 0; i < 5; i++) { // into the weak blocks, before any compaction erases them
        std::string label = "object " + std::to_string(i);
        stored[label] = std::string(100, static_cast<char>('a' + i));
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, stored[label])) << i;
    }
    flash_sim_power_cycle();
    ASSERT_EQ(CKR_OK, QuietInitialize());
    ExpectStore(stored);
}

// Lengths read from flash or given by a caller never wrap the size arithmetic
// (on 32-bit targets a 4 GiB length plus a header is a few bytes).
TEST(FlashRecordTest, RecordSizeNeverWraps)
{
    EXPECT_EQ(0u, flash_record_size(16, SIZE_MAX - 8, 8));
    EXPECT_EQ(0u, flash_record_size(SIZE_MAX, 16, 8));
    EXPECT_GT(flash_record_size(16, 100, 8), 116u);
}

} // namespace

namespace {

// Defect: compaction copied each block into a block of its own and never
// merged two, so a record as large as a block's free room was refused while
// most of the flash was stale.
TEST_F(FlashFaultTest, CompactionMergesBlocksSoALargeRecordFitsInAMostlyEmptyStore)
{
    const flash_geometry eight = {1024, 8, 8, 256};
    ASSERT_EQ(0, flash_sim_reset(&eight));
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    // Three small live objects in each block, the rest of each block a value
    // replaced in the next block.
    Store stored;
    for (int round = 0; round < 7; round++) {
        for (int k = 0; k < 3; k++) {
            std::string label = "small " + std::to_string(3 * round + k);
            stored[label] = std::string(40, static_cast<char>('a' + k));
            ASSERT_NE(CK_INVALID_HANDLE, Save(label, stored[label])) << label;
        }
        ASSERT_NE(CK_INVALID_HANDLE, Save("stale", std::string(600, 's'))) << round;
    }
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("stale")));
    // 21 records of about 100 bytes live in 7 x 990 usable bytes: a 700-byte
    // value fits once the small ones share blocks.
    const std::string large(700, 'L');
    ASSERT_NE(CK_INVALID_HANDLE, Save("large", large));
    stored["large"] = large;
    ASSERT_EQ(CKR_OK, QuietInitialize());
    ExpectStore(stored);
}

// Defect: a store too full for another object refused to replace an object
// with a value of the same size (C_SetAttributeValue answered an error).
TEST_F(FlashFaultTest, AFullStoreStillReplacesAnObjectWithOneOfTheSameSize)
{
    Store stored;
    for (int i = 0; i < 100; i++) {
        std::string label = "fill " + std::to_string(i);
        if (Save(label, std::string(100, 'f')) == CK_INVALID_HANDLE) {
            break;
        }
        stored[label] = std::string(100, 'f');
    }
    ASSERT_GE(stored.size(), 3u);
    ASSERT_EQ(CK_INVALID_HANDLE, Save("one more", std::string(100, 'x'))); // full
    for (int round = 0; round < 3; round++) {
        for (auto &[label, value] : stored) {
            value = std::string(100, static_cast<char>('A' + round));
            ASSERT_NE(CK_INVALID_HANDLE, Save(label, value)) << label << " round " << round;
        }
    }
    ASSERT_EQ(CKR_OK, QuietInitialize());
    ExpectStore(stored);
}

// Defect: every label ever saved stayed in RAM (about 113 bytes each), and
// the PAL's work grew with them. Labels whose records are all gone from the
// flash are forgotten.
TEST_F(FlashFaultTest, LabelsOfDestroyedObjectsAreForgottenOnceCompacted)
{
    auto heap_in_use = [] { return static_cast<long>(mallinfo2().uordblks); };
    ASSERT_NE(CK_INVALID_HANDLE, Save("kept", "k"));
    for (int i = 0; i < 500; i++) { // warm up: the index reaches its working size
        std::string label = "transient " + std::to_string(i);
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, "v"));
        ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find(label)));
    }
    const long before = heap_in_use();
    for (int i = 500; i < 5500; i++) {
        std::string label = "transient " + std::to_string(i);
        ASSERT_NE(CK_INVALID_HANDLE, Save(label, "v"));
        ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find(label)));
    }
    EXPECT_LT(heap_in_use() - before, 16 * 1024) << "the PAL's heap grows with every label ever seen";
    std::string got;
    EXPECT_TRUE(Lookup("kept", &got));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("transient 5499"));
}

} // namespace
