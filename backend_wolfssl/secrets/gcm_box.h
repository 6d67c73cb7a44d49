/* AES-256-GCM as the store uses it: a "box" is nonce (12, random) |
 * ciphertext | tag (16), and the associated data binds the box to where it
 * sits (the record it belongs to), so a box moved into another record does
 * not open. Random nonces: a key seals far fewer than 2^32 boxes (one per
 * record write of one token). */
#ifndef P11_BACKEND_SECRETS_GCM_BOX_H
#define P11_BACKEND_SECRETS_GCM_BOX_H

#include <cstddef>
#include <cstdint>

#include "wolfcrypt.h"

namespace p11 {

constexpr std::size_t kBoxKeySize = 32;
constexpr std::size_t kBoxNonceSize = 12;
constexpr std::size_t kBoxTagSize = 16;
constexpr std::size_t kBoxOverhead = kBoxNonceSize + kBoxTagSize;

// Seals plain[0, len) into out[0, len + kBoxOverhead); false when wolfCrypt
// or the RNG failed (out is then wiped).
bool box_seal(const std::uint8_t (&key)[kBoxKeySize], WC_RNG &rng, const std::uint8_t *aad, std::size_t aad_len,
              const std::uint8_t *plain, std::size_t len, std::uint8_t *out);

// Opens a box of box_len bytes into plain[0, box_len - kBoxOverhead); false
// (plain wiped) when the tag does not match: another key, other associated
// data, or a changed byte.
bool box_open(const std::uint8_t (&key)[kBoxKeySize], const std::uint8_t *aad, std::size_t aad_len,
              const std::uint8_t *box, std::size_t box_len, std::uint8_t *plain);

} // namespace p11

#endif // P11_BACKEND_SECRETS_GCM_BOX_H
