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

bool start_pads(const std::uint8_t *key, std::size_t key_len, HmacPads *pads)
{
    std::uint8_t block[kShaBlock] = {0};
    bool ok = true;
    if (key_len > kShaBlock) { // a longer key is hashed first
        wc_Sha256 sha;
        ok = wc_InitSha256(&sha) == 0 && wc_Sha256Update(&sha, key, static_cast<word32>(key_len)) == 0 &&
             wc_Sha256Final(&sha, block) == 0;
        wc_Sha256Free(&sha);
    } else if (key_len > 0) {
        std::memcpy(block, key, key_len);
    }
    std::uint8_t pad[kShaBlock];
    for (std::size_t i = 0; i < kShaBlock; ++i) {
        pad[i] = block[i] ^ 0x36;
    }
    ok = ok && wc_InitSha256(&pads->inner) == 0 && wc_Sha256Update(&pads->inner, pad, kShaBlock) == 0;
    for (std::size_t i = 0; i < kShaBlock; ++i) {
        pad[i] = block[i] ^ 0x5c;
    }
    ok = ok && wc_InitSha256(&pads->outer) == 0 && wc_Sha256Update(&pads->outer, pad, kShaBlock) == 0;
    secure_wipe(block, sizeof block);
    secure_wipe(pad, sizeof pad);
    return ok;
}

// HMAC(key, first || second) from the key's pads; the pads are not changed.
bool hmac(const HmacPads &pads, const std::uint8_t *first, std::size_t first_len, const std::uint8_t *second,
          std::size_t second_len, std::uint8_t out[kPbkdf2BlockSize])
{
    wc_Sha256 sha;
    std::uint8_t inner[kPbkdf2BlockSize];
    bool ok = wc_Sha256Copy(const_cast<wc_Sha256 *>(&pads.inner), &sha) == 0 &&
              wc_Sha256Update(&sha, first, static_cast<word32>(first_len)) == 0 &&
              (second_len == 0 || wc_Sha256Update(&sha, second, static_cast<word32>(second_len)) == 0) &&
              wc_Sha256Final(&sha, inner) == 0;
    wc_Sha256Free(&sha);
    ok = ok && wc_Sha256Copy(const_cast<wc_Sha256 *>(&pads.outer), &sha) == 0 &&
         wc_Sha256Update(&sha, inner, sizeof inner) == 0 && wc_Sha256Final(&sha, out) == 0;
    wc_Sha256Free(&sha);
    secure_wipe(inner, sizeof inner);
    secure_wipe(&sha, sizeof sha);
    return ok;
}

} // namespace

bool pbkdf2_sha256_block(const std::uint8_t *password, std::size_t password_len, const std::uint8_t *salt,
                         std::size_t salt_len, std::uint32_t iterations, std::uint8_t out[kPbkdf2BlockSize])
{
    if (iterations == 0 || password_len > UINT32_MAX || salt_len > UINT32_MAX) {
        return false;
    }
    HmacPads pads;
    bool ok = start_pads(password, password_len, &pads);
    static const std::uint8_t kBlockOne[4] = {0, 0, 0, 1}; // INT(1), big-endian
    std::uint8_t u[kPbkdf2BlockSize];
    ok = ok && hmac(pads, salt, salt_len, kBlockOne, sizeof kBlockOne, u);
    if (ok) {
        std::memcpy(out, u, kPbkdf2BlockSize);
    }
    for (std::uint32_t i = 1; ok && i < iterations; ++i) {
        ok = hmac(pads, u, sizeof u, nullptr, 0, u);
        for (std::size_t j = 0; j < kPbkdf2BlockSize; ++j) {
            out[j] ^= u[j];
        }
    }
    wc_Sha256Free(&pads.inner);
    wc_Sha256Free(&pads.outer);
    secure_wipe(&pads, sizeof pads);
    secure_wipe(u, sizeof u);
    if (!ok) {
        secure_wipe(out, kPbkdf2BlockSize);
    }
    return ok;
}

} // namespace p11
