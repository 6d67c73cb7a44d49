/* Index record envelope (see record_seal.h). */
#include "objects/record_seal.h"

#include <cstring>

#include "wolfcrypt.h"

namespace p11 {

static_assert(kRecordChecksumSize == WC_SHA256_DIGEST_SIZE, "the checksum is a SHA-256");

bool record_seal(std::uint8_t *out, std::size_t len)
{
    const std::size_t covered = len - kRecordChecksumSize;
    return wc_Sha256Hash(out, static_cast<word32>(covered), out + covered) == 0;
}

namespace {

// True when data begins with magic and ends with the right checksum.
bool record_sealed(const std::uint8_t *data, std::size_t len, const std::uint8_t (&magic)[kRecordMagicSize])
{
    if (data == nullptr || len < kRecordMagicSize + kRecordChecksumSize ||
        std::memcmp(data, magic, kRecordMagicSize) != 0) {
        return false;
    }
    std::uint8_t checksum[kRecordChecksumSize];
    const std::size_t covered = len - kRecordChecksumSize;
    return wc_Sha256Hash(data, static_cast<word32>(covered), checksum) == 0 &&
           std::memcmp(checksum, data + covered, kRecordChecksumSize) == 0;
}

} // namespace

bool record_open(const std::uint8_t *data, std::size_t len, const std::uint8_t (&magic)[kRecordMagicSize],
                 std::uint32_t *version, RecordReader *body)
{
    if (!record_sealed(data, len, magic)) {
        return false;
    }
    *body = RecordReader(data + kRecordMagicSize, len - kRecordMagicSize - kRecordChecksumSize);
    return body->u32(version);
}

} // namespace p11
