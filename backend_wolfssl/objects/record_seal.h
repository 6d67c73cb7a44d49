/* The envelope of the index records: an 8-byte magic first and the SHA-256
 * of everything before it last, so a torn or bit-flipped record is caught
 * before any field is trusted. */
#ifndef P11_BACKEND_OBJECTS_RECORD_SEAL_H
#define P11_BACKEND_OBJECTS_RECORD_SEAL_H

#include <cstddef>
#include <cstdint>

#include "objects/record_bytes.h"

namespace p11 {

constexpr std::size_t kRecordMagicSize = 8;
constexpr std::size_t kRecordChecksumSize = 32; // SHA-256

// Writes the checksum of out[0, len - kRecordChecksumSize) into the last
// kRecordChecksumSize bytes. False when wolfCrypt could not hash (the record
// must then not be written: its checksum would not match).
bool record_seal(std::uint8_t *out, std::size_t len);

// A sealed record's format version (the u32 after the magic), and *body set
// to read the fields after it, up to the checksum. False when the record is
// not sealed with magic or too short for a version.
bool record_open(const std::uint8_t *data, std::size_t len, const std::uint8_t (&magic)[kRecordMagicSize],
                 std::uint32_t *version, RecordReader *body);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_RECORD_SEAL_H
