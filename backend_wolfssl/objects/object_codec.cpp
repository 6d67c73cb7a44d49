/* Token object records: encode, and a decode that trusts nothing. */
#include "objects/object_codec.h"

#include <climits>
#include <cstring>

#include "objects/attribute_rules.h"
#include "objects/record_bytes.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {

constexpr std::uint8_t kMagic[8] = {'P', '1', '1', 'F', 'O', 'B', 'J', 'T'};
constexpr std::size_t kHeaderSize = sizeof kMagic + 4 + 4;
constexpr std::size_t kChecksumSize = WC_SHA256_DIGEST_SIZE;
constexpr std::size_t kUlongSize = 8;

std::size_t stored_value_size(const Attribute &attribute)
{
    return attribute_is_ulong(attribute.type) && attribute.value.size() == sizeof(CK_ULONG) ? kUlongSize
                                                                                            : attribute.value.size();
}

} // namespace

std::size_t object_record_size(const AttributeSet &attrs)
{
    std::size_t size = kHeaderSize + kChecksumSize;
    for (const Attribute &attribute : attrs.items()) {
        size += 8 + stored_value_size(attribute);
    }
    return size;
}

void object_record_encode(const AttributeSet &attrs, Bytes *out)
{
    out->assign(object_record_size(attrs), 0);
    RecordWriter w(out->data());
    w.bytes(kMagic, sizeof kMagic);
    w.u32(kObjectRecordVersion);
    w.u32(static_cast<std::uint32_t>(attrs.size()));
    for (const Attribute &attribute : attrs.items()) {
        w.u32(static_cast<std::uint32_t>(attribute.type));
        const std::size_t size = stored_value_size(attribute);
        w.u32(static_cast<std::uint32_t>(size));
        if (size == kUlongSize && attribute_is_ulong(attribute.type)) {
            CK_ULONG value = 0;
            std::memcpy(&value, attribute.value.data(), sizeof value);
            w.u64(value);
        } else {
            w.bytes(attribute.value.data(), size);
        }
    }
    const std::size_t covered = out->size() - kChecksumSize;
    (void)wc_Sha256Hash(out->data(), static_cast<word32>(covered), out->data() + covered);
}

RecordStatus object_record_decode(const std::uint8_t *data, std::size_t len, AttributeSet *out)
{
    if (data == nullptr || len < kHeaderSize + kChecksumSize || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
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
    std::uint32_t count = 0;
    if (!r.u32(&version) || !r.u32(&count)) {
        return RecordStatus::damaged;
    }
    if (version > kObjectRecordVersion) {
        return RecordStatus::newer_version;
    }
    if (version != kObjectRecordVersion) {
        return RecordStatus::damaged;
    }
    AttributeSet attrs;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t type = 0;
        std::uint32_t size = 0;
        const std::uint8_t *value = nullptr;
        if (!r.u32(&type) || !r.u32(&size) || !r.span(size, &value) || attrs.has(type)) {
            return RecordStatus::damaged;
        }
        if (attribute_is_ulong(type)) {
            std::uint64_t wide = 0;
            RecordReader v(value, size);
            if (size != kUlongSize || !v.u64(&wide) || wide > ULONG_MAX) {
                return RecordStatus::damaged;
            }
            attrs.set_ulong(type, static_cast<CK_ULONG>(wide));
        } else {
            attrs.set(type, value, size);
        }
    }
    if (!r.at_end()) {
        return RecordStatus::damaged;
    }
    *out = std::move(attrs);
    return RecordStatus::ok;
}

} // namespace p11
