/* The lean store writer (see store_write.h); the same rules as
 * objects/indexed_storage.cpp's add and remove. */
#include "lean/store_write.h"

#include <cstring>

#include "core_pkcs11_pal.h"
#include "lean/session_objects.h"
#include "lean/store_hold.h"
#include "lean/store_read.h"
#include "objects/record_bytes.h"
#include "p11_log_text.h"

namespace p11::lean {

namespace {

constexpr std::size_t kHeadSize = kRecordMagicSize + 4 + 8 + 8 + kRecordChecksumSize;
constexpr std::size_t kPageSize = kRecordMagicSize + 4 + 8 + 4 + kBitmapSize + kRecordChecksumSize;

bool save(const char *label, std::size_t len, const std::uint8_t *data, std::size_t size)
{
    CK_ATTRIBUTE attribute = {CKA_LABEL, const_cast<char *>(label), static_cast<CK_ULONG>(len)};
    return PKCS11_PAL_SaveObject(&attribute, const_cast<std::uint8_t *>(data), size) != CK_INVALID_HANDLE;
}

// True when no record is left under the label (also when there was none).
bool remove(const char *label, std::size_t len)
{
    CK_BYTE_PTR name = reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label));
    const CK_OBJECT_HANDLE found = PKCS11_PAL_FindObject(name, len);
    return found == CK_INVALID_HANDLE || PKCS11_PAL_DestroyObject(found) == CKR_OK;
}

void report_left(const char *label, std::size_t len)
{
    char name[kLabelCapacity + 1];
    std::memcpy(name, label, len);
    name[len] = '\0';
    const char *parts[] = {"could not remove the unlisted record \"", name, "\""};
    p11_log_parts(parts, sizeof parts / sizeof parts[0]);
}

bool remove_object_record(std::uint64_t id)
{
    char label[kLabelCapacity];
    const std::size_t len = numbered_label(kObjectPrefix, id, label);
    if (!remove(label, len)) {
        report_left(label, len);
        return false;
    }
    return true;
}

bool write_page(std::uint64_t number, const IndexPage &page)
{
    std::uint8_t bytes[kPageSize];
    RecordWriter w(bytes);
    w.bytes(kPageMagic, sizeof kPageMagic);
    w.u32(kPageVersion);
    w.u64(number);
    w.u32(page.used);
    w.bytes(page.live, sizeof page.live);
    char label[kLabelCapacity];
    const std::size_t len = numbered_label(kPagePrefix, number, label);
    return record_seal(bytes, sizeof bytes) && save(label, len, bytes, sizeof bytes);
}

bool remove_page(std::uint64_t number)
{
    char label[kLabelCapacity];
    const std::size_t len = numbered_label(kPagePrefix, number, label);
    return remove(label, len);
}

// The head, then its copy: a cut between the two leaves an older copy that
// lags only by pages the next reader takes in (index_page_stored).
bool write_head(std::uint64_t first, std::uint64_t end)
{
    std::uint8_t bytes[kHeadSize];
    RecordWriter w(bytes);
    w.bytes(kHeadMagic, sizeof kHeadMagic);
    w.u32(kHeadVersion);
    w.u64(first);
    w.u64(end);
    return record_seal(bytes, sizeof bytes) &&
           save(kIndexRecordLabel, std::strlen(kIndexRecordLabel), bytes, sizeof bytes) &&
           save(kIndexCopyLabel, std::strlen(kIndexCopyLabel), bytes, sizeof bytes);
}

bool live_none(const IndexPage &page)
{
    for (std::uint8_t bits : page.live) {
        if (bits != 0) {
            return false;
        }
    }
    return true;
}

void set_live(IndexPage &page, std::uint32_t slot, bool live)
{
    const auto bit = static_cast<std::uint8_t>(1u << (slot % 8));
    page.live[slot / 8] = static_cast<std::uint8_t>(live ? page.live[slot / 8] | bit : page.live[slot / 8] & ~bit);
}

// The stored head's page range, pages stored beyond its end taken in (a
// create cut before its head: their objects exist), and the head written
// again when it came from its copy or grew. False: the index cannot be read
// or the head could not be repaired.
bool sync_head(std::uint64_t *first, std::uint64_t *end)
{
    bool from_copy = false;
    if (index_head_read(first, end, &from_copy) == HeadRead::blocked) {
        return false;
    }
    bool grew = false;
    while (index_page_stored(*end)) {
        ++*end;
        grew = true;
    }
    return !(from_copy || grew) || write_head(*first, *end);
}

} // namespace

CK_RV store_add(const NewRecord *records, std::size_t count, CK_OBJECT_HANDLE *handles)
{
    if (count > kIdsPerPage) {
        return CKR_GENERAL_ERROR; // no PKCS #11 call makes that many at once
    }
    StoreHold hold;
    std::uint64_t first = 0;
    std::uint64_t end = 0;
    if (hold.rv() != CKR_OK || !sync_head(&first, &end)) {
        return CKR_DEVICE_ERROR;
    }
    IndexPage page;
    PageRead last = PageRead::missing;
    std::uint64_t number = end - 1;
    if (end > first) {
        last = index_page_read(number, &page);
    }
    // A missing or unusable last page may have handed out any number: a new
    // page, as when the records do not fit on the last one.
    const bool new_page = last != PageRead::ok || page.used + count > kIdsPerPage;
    const bool drop_emptied_last = new_page && last == PageRead::ok && live_none(page);
    const std::uint64_t emptied_last = number;
    if (new_page) {
        page = IndexPage();
        number = end++;
    }
    // The number must fit a handle's record-number bits (session_objects.h:
    // 2^23 on a 32-bit device, 2^15 pages).
    if (id_at(number, kIdsPerPage - 1) >= kTokenIdLimit) {
        return CKR_DEVICE_ERROR;
    }
    std::size_t written = 0;
    bool ok = true;
    while (ok && written < count) {
        const std::uint32_t slot = page.used++;
        const std::uint64_t id = id_at(number, slot);
        char label[kLabelCapacity];
        const std::size_t len = numbered_label(kObjectPrefix, id, label);
        handles[written] = static_cast<CK_OBJECT_HANDLE>(id);
        ok = save(label, len, records[written].data, records[written].len);
        set_live(page, slot, true);
        ++written; // also a failed save: it may have left part of a record
    }
    // Records before the page that lists them, the page before the head.
    ok = ok && write_page(number, page) && (!new_page || write_head(first, end));
    if (!ok) {
        for (std::size_t i = 0; i < written; ++i) {
            (void)remove_object_record(handles[i]);
            handles[i] = CK_INVALID_HANDLE;
        }
        return CKR_DEVICE_ERROR;
    }
    if (drop_emptied_last) {
        (void)remove_page(emptied_last); // no longer the last: empty means not stored
    }
    return CKR_OK;
}

CK_RV store_remove(CK_OBJECT_HANDLE handle)
{
    const std::uint64_t id = token_id(handle);
    if (id == 0) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    StoreHold hold;
    std::uint64_t first = 0;
    std::uint64_t end = 0;
    if (hold.rv() != CKR_OK || !sync_head(&first, &end)) {
        return CKR_DEVICE_ERROR;
    }
    const std::uint64_t number = page_of(id);
    const std::uint32_t slot = slot_of(id);
    IndexPage page;
    // Outside the head's pages: C_InitToken moved the store on.
    const PageRead read = number >= first && number < end ? index_page_read(number, &page) : PageRead::missing;
    if (read == PageRead::unusable) {
        return CKR_DEVICE_ERROR;
    }
    if (read == PageRead::missing || !page.has(slot)) {
        return CKR_OBJECT_HANDLE_INVALID; // another process destroyed it meanwhile
    }
    set_live(page, slot, false);
    // Off the page first: from then on the object is gone for good. An empty
    // page other than the last need not be stored at all.
    const bool listed_out =
        live_none(page) && number + 1 != end ? remove_page(number) : write_page(number, page);
    if (!listed_out) {
        return CKR_DEVICE_ERROR;
    }
    (void)remove_object_record(id); // a record left behind is reclaimed by the full backend's next load
    return CKR_OK;
}

} // namespace p11::lean
