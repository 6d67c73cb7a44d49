/* A PIN is never stored; its verifier is: PBKDF2-HMAC-SHA256 over the PIN
 * with a random 16-byte salt. The iteration count is kept with the verifier
 * so the constant can rise later without locking out existing tokens. */
#ifndef P11_BACKEND_PIN_VERIFIER_H
#define P11_BACKEND_PIN_VERIFIER_H

#include <cstdint>

#include "pkcs11.h"
#include "wolfcrypt.h"

namespace p11 {

constexpr std::uint32_t kPinIterations = 10000;
constexpr std::uint32_t kPinMaxIterations = 10000000; // bound on a stored count
constexpr std::size_t kPinSaltSize = 16;
constexpr std::size_t kPinHashSize = 32;

struct PinVerifier {
    bool present = false; // false: no PIN set, nothing matches
    std::uint32_t iterations = 0;
    std::uint8_t salt[kPinSaltSize] = {};
    std::uint8_t hash[kPinHashSize] = {};
};

// A verifier for the PIN with a fresh salt from rng (caller serializes rng).
CK_RV pin_verifier_make(const CK_UTF8CHAR *pin, CK_ULONG pin_len, WC_RNG &rng, PinVerifier *out);

// True when the PIN matches; the comparison takes the same time either way.
bool pin_verifier_check(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len);

void pin_verifier_clear(PinVerifier *verifier);

} // namespace p11

#endif // P11_BACKEND_PIN_VERIFIER_H
