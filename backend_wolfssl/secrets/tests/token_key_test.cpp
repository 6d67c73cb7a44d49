/* Token key wraps: a wrap opens only under its key and in its slot. */
#include <gtest/gtest.h>

#include <cstring>

#include "secrets/token_key.h"

namespace {

struct Rng {
    Rng() { EXPECT_EQ(0, wc_InitRng(&rng)); }
    ~Rng() { wc_FreeRng(&rng); }
    WC_RNG rng;
};

} // namespace

TEST(TokenKeyTest, AWrapOpensUnderItsKeyInItsSlotOnly)
{
    Rng r;
    p11::SecretKey key, kek, other;
    ASSERT_TRUE(p11::token_key_make(r.rng, &key));
    ASSERT_TRUE(p11::token_key_make(r.rng, &kek));
    ASSERT_TRUE(p11::token_key_make(r.rng, &other));
    p11::KeyWrap wrap;
    ASSERT_TRUE(p11::token_key_wrap(kek, p11::WrapSlot::user, key, r.rng, &wrap));
    EXPECT_TRUE(wrap.present);

    p11::SecretKey opened;
    ASSERT_TRUE(p11::token_key_unwrap(kek, p11::WrapSlot::user, wrap, &opened));
    EXPECT_EQ(0, std::memcmp(key.bytes, opened.bytes, sizeof key.bytes));
    EXPECT_FALSE(p11::token_key_unwrap(other, p11::WrapSlot::user, wrap, &opened));
    EXPECT_FALSE(p11::token_key_unwrap(kek, p11::WrapSlot::so, wrap, &opened)) << "a user wrap moved to the SO slot";
    p11::KeyWrap absent;
    EXPECT_FALSE(p11::token_key_unwrap(kek, p11::WrapSlot::user, absent, &opened));
}

TEST(TokenKeyTest, TwoKeysDiffer)
{
    Rng r;
    p11::SecretKey a, b;
    ASSERT_TRUE(p11::token_key_make(r.rng, &a));
    ASSERT_TRUE(p11::token_key_make(r.rng, &b));
    EXPECT_NE(0, std::memcmp(a.bytes, b.bytes, sizeof a.bytes));
}
