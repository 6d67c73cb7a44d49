/* Token object records: encode with the secrets sealed, and a decode that
 * trusts nothing (format: object_codec.h). */
#include "objects/object_codec.h"

#include <cstring>

#include "objects/attribute_rules.h"
#include "objects/record_bytes.h"
#include "objects/stored_ulong.h"
#include "p11_profile.h"
#include "secrets/gcm_box.h"
#include "secure_wipe.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {

constexpr std::uint8_t kMagic[8] = {'P', '1', '1', 'F', 'O', 'B', 'J', 'T'};
constexpr std::size_t kHeaderSize = sizeof kMagic + 4 + 4;
constexpr std::size_t kBindingSize = 1 + 4; // binding u8 | box length u32
constexpr std::size_t kChecksumSize = WC_SHA256_DIGEST_SIZE;
constexpr std::size_t kUlongSize = 8;

// CKA_ALLOWED_MECHANISMS is an array of CK_ULONG: 8 bytes per element on
// disk, little-endian (what a 64-bit little-endian host always wrote), so the
// record reads the same on a 32-bit device.
bool is_ulong_array(CK_ATTRIBUTE_TYPE type)
{
    return type == CKA_ALLOWED_MECHANISMS;
}

std::size_t stored_value_size(const Attribute &attribute)
{
    if (attribute_is_ulong(attribute.type) && attribute.value.size() == sizeof(CK_ULONG)) {
        return kUlongSize;
    }
    if (is_ulong_array(attribute.type) && attribute.value.size() % sizeof(CK_ULONG) == 0) {
        return attribute.value.size() / sizeof(CK_ULONG) * kUlongSize;
    }
    return attribute.value.size();
}

void write_ulong_array(const Attribute &attribute, RecordWriter &w)
{
    for (std::size_t at = 0; at < attribute.value.size(); at += sizeof(CK_ULONG)) {
        CK_ULONG value = 0;
        std::memcpy(&value, attribute.value.data() + at, sizeof value);
        std::uint64_t stored = stored_ulong(value);
        std::uint8_t bytes[kUlongSize];
        for (std::size_t i = 0; i < kUlongSize; ++i) {
            bytes[i] = static_cast<std::uint8_t>(stored >> (8 * i));
        }
        w.bytes(bytes, sizeof bytes);
    }
}

bool read_ulong_array(CK_ATTRIBUTE_TYPE type, const std::uint8_t *value, std::size_t size, AttributeSet *attrs)
{
    if (size % kUlongSize != 0) {
        return false;
    }
    Bytes host(size / kUlongSize * sizeof(CK_ULONG), 0);
    for (std::size_t at = 0; at < size; at += kUlongSize) {
        std::uint64_t stored = 0;
        for (std::size_t i = 0; i < kUlongSize; ++i) {
            stored |= static_cast<std::uint64_t>(value[at + i]) << (8 * i);
        }
        CK_ULONG element = 0;
        if (!loaded_ulong(stored, &element)) {
            return false;
        }
        std::memcpy(host.data() + at / kUlongSize * sizeof(CK_ULONG), &element, sizeof element);
    }
    attrs->set(type, host.data(), host.size());
    return true;
}

// The list's size: its count and entries.
std::size_t list_size(const AttributeSet &attrs, bool secret)
{
    std::size_t size = 4;
    for (const Attribute &attribute : attrs.items()) {
        if (attribute_secret(attrs, attribute.type) == secret) {
            size += 8 + stored_value_size(attribute);
        }
    }
    return size;
}

// Writes the public (secret false) or the secret attributes as a list.
void write_list(const AttributeSet &attrs, bool secret, RecordWriter &w)
{
    std::uint32_t count = 0;
    for (const Attribute &attribute : attrs.items()) {
        count += attribute_secret(attrs, attribute.type) == secret ? 1 : 0;
    }
    w.u32(count);
    for (const Attribute &attribute : attrs.items()) {
        if (attribute_secret(attrs, attribute.type) != secret) {
            continue;
        }
        w.u32(static_cast<std::uint32_t>(attribute.type));
        const std::size_t size = stored_value_size(attribute);
        w.u32(static_cast<std::uint32_t>(size));
        if (size == kUlongSize && attribute_is_ulong(attribute.type) && attribute.value.size() == sizeof(CK_ULONG)) {
            CK_ULONG value = 0;
            std::memcpy(&value, attribute.value.data(), sizeof value);
            w.u64(stored_ulong(value));
        } else if (is_ulong_array(attribute.type) && attribute.value.size() % sizeof(CK_ULONG) == 0) {
            write_ulong_array(attribute, w);
        } else {
            w.bytes(attribute.value.data(), size);
        }
    }
}

// Reads a list into *attrs; false when malformed (a repeat, a bad ulong).
bool read_list(RecordReader &r, AttributeSet *attrs)
{
    std::uint32_t count = 0;
    if (!r.u32(&count)) {
        return false;
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t type = 0;
        std::uint32_t size = 0;
        const std::uint8_t *value = nullptr;
        if (!r.u32(&type) || !r.u32(&size) || !r.span(size, &value) || attrs->has(type)) {
            return false;
        }
        if (attribute_is_ulong(type)) {
            std::uint64_t wide = 0;
            CK_ULONG host = 0;
            RecordReader v(value, size);
            if (size != kUlongSize || !v.u64(&wide) || !loaded_ulong(wide, &host)) {
                return false;
            }
            attrs->set_ulong(type, host);
        } else if (is_ulong_array(type)) {
            if (!read_ulong_array(type, value, size, attrs)) {
                return false;
            }
        } else {
            attrs->set(type, value, size);
        }
    }
    return true;
}

bool has_secret(const AttributeSet &attrs)
{
    for (const Attribute &attribute : attrs.items()) {
        if (attribute_secret(attrs, attribute.type)) {
            return true;
        }
    }
    return false;
}

const SecretKey *key_for(SecretBinding binding, const SealKeys &keys)
{
    return binding == SecretBinding::token_key ? keys.token : keys.device;
}

// The secret list of a box opened into plain: added to *attrs.
bool read_secret_list(const std::uint8_t *plain, std::size_t len, AttributeSet *attrs)
{
    RecordReader r(plain, len);
    AttributeSet secrets;
    if (!read_list(r, &secrets) || !r.at_end()) {
        return false;
    }
    for (const Attribute &attribute : secrets.items()) {
        if (attrs->has(attribute.type) || !attribute_secret(*attrs, attribute.type)) {
            return false; // a secret repeated in clear, or a box holding a public attribute
        }
        attrs->set(attribute.type, attribute.value.data(), attribute.value.size());
    }
    return true;
}

RecordStatus decode_v1(RecordReader &r, AttributeSet *out, SecretsState *secrets)
{
    AttributeSet attrs;
    if (!read_list(r, &attrs) || !r.at_end()) {
        return RecordStatus::damaged;
    }
    *secrets = has_secret(attrs) ? SecretsState::legacy_clear : SecretsState::none;
    *out = std::move(attrs);
    return RecordStatus::ok;
}

} // namespace

SecretBinding secret_binding(const AttributeSet &attrs)
{
    if (!has_secret(attrs)) {
        return SecretBinding::none;
    }
    // A key usable without a login cannot wait for the PIN's key.
    const bool pin_bound = p11_active_profile.secret_binding == P11_SECRETS_PIN && attrs.bool_or(CKA_PRIVATE, true);
    return pin_bound ? SecretBinding::token_key : SecretBinding::device_key;
}

std::size_t object_record_size(const AttributeSet &attrs)
{
    std::size_t size = kHeaderSize - 4 + list_size(attrs, false) + kBindingSize + kChecksumSize;
    if (has_secret(attrs)) {
        size += list_size(attrs, true) + kBoxOverhead;
    }
    return size;
}

CK_RV object_record_encode(const AttributeSet &attrs, const SealKeys &keys, WC_RNG &rng, Bytes *out)
{
    const SecretBinding binding = secret_binding(attrs);
    const SecretKey *key = key_for(binding, keys);
    if (binding != SecretBinding::none && key == nullptr) {
        return binding == SecretBinding::token_key ? CKR_USER_NOT_LOGGED_IN : CKR_DEVICE_ERROR;
    }
    Bytes record(object_record_size(attrs), 0);
    RecordWriter w(record.data());
    w.bytes(kMagic, sizeof kMagic);
    w.u32(kObjectRecordVersion);
    write_list(attrs, false, w);
    w.bytes(&binding, 1);
    const std::size_t plain_len = binding == SecretBinding::none ? 0 : list_size(attrs, true);
    const std::size_t box_len = binding == SecretBinding::none ? 0 : plain_len + kBoxOverhead;
    w.u32(static_cast<std::uint32_t>(box_len));
    const std::size_t box_at = record.size() - kChecksumSize - box_len;
    if (binding != SecretBinding::none) {
        Bytes plain(plain_len, 0);
        RecordWriter pw(plain.data());
        write_list(attrs, true, pw);
        if (!box_seal(key->bytes, rng, record.data(), box_at, plain.data(), plain.size(), record.data() + box_at)) {
            return CKR_FUNCTION_FAILED;
        }
    }
    const std::size_t covered = record.size() - kChecksumSize;
    if (wc_Sha256Hash(record.data(), static_cast<word32>(covered), record.data() + covered) != 0) {
        return CKR_FUNCTION_FAILED;
    }
    *out = std::move(record);
    return CKR_OK;
}

RecordStatus object_record_decode(const std::uint8_t *data, std::size_t len, const SealKeys &keys,
                                  AttributeSet *out, SecretsState *secrets)
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
    if (!r.u32(&version)) {
        return RecordStatus::damaged;
    }
    if (version > kObjectRecordVersion) {
        return RecordStatus::newer_version;
    }
    if (kReadsFormat1 && version == 1) {
        return decode_v1(r, out, secrets);
    }
    if (version != kObjectRecordVersion) {
        return RecordStatus::damaged;
    }
    AttributeSet attrs;
    const std::uint8_t *binding_byte = nullptr;
    std::uint32_t box_len = 0;
    const std::uint8_t *box = nullptr;
    if (!read_list(r, &attrs) || has_secret(attrs) || !r.span(1, &binding_byte) || !r.u32(&box_len) ||
        !r.span(box_len, &box) || !r.at_end()) {
        return RecordStatus::damaged; // a version 2 record never lists a secret in clear
    }
    const auto binding = static_cast<SecretBinding>(*binding_byte);
    const bool none = binding == SecretBinding::none;
    // Either binding may be read whatever this profile writes (modules of two
    // profiles may share a store), but a key sealed under the token key must
    // be private: it stays invisible until the login that opens it.
    if (*binding_byte > 2 || none != (box_len == 0) || (!none && box_len <= kBoxOverhead + 4) ||
        (binding == SecretBinding::token_key && !attrs.bool_or(CKA_PRIVATE, true))) {
        return RecordStatus::damaged;
    }
    SecretsState state = SecretsState::none;
    if (!none) {
        const SecretKey *key = key_for(binding, keys);
        if (key == nullptr && binding == SecretBinding::token_key) {
            state = SecretsState::sealed; // opened at the user's login
        } else {
            Bytes plain(box_len - kBoxOverhead, 0);
            if (key == nullptr ||
                !box_open(key->bytes, data, static_cast<std::size_t>(box - data), box, box_len, plain.data())) {
                return RecordStatus::unopened;
            }
            if (!read_secret_list(plain.data(), plain.size(), &attrs)) {
                return RecordStatus::damaged;
            }
            state = SecretsState::opened;
        }
    }
    *out = std::move(attrs);
    *secrets = state;
    return RecordStatus::ok;
}

} // namespace p11
