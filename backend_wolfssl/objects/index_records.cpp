/* Format 2 index head and page records (see index_records.h). */
#include "objects/index_records.h"

#include "objects/record_bytes.h"
#include "objects/record_seal.h"

namespace p11 {

namespace {

constexpr std::uint8_t kHeadMagic[kRecordMagicSize] = {'P', '1', '1', 'F', 'I', 'N', 'D', 'X'};
constexpr std::uint8_t kPageMagic[kRecordMagicSize] = {'P', '1', '1', 'F', 'P', 'A', 'G', 'E'};
constexpr std::size_t kBitmapSize = kIdsPerPage / 8;
constexpr std::size_t kHeadSize = kRecordMagicSize + 4 + 8 + 8 + kRecordChecksumSize;
constexpr std::size_t kPageSize = kRecordMagicSize + 4 + 8 + 4 + kBitmapSize + kRecordChecksumSize;

} // namespace

std::vector<std::uint8_t> index_head_encode(const IndexHead &head)
{
    std::vector<std::uint8_t> out(kHeadSize);
    RecordWriter w(out.data());
    w.bytes(kHeadMagic, sizeof kHeadMagic);
    w.u32(kIndexHeadVersion);
    w.u64(head.first_page);
    w.u64(head.end_page);
    if (!record_seal(out.data(), out.size())) {
        out.clear();
    }
    return out;
}

RecordStatus index_record_decode(const std::uint8_t *data, std::size_t len, IndexRecord *out)
{
    RecordReader r(nullptr, 0);
    std::uint32_t version = 0;
    if (!record_open(data, len, kHeadMagic, &version, &r)) {
        return RecordStatus::damaged;
    }
    if (kReadsFormat1 && version == 1) {
        IndexV1 v1;
        RecordStatus status = index_v1_decode(data, len, &v1);
        if (status == RecordStatus::ok) {
            out->version = 1;
            out->v1 = std::move(v1);
        }
        return status;
    }
    if (version > kIndexHeadVersion) {
        return RecordStatus::newer_version;
    }
    IndexHead head;
    if (version != kIndexHeadVersion || !r.u64(&head.first_page) || !r.u64(&head.end_page) || !r.at_end() ||
        head.first_page > head.end_page) {
        return RecordStatus::damaged;
    }
    out->version = kIndexHeadVersion;
    out->head = head;
    return RecordStatus::ok;
}

std::vector<std::uint8_t> index_page_encode(const IndexPage &page)
{
    std::vector<std::uint8_t> out(kPageSize);
    RecordWriter w(out.data());
    w.bytes(kPageMagic, sizeof kPageMagic);
    w.u32(kIndexPageVersion);
    w.u64(page.page);
    w.u32(page.used);
    std::uint8_t bitmap[kBitmapSize] = {};
    for (std::uint32_t slot = 0; slot < kIdsPerPage; ++slot) {
        if (page.live.test(slot)) {
            bitmap[slot / 8] = static_cast<std::uint8_t>(bitmap[slot / 8] | 1u << (slot % 8));
        }
    }
    w.bytes(bitmap, sizeof bitmap);
    if (!record_seal(out.data(), out.size())) {
        out.clear();
    }
    return out;
}

RecordStatus index_page_decode(const std::uint8_t *data, std::size_t len, IndexPage *out)
{
    RecordReader r(nullptr, 0);
    std::uint32_t version = 0;
    if (!record_open(data, len, kPageMagic, &version, &r)) {
        return RecordStatus::damaged;
    }
    if (version > kIndexPageVersion) {
        return RecordStatus::newer_version;
    }
    IndexPage page;
    const std::uint8_t *bitmap = nullptr;
    if (version != kIndexPageVersion || !r.u64(&page.page) || !r.u32(&page.used) || !r.span(kBitmapSize, &bitmap) ||
        !r.at_end() || page.used > kIdsPerPage) {
        return RecordStatus::damaged;
    }
    for (std::uint32_t slot = 0; slot < kIdsPerPage; ++slot) {
        if ((bitmap[slot / 8] >> (slot % 8) & 1u) != 0) {
            if (slot >= page.used) {
                return RecordStatus::damaged; // live, but never handed out
            }
            page.live.set(slot);
        }
    }
    *out = page;
    return RecordStatus::ok;
}

} // namespace p11
