/* PBKDF2-HMAC-SHA256, one block, precomputed HMAC pads (see pbkdf2_sha256.h). */
#include "crypto/pbkdf2_sha256.h"

#include <cstring>

#include "secure_wipe.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {

constexpr std::size_t kShaBlock = 64;

// The HMAC key's two SHA-256 states: after the key XOR ipad block, and
// after the key XOR opad block (RFC 2104).
struct HmacPads {
    wc_Sha256 inner;
    wc_Sha256 outer;
};

// Each step runs while rc is 0 (wolfCrypt's success); the first failure stays.
#define P11_STEP(call)                                                                                                 \
    do {                                                                                                               \
        if (rc == 0) {                                                                                                 \
            rc = (call);                                                                                               \
        }                                                                                                              \
    } while (0)

int start_pads(const std::uint8_t *key, std::size_t key_len, HmacPads *pads)
{
    std::uint8_t block[kShaBlock] = {0};
    int rc = 0;
    if (key_len > kShaBlock) { // a longer key is hashed first
        wc_Sha256 sha;
        P11_STEP(wc_InitSha256(&sha));
        P11_STEP(wc_Sha256Update(&sha, key, static_cast<word32>(key_len)));
        P11_STEP(wc_Sha256Final(&sha, block));
        wc_Sha256Free(&sha);
    } else if (key_len > 0) {
        std::memcpy(block, key, key_len);
    }
    std::uint8_t pad[kShaBlock];
    for (std::size_t i = 0; i < kShaBlock; ++i) {
        pad[i] = block[i] ^ 0x36;
    }
    P11_STEP(wc_InitSha256(&pads->inner));
    P11_STEP(wc_Sha256Update(&pads->inner, pad, kShaBlock));
    for (std::size_t i = 0; i < kShaBlock; ++i) {
        pad[i] = block[i] ^ 0x5c;
    }
    P11_STEP(wc_InitSha256(&pads->outer));
    P11_STEP(wc_Sha256Update(&pads->outer, pad, kShaBlock));
    secure_wipe(block, sizeof block);
    secure_wipe(pad, sizeof pad);
    return rc;
}

// HMAC(key, first || second) from the key's pads; the pads are not changed.
int hmac(const HmacPads &pads, const std::uint8_t *first, std::size_t first_len, const std::uint8_t *second,
         std::size_t second_len, std::uint8_t out[kPbkdf2BlockSize])
{
    wc_Sha256 sha;
    std::uint8_t inner[kPbkdf2BlockSize];
    int rc = 0;
    P11_STEP(wc_Sha256Copy(const_cast<wc_Sha256 *>(&pads.inner), &sha));
    P11_STEP(wc_Sha256Update(&sha, first, static_cast<word32>(first_len)));
    if (second_len != 0) {
        P11_STEP(wc_Sha256Update(&sha, second, static_cast<word32>(second_len)));
    }
    P11_STEP(wc_Sha256Final(&sha, inner));
    wc_Sha256Free(&sha);
    P11_STEP(wc_Sha256Copy(const_cast<wc_Sha256 *>(&pads.outer), &sha));
    P11_STEP(wc_Sha256Update(&sha, inner, sizeof inner));
    P11_STEP(wc_Sha256Final(&sha, out));
    wc_Sha256Free(&sha);
    secure_wipe(inner, sizeof inner);
    secure_wipe(&sha, sizeof sha);
    return rc;
}

#undef P11_STEP

} // namespace

int pbkdf2_sha256_block(const std::uint8_t *password, std::size_t password_len, const std::uint8_t *salt,
                        std::size_t salt_len, std::uint32_t iterations, std::uint8_t out[kPbkdf2BlockSize])
{
    if (iterations == 0 || password_len > UINT32_MAX || salt_len > UINT32_MAX) {
        return BAD_FUNC_ARG;
    }
    HmacPads pads;
    int rc = start_pads(password, password_len, &pads);
    static const std::uint8_t kBlockOne[4] = {0, 0, 0, 1}; // INT(1), big-endian
    std::uint8_t u[kPbkdf2BlockSize];
    if (rc == 0) {
        rc = hmac(pads, salt, salt_len, kBlockOne, sizeof kBlockOne, u);
    }
    if (rc == 0) {
        std::memcpy(out, u, kPbkdf2BlockSize);
    }
    for (std::uint32_t i = 1; rc == 0 && i < iterations; ++i) {
        rc = hmac(pads, u, sizeof u, nullptr, 0, u);
        for (std::size_t j = 0; j < kPbkdf2BlockSize; ++j) {
            out[j] ^= u[j];
        }
    }
    wc_Sha256Free(&pads.inner);
    wc_Sha256Free(&pads.outer);
    secure_wipe(&pads, sizeof pads);
    secure_wipe(u, sizeof u);
    if (rc != 0) {
        secure_wipe(out, kPbkdf2BlockSize);
    }
    return rc;
}

} // namespace p11
