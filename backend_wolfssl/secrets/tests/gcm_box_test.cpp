/* AES-256-GCM boxes: a known-answer vector, and every way a box must refuse
 * to open (another key, other associated data, any changed byte). */
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "secrets/gcm_box.h"

namespace {

class Rng {
  public:
    Rng() { EXPECT_EQ(0, wc_InitRng(&rng_)); }
    ~Rng() { wc_FreeRng(&rng_); }
    WC_RNG &get() { return rng_; }

  private:
    WC_RNG rng_;
};

std::vector<std::uint8_t> Hex(const char *hex)
{
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
        unsigned value = 0;
        std::sscanf(hex + i, "%2x", &value);
        out.push_back(static_cast<std::uint8_t>(value));
    }
    return out;
}

void KeyOf(std::uint8_t seed, std::uint8_t (&key)[p11::kBoxKeySize])
{
    for (std::size_t i = 0; i < sizeof key; ++i) {
        key[i] = static_cast<std::uint8_t>(seed + i);
    }
}

} // namespace

// NIST GCM test vector (gcmEncryptExtIV256, Count 0 of Keylen 256, IVlen 96,
// PTlen 128, AADlen 128, Taglen 128) opened through box_open: the box is
// nonce | ciphertext | tag.
TEST(GcmBoxTest, OpensANistVector)
{
    const auto key_bytes = Hex("92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b");
    const auto nonce = Hex("ac93a1a6145299bde902f21a");
    const auto plain = Hex("2d71bcfa914e4ac045b2aa60955fad24");
    const auto aad = Hex("1e0889016f67601c8ebea4943bc23ad6");
    const auto cipher = Hex("8995ae2e6df3dbf96fac7b7137bae67f");
    const auto tag = Hex("eca5aa77d51d4a0a14d9c51e1da474ab");
    std::uint8_t key[p11::kBoxKeySize];
    std::memcpy(key, key_bytes.data(), sizeof key);
    std::vector<std::uint8_t> box(nonce);
    box.insert(box.end(), cipher.begin(), cipher.end());
    box.insert(box.end(), tag.begin(), tag.end());
    std::vector<std::uint8_t> out(plain.size());
    ASSERT_TRUE(p11::box_open(key, aad.data(), aad.size(), box.data(), box.size(), out.data()));
    EXPECT_EQ(plain, out);
}

TEST(GcmBoxTest, SealedBoxOpensAndHidesThePlaintext)
{
    Rng rng;
    std::uint8_t key[p11::kBoxKeySize];
    KeyOf(1, key);
    const char secret[] = "a private key value, 32 bytes!!";
    const std::uint8_t aad[] = {'r', 'e', 'c'};
    std::vector<std::uint8_t> box(sizeof secret + p11::kBoxOverhead);
    ASSERT_TRUE(p11::box_seal(key, rng.get(), aad, sizeof aad, reinterpret_cast<const std::uint8_t *>(secret),
                              sizeof secret, box.data()));
    EXPECT_EQ(box.end(), std::search(box.begin(), box.end(), secret, secret + 8)) << "plaintext in the box";
    std::vector<std::uint8_t> out(sizeof secret);
    ASSERT_TRUE(p11::box_open(key, aad, sizeof aad, box.data(), box.size(), out.data()));
    EXPECT_EQ(0, std::memcmp(secret, out.data(), sizeof secret));

    // Two seals of the same value differ (a fresh nonce each time).
    std::vector<std::uint8_t> again(box.size());
    ASSERT_TRUE(p11::box_seal(key, rng.get(), aad, sizeof aad, reinterpret_cast<const std::uint8_t *>(secret),
                              sizeof secret, again.data()));
    EXPECT_NE(box, again);
}

TEST(GcmBoxTest, RefusesAnotherKeyOtherDataAndEveryChangedByte)
{
    Rng rng;
    std::uint8_t key[p11::kBoxKeySize];
    std::uint8_t other[p11::kBoxKeySize];
    KeyOf(1, key);
    KeyOf(2, other);
    const std::uint8_t plain[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const std::uint8_t aad[] = {1, 2, 3};
    const std::uint8_t other_aad[] = {1, 2, 4};
    std::vector<std::uint8_t> box(sizeof plain + p11::kBoxOverhead);
    ASSERT_TRUE(p11::box_seal(key, rng.get(), aad, sizeof aad, plain, sizeof plain, box.data()));
    std::uint8_t out[sizeof plain];
    EXPECT_FALSE(p11::box_open(other, aad, sizeof aad, box.data(), box.size(), out));
    EXPECT_FALSE(p11::box_open(key, other_aad, sizeof other_aad, box.data(), box.size(), out));
    for (std::size_t i = 0; i < box.size(); ++i) {
        std::vector<std::uint8_t> changed = box;
        changed[i] ^= 0x01;
        EXPECT_FALSE(p11::box_open(key, aad, sizeof aad, changed.data(), changed.size(), out)) << "byte " << i;
    }
    EXPECT_FALSE(p11::box_open(key, aad, sizeof aad, box.data(), p11::kBoxOverhead - 1, out));
    EXPECT_FALSE(p11::box_open(key, aad, sizeof aad, box.data(), box.size() - 1, out));
}
