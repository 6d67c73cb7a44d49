/* Index record encode/decode (format: storage_index.h). */
#include "objects/storage_index.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "objects/record_bytes.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {
constexpr std::uint8_t kMagic[8] = {'P', '1', '1', 'F', 'I', 'N', 'D', 'X'};
constexpr std::size_t kChecksumSize = WC_SHA256_DIGEST_SIZE;
} // namespace

std::string object_record_label(std::uint64_t id)
{
    char text[40];
    std::snprintf(text, sizeof text, "p11forge obj %08" PRIx64, id);
    return text;
}

std::vector<std::uint8_t> storage_index_encode(const StorageIndex &index)
{
    std::size_t size = sizeof kMagic + 4 + 8 + 4 + kChecksumSize;
    for (const std::string &label : index.labels) {
        size += 4 + label.size();
    }
    std::vector<std::uint8_t> out(size);
    RecordWriter w(out.data());
    w.bytes(kMagic, sizeof kMagic);
    w.u32(kIndexRecordVersion);
    w.u64(index.next_id);
    w.u32(static_cast<std::uint32_t>(index.labels.size()));
    for (const std::string &label : index.labels) {
        w.u32(static_cast<std::uint32_t>(label.size()));
        w.bytes(label.data(), label.size());
    }
    const std::size_t covered = size - kChecksumSize;
    (void)wc_Sha256Hash(out.data(), static_cast<word32>(covered), out.data() + covered);
    return out;
}

RecordStatus storage_index_decode(const std::uint8_t *data, std::size_t len, StorageIndex *out)
{
    if (data == nullptr || len < sizeof kMagic + kChecksumSize || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
        return RecordStatus::damaged;
    }
    std::uint8_t checksum[kChecksumSize];
    const std::size_t covered = len - kChecksumSize;
    if (wc_Sha256Hash(data, static_cast<word32>(covered), checksum) != 0 ||
        std::memcmp(checksum, data + covered, kChecksumSize) != 0) {
        return RecordStatus::damaged;
    }
    RecordReader r(data + sizeof kMagic, covered - sizeof kMagic);
    std::uint32_t version = 0;
    if (!r.u32(&version)) {
        return RecordStatus::damaged;
    }
    if (version > kIndexRecordVersion) {
        return RecordStatus::newer_version;
    }
    StorageIndex index;
    std::uint32_t count = 0;
    if (version != kIndexRecordVersion || !r.u64(&index.next_id) || !r.u32(&count)) {
        return RecordStatus::damaged;
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t size = 0;
        const std::uint8_t *label = nullptr;
        if (!r.u32(&size) || !r.span(size, &label)) {
            return RecordStatus::damaged;
        }
        index.labels.emplace(reinterpret_cast<const char *>(label), size);
    }
    if (!r.at_end()) {
        return RecordStatus::damaged;
    }
    *out = std::move(index);
    return RecordStatus::ok;
}

} // namespace p11
