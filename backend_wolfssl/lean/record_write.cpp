/* Encoding an object record (see record_write.h). */
#include "lean/record_write.h"

#include <cstring>

#include "lean/record_view.h"
#include "objects/record_bytes.h"
#include "objects/stored_ulong.h"
#include "p11_port.h"
#include "secure_wipe.h"

namespace p11::lean {

namespace {

constexpr std::uint8_t kMagic[8] = {'P', '1', '1', 'F', 'O', 'B', 'J', 'T'};
constexpr std::uint32_t kVersion = 2;
constexpr std::uint8_t kBindingNone = 0;
constexpr std::uint8_t kBindingDeviceKey = 2;
constexpr std::size_t kStoredUlong = 8;
constexpr std::size_t kChecksumSize = WC_SHA256_DIGEST_SIZE;
constexpr std::size_t kNotStorable = static_cast<std::size_t>(-1);

// The stored length of one value; kNotStorable when its form is wrong.
std::size_t stored_size(const CK_ATTRIBUTE &attribute)
{
    if (attribute.ulValueLen != 0 && attribute.pValue == nullptr) {
        return kNotStorable;
    }
    if (stored_as_ulong(attribute.type)) {
        return attribute.ulValueLen == sizeof(CK_ULONG) ? kStoredUlong : kNotStorable;
    }
    if (stored_as_ulong_array(attribute.type)) {
        return attribute.ulValueLen % sizeof(CK_ULONG) == 0 ? attribute.ulValueLen / sizeof(CK_ULONG) * kStoredUlong
                                                            : kNotStorable;
    }
    return attribute.ulValueLen;
}

// count u32 | (type u32 | length u32 | value)*; kNotStorable as above.
std::size_t list_size(const CK_ATTRIBUTE *attrs, CK_ULONG count)
{
    std::size_t size = 4;
    for (CK_ULONG i = 0; i < count; ++i) {
        const std::size_t value = stored_size(attrs[i]);
        if (value == kNotStorable || value > UINT32_MAX - size) {
            return kNotStorable;
        }
        size += 8 + value;
    }
    return size;
}

CK_ULONG ulong_at(const CK_ATTRIBUTE &attribute, std::size_t index)
{
    CK_ULONG value = 0;
    std::memcpy(&value, static_cast<const std::uint8_t *>(attribute.pValue) + index * sizeof value, sizeof value);
    return value;
}

void write_list(const CK_ATTRIBUTE *attrs, CK_ULONG count, RecordWriter &w)
{
    w.u32(static_cast<std::uint32_t>(count));
    for (CK_ULONG i = 0; i < count; ++i) {
        const CK_ATTRIBUTE &attribute = attrs[i];
        const std::size_t size = stored_size(attribute);
        w.u32(static_cast<std::uint32_t>(attribute.type));
        w.u32(static_cast<std::uint32_t>(size));
        if (stored_as_ulong(attribute.type)) {
            w.u64(stored_ulong(ulong_at(attribute, 0)));
        } else if (stored_as_ulong_array(attribute.type)) {
            // Little-endian elements: what a 64-bit little-endian host always wrote.
            for (std::size_t e = 0; e < size / kStoredUlong; ++e) {
                const std::uint64_t stored = stored_ulong(ulong_at(attribute, e));
                std::uint8_t bytes[kStoredUlong];
                for (std::size_t b = 0; b < kStoredUlong; ++b) {
                    bytes[b] = static_cast<std::uint8_t>(stored >> (8 * b));
                }
                w.bytes(bytes, sizeof bytes);
            }
        } else {
            w.bytes(attribute.pValue, size);
        }
    }
}

} // namespace

std::size_t record_encoded_size(const RecordParts &parts)
{
    const std::size_t list = list_size(parts.attrs, parts.count);
    const std::size_t secrets = parts.secret_count == 0 ? 0 : list_size(parts.secrets, parts.secret_count);
    if (list == kNotStorable || secrets == kNotStorable) {
        return 0;
    }
    const std::size_t box = secrets == 0 ? 0 : secrets + kBoxOverhead;
    const std::size_t total = sizeof kMagic + 4 + list + 1 + 4 + box + kChecksumSize;
    return total > UINT32_MAX ? 0 : total;
}

CK_RV record_encode(const RecordParts &parts, const std::uint8_t (*box_key)[kBoxKeySize], WC_RNG *rng,
                    std::uint8_t *out)
{
    const std::size_t size = record_encoded_size(parts);
    const bool boxed = parts.secret_count != 0;
    if (size == 0 || (boxed && (box_key == nullptr || rng == nullptr))) {
        return CKR_GENERAL_ERROR;
    }
    RecordWriter w(out);
    w.bytes(kMagic, sizeof kMagic);
    w.u32(kVersion);
    write_list(parts.attrs, parts.count, w);
    const std::size_t plain_len = boxed ? list_size(parts.secrets, parts.secret_count) : 0;
    const std::size_t box_len = boxed ? plain_len + kBoxOverhead : 0;
    const std::uint8_t binding = boxed ? kBindingDeviceKey : kBindingNone;
    w.bytes(&binding, 1);
    w.u32(static_cast<std::uint32_t>(box_len));
    const std::size_t box_at = size - kChecksumSize - box_len;
    if (boxed) {
        auto *plain = static_cast<std::uint8_t *>(p11_port_malloc(plain_len));
        if (plain == nullptr) {
            return CKR_HOST_MEMORY;
        }
        RecordWriter pw(plain);
        write_list(parts.secrets, parts.secret_count, pw);
        const bool sealed = box_seal(*box_key, *rng, out, box_at, plain, plain_len, out + box_at);
        secure_wipe(plain, plain_len);
        p11_port_free(plain);
        if (!sealed) {
            return CKR_FUNCTION_FAILED;
        }
    }
    const std::size_t covered = size - kChecksumSize;
    return wc_Sha256Hash(out, static_cast<word32>(covered), out + covered) == 0 ? CKR_OK : CKR_FUNCTION_FAILED;
}

} // namespace p11::lean
