/* The key sizes the crypto engines accept, in one place so the mechanism
 * catalog, the import checks and the engines cannot disagree. */
#ifndef P11_BACKEND_CRYPTO_KEY_LIMITS_H
#define P11_BACKEND_CRYPTO_KEY_LIMITS_H

#include <algorithm>
#include "pkcs11.h"
#include "wolfcrypt.h"

namespace p11 {

// EC: P-256 and, when wolfCrypt has it, P-384 (bits of the field).
constexpr CK_ULONG kEcMinBits = 256;
constexpr CK_ULONG kEcMaxBits = P11_HAVE_P384 ? 384 : 256;

// RSA modulus bits. 4096 is Debian wolfCrypt's RSA_MAX_SIZE (a profile's
// wolfCrypt may stop lower); 2048 is the smallest size still acceptable
// for new signatures (NIST SP 800-131A).
constexpr CK_ULONG kRsaMinBits = 2048;
constexpr CK_ULONG kRsaMaxBits = std::min<CK_ULONG>(RSA_MAX_SIZE, 4096);

// HMAC keys, in bytes (PKCS #11 gives generic secret sizes in bytes).
// RFC 2104 allows any length; the cap only bounds memory.
constexpr CK_ULONG kHmacMinBytes = 1;
constexpr CK_ULONG kHmacMaxBytes = 512;

} // namespace p11

#endif // P11_BACKEND_CRYPTO_KEY_LIMITS_H
