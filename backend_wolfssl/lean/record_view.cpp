/* Object records read in place (see record_view.h). */
#include "lean/record_view.h"

#include <cstring>

#include "objects/record_bytes.h"
#include "secrets/gcm_box.h"
#include "wolfcrypt.h"

namespace p11::lean {

namespace {

constexpr std::uint8_t kMagic[8] = {'P', '1', '1', 'F', 'O', 'B', 'J', 'T'};
constexpr std::size_t kChecksumSize = WC_SHA256_DIGEST_SIZE;
constexpr std::uint32_t kVersion = 2;
constexpr std::uint32_t kStoredUlong = 8;
constexpr std::uint8_t kBindingTokenKey = 1;
constexpr std::uint8_t kBindingDeviceKey = 2;

// An 8-byte stored integer at this platform's width: all ones is
// CK_UNAVAILABLE_INFORMATION; anything else wider than CK_ULONG is damage.
bool loaded(std::uint64_t stored, CK_ULONG *out)
{
    if (stored == UINT64_MAX) {
        *out = CK_UNAVAILABLE_INFORMATION;
        return true;
    }
    if (stored > static_cast<CK_ULONG>(-1)) {
        return false;
    }
    *out = static_cast<CK_ULONG>(stored);
    return true;
}

std::uint64_t big_endian(const std::uint8_t *p)
{
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
        v = v << 8 | p[i];
    }
    return v;
}

// CKA_ALLOWED_MECHANISMS elements are little-endian (object_codec.cpp).
std::uint64_t little_endian(const std::uint8_t *p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) {
        v = v << 8 | p[i];
    }
    return v;
}

bool value_ok(CK_ATTRIBUTE_TYPE type, const std::uint8_t *value, std::uint32_t size)
{
    CK_ULONG unused = 0;
    if (stored_as_ulong(type)) {
        return size == kStoredUlong && loaded(big_endian(value), &unused);
    }
    if (stored_as_ulong_array(type)) {
        if (size % kStoredUlong != 0) {
            return false;
        }
        for (std::uint32_t at = 0; at < size; at += kStoredUlong) {
            if (!loaded(little_endian(value + at), &unused)) {
                return false;
            }
        }
    }
    return true;
}

// Walks the list: every entry in range, each type once, integers loadable.
bool list_ok(RecordReader &r, RecordView *view)
{
    const std::uint8_t *start = nullptr;
    if (!r.u32(&view->count)) {
        return false;
    }
    if (!r.span(0, &start)) { // where the list begins; reads nothing
        return false;
    }
    view->list = start;
    for (std::uint32_t i = 0; i < view->count; ++i) {
        std::uint32_t type = 0;
        std::uint32_t size = 0;
        const std::uint8_t *value = nullptr;
        const std::uint8_t *unused = nullptr;
        std::uint32_t unused_len = 0;
        RecordView so_far = *view;
        so_far.count = i;
        if (!r.u32(&type) || !r.u32(&size) || !r.span(size, &value) || !value_ok(type, value, size) ||
            record_find(so_far, type, &unused, &unused_len)) {
            return false;
        }
        so_far.list_len = static_cast<std::size_t>(value + size - start);
        view->list_len = so_far.list_len;
    }
    return true;
}

// A version 2 record never lists a sealed attribute in clear.
bool lists_no_secret(const RecordView &view)
{
    CK_ULONG klass = CK_UNAVAILABLE_INFORMATION;
    CK_ULONG key_type = CK_UNAVAILABLE_INFORMATION;
    (void)record_ulong(view, CKA_CLASS, &klass);
    (void)record_ulong(view, CKA_KEY_TYPE, &key_type);
    RecordReader r(view.list, view.list_len);
    for (std::uint32_t i = 0; i < view.count; ++i) {
        std::uint32_t type = 0;
        std::uint32_t size = 0;
        const std::uint8_t *value = nullptr;
        (void)(r.u32(&type) && r.u32(&size) && r.span(size, &value));
        if (sealed_attribute(klass, key_type, type)) {
            return false;
        }
    }
    return true;
}

} // namespace

bool stored_as_ulong(CK_ATTRIBUTE_TYPE type)
{
    switch (type) {
    case CKA_CLASS:
    case CKA_CERTIFICATE_TYPE:
    case CKA_CERTIFICATE_CATEGORY:
    case CKA_JAVA_MIDP_SECURITY_DOMAIN:
    case CKA_NAME_HASH_ALGORITHM:
    case CKA_KEY_TYPE:
    case CKA_KEY_GEN_MECHANISM:
    case CKA_MODULUS_BITS:
    case CKA_VALUE_LEN:
        return true;
    default:
        return false;
    }
}

bool stored_as_ulong_array(CK_ATTRIBUTE_TYPE type)
{
    return type == CKA_ALLOWED_MECHANISMS;
}

bool attribute_is_bool(CK_ATTRIBUTE_TYPE type)
{
    switch (type) {
    case CKA_TOKEN:
    case CKA_PRIVATE:
    case CKA_MODIFIABLE:
    case CKA_COPYABLE:
    case CKA_DESTROYABLE:
    case CKA_TRUSTED:
    case CKA_SENSITIVE:
    case CKA_ENCRYPT:
    case CKA_DECRYPT:
    case CKA_WRAP:
    case CKA_UNWRAP:
    case CKA_SIGN:
    case CKA_SIGN_RECOVER:
    case CKA_VERIFY:
    case CKA_VERIFY_RECOVER:
    case CKA_DERIVE:
    case CKA_EXTRACTABLE:
    case CKA_LOCAL:
    case CKA_NEVER_EXTRACTABLE:
    case CKA_ALWAYS_SENSITIVE:
    case CKA_ALWAYS_AUTHENTICATE:
    case CKA_WRAP_WITH_TRUSTED:
        return true;
    default:
        return false;
    }
}

bool sealed_attribute(CK_OBJECT_CLASS klass, CK_KEY_TYPE key_type, CK_ATTRIBUTE_TYPE type)
{
    if (klass == CKO_PRIVATE_KEY && key_type == CKK_EC) {
        return type == CKA_VALUE;
    }
    if (klass == CKO_PRIVATE_KEY && key_type == CKK_RSA) {
        return type == CKA_PRIVATE_EXPONENT || type == CKA_PRIME_1 || type == CKA_PRIME_2 ||
               type == CKA_EXPONENT_1 || type == CKA_EXPONENT_2 || type == CKA_COEFFICIENT;
    }
    return klass == CKO_SECRET_KEY && key_type == CKK_GENERIC_SECRET && type == CKA_VALUE;
}

RecordStatus record_view_open(const std::uint8_t *data, std::size_t len, RecordView *out)
{
    if (data == nullptr || len < sizeof kMagic + 4 + kChecksumSize || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
        return RecordStatus::damaged;
    }
    const std::size_t covered = len - kChecksumSize;
    std::uint8_t checksum[kChecksumSize];
    if (wc_Sha256Hash(data, static_cast<word32>(covered), checksum) != 0 ||
        std::memcmp(checksum, data + covered, kChecksumSize) != 0) {
        return RecordStatus::damaged;
    }
    RecordReader r(data + sizeof kMagic, covered - sizeof kMagic);
    std::uint32_t version = 0;
    (void)r.u32(&version);
    if (version > kVersion) {
        return RecordStatus::newer_version;
    }
    RecordView view;
    const std::uint8_t *binding = nullptr;
    std::uint32_t box_len = 0;
    const std::uint8_t *box = nullptr;
    if (version != kVersion || !list_ok(r, &view) || !lists_no_secret(view) || !r.span(1, &binding) ||
        !r.u32(&box_len) || !r.span(box_len, &box) || !r.at_end()) {
        return RecordStatus::damaged;
    }
    view.binding = *binding;
    view.record = data;
    view.box = box;
    view.box_len = box_len;
    const bool none = view.binding == 0;
    if (view.binding > kBindingDeviceKey || none != (box_len == 0) || (!none && box_len <= kBoxOverhead + 4) ||
        (view.binding == kBindingTokenKey && !record_bool(view, CKA_PRIVATE, true))) {
        return RecordStatus::damaged;
    }
    *out = view;
    return RecordStatus::ok;
}

bool secret_list_open(const std::uint8_t *plain, std::size_t len, RecordView *out)
{
    RecordReader r(plain, len);
    RecordView view;
    if (!list_ok(r, &view) || !r.at_end()) {
        return false;
    }
    *out = view;
    return true;
}

bool record_find(const RecordView &view, CK_ATTRIBUTE_TYPE type, const std::uint8_t **value, std::uint32_t *len)
{
    RecordReader r(view.list, view.list_len);
    for (std::uint32_t i = 0; i < view.count; ++i) {
        std::uint32_t stored_type = 0;
        std::uint32_t size = 0;
        const std::uint8_t *at = nullptr;
        if (!r.u32(&stored_type) || !r.u32(&size) || !r.span(size, &at)) {
            return false;
        }
        if (stored_type == type) {
            *value = at;
            *len = size;
            return true;
        }
    }
    return false;
}

bool record_ulong(const RecordView &view, CK_ATTRIBUTE_TYPE type, CK_ULONG *out)
{
    const std::uint8_t *value = nullptr;
    std::uint32_t len = 0;
    return stored_as_ulong(type) && record_find(view, type, &value, &len) && len == kStoredUlong &&
           loaded(big_endian(value), out);
}

bool record_bool(const RecordView &view, CK_ATTRIBUTE_TYPE type, bool fallback)
{
    const std::uint8_t *value = nullptr;
    std::uint32_t len = 0;
    if (!record_find(view, type, &value, &len) || len != sizeof(CK_BBOOL)) {
        return fallback;
    }
    return value[0] != CK_FALSE;
}

std::size_t host_size(CK_ATTRIBUTE_TYPE type, std::uint32_t stored_len)
{
    if (stored_as_ulong(type) || stored_as_ulong_array(type)) {
        return stored_len / kStoredUlong * sizeof(CK_ULONG);
    }
    return stored_len;
}

void host_copy(CK_ATTRIBUTE_TYPE type, const std::uint8_t *stored, std::uint32_t stored_len, std::uint8_t *out)
{
    if (!stored_as_ulong(type) && !stored_as_ulong_array(type)) {
        if (stored_len != 0) {
            std::memcpy(out, stored, stored_len);
        }
        return;
    }
    for (std::uint32_t at = 0; at < stored_len; at += kStoredUlong) {
        CK_ULONG value = 0;
        (void)loaded(stored_as_ulong(type) ? big_endian(stored + at) : little_endian(stored + at), &value);
        std::memcpy(out + at / kStoredUlong * sizeof value, &value, sizeof value);
    }
}

bool stored_ulongs_contain(const std::uint8_t *stored, std::uint32_t stored_len, CK_ULONG value)
{
    for (std::uint32_t at = 0; at + kStoredUlong <= stored_len; at += kStoredUlong) {
        CK_ULONG element = 0;
        if (loaded(little_endian(stored + at), &element) && element == value) {
            return true;
        }
    }
    return false;
}

bool host_equal(CK_ATTRIBUTE_TYPE type, const std::uint8_t *stored, std::uint32_t stored_len, const void *value,
                CK_ULONG len)
{
    if (host_size(type, stored_len) != len) {
        return false;
    }
    if (!stored_as_ulong(type) && !stored_as_ulong_array(type)) {
        return len == 0 || std::memcmp(stored, value, len) == 0;
    }
    const auto *given = static_cast<const std::uint8_t *>(value);
    for (std::uint32_t at = 0; at < stored_len; at += kStoredUlong) {
        std::uint8_t host[sizeof(CK_ULONG)];
        host_copy(type, stored + at, kStoredUlong, host);
        if (std::memcmp(host, given + at / kStoredUlong * sizeof(CK_ULONG), sizeof host) != 0) {
            return false;
        }
    }
    return true;
}

} // namespace p11::lean
