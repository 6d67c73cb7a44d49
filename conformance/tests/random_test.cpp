// Random number generation (v2.40 §5.15): draws differ and are not all zero;
// a zero-length draw is fine; a seed is mixed in (never replaces the state)
// or refused with CKR_RANDOM_SEED_NOT_SUPPORTED. Draws from two threads are
// in threads_test.cpp.
#include <cstring>

#include "module_fixture.h"

namespace p11conf {
namespace {

class Random : public WithSession<> {
  protected:
    // C_SeedRandom with 32 bytes of `fill`.
    CK_RV Seed(unsigned char fill)
    {
        unsigned char seed[32];
        std::memset(seed, fill, sizeof(seed));
        return fl()->C_SeedRandom(session_, seed, sizeof(seed));
    }

    // Seeds; false with a skip reason when the token takes no seed, which
    // v2.40 §5.15 allows (CKR_RANDOM_SEED_NOT_SUPPORTED).
    bool Seeded(unsigned char fill)
    {
        const CK_RV rv = Seed(fill);
        if (rv == CKR_RANDOM_SEED_NOT_SUPPORTED) {
            skip_reason_ = "not applicable: the token's generator takes no seed (CKR_RANDOM_SEED_NOT_SUPPORTED)";
            return false;
        }
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK, CKR_RANDOM_SEED_NOT_SUPPORTED})) << "C_SeedRandom with 32 bytes";
        return rv == CKR_OK;
    }
};

P11_CASE(Random, TwoDrawsDiffer, .group = "random", .functions = "C_GenerateRandom",
         .section = "v2.40 §5.15 C_GenerateRandom")
{
    unsigned char first[32] = {0};
    unsigned char second[32] = {0};
    ASSERT_RV(fl()->C_GenerateRandom(session_, first, sizeof(first)), CKR_OK);
    ASSERT_RV(fl()->C_GenerateRandom(session_, second, sizeof(second)), CKR_OK);
    EXPECT_NE(std::memcmp(first, second, sizeof(first)), 0) << "two 32-byte draws are equal";
    const unsigned char zeros[32] = {0};
    EXPECT_NE(std::memcmp(first, zeros, sizeof(first)), 0) << "32 zero bytes drawn";
}

P11_CASE(Random, ZeroLengthDrawIsFine, .group = "random", .functions = "C_GenerateRandom",
         .section = "v2.40 §5.15 C_GenerateRandom")
{
    unsigned char byte = 0x5A;
    EXPECT_RV(fl()->C_GenerateRandom(session_, &byte, 0), CKR_OK);
    EXPECT_EQ(byte, 0x5A) << "nothing is written for a zero-length draw";
}

P11_CASE(Random, SeedIsTakenOrNotSupportedAndDrawsStillDiffer, .group = "random",
         .functions = "C_SeedRandom C_GenerateRandom", .section = "v2.40 §5.15 C_SeedRandom")
{
    const CK_RV rv = Seed(0x5A);
    ASSERT_TRUE(RvIsOneOf(rv, {CKR_OK, CKR_RANDOM_SEED_NOT_SUPPORTED}))
        << "C_SeedRandom: CKR_OK, or CKR_RANDOM_SEED_NOT_SUPPORTED from a token that takes no seed";
    unsigned char first[32] = {0};
    unsigned char second[32] = {0};
    ASSERT_RV(fl()->C_GenerateRandom(session_, first, sizeof(first)), CKR_OK) << "after C_SeedRandom " << RvName(rv);
    ASSERT_RV(fl()->C_GenerateRandom(session_, second, sizeof(second)), CKR_OK);
    EXPECT_NE(std::memcmp(first, second, sizeof(first)), 0) << "two 32-byte draws after seeding are equal";
}

P11_CASE(Random, SeedingTwiceWithTheSameSeedDoesNotRepeatTheDraws, .group = "random",
         .functions = "C_SeedRandom C_GenerateRandom", .section = "v2.40 §5.15 C_SeedRandom")
{
    P11_SKIP_UNLESS(Seeded(0x11));
    unsigned char first[32] = {0};
    ASSERT_RV(fl()->C_GenerateRandom(session_, first, sizeof(first)), CKR_OK);
    ASSERT_TRUE(Seeded(0x11));
    unsigned char second[32] = {0};
    ASSERT_RV(fl()->C_GenerateRandom(session_, second, sizeof(second)), CKR_OK);
    EXPECT_NE(std::memcmp(first, second, sizeof(first)), 0)
        << "C_SeedRandom \"mixes additional seed material into the token's random number generator\": "
           "a seed must not replace the generator's state";
}

} // namespace
} // namespace p11conf
