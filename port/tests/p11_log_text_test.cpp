// Log text without stdio: decimals at the edges, parts joined and cut.
#include "p11_log_text.h"

#include <gtest/gtest.h>

#include <string>

namespace {

TEST(LogText, DecimalAtTheEdges)
{
    char out[P11_DECIMAL_SIZE];
    EXPECT_EQ(1u, p11_decimal(out, 0));
    EXPECT_STREQ("0", out);
    EXPECT_EQ(2u, p11_decimal(out, 10));
    EXPECT_STREQ("10", out);
    EXPECT_EQ(10u, p11_decimal(out, 4294967295ull));
    EXPECT_STREQ("4294967295", out);
    EXPECT_EQ(20u, p11_decimal(out, 18446744073709551615ull));
    EXPECT_STREQ("18446744073709551615", out);
}

TEST(LogText, PartsAreJoinedIntoOneLineAndCut)
{
    const char *parts[] = {"flash PAL: ", "a thing", nullptr, " at ", "12"};
    testing::internal::CaptureStderr();
    p11_log_parts(parts, 5);
    std::string line = testing::internal::GetCapturedStderr();
    EXPECT_NE(std::string::npos, line.find("flash PAL: a thing at 12"));
    const std::string long_part(400, 'x');
    const char *too_long[] = {long_part.c_str(), "tail"};
    testing::internal::CaptureStderr();
    p11_log_parts(too_long, 2);
    line = testing::internal::GetCapturedStderr();
    EXPECT_EQ(std::string::npos, line.find("tail"));
    EXPECT_NE(std::string::npos, line.find(std::string(255, 'x')));
    EXPECT_EQ(std::string::npos, line.find(std::string(256, 'x')));
}

} // namespace
