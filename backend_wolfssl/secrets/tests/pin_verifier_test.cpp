/* PIN verifiers: the keyed format checks the PIN and gives the same
 * key-encryption key for the same PIN only; a format 0 (legacy) verifier
 * still checks and gives no key; the stored hash is not the key. */
#include <gtest/gtest.h>

#include <cstring>

#include "pin_verifier.h"

namespace {

struct Rng {
    Rng() { EXPECT_EQ(0, wc_InitRng(&rng)); }
    ~Rng() { wc_FreeRng(&rng); }
    WC_RNG rng;
};

const CK_UTF8CHAR kPin[] = {'1', '2', '3', '4'};
const CK_UTF8CHAR kWrong[] = {'1', '2', '3', '5'};

} // namespace

TEST(PinVerifierTest, KeyedVerifierChecksAndGivesTheSameKeyForTheSamePin)
{
    Rng r;
    p11::PinVerifier verifier;
    p11::SecretKey made;
    ASSERT_EQ(CKR_OK, p11::pin_verifier_make(kPin, sizeof kPin, 1000, r.rng, &verifier, &made));
    EXPECT_EQ(p11::VerifierFormat::keyed, verifier.format);
    EXPECT_EQ(1000u, verifier.iterations);
    EXPECT_NE(0, std::memcmp(made.bytes, verifier.hash, sizeof made.bytes)) << "the stored hash is the key";

    p11::SecretKey checked;
    bool keyed = false;
    ASSERT_EQ(CKR_OK, p11::pin_verifier_check(verifier, kPin, sizeof kPin, &checked, &keyed));
    EXPECT_TRUE(keyed);
    EXPECT_EQ(0, std::memcmp(made.bytes, checked.bytes, sizeof made.bytes));
    EXPECT_EQ(CKR_PIN_INCORRECT, p11::pin_verifier_check(verifier, kWrong, sizeof kWrong, &checked, &keyed));
    EXPECT_FALSE(keyed);
}

TEST(PinVerifierTest, SamePinNewSaltGivesAnotherKey)
{
    Rng r;
    p11::PinVerifier a, b;
    p11::SecretKey ka, kb;
    ASSERT_EQ(CKR_OK, p11::pin_verifier_make(kPin, sizeof kPin, 1000, r.rng, &a, &ka));
    ASSERT_EQ(CKR_OK, p11::pin_verifier_make(kPin, sizeof kPin, 1000, r.rng, &b, &kb));
    EXPECT_NE(0, std::memcmp(ka.bytes, kb.bytes, sizeof ka.bytes));
}

TEST(PinVerifierTest, LegacyVerifierChecksWithoutAKey)
{
    // Format 0: the hash is PBKDF2-HMAC-SHA256 itself (the store's format
    // before encryption at rest).
    p11::PinVerifier legacy;
    legacy.present = true;
    legacy.format = p11::VerifierFormat::legacy;
    legacy.iterations = 1000;
    std::memset(legacy.salt, 7, sizeof legacy.salt);
    ASSERT_EQ(0, wc_PBKDF2(legacy.hash, kPin, sizeof kPin, legacy.salt, sizeof legacy.salt, 1000,
                           sizeof legacy.hash, WC_SHA256));
    p11::SecretKey kek;
    bool keyed = true;
    EXPECT_EQ(CKR_OK, p11::pin_verifier_check(legacy, kPin, sizeof kPin, &kek, &keyed));
    EXPECT_FALSE(keyed);
    EXPECT_EQ(CKR_PIN_INCORRECT, p11::pin_verifier_check(legacy, kWrong, sizeof kWrong, &kek, &keyed));
}

TEST(PinVerifierTest, AbsentOrOutOfRangeVerifiersMatchNothing)
{
    p11::PinVerifier none;
    EXPECT_EQ(CKR_PIN_INCORRECT, p11::pin_verifier_check(none, kPin, sizeof kPin));
    Rng r;
    p11::PinVerifier huge;
    ASSERT_EQ(CKR_OK, p11::pin_verifier_make(kPin, sizeof kPin, 1000, r.rng, &huge));
    huge.iterations = p11::kPinMaxIterations + 1;
    EXPECT_EQ(CKR_PIN_INCORRECT, p11::pin_verifier_check(huge, kPin, sizeof kPin));
}
