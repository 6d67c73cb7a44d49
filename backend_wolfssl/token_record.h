/* The token's persistent state as one PAL object under a reserved label, and
 * its byte format. Layout (integers big-endian):
 *   magic "P11FTOKN" (8) | format version u32 | body length u32 | body | SHA-256 (32)
 * where the checksum covers everything before it, and the version-1 body is
 *   flags u32 (token initialized, user PIN initialized, user / SO PIN is the
 *   profile default) | label (32) | serial seed (8) | SO verifier | user verifier |
 *   SO failures u32 | user failures u32
 * and a verifier is present u8 | format u8 | 2 zero bytes | iterations u32 |
 * salt (16) | hash (32) (format 0 only in version 1). Version 2 appends the
 * token key's wraps (secrets/token_key.h), each present u8 | 3 zero bytes |
 * box (60): SO | user | device escrow; then the store's own device key,
 * present u8 | 3 zero bytes | key (32), kept only for a PAL without
 * PKCS11_PAL_GetDeviceKey (core_pkcs11_pal_device_key.h); then the
 * instance (8), random at each C_InitToken (another process's C_InitToken
 * ends this one's sessions: store_sync.h).
 * A newer version may only append to the body, so the header stays readable;
 * version 1 records are read and rewritten as version 2 at the next save. */
#ifndef P11_BACKEND_TOKEN_RECORD_H
#define P11_BACKEND_TOKEN_RECORD_H

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "pin_verifier.h"

namespace p11 {

// Reserved PAL label of the token record (no trailing NUL when stored).
constexpr char kTokenRecordLabel[] = "p11forge token";
constexpr std::uint32_t kTokenRecordVersion = 2;
constexpr std::size_t kTokenLabelSize = 32;
constexpr std::size_t kSerialSeedSize = 8;

// All zero bytes when blank: cleared by memset rather than member
// initializers, from which GCC -Os builds a 400-byte zero image in flash and
// copies it for every record made.
struct TokenRecord {
    TokenRecord() { std::memset(static_cast<void *>(this), 0, sizeof *this); }
    bool token_initialized;
    bool user_pin_initialized;
    std::uint8_t label[kTokenLabelSize]; // blank padded, as C_InitToken gives it
    std::uint8_t serial_seed[kSerialSeedSize];
    PinVerifier so_pin;
    PinVerifier user_pin;
    // The profile's default PIN is still in place (CKF_*_PIN_TO_BE_CHANGED).
    bool user_pin_to_be_changed;
    bool so_pin_to_be_changed;
    std::uint32_t so_failures;   // wrong SO PINs since the last good one
    std::uint32_t user_failures; // wrong user PINs since the last good one
    // The token key wrapped for each user, and under the device key while
    // one of them cannot have it yet; none before the first keyed login.
    KeyWrap so_wrap;
    KeyWrap user_wrap;
    KeyWrap escrow_wrap;
    // The device key of a PAL that supplies none: random, in the record.
    bool store_key_present;
    std::uint8_t store_key[kTokenKeySize];
    std::uint8_t instance[8]; // this initialization of the token
};

inline KeyWrap &wrap_of(TokenRecord &record, bool so)
{
    return so ? record.so_wrap : record.user_wrap;
}

// One user's PIN verifier and wrong-PIN count in the record (so: the SO's).
inline PinVerifier &pin_of(TokenRecord &record, bool so)
{
    return so ? record.so_pin : record.user_pin;
}
inline const PinVerifier &pin_of(const TokenRecord &record, bool so)
{
    return so ? record.so_pin : record.user_pin;
}
inline std::uint32_t &failures_of(TokenRecord &record, bool so)
{
    return so ? record.so_failures : record.user_failures;
}
inline std::uint32_t failures_of(const TokenRecord &record, bool so)
{
    return so ? record.so_failures : record.user_failures;
}

// Format 1 object records (values in clear) and the format 1 index (one
// record listing every object) predate firmware support: a device's store
// was always written in later formats, the OTA provisioning tool's too. So
// firmware builds leave their reading and conversion out, and such a record
// reads there as damaged.
#ifdef P11_FIRMWARE
constexpr bool kReadsFormat1 = false;
#else
constexpr bool kReadsFormat1 = true;
#endif

enum class RecordStatus {
    ok,
    damaged,        // bad magic, length or checksum
    newer_version,  // written by a later format this code cannot read
    unopened,       // sealed under a key this process does not hold (objects/object_codec.h)
};

// Bytes token_record_encode writes: kTokenRecordSize, a constant for a
// reader's buffer (token_record.cpp asserts the two agree).
std::size_t token_record_size();
constexpr std::size_t kTokenRecordSize = 448;

// Where a version 2 record keeps the SO's wrong-PIN count (the user's follows,
// both u32): after the 16-byte header, the flags, the label, the serial seed
// and the two verifiers. For a reader that updates the counts in place
// (backend_wolfssl/lean/token_record_patch.h).
constexpr std::size_t kTokenRecordSoFailuresAt =
    8 + 4 + 4 + 4 + kTokenLabelSize + kSerialSeedSize + 2 * (1 + 3 + 4 + kPinSaltSize + kPinHashSize);

// Writes token_record_size() bytes to out; false when its checksum could
// not be computed (the bytes must not be stored).
bool token_record_encode(const TokenRecord &record, std::uint8_t *out);

// Fills *out only when the result is RecordStatus::ok.
RecordStatus token_record_decode(const std::uint8_t *data, std::size_t len, TokenRecord *out);

const char *record_status_name(RecordStatus status);

} // namespace p11

#endif // P11_BACKEND_TOKEN_RECORD_H
