/* Format 1 of the index record (kIndexRecordLabel), the whole index in one
 * record: it grew with every object and was rewritten on every create and
 * destroy. Read so that a store it wrote still loads; the first write
 * converts the store to format 2 (index_records.h). Encode is kept for
 * the tests that build such a store. Layout, integers big-endian:
 *   magic "P11FINDX" (8) | format version u32 = 1 | next id u64 | count u32 |
 *   (length u32 | label)* | SHA-256 of everything before (32) */
#ifndef P11_BACKEND_OBJECTS_INDEX_V1_H
#define P11_BACKEND_OBJECTS_INDEX_V1_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "token_record.h"

namespace p11 {

struct IndexV1 {
    std::uint64_t next_id = 1;       // the next object record number to hand out
    std::vector<std::string> labels; // PAL labels of the stored object records, sorted, each once
};

// Empty when the record could not be sealed.
std::vector<std::uint8_t> index_v1_encode(const IndexV1 &index);

// Fills *out only when the result is RecordStatus::ok.
RecordStatus index_v1_decode(const std::uint8_t *data, std::size_t len, IndexV1 *out);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_INDEX_V1_H
