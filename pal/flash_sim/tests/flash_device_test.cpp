// The simulated NOR flash behaves like NOR (erase to 0xFF, program only
// clears bits, whole write units) and its fault injector tears, cuts and
// flips as documented in flash_device.h.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "crc32.h"
#include "flash_device.h"

namespace {

constexpr flash_geometry kGeometry = {64, 2, 8, 0};

class FlashDeviceTest : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_EQ(FLASH_OK, flash_device_create(&kGeometry)); }
    void TearDown() override { flash_device_destroy(); }
    std::vector<unsigned char> Read(size_t offset, size_t len)
    {
        std::vector<unsigned char> out(len);
        EXPECT_EQ(FLASH_OK, flash_device_read(offset, out.data(), len));
        return out;
    }
};

TEST(Crc32Test, MatchesTheStandardCheckValue)
{
    EXPECT_EQ(0xCBF43926u, crc32_update(0, "123456789", 9));
    // Continuing over two pieces equals one pass.
    EXPECT_EQ(0xCBF43926u, crc32_update(crc32_update(0, "1234", 4), "56789", 5));
}

TEST_F(FlashDeviceTest, RejectsGeometryThatBreaksTheRules)
{
    flash_geometry odd = {60, 2, 8, 0};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_create(&odd));
    flash_geometry odd_unit = {64, 2, 3, 0};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_create(&odd_unit));
    flash_geometry no_unit = {64, 2, 0, 0};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_create(&no_unit));
    flash_geometry byte_unit = {64, 2, 1, 0}; // byte-programmable NOR
    EXPECT_EQ(FLASH_OK, flash_device_create(&byte_unit));
    flash_geometry one_block = {64, 1, 8, 0};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_create(&one_block));
}

TEST_F(FlashDeviceTest, StartsErased)
{
    EXPECT_EQ(std::vector<unsigned char>(128, 0xFF), Read(0, 128));
}

TEST_F(FlashDeviceTest, WriteClearsBitsAndSilentlyCannotSetThem)
{
    unsigned char first[8] = {0xF0, 0x0F, 0xAA, 0x55, 0xFF, 0x00, 0x12, 0x34};
    ASSERT_EQ(FLASH_OK, flash_device_write(8, first, 8));
    EXPECT_EQ(std::vector<unsigned char>(first, first + 8), Read(8, 8));
    // Clearing more bits of a programmed unit is what NOR allows.
    unsigned char fewer[8] = {0xF0, 0x0F, 0xAA, 0x55, 0x0F, 0x00, 0x02, 0x04};
    EXPECT_EQ(FLASH_OK, flash_device_write(8, fewer, 8));
    // Setting one back "succeeds" as on real NOR, and the bit stays 0: only
    // a read-back tells.
    unsigned char set[8] = {0xF0, 0x0F, 0xAA, 0x55, 0x0F, 0x01, 0x02, 0x04};
    EXPECT_EQ(FLASH_OK, flash_device_write(8, set, 8));
    EXPECT_EQ(std::vector<unsigned char>(fewer, fewer + 8), Read(8, 8));
}

TEST(FlashDevicePages, AWriteNeverCrossesAPage)
{
    const flash_geometry paged = {64, 2, 8, 32};
    ASSERT_EQ(FLASH_OK, flash_device_create(&paged));
    unsigned char data[16] = {};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_write(24, data, 16));
    EXPECT_EQ(FLASH_OK, flash_device_write(32, data, 16));
    const flash_geometry odd_page = {64, 2, 8, 24};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_create(&odd_page));
    flash_device_destroy();
}

TEST(FlashDeviceWeakErase, ProgrammedBytesOfAWeakBlockFadeAtPowerCycleUntilErased)
{
    const flash_geometry geometry = {64, 2, 8, 0};
    ASSERT_EQ(FLASH_OK, flash_device_create(&geometry));
    ASSERT_EQ(FLASH_OK, flash_sim_weaken_block(1));
    unsigned char zeros[64] = {};
    ASSERT_EQ(FLASH_OK, flash_device_write(64, zeros, 64));
    ASSERT_EQ(FLASH_OK, flash_device_write(0, zeros, 64));
    flash_sim_power_cycle();
    unsigned char got[64];
    ASSERT_EQ(FLASH_OK, flash_device_read(64, got, 64));
    EXPECT_EQ(0xFF, got[0]);
    EXPECT_EQ(0xFF, got[7]);
    EXPECT_EQ(0x00, got[1]);
    ASSERT_EQ(FLASH_OK, flash_device_read(0, got, 64));
    EXPECT_EQ(0x00, got[0]); // the other block is sound
    ASSERT_EQ(FLASH_OK, flash_device_erase(1));
    ASSERT_EQ(FLASH_OK, flash_device_write(64, zeros, 64));
    flash_sim_power_cycle();
    ASSERT_EQ(FLASH_OK, flash_device_read(64, got, 64));
    EXPECT_EQ(std::vector<unsigned char>(64, 0), std::vector<unsigned char>(got, got + 64));
    flash_device_destroy();
}

TEST_F(FlashDeviceTest, WriteMustCoverWholeUnitsInside)
{
    unsigned char data[16] = {};
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_write(4, data, 8));
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_write(0, data, 12));
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_write(120, data, 16));
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_erase(2));
}

TEST_F(FlashDeviceTest, EraseSetsOnlyItsBlockToFF)
{
    std::vector<unsigned char> zeros(128, 0);
    ASSERT_EQ(FLASH_OK, flash_device_write(0, zeros.data(), 128));
    ASSERT_EQ(FLASH_OK, flash_device_erase(1));
    EXPECT_EQ(std::vector<unsigned char>(64, 0), Read(0, 64));
    EXPECT_EQ(std::vector<unsigned char>(64, 0xFF), Read(64, 64));
}

TEST_F(FlashDeviceTest, CutTearsTheWriteThenRefusesEverythingUntilPowerCycle)
{
    std::vector<unsigned char> zeros(40, 0);
    flash_sim_cut_after(1);
    EXPECT_EQ(FLASH_OK, flash_device_write(0, zeros.data(), 8));
    EXPECT_FALSE(flash_sim_cut_reached());
    // Five units: the first two land, then half of the third.
    EXPECT_EQ(FLASH_ERR_POWER, flash_device_write(8, zeros.data(), 40));
    EXPECT_TRUE(flash_sim_cut_reached());
    unsigned char byte = 0;
    EXPECT_EQ(FLASH_ERR_POWER, flash_device_read(0, &byte, 1));
    EXPECT_EQ(FLASH_ERR_POWER, flash_device_erase(1));

    flash_sim_power_cycle();
    std::vector<unsigned char> expected(64, 0xFF);
    std::fill(expected.begin(), expected.begin() + 8 + 16 + 4, 0);
    EXPECT_EQ(expected, Read(0, 64));
    EXPECT_EQ(FLASH_OK, flash_device_erase(0)); // working again
}

TEST_F(FlashDeviceTest, CutDuringEraseLeavesTheBlockHalfErased)
{
    std::vector<unsigned char> zeros(64, 0);
    ASSERT_EQ(FLASH_OK, flash_device_write(64, zeros.data(), 64));
    flash_sim_cut_after(0);
    EXPECT_EQ(FLASH_ERR_POWER, flash_device_erase(1));
    flash_sim_power_cycle();
    std::vector<unsigned char> expected(64, 0);
    std::fill(expected.begin(), expected.begin() + 32, 0xFF);
    EXPECT_EQ(expected, Read(64, 64));
}

TEST_F(FlashDeviceTest, SingleUnitWriteCutLandsHalfTheUnit)
{
    std::vector<unsigned char> zeros(8, 0);
    flash_sim_cut_after(0);
    EXPECT_EQ(FLASH_ERR_POWER, flash_device_write(0, zeros.data(), 8));
    flash_sim_power_cycle();
    EXPECT_EQ((std::vector<unsigned char>{0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}), Read(0, 8));
}

TEST_F(FlashDeviceTest, FlipBitChangesOneBitAndCountersCountOperations)
{
    ASSERT_EQ(FLASH_OK, flash_sim_flip_bit(3, 5));
    EXPECT_EQ(0xDFu, Read(3, 1)[0]);
    EXPECT_EQ(FLASH_ERR_RANGE, flash_sim_flip_bit(128, 0));
    unsigned char unit[8] = {};
    ASSERT_EQ(FLASH_OK, flash_device_write(8, unit, 8));
    ASSERT_EQ(FLASH_OK, flash_device_erase(0));
    EXPECT_EQ(FLASH_ERR_RANGE, flash_device_erase(9));
    flash_counters counters{};
    flash_sim_counters(&counters);
    EXPECT_EQ(1u, counters.writes);
    EXPECT_EQ(1u, counters.erases);
    EXPECT_EQ(1u, counters.reads);
    EXPECT_EQ(1u, counters.failed);
}

TEST_F(FlashDeviceTest, ImageSaveAndLoadRoundTrip)
{
    unsigned char unit[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ASSERT_EQ(FLASH_OK, flash_device_write(16, unit, 8));
    std::vector<unsigned char> image(flash_sim_image_size());
    ASSERT_EQ(128u, image.size());
    ASSERT_EQ(FLASH_OK, flash_sim_image_save(image.data(), image.size()));
    ASSERT_EQ(FLASH_OK, flash_device_erase(0));
    ASSERT_EQ(FLASH_OK, flash_sim_image_load(image.data(), image.size()));
    EXPECT_EQ(std::vector<unsigned char>(unit, unit + 8), Read(16, 8));
    EXPECT_EQ(FLASH_ERR_RANGE, flash_sim_image_load(image.data(), 64));
}

} // namespace
