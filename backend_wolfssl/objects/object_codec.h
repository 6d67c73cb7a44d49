/* The stored form of one token object (a PAL record). Layout, integers
 * big-endian, version 2:
 *   magic "P11FOBJT" (8) | format version u32 | attribute count u32 |
 *   (type u32 | length u32 | value)* | binding u8 | box length u32 | box |
 *   SHA-256 of everything before (32)
 * The attribute list holds every attribute but the secret ones (a private
 * key's private parts, a secret key's value: attribute_secret); those are
 * sealed in the box (secrets/gcm_box.h), an AES-256-GCM encryption of
 *   count u32 | (type u32 | length u32 | value)*
 * under the key the binding names, with everything before the box as
 * associated data: the tag authenticates the whole record, so no attribute
 * of a sealed key (CKA_SIGN, CKA_ALLOWED_MECHANISMS, ...) can be changed
 * without the key. Bindings: 0 none (no secret attribute, no box), 1 the
 * token key (PIN-bound: CKA_PRIVATE TRUE, profile secrets: pin), 2 the device
 * key. The SHA-256 still tells a damaged record from one sealed under
 * another key. Version 1 (before encryption) is the same without binding and
 * box, secrets in the list; it is read, reported as clear, and rewritten.
 * CK_ULONG values are written as 8-byte integers, so a record does not depend
 * on the platform's unsigned long; every other value is written as is. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_CODEC_H
#define P11_BACKEND_OBJECTS_OBJECT_CODEC_H

#include <cstddef>
#include <cstdint>

#include "attribute_set.h"
#include "secrets/token_key.h"
#include "token_record.h"

namespace p11 {

constexpr std::uint32_t kObjectRecordVersion = 2;

enum class SecretBinding : std::uint8_t { none = 0, token_key = 1, device_key = 2 };

// The keys a record may be sealed under, as far as this process has them.
struct SealKeys {
    const SecretKey *token = nullptr;  // after a login that unwrapped it
    const SecretKey *device = nullptr; // from C_Initialize, unless unavailable
};

// What a decoded record's secrets are.
enum class SecretsState {
    none,         // no secret attribute
    opened,       // sealed, and opened: *out has them
    sealed,       // bound to the token key, which is not held: *out lacks them
    legacy_clear, // a version 1 record: stored in clear
};

// The binding of an object with these attributes under the active profile.
SecretBinding secret_binding(const AttributeSet &attrs);

// Bytes object_record_encode writes (C_GetObjectSize reports it).
std::size_t object_record_size(const AttributeSet &attrs);

// Replaces *out with the record. CKR_USER_NOT_LOGGED_IN: bound to the token
// key, which is not held; CKR_DEVICE_ERROR: bound to the device key, which is
// unavailable; CKR_FUNCTION_FAILED: wolfCrypt failed.
CK_RV object_record_encode(const AttributeSet &attrs, const SealKeys &keys, WC_RNG &rng, Bytes *out);

// Fills *out (and *secrets) only when the result is RecordStatus::ok.
// RecordStatus::unopened: well formed, but the box does not open under the
// key held (another token's key, or a changed byte with the checksum redone)
// or the device key is unavailable.
RecordStatus object_record_decode(const std::uint8_t *data, std::size_t len, const SealKeys &keys,
                                  AttributeSet *out, SecretsState *secrets);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_CODEC_H
