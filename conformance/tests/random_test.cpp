// Random number generation (v2.40 §5.15): draws differ, work from threads.
#include <cstring>
#include <thread>
#include <vector>

#include "module_fixture.h"

namespace p11conf {
namespace {

class Random : public ModuleTest {
protected:
    void SetUp() override
    {
        ModuleTest::SetUp();
        if (!ProfileSelects("random") || !ProfileHas("C_GenerateRandom")) {
            GTEST_SKIP() << "not applicable: the profile does not select the random tests";
        }
        ASSERT_NO_FATAL_FAILURE(Initialize());
        if (!OpenSession()) {
            GTEST_SKIP() << skip_reason();
        }
    }
};

TEST_F(Random, TwoDrawsDiffer)
{
    unsigned char first[32] = {0};
    unsigned char second[32] = {0};
    ASSERT_TRUE(RvIsOneOf(fl()->C_GenerateRandom(session_, first, sizeof(first)), {CKR_OK}));
    ASSERT_TRUE(RvIsOneOf(fl()->C_GenerateRandom(session_, second, sizeof(second)), {CKR_OK}));
    EXPECT_NE(std::memcmp(first, second, sizeof(first)), 0);
    const unsigned char zeros[32] = {0};
    EXPECT_NE(std::memcmp(first, zeros, sizeof(first)), 0);
}

TEST_F(Random, ZeroLengthDrawIsFine)
{
    unsigned char byte = 0x5A;
    EXPECT_TRUE(RvIsOneOf(fl()->C_GenerateRandom(session_, &byte, 0), {CKR_OK}));
    EXPECT_EQ(byte, 0x5A);
}

TEST_F(Random, TwoThreadsOnTheirOwnSessionsDrawDifferentBytes)
{
    CK_SESSION_HANDLE sessions[2] = {session_, CK_INVALID_HANDLE};
    ASSERT_TRUE(OpenSession());
    sessions[1] = session_;
    std::vector<unsigned char> draws[2];
    CK_RV results[2] = {CKR_GENERAL_ERROR, CKR_GENERAL_ERROR};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            draws[t].resize(10 * 32);
            results[t] = CKR_OK;
            for (int i = 0; i < 10 && results[t] == CKR_OK; ++i) {
                results[t] = fl()->C_GenerateRandom(sessions[t], draws[t].data() + 32 * i, 32);
            }
        });
    }
    for (auto &thread : threads) {
        thread.join();
    }
    EXPECT_TRUE(RvIsOneOf(results[0], {CKR_OK}));
    EXPECT_TRUE(RvIsOneOf(results[1], {CKR_OK}));
    EXPECT_NE(draws[0], draws[1]);
}

} // namespace
} // namespace p11conf
