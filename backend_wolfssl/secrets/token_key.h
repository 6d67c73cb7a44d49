/* The token key: 32 random bytes that seal the secret values of objects
 * bound to the PIN (secrets/sealed_record.h). It is never stored in clear:
 * the token record keeps it wrapped (an AES-256-GCM box) under a key derived
 * from the SO PIN, one derived from the user PIN, and, only while one of the
 * two is missing (a store from before encryption, migrated at one user's
 * login), under the device key until the other user logs in. So C_SetPIN and
 * C_InitPIN rewrap one record and never touch the objects. */
#ifndef P11_BACKEND_SECRETS_TOKEN_KEY_H
#define P11_BACKEND_SECRETS_TOKEN_KEY_H

#include <cstdint>
#include <cstring>

#include "ref_counted.h"
#include "secrets/gcm_box.h"

namespace p11 {

constexpr std::size_t kTokenKeySize = kBoxKeySize;
constexpr std::size_t kKeyWrapBoxSize = kTokenKeySize + kBoxOverhead;

// A key in memory; wiped when it goes. Shared (held_keys.h) by count.
struct SecretKey : RefCounted {
    std::uint8_t bytes[kTokenKeySize] = {};
    SecretKey() = default;
    SecretKey(const SecretKey &other);
    SecretKey &operator=(const SecretKey &other);
    ~SecretKey();
};

// One wrapped copy of the token key.
// Blank: all zero, cleared like TokenRecord (token_record.h).
struct KeyWrap {
    KeyWrap() { std::memset(static_cast<void *>(this), 0, sizeof *this); }
    bool present;
    std::uint8_t box[kKeyWrapBoxSize];
};

// Which wrap (the associated data: a wrap moved to another slot does not open).
enum class WrapSlot : std::uint8_t { so = 1, user = 2, device_escrow = 3 };

// A fresh random token key; false when the RNG failed.
bool token_key_make(WC_RNG &rng, SecretKey *out);

// Wraps key under kek; false when wolfCrypt failed (out untouched).
bool token_key_wrap(const SecretKey &kek, WrapSlot slot, const SecretKey &key, WC_RNG &rng, KeyWrap *out);

// Unwraps; false when absent or the box does not open under kek.
bool token_key_unwrap(const SecretKey &kek, WrapSlot slot, const KeyWrap &wrap, SecretKey *out);

} // namespace p11

#endif // P11_BACKEND_SECRETS_TOKEN_KEY_H
