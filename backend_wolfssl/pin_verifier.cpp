/* PIN verifiers: PBKDF2-HMAC-SHA256 (crypto/pbkdf2_sha256.h), constant-time compare. */
#include "pin_verifier.h"

#include <climits>
#include <cstring>

#include "crypto/constant_time.h"
#include "crypto/pbkdf2_sha256.h"
#include "secure_wipe.h"

namespace p11 {

namespace {

bool derive(const CK_UTF8CHAR *pin, CK_ULONG pin_len, const std::uint8_t *salt, std::uint32_t iterations,
            std::uint8_t out[kPinHashSize])
{
    if (pin_len > static_cast<CK_ULONG>(INT_MAX) || iterations == 0 || iterations > kPinMaxIterations) {
        return false;
    }
    static_assert(kPinHashSize == kPbkdf2BlockSize, "one PBKDF2 block");
    return pbkdf2_sha256_block(pin, pin_len, salt, kPinSaltSize, iterations, out);
}

// HMAC-SHA256(master, label): the check value or the key, never the other.
bool expand(const std::uint8_t (&master)[kPinHashSize], const char *label, std::uint8_t out[kPinHashSize])
{
    Hmac hmac;
    bool ok = wc_HmacInit(&hmac, nullptr, INVALID_DEVID) == 0;
    const bool inited = ok;
    ok = ok && wc_HmacSetKey(&hmac, WC_SHA256, master, static_cast<word32>(sizeof master)) == 0 &&
         wc_HmacUpdate(&hmac, reinterpret_cast<const byte *>(label), static_cast<word32>(std::strlen(label))) == 0 &&
         wc_HmacFinal(&hmac, out) == 0;
    if (inited) {
        wc_HmacFree(&hmac);
    }
    secure_wipe(&hmac, sizeof hmac);
    return ok;
}

constexpr char kCheckLabel[] = "p11forge PIN check";
constexpr char kWrapLabel[] = "p11forge PIN wrap";

static_assert(kPinHashSize == kTokenKeySize, "the PIN's key is an AES-256 key");

// The verifier's hash (and key) for a PIN.
bool compute(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len, std::uint8_t hash[kPinHashSize],
             SecretKey *kek)
{
    std::uint8_t master[kPinHashSize];
    bool ok = derive(pin, pin_len, verifier.salt, verifier.iterations, master);
    if (ok && verifier.format == VerifierFormat::legacy) {
        std::memcpy(hash, master, kPinHashSize);
    } else if (ok) {
        ok = expand(master, kCheckLabel, hash) && (kek == nullptr || expand(master, kWrapLabel, kek->bytes));
    }
    secure_wipe(master, sizeof master);
    return ok;
}

} // namespace

CK_RV pin_verifier_make(const CK_UTF8CHAR *pin, CK_ULONG pin_len, std::uint32_t iterations, WC_RNG &rng,
                        PinVerifier *out, SecretKey *kek)
{
    PinVerifier verifier;
    if (wc_RNG_GenerateBlock(&rng, verifier.salt, static_cast<word32>(kPinSaltSize)) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    verifier.format = VerifierFormat::keyed;
    verifier.iterations = iterations;
    if (!compute(verifier, pin, pin_len, verifier.hash, kek)) {
        pin_verifier_clear(&verifier);
        return CKR_FUNCTION_FAILED;
    }
    verifier.present = true;
    *out = verifier;
    pin_verifier_clear(&verifier);
    return CKR_OK;
}

bool pin_verifier_check(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len, SecretKey *kek,
                        bool *has_kek)
{
    std::uint8_t candidate[kPinHashSize];
    SecretKey derived;
    bool ok = verifier.present && compute(verifier, pin, pin_len, candidate, &derived);
    ok = ok && constant_time_equal(candidate, verifier.hash, kPinHashSize);
    secure_wipe(candidate, sizeof candidate);
    const bool keyed = ok && verifier.format == VerifierFormat::keyed;
    if (keyed && kek != nullptr) {
        *kek = derived;
    }
    if (has_kek != nullptr) {
        *has_kek = keyed;
    }
    return ok;
}

void pin_verifier_clear(PinVerifier *verifier)
{
    secure_wipe(verifier, sizeof *verifier);
}

} // namespace p11
