/* Reading an any-label store in place (see store_read.h). The rules are
 * those of objects/indexed_storage.cpp's load, without its repairs. */
#include "lean/store_read.h"

#include <cstring>

#include "core_pkcs11_pal.h"
#include "lean/session_objects.h"
#include "objects/record_labels.h"
#include "objects/record_seal.h"
#include "p11_log_text.h"

namespace p11::lean {

namespace {

void report(const char *what, const char *label, std::size_t len, const char *why)
{
    char name[kLabelCapacity + 1];
    std::memcpy(name, label, len);
    name[len] = '\0';
    const char *parts[] = {what, " \"", name, "\" is ", why, "; skipped"};
    p11_log_parts(parts, sizeof parts / sizeof parts[0]);
}

} // namespace

PageRead index_page_read(std::uint64_t number, IndexPage *out)
{
    char label[kLabelCapacity];
    const std::size_t len = numbered_label(kPagePrefix, number, label);
    PalRecord record;
    const Read read = record.read(label, len);
    if (read == Read::missing) {
        return PageRead::missing;
    }
    RecordReader r(nullptr, 0);
    std::uint32_t version = 0;
    std::uint64_t stored_number = 0;
    const std::uint8_t *bitmap = nullptr;
    IndexPage page;
    bool ok = read == Read::ok && record_open(record.data(), record.size(), kPageMagic, &version, &r) &&
              version == kPageVersion && r.u64(&stored_number) && r.u32(&page.used) && r.span(kBitmapSize, &bitmap) &&
              r.at_end() && page.used <= kIdsPerPage && stored_number == number;
    if (ok) {
        std::memcpy(page.live, bitmap, kBitmapSize);
        for (std::uint32_t slot = page.used; slot < kIdsPerPage; ++slot) {
            ok = ok && (bitmap[slot / 8] >> (slot % 8) & 1u) == 0; // live, but never handed out
        }
    }
    if (!ok) {
        report("token object index page", label, len, read == Read::failed ? "unreadable" : "damaged");
        return PageRead::unusable;
    }
    *out = page;
    return PageRead::ok;
}

HeadRead index_head_read(std::uint64_t *first, std::uint64_t *end, bool *from_copy)
{
    const char *labels[] = {kIndexRecordLabel, kIndexCopyLabel};
    bool all_missing = true;
    *from_copy = false;
    for (const char *label : labels) {
        PalRecord record;
        const Read read = record.read(label, std::strlen(label));
        all_missing = all_missing && read == Read::missing;
        RecordReader r(nullptr, 0);
        std::uint32_t version = 0;
        if (read != Read::ok || !record_open(record.data(), record.size(), kHeadMagic, &version, &r)) {
            continue;
        }
        if (version > kHeadVersion) {
            break; // a newer head is never read from its older copy
        }
        if (version == kHeadVersion && r.u64(first) && r.u64(end) && r.at_end() && *first <= *end) {
            *from_copy = label == kIndexCopyLabel;
            return HeadRead::ok;
        }
    }
    *first = 0;
    *end = 0;
    if (all_missing) {
        return HeadRead::missing;
    }
    const char *parts[] = {"the token object index is damaged; no token objects"};
    p11_log_parts(parts, 1);
    return HeadRead::blocked;
}

bool index_page_stored(std::uint64_t number)
{
    char label[kLabelCapacity];
    const std::size_t len = numbered_label(kPagePrefix, number, label);
    return PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(label), len) != CK_INVALID_HANDLE;
}

std::size_t numbered_label(const char *prefix, std::uint64_t number, char (&out)[kLabelCapacity])
{
    static const char kDigits[] = "0123456789abcdef";
    const std::size_t prefix_len = std::strlen(prefix);
    std::memcpy(out, prefix, prefix_len);
    std::size_t digits = 8;
    while (digits < 16 && (number >> (4 * digits)) != 0) {
        ++digits;
    }
    for (std::size_t i = 0; i < digits; ++i) {
        out[prefix_len + i] = kDigits[(number >> (4 * (digits - 1 - i))) & 0xf];
    }
    return prefix_len + digits;
}

PalRecord::~PalRecord()
{
    release();
}

void PalRecord::release()
{
    if (data_ != nullptr) {
        PKCS11_PAL_GetObjectValueCleanup(data_, size_);
    }
    data_ = nullptr;
    size_ = 0;
}

Read PalRecord::read(const char *label, std::size_t len)
{
    release();
    const CK_OBJECT_HANDLE handle =
        PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label)), len);
    if (handle == CK_INVALID_HANDLE) {
        return Read::missing;
    }
    CK_BBOOL is_private = CK_FALSE;
    if (PKCS11_PAL_GetObjectValue(handle, &data_, &size_, &is_private) != CKR_OK) {
        data_ = nullptr;
        size_ = 0;
        return Read::failed;
    }
    return Read::ok;
}

CK_RV ObjectRead::read(CK_OBJECT_HANDLE handle, bool check_listed)
{
    if (handle == CK_INVALID_HANDLE) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    if (is_session_object(handle)) {
        const std::uint8_t *data = nullptr;
        std::size_t len = 0;
        // Written by this backend a moment ago: opened as any record is.
        return session_object_record(handle, &data, &len) &&
                       record_view_open(data, len, &view_) == RecordStatus::ok
                   ? CKR_OK
                   : CKR_OBJECT_HANDLE_INVALID;
    }
    const std::uint64_t id = token_id(handle);
    const CK_RV rv = read_token(id, check_listed);
    if (rv != CKR_OK) {
        return rv;
    }
    // A private object's handle from before the last C_Logout, or a handle
    // made up from a number: not this object's.
    return handle == token_handle(id, record_bool(view_, CKA_PRIVATE, true)) ? CKR_OK : CKR_OBJECT_HANDLE_INVALID;
}

CK_RV ObjectRead::read_listed(std::uint64_t id, CK_OBJECT_HANDLE *handle)
{
    const CK_RV rv = read_token(id, false);
    if (rv == CKR_OK) {
        *handle = token_handle(id, record_bool(view_, CKA_PRIVATE, true));
    }
    return rv;
}

CK_RV ObjectRead::read_token(std::uint64_t id, bool check_listed)
{
    IndexPage page;
    if (id == 0 || (check_listed && (index_page_read(page_of(id), &page) != PageRead::ok || !page.has(slot_of(id))))) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    char label[kLabelCapacity];
    const std::size_t len = numbered_label(kObjectPrefix, id, label);
    const Read read = record_.read(label, len);
    if (read != Read::ok) {
        report("token object", label, len, read == Read::missing ? "missing" : "unreadable");
        return CKR_OBJECT_HANDLE_INVALID;
    }
    const RecordStatus status = record_view_open(record_.data(), record_.size(), &view_);
    if (status != RecordStatus::ok) {
        report("token object", label, len, record_status_name(status));
        return CKR_OBJECT_HANDLE_INVALID;
    }
    return CKR_OK;
}

bool for_each_listed(bool (*visit)(CK_OBJECT_HANDLE id, void *context), void *context)
{
    std::uint64_t first = 0;
    std::uint64_t end = 0;
    bool from_copy = false;
    if (index_head_read(&first, &end, &from_copy) == HeadRead::blocked) {
        return false;
    }
    while (index_page_stored(end)) {
        ++end; // a page a create cut before its head: its objects exist
    }
    for (std::uint64_t number = first; number < end; ++number) {
        IndexPage page;
        if (index_page_read(number, &page) != PageRead::ok) {
            continue;
        }
        for (std::uint32_t slot = 0; slot < page.used; ++slot) {
            const std::uint64_t id = id_at(number, slot);
            if (page.has(slot) && id < kTokenIdLimit &&
                !visit(static_cast<CK_OBJECT_HANDLE>(id), context)) {
                return true;
            }
        }
    }
    return true;
}

} // namespace p11::lean
