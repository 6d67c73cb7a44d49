/* The stored form of one token object (a PAL record). Layout, integers
 * big-endian:
 *   magic "P11FOBJT" (8) | format version u32 | attribute count u32 |
 *   (type u32 | length u32 | value)* | SHA-256 of everything before (32)
 * CK_ULONG values are written as 8-byte integers, so a record does not depend
 * on the platform's unsigned long; every other value is written as is. */
#ifndef P11_BACKEND_OBJECTS_OBJECT_CODEC_H
#define P11_BACKEND_OBJECTS_OBJECT_CODEC_H

#include <cstddef>
#include <cstdint>

#include "attribute_set.h"
#include "token_record.h"

namespace p11 {

constexpr std::uint32_t kObjectRecordVersion = 1;

// Bytes object_record_encode writes (C_GetObjectSize reports it).
std::size_t object_record_size(const AttributeSet &attrs);

// Replaces *out with the record.
void object_record_encode(const AttributeSet &attrs, Bytes *out);

// Fills *out only when the result is RecordStatus::ok.
RecordStatus object_record_decode(const std::uint8_t *data, std::size_t len, AttributeSet *out);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_OBJECT_CODEC_H
