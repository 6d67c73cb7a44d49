/* Format 1 index record encode/decode (see index_v1.h). */
#include "objects/index_v1.h"

#include <utility>

#include "objects/record_seal.h"

namespace p11 {

namespace {
constexpr std::uint8_t kMagic[kRecordMagicSize] = {'P', '1', '1', 'F', 'I', 'N', 'D', 'X'};
constexpr std::uint32_t kVersion = 1;
} // namespace

std::vector<std::uint8_t> index_v1_encode(const IndexV1 &index)
{
    std::size_t size = sizeof kMagic + 4 + 8 + 4 + kRecordChecksumSize;
    for (const std::string &label : index.labels) {
        size += 4 + label.size();
    }
    std::vector<std::uint8_t> out(size);
    RecordWriter w(out.data());
    w.bytes(kMagic, sizeof kMagic);
    w.u32(kVersion);
    w.u64(index.next_id);
    w.u32(static_cast<std::uint32_t>(index.labels.size()));
    for (const std::string &label : index.labels) {
        w.u32(static_cast<std::uint32_t>(label.size()));
        w.bytes(label.data(), label.size());
    }
    if (!record_seal(out.data(), out.size())) {
        out.clear();
    }
    return out;
}

RecordStatus index_v1_decode(const std::uint8_t *data, std::size_t len, IndexV1 *out)
{
    RecordReader r(nullptr, 0);
    std::uint32_t version = 0;
    IndexV1 index;
    std::uint32_t count = 0;
    if (!record_open(data, len, kMagic, &version, &r) || version != kVersion || !r.u64(&index.next_id) ||
        !r.u32(&count)) {
        return RecordStatus::damaged;
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t size = 0;
        const std::uint8_t *label = nullptr;
        if (!r.u32(&size) || !r.span(size, &label)) {
            return RecordStatus::damaged;
        }
        // Written in increasing order (a std::set's), so each label once: a
        // label out of order is damage, not a second copy of an object.
        std::string next(reinterpret_cast<const char *>(label), size);
        if (!index.labels.empty() && !(index.labels.back() < next)) {
            return RecordStatus::damaged;
        }
        index.labels.push_back(std::move(next));
    }
    if (!r.at_end() || index.next_id == 0) {
        return RecordStatus::damaged;
    }
    *out = std::move(index);
    return RecordStatus::ok;
}

} // namespace p11
