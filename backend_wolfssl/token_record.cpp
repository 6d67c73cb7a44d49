/* Token record encode/decode with a SHA-256 checksum (format: token_record.h). */
#include "token_record.h"

#include <cstring>

#include "secure_wipe.h"
#include "wolfcrypt.h"

namespace p11 {

namespace {

constexpr std::uint8_t kMagic[8] = {'P', '1', '1', 'F', 'T', 'O', 'K', 'N'};
constexpr std::size_t kHeaderSize = sizeof kMagic + 4 + 4;
constexpr std::size_t kVerifierSize = 1 + 3 + 4 + kPinSaltSize + kPinHashSize;
constexpr std::size_t kBodySizeV1 =
    4 + kTokenLabelSize + kSerialSeedSize + 2 * kVerifierSize + 4 + 4;
constexpr std::size_t kWrapSize = 4 + kKeyWrapBoxSize;
constexpr std::size_t kBodySizeV2 = kBodySizeV1 + 3 * kWrapSize + 4 + kTokenKeySize + 8;
constexpr std::size_t kChecksumSize = WC_SHA256_DIGEST_SIZE;

constexpr std::uint32_t kFlagTokenInitialized = 1u << 0;
constexpr std::uint32_t kFlagUserPinInitialized = 1u << 1;
constexpr std::uint32_t kFlagUserPinToBeChanged = 1u << 2;
constexpr std::uint32_t kFlagSoPinToBeChanged = 1u << 3;
constexpr std::uint32_t kKnownFlags =
    kFlagTokenInitialized | kFlagUserPinInitialized | kFlagUserPinToBeChanged | kFlagSoPinToBeChanged;

class Writer {
public:
    explicit Writer(std::uint8_t *out) : p_(out) {}
    void u8(std::uint8_t v) { *p_++ = v; }
    void u32(std::uint32_t v)
    {
        for (int shift = 24; shift >= 0; shift -= 8) {
            *p_++ = static_cast<std::uint8_t>(v >> shift);
        }
    }
    void bytes(const std::uint8_t *data, std::size_t len)
    {
        std::memcpy(p_, data, len);
        p_ += len;
    }
    void verifier(const PinVerifier &v)
    {
        u8(v.present ? 1 : 0);
        u8(static_cast<std::uint8_t>(v.format));
        u8(0);
        u8(0);
        u32(v.iterations);
        bytes(v.salt, sizeof v.salt);
        bytes(v.hash, sizeof v.hash);
    }

    void wrap(const KeyWrap &k)
    {
        u8(k.present ? 1 : 0);
        u8(0);
        u8(0);
        u8(0);
        bytes(k.box, sizeof k.box);
    }

private:
    std::uint8_t *p_;
};

class Reader {
public:
    explicit Reader(const std::uint8_t *in) : p_(in) {}
    std::uint8_t u8() { return *p_++; }
    std::uint32_t u32()
    {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            v = (v << 8) | *p_++;
        }
        return v;
    }
    void bytes(std::uint8_t *out, std::size_t len)
    {
        std::memcpy(out, p_, len);
        p_ += len;
    }
    // Version 1 knew only format 0 (the byte was padding).
    bool verifier(PinVerifier *v, std::uint32_t version)
    {
        std::uint8_t present = u8();
        std::uint8_t format = u8();
        std::uint8_t pad = static_cast<std::uint8_t>(u8() | u8());
        v->iterations = u32();
        bytes(v->salt, sizeof v->salt);
        bytes(v->hash, sizeof v->hash);
        v->present = present == 1;
        v->format = format == 1 ? VerifierFormat::keyed : VerifierFormat::legacy;
        if (present > 1 || pad != 0 || format > (version >= 2 ? 1 : 0)) {
            return false;
        }
        return !v->present || (v->iterations > 0 && v->iterations <= kPinMaxIterations);
    }
    bool wrap(KeyWrap *k)
    {
        std::uint8_t present = u8();
        std::uint8_t pad = static_cast<std::uint8_t>(u8() | u8() | u8());
        bytes(k->box, sizeof k->box);
        k->present = present == 1;
        return present <= 1 && pad == 0;
    }

private:
    const std::uint8_t *p_;
};

} // namespace

static_assert(kHeaderSize + kBodySizeV2 + kChecksumSize == kTokenRecordSize, "token_record.h's size is the encoder's");

std::size_t token_record_size()
{
    return kHeaderSize + kBodySizeV2 + kChecksumSize;
}

bool token_record_encode(const TokenRecord &record, std::uint8_t *out)
{
    Writer w(out);
    w.bytes(kMagic, sizeof kMagic);
    w.u32(kTokenRecordVersion);
    w.u32(static_cast<std::uint32_t>(kBodySizeV2));
    std::uint32_t flags = 0;
    if (record.token_initialized) {
        flags |= kFlagTokenInitialized;
    }
    if (record.user_pin_initialized) {
        flags |= kFlagUserPinInitialized;
    }
    if (record.user_pin_to_be_changed) {
        flags |= kFlagUserPinToBeChanged;
    }
    if (record.so_pin_to_be_changed) {
        flags |= kFlagSoPinToBeChanged;
    }
    w.u32(flags);
    w.bytes(record.label, sizeof record.label);
    w.bytes(record.serial_seed, sizeof record.serial_seed);
    w.verifier(record.so_pin);
    w.verifier(record.user_pin);
    w.u32(record.so_failures);
    w.u32(record.user_failures);
    w.wrap(record.so_wrap);
    w.wrap(record.user_wrap);
    w.wrap(record.escrow_wrap);
    w.u8(record.store_key_present ? 1 : 0);
    w.u8(0);
    w.u8(0);
    w.u8(0);
    w.bytes(record.store_key, sizeof record.store_key);
    w.bytes(record.instance, sizeof record.instance);
    std::size_t covered = kHeaderSize + kBodySizeV2;
    return wc_Sha256Hash(out, static_cast<word32>(covered), out + covered) == 0;
}

RecordStatus token_record_decode(const std::uint8_t *data, std::size_t len, TokenRecord *out)
{
    if (data == nullptr || len < kHeaderSize + kChecksumSize ||
        std::memcmp(data, kMagic, sizeof kMagic) != 0) {
        return RecordStatus::damaged;
    }
    Reader header(data + sizeof kMagic);
    std::uint32_t version = header.u32();
    std::uint32_t body_len = header.u32();
    if (body_len != len - kHeaderSize - kChecksumSize) {
        return RecordStatus::damaged;
    }
    std::uint8_t checksum[kChecksumSize];
    std::size_t covered = kHeaderSize + body_len;
    if (wc_Sha256Hash(data, static_cast<word32>(covered), checksum) != 0 ||
        std::memcmp(checksum, data + covered, kChecksumSize) != 0) {
        return RecordStatus::damaged;
    }
    if (version > kTokenRecordVersion) {
        return RecordStatus::newer_version;
    }
    const bool v1 = version == 1 && body_len == kBodySizeV1;
    if (!v1 && !(version == 2 && body_len == kBodySizeV2)) {
        return RecordStatus::damaged;
    }

    TokenRecord record;
    Reader r(data + kHeaderSize);
    std::uint32_t flags = r.u32();
    record.token_initialized = (flags & kFlagTokenInitialized) != 0;
    record.user_pin_initialized = (flags & kFlagUserPinInitialized) != 0;
    record.user_pin_to_be_changed = (flags & kFlagUserPinToBeChanged) != 0;
    record.so_pin_to_be_changed = (flags & kFlagSoPinToBeChanged) != 0;
    r.bytes(record.label, sizeof record.label);
    r.bytes(record.serial_seed, sizeof record.serial_seed);
    bool verifiers_ok = r.verifier(&record.so_pin, version);
    verifiers_ok = r.verifier(&record.user_pin, version) && verifiers_ok;
    record.so_failures = r.u32();
    record.user_failures = r.u32();
    if (!v1) {
        verifiers_ok = r.wrap(&record.so_wrap) && verifiers_ok;
        verifiers_ok = r.wrap(&record.user_wrap) && verifiers_ok;
        verifiers_ok = r.wrap(&record.escrow_wrap) && verifiers_ok;
        const std::uint8_t present = r.u8();
        const std::uint8_t pad = static_cast<std::uint8_t>(r.u8() | r.u8() | r.u8());
        r.bytes(record.store_key, sizeof record.store_key);
        r.bytes(record.instance, sizeof record.instance);
        record.store_key_present = present == 1;
        verifiers_ok = verifiers_ok && present <= 1 && pad == 0;
    }
    if (!verifiers_ok || (flags & ~kKnownFlags) != 0) {
        secure_wipe(&record, sizeof record);
        return RecordStatus::damaged;
    }
    *out = record;
    secure_wipe(&record, sizeof record);
    return RecordStatus::ok;
}

const char *record_status_name(RecordStatus status)
{
    switch (status) {
    case RecordStatus::ok:
        return "ok";
    case RecordStatus::damaged:
        return "damaged";
    case RecordStatus::newer_version:
        return "written by a newer format version";
    case RecordStatus::unopened:
        return "sealed under a key this token does not hold";
    }
    return "unknown";
}

} // namespace p11
