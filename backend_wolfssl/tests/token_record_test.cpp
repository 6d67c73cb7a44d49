/* The token record's byte format (token_record.h) read back: a stored PIN
 * verifier must carry a usable iteration count, since the PIN check and the
 * key that wraps the token key are derived with it. */
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "token_record.h"

using namespace p11;

namespace {

RecordStatus Decoded(const TokenRecord &record, TokenRecord *out)
{
    std::vector<std::uint8_t> bytes(token_record_size());
    EXPECT_TRUE(token_record_encode(record, bytes.data()));
    return token_record_decode(bytes.data(), bytes.size(), out);
}

TokenRecord WithUserVerifier(std::uint32_t iterations)
{
    TokenRecord record;
    record.token_initialized = true;
    record.user_pin_initialized = true;
    record.user_pin.present = true;
    record.user_pin.iterations = iterations;
    record.user_pin.salt[0] = 7;
    record.user_failures = 2;
    return record;
}

} // namespace

TEST(TokenRecord, VerifierWithAnIterationCountInRangeIsRead)
{
    for (std::uint32_t iterations : {1u, 1000u, kPinMaxIterations}) {
        TokenRecord out;
        ASSERT_EQ(RecordStatus::ok, Decoded(WithUserVerifier(iterations), &out)) << iterations;
        EXPECT_TRUE(out.user_pin.present);
        EXPECT_EQ(iterations, out.user_pin.iterations);
        EXPECT_EQ(7, out.user_pin.salt[0]);
        EXPECT_EQ(2u, out.user_failures);
    }
}

// PBKDF2's iteration count is a positive integer (RFC 8018 §5.2): a present
// verifier without one, or past the bound a login could take, is damage.
TEST(TokenRecord, PresentVerifierWithZeroOrTooManyIterationsIsDamaged)
{
    TokenRecord out;
    EXPECT_EQ(RecordStatus::damaged, Decoded(WithUserVerifier(0), &out));
    EXPECT_EQ(RecordStatus::damaged, Decoded(WithUserVerifier(kPinMaxIterations + 1), &out));
    TokenRecord absent = WithUserVerifier(0);
    absent.user_pin.present = false; // no PIN set: its count means nothing
    EXPECT_EQ(RecordStatus::ok, Decoded(absent, &out));
}
