/* PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) for one 32-byte output block, the PIN
 * verifiers' derivation. The HMAC key's inner and outer SHA-256 states are
 * computed once and copied for each iteration: two compressions per
 * iteration instead of the four wolfCrypt's wc_PBKDF2 spends re-keying its
 * HMAC, for the same output (tests/pbkdf2_sha256_test.cpp checks it against
 * RFC 7914's vectors, wolfCrypt and OpenSSL). Half the C_Login time of a
 * device, at the same iteration count. */
#ifndef P11_BACKEND_CRYPTO_PBKDF2_SHA256_H
#define P11_BACKEND_CRYPTO_PBKDF2_SHA256_H

#include <cstddef>
#include <cstdint>

namespace p11 {

constexpr std::size_t kPbkdf2BlockSize = 32;

// T_1 of PBKDF2-HMAC-SHA256(password, salt, iterations) into out. 0, or
// wolfCrypt's error (MEMORY_E: a full heap; BAD_FUNC_ARG: 0 iterations).
int pbkdf2_sha256_block(const std::uint8_t *password, std::size_t password_len, const std::uint8_t *salt,
                        std::size_t salt_len, std::uint32_t iterations, std::uint8_t out[kPbkdf2BlockSize]);

} // namespace p11

#endif // P11_BACKEND_CRYPTO_PBKDF2_SHA256_H
