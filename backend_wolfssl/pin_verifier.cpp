/* PIN verifiers: PBKDF2-HMAC-SHA256 via wolfCrypt, constant-time compare. */
#include "pin_verifier.h"

#include <climits>

#include "secure_wipe.h"

namespace p11 {

namespace {

bool derive(const CK_UTF8CHAR *pin, CK_ULONG pin_len, const std::uint8_t *salt,
            std::uint32_t iterations, std::uint8_t out[kPinHashSize])
{
    if (pin_len > static_cast<CK_ULONG>(INT_MAX) || iterations == 0 ||
        iterations > kPinMaxIterations) {
        return false;
    }
    // wolfCrypt takes a non-const byte pointer but does not write through it.
    static const std::uint8_t kEmpty[1] = {0};
    const std::uint8_t *password = pin_len > 0 ? pin : kEmpty;
    return wc_PBKDF2(out, password, static_cast<int>(pin_len), salt,
                     static_cast<int>(kPinSaltSize), static_cast<int>(iterations),
                     static_cast<int>(kPinHashSize), WC_SHA256) == 0;
}

bool equal_constant_time(const std::uint8_t *a, const std::uint8_t *b, std::size_t len)
{
    volatile std::uint8_t diff = 0;
    for (std::size_t i = 0; i < len; ++i) {
        diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
    }
    return diff == 0;
}

} // namespace

CK_RV pin_verifier_make(const CK_UTF8CHAR *pin, CK_ULONG pin_len, WC_RNG &rng, PinVerifier *out)
{
    PinVerifier verifier;
    if (wc_RNG_GenerateBlock(&rng, verifier.salt, static_cast<word32>(kPinSaltSize)) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    verifier.iterations = kPinIterations;
    if (!derive(pin, pin_len, verifier.salt, verifier.iterations, verifier.hash)) {
        pin_verifier_clear(&verifier);
        return CKR_FUNCTION_FAILED;
    }
    verifier.present = true;
    *out = verifier;
    pin_verifier_clear(&verifier);
    return CKR_OK;
}

bool pin_verifier_check(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len)
{
    std::uint8_t candidate[kPinHashSize];
    bool ok = verifier.present &&
              derive(pin, pin_len, verifier.salt, verifier.iterations, candidate);
    if (ok) {
        ok = equal_constant_time(candidate, verifier.hash, kPinHashSize);
    }
    secure_wipe(candidate, sizeof candidate);
    return ok;
}

void pin_verifier_clear(PinVerifier *verifier)
{
    secure_wipe(verifier, sizeof *verifier);
}

} // namespace p11
