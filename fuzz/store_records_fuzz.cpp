/* Fuzz target: the decoders of what the store holds — an object record, the
 * token record, the index head, an index page and the format 1 index — over
 * bytes another process or a damaged disk may have written.
 *
 * Input: one selector byte, then the record. Bit 0x80 of the selector makes
 * the harness write a correct SHA-256 over the rest at the record's end, so
 * the fuzzer reaches the fields behind the checksum instead of stopping there.
 * Invariants beyond "no crash, no sanitizer report": a record a decoder
 * accepts is encoded again and decodes to the same content (the store never
 * rewrites what it read into something else). */
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "objects/index_records.h"
#include "objects/index_v1.h"
#include "objects/object_codec.h"
#include "store_fuzz_keys.h"
#include "token_record.h"
#include "wolfcrypt.h"

using namespace p11;

namespace {

constexpr std::size_t kChecksumSize = 32;

// Stops the run: libFuzzer records the input as a crash.
void Require(bool holds)
{
    if (!holds) {
        std::abort();
    }
}

WC_RNG &Rng()
{
    static WC_RNG rng;
    static const bool ready = wc_InitRng(&rng) == 0;
    Require(ready);
    return rng;
}

bool SameAttributes(const AttributeSet &a, const AttributeSet &b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Attribute &x = a.items()[i];
        const Attribute &y = b.items()[i];
        if (x.type != y.type || x.value.size() != y.value.size() ||
            !std::equal(x.value.begin(), x.value.end(), y.value.begin())) {
            return false;
        }
    }
    return true;
}

void ObjectRecord(const std::uint8_t *data, std::size_t size)
{
    AttributeSet attrs;
    SecretsState secrets = SecretsState::none;
    if (object_record_decode(data, size, StoreFuzzKeys(), &attrs, &secrets) != RecordStatus::ok ||
        secrets == SecretsState::sealed) {
        return; // a record missing its secrets is not written back
    }
    Bytes again;
    if (object_record_encode(attrs, StoreFuzzKeys(), Rng(), &again) != CKR_OK) {
        return; // e.g. attributes the active profile would not seal
    }
    AttributeSet reread;
    SecretsState reread_secrets = SecretsState::none;
    Require(object_record_decode(again.data(), again.size(), StoreFuzzKeys(), &reread, &reread_secrets) == RecordStatus::ok);
    Require(SameAttributes(attrs, reread));
}

void TokenRecordBytes(const std::uint8_t *data, std::size_t size)
{
    TokenRecord record;
    if (token_record_decode(data, size, &record) != RecordStatus::ok) {
        return;
    }
    std::vector<std::uint8_t> again(token_record_size());
    Require(token_record_encode(record, again.data()));
    TokenRecord reread;
    Require(token_record_decode(again.data(), again.size(), &reread) == RecordStatus::ok);
    std::vector<std::uint8_t> twice(token_record_size());
    Require(token_record_encode(reread, twice.data()));
    Require(again == twice);
}

void IndexHeadBytes(const std::uint8_t *data, std::size_t size)
{
    IndexRecord record;
    if (index_record_decode(data, size, &record) != RecordStatus::ok || record.version != kIndexHeadVersion) {
        return;
    }
    const std::vector<std::uint8_t> again = index_head_encode(record.head);
    IndexRecord reread;
    Require(index_record_decode(again.data(), again.size(), &reread) == RecordStatus::ok);
    Require(reread.head.first_page == record.head.first_page && reread.head.end_page == record.head.end_page);
}

void IndexPageBytes(const std::uint8_t *data, std::size_t size)
{
    IndexPage page;
    if (index_page_decode(data, size, &page) != RecordStatus::ok) {
        return;
    }
    Require(page.used <= kIdsPerPage);
    const std::vector<std::uint8_t> again = index_page_encode(page);
    IndexPage reread;
    Require(index_page_decode(again.data(), again.size(), &reread) == RecordStatus::ok);
    Require(reread.page == page.page && reread.used == page.used && reread.live == page.live);
}

void IndexV1Bytes(const std::uint8_t *data, std::size_t size)
{
    IndexV1 index;
    if (index_v1_decode(data, size, &index) != RecordStatus::ok) {
        return;
    }
    const std::vector<std::uint8_t> again = index_v1_encode(index);
    IndexV1 reread;
    Require(!again.empty() && index_v1_decode(again.data(), again.size(), &reread) == RecordStatus::ok);
    Require(reread.next_id == index.next_id && reread.labels == index.labels);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1) {
        return 0;
    }
    const std::uint8_t selector = data[0];
    std::vector<std::uint8_t> record(data + 1, data + size);
    if ((selector & 0x80) != 0 && record.size() >= kChecksumSize) {
        const std::size_t body = record.size() - kChecksumSize;
        Require(wc_Sha256Hash(record.data(), static_cast<word32>(body), record.data() + body) == 0);
    }
    switch ((selector & 0x7F) % 5) {
    case 0:
        ObjectRecord(record.data(), record.size());
        break;
    case 1:
        TokenRecordBytes(record.data(), record.size());
        break;
    case 2:
        IndexHeadBytes(record.data(), record.size());
        break;
    case 3:
        IndexPageBytes(record.data(), record.size());
        break;
    default:
        IndexV1Bytes(record.data(), record.size());
        break;
    }
    return 0;
}
