/* The index record of a store that accepts any label (profile `labels: any`):
 * the PAL has no "list" call, so the backend keeps, under a reserved PAL
 * label, the PAL labels of all token object records and the number of the
 * next record label to hand out. Layout, integers big-endian:
 *   magic "P11FINDX" (8) | format version u32 | next id u64 | count u32 |
 *   (length u32 | label)* | SHA-256 of everything before (32) */
#ifndef P11_BACKEND_OBJECTS_STORAGE_INDEX_H
#define P11_BACKEND_OBJECTS_STORAGE_INDEX_H

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "token_record.h"

namespace p11 {

// Reserved PAL label of the index record (no trailing NUL when stored).
constexpr char kIndexRecordLabel[] = "p11forge index";
constexpr std::uint32_t kIndexRecordVersion = 1;

struct StorageIndex {
    std::uint64_t next_id = 1;    // the next "p11forge obj <id>" label
    std::set<std::string> labels; // PAL labels of the stored object records
};

// The PAL label of object record number id: "p11forge obj 0000002a".
std::string object_record_label(std::uint64_t id);

std::vector<std::uint8_t> storage_index_encode(const StorageIndex &index);

// Fills *out only when the result is RecordStatus::ok.
RecordStatus storage_index_decode(const std::uint8_t *data, std::size_t len, StorageIndex *out);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_STORAGE_INDEX_H
