/* The envelope of the index records: an 8-byte magic first and the SHA-256
 * of everything before it last, so a torn or bit-flipped record is caught
 * before any field is trusted. */
#ifndef P11_BACKEND_OBJECTS_RECORD_SEAL_H
#define P11_BACKEND_OBJECTS_RECORD_SEAL_H

#include <cstddef>
#include <cstdint>

namespace p11 {

constexpr std::size_t kRecordMagicSize = 8;
constexpr std::size_t kRecordChecksumSize = 32; // SHA-256

// Writes the checksum of out[0, len - kRecordChecksumSize) into the last
// kRecordChecksumSize bytes.
void record_seal(std::uint8_t *out, std::size_t len);

// True when data begins with magic and ends with the right checksum.
bool record_sealed(const std::uint8_t *data, std::size_t len, const std::uint8_t (&magic)[kRecordMagicSize]);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_RECORD_SEAL_H
