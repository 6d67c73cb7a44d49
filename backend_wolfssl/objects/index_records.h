/* Format 2 of the index of an any-label store: a small head record and
 * fixed-size page records, so that creating or destroying an object
 * rewrites one page (and, once per kIdsPerPage creates, the head), never a
 * record that grows with the number of objects. Integers big-endian.
 *
 * Head, under kIndexRecordLabel:
 *   magic "P11FINDX" (8) | format version u32 = 2 | first page u64 |
 *   end page u64 | SHA-256 of everything before (32)
 * The store's pages are first .. end-1. A page in that range that is not
 * stored holds no object (its last object was destroyed).
 *
 * Page n, under index_page_label(n):
 *   magic "P11FPAGE" (8) | format version u32 = 1 | page number u64 |
 *   used u32 | live bitmap (kIdsPerPage / 8 bytes; bit i of byte i/8, least
 *   significant first, is slot i) | SHA-256 of everything before (32)
 * Slots below `used` have been handed out (object number id_at(n, slot));
 * a live bit says that object's record is part of the store. Only the last
 * page hands out new slots. */
#ifndef P11_BACKEND_OBJECTS_INDEX_RECORDS_H
#define P11_BACKEND_OBJECTS_INDEX_RECORDS_H

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "objects/index_v1.h"
#include "objects/record_labels.h"
#include "token_record.h"

namespace p11 {

constexpr std::uint32_t kIndexHeadVersion = 2;
constexpr std::uint32_t kIndexPageVersion = 1;

struct IndexHead {
    std::uint64_t first_page = 0;
    std::uint64_t end_page = 0;
};

struct IndexPage {
    std::uint64_t page = 0;
    std::uint32_t used = 0;
    std::bitset<kIdsPerPage> live;
};

// What is stored under kIndexRecordLabel: a format 2 head, or a whole
// format 1 index.
struct IndexRecord {
    std::uint32_t version = kIndexHeadVersion;
    IndexHead head; // version 2
    IndexV1 v1;     // version 1

    // A whole format 1 index, to be upgraded (never on firmware: kReadsFormat1).
    bool format1() const { return kReadsFormat1 && version == 1; }
};

// The encoders give an empty record when it could not be sealed.
std::vector<std::uint8_t> index_head_encode(const IndexHead &head);
// Fills *out only when the result is RecordStatus::ok.
RecordStatus index_record_decode(const std::uint8_t *data, std::size_t len, IndexRecord *out);

std::vector<std::uint8_t> index_page_encode(const IndexPage &page);
// Fills *out only when the result is RecordStatus::ok.
RecordStatus index_page_decode(const std::uint8_t *data, std::size_t len, IndexPage *out);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_INDEX_RECORDS_H
