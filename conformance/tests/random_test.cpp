// Random number generation (v2.40 §5.15): draws differ and are not all zero;
// a zero-length draw is fine. Draws from two threads are in threads_test.cpp.
#include <cstring>

#include "module_fixture.h"

namespace p11conf {
namespace {

class Random : public WithSession<> {};

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

} // namespace
} // namespace p11conf
