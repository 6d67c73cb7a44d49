/* A PIN is never stored; its verifier is. PBKDF2-HMAC-SHA256 over the PIN
 * with a random 16-byte salt gives a master value; the verifier keeps
 * HMAC(master, "check") and the PIN's key-encryption key is
 * HMAC(master, "wrap") (secrets/token_key.h), so one derivation both checks
 * a PIN and unwraps the token key, and the stored hash tells nothing about
 * the key. The iteration count is kept with the verifier, so the constant can
 * rise without locking out existing tokens. Verifiers of format 0 (before
 * encryption at rest: the hash is the PBKDF2 output itself) still check;
 * they give no key, and are replaced at the next good PIN. */
#ifndef P11_BACKEND_PIN_VERIFIER_H
#define P11_BACKEND_PIN_VERIFIER_H

#include <cstdint>
#include <cstring>

#include "pkcs11.h"
#include "secrets/token_key.h"
#include "wolfcrypt.h"

namespace p11 {

// The iterations of a new verifier when the profile names none
// (limits.pin_iterations): about 50 ms for one derivation on a 2020s x86_64
// core (README's speed table, C_Login row). An online guess costs that, an
// offline guess at a stolen store's PIN that per candidate.
constexpr std::uint32_t kPinIterations = 100000;
constexpr std::uint32_t kPinMaxIterations = 10000000; // bound on a stored count
constexpr std::size_t kPinSaltSize = 16;
constexpr std::size_t kPinHashSize = 32;

enum class VerifierFormat : std::uint8_t {
    legacy = 0,  // hash = PBKDF2 output; no key
    keyed = 1,   // hash = HMAC(master, "check"); key = HMAC(master, "wrap")
};

// Blank: all zero (no PIN; the format is set by pin_verifier_make or read
// from the store), cleared like TokenRecord (token_record.h).
struct PinVerifier {
    PinVerifier() { std::memset(static_cast<void *>(this), 0, sizeof *this); }
    bool present; // false: no PIN set, nothing matches
    VerifierFormat format;
    std::uint32_t iterations;
    std::uint8_t salt[kPinSaltSize];
    std::uint8_t hash[kPinHashSize];
};

// A verifier for the PIN with a fresh salt from rng (caller serializes rng),
// and the PIN's key-encryption key when kek is not NULL.
CK_RV pin_verifier_make(const CK_UTF8CHAR *pin, CK_ULONG pin_len, std::uint32_t iterations, WC_RNG &rng,
                        PinVerifier *out, SecretKey *kek = nullptr);

// CKR_OK when the PIN matches, CKR_PIN_INCORRECT when it does not (the
// comparison takes the same time either way); CKR_HOST_MEMORY or
// CKR_FUNCTION_FAILED when the derivation could not run: the PIN was not
// tried, and must not count as a wrong one. *has_kek (when given) says
// whether *kek was set: a keyed verifier's PIN.
CK_RV pin_verifier_check(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len,
                         SecretKey *kek = nullptr, bool *has_kek = nullptr);

void pin_verifier_clear(PinVerifier *verifier);

} // namespace p11

#endif // P11_BACKEND_PIN_VERIFIER_H
