// Helpers for the simulated-flash PAL tests: small geometries, a reboot, and
// snapshots of the flash image to return to before each cut point.
#ifndef P11_FLASH_TEST_SUPPORT_H
#define P11_FLASH_TEST_SUPPORT_H

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core_pkcs11_pal.h"
#include "pal_flash_sim.h"
#include "pal_test_helpers.h"

namespace p11test {

// Small, so that compaction and a full store come quickly.
constexpr flash_geometry kSmallFlash = {512, 4, 8, 256};

// Power back on and let the PAL scan the flash, as after a reset.
inline CK_RV Reboot()
{
    flash_sim_power_cycle();
    return PKCS11_PAL_Initialize();
}

inline std::vector<unsigned char> SaveImage()
{
    std::vector<unsigned char> image(flash_sim_image_size());
    EXPECT_EQ(FLASH_OK, flash_sim_image_save(image.data(), image.size()));
    return image;
}

inline void LoadImage(const std::vector<unsigned char> &image)
{
    flash_sim_power_cycle();
    ASSERT_EQ(FLASH_OK, flash_sim_image_load(image.data(), image.size()));
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
}

inline unsigned long WritesAndErases()
{
    flash_counters counters{};
    flash_sim_counters(&counters);
    return counters.writes + counters.erases;
}

// The value stored under the label, or nullopt-like "" with *found false.
inline bool Lookup(const std::string &label, std::string *value)
{
    CK_OBJECT_HANDLE handle = Find(label);
    return handle != CK_INVALID_HANDLE && Get(handle, value) == CKR_OK;
}

// Every label holds exactly its expected value.
inline void ExpectStore(const std::map<std::string, std::string> &expected)
{
    for (const auto &[label, value] : expected) {
        std::string got;
        EXPECT_TRUE(Lookup(label, &got)) << label;
        EXPECT_EQ(value, got) << label;
    }
}

} // namespace p11test

#endif // P11_FLASH_TEST_SUPPORT_H
