/* PIN verifiers: PBKDF2-HMAC-SHA256 (crypto/pbkdf2_sha256.h), constant-time compare. */
#include "pin_verifier.h"

#include <climits>
#include <cstring>

#include "crypto/constant_time.h"
#include "crypto/pbkdf2_sha256.h"
#include "crypto/wolfcrypt_failure.h"
#include "secure_wipe.h"

namespace p11 {

namespace {

// PBKDF2's master value; CKR_PIN_INCORRECT for a PIN or count no verifier can hold.
CK_RV derive(const CK_UTF8CHAR *pin, CK_ULONG pin_len, const std::uint8_t *salt, std::uint32_t iterations,
             std::uint8_t out[kPinHashSize])
{
    if (pin_len > static_cast<CK_ULONG>(INT_MAX) || iterations == 0 || iterations > kPinMaxIterations) {
        return CKR_PIN_INCORRECT;
    }
    static_assert(kPinHashSize == kPbkdf2BlockSize, "one PBKDF2 block");
    return wolfcrypt_rv(pbkdf2_sha256_block(pin, pin_len, salt, kPinSaltSize, iterations, out));
}

// HMAC-SHA256(master, label): the check value or the key, never the other.
CK_RV expand(const std::uint8_t (&master)[kPinHashSize], const char *label, std::uint8_t out[kPinHashSize])
{
    Hmac hmac;
    int rc = wc_HmacInit(&hmac, nullptr, INVALID_DEVID);
    const bool inited = rc == 0;
    if (rc == 0) {
        rc = wc_HmacSetKey(&hmac, WC_SHA256, master, static_cast<word32>(sizeof master));
    }
    if (rc == 0) {
        rc = wc_HmacUpdate(&hmac, reinterpret_cast<const byte *>(label), static_cast<word32>(std::strlen(label)));
    }
    if (rc == 0) {
        rc = wc_HmacFinal(&hmac, out);
    }
    if (inited) {
        wc_HmacFree(&hmac);
    }
    secure_wipe(&hmac, sizeof hmac);
    return wolfcrypt_rv(rc);
}

constexpr char kCheckLabel[] = "p11forge PIN check";
constexpr char kWrapLabel[] = "p11forge PIN wrap";

static_assert(kPinHashSize == kTokenKeySize, "the PIN's key is an AES-256 key");

// The verifier's hash (and key) for a PIN.
CK_RV compute(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len, std::uint8_t hash[kPinHashSize],
              SecretKey *kek)
{
    std::uint8_t master[kPinHashSize];
    CK_RV rv = derive(pin, pin_len, verifier.salt, verifier.iterations, master);
    if (rv == CKR_OK && verifier.format == VerifierFormat::legacy) {
        std::memcpy(hash, master, kPinHashSize);
    } else if (rv == CKR_OK) {
        rv = expand(master, kCheckLabel, hash);
        if (rv == CKR_OK && kek != nullptr) {
            rv = expand(master, kWrapLabel, kek->bytes);
        }
    }
    secure_wipe(master, sizeof master);
    return rv;
}

} // namespace

CK_RV pin_verifier_make(const CK_UTF8CHAR *pin, CK_ULONG pin_len, std::uint32_t iterations, WC_RNG &rng,
                        PinVerifier *out, SecretKey *kek)
{
    PinVerifier verifier;
    const int drawn = wc_RNG_GenerateBlock(&rng, verifier.salt, static_cast<word32>(kPinSaltSize));
    if (drawn != 0) {
        return wolfcrypt_failure(drawn);
    }
    verifier.format = VerifierFormat::keyed;
    verifier.iterations = iterations;
    CK_RV rv = compute(verifier, pin, pin_len, verifier.hash, kek);
    if (rv != CKR_OK) {
        pin_verifier_clear(&verifier);
        return rv == CKR_PIN_INCORRECT ? CKR_FUNCTION_FAILED : rv; // a count out of range is ours
    }
    verifier.present = true;
    *out = verifier;
    pin_verifier_clear(&verifier);
    return CKR_OK;
}

CK_RV pin_verifier_check(const PinVerifier &verifier, const CK_UTF8CHAR *pin, CK_ULONG pin_len, SecretKey *kek,
                         bool *has_kek)
{
    std::uint8_t candidate[kPinHashSize];
    SecretKey derived;
    CK_RV rv = verifier.present ? compute(verifier, pin, pin_len, candidate, &derived) : CKR_PIN_INCORRECT;
    if (rv == CKR_OK && !constant_time_equal(candidate, verifier.hash, kPinHashSize)) {
        rv = CKR_PIN_INCORRECT;
    }
    secure_wipe(candidate, sizeof candidate);
    const bool keyed = rv == CKR_OK && verifier.format == VerifierFormat::keyed;
    if (keyed && kek != nullptr) {
        *kek = derived;
    }
    if (has_kek != nullptr) {
        *has_kek = keyed;
    }
    return rv;
}

void pin_verifier_clear(PinVerifier *verifier)
{
    secure_wipe(verifier, sizeof *verifier);
}

} // namespace p11
