/* IndexedStorage: object records listed by a paged index (see
 * indexed_storage.h and index_records.h). */
#include "objects/indexed_storage.h"

#include <algorithm>

#include "log.h"
#include "objects/pal_io.h"

namespace p11 {

namespace {

// Reads page n; an unusable page is reported once per call.
PageRead read_page(std::uint64_t page, IndexPage *out)
{
    Bytes bytes;
    ReadResult read = pal_read(index_page_label(page), &bytes);
    if (read == ReadResult::missing) {
        return PageRead::missing;
    }
    RecordStatus status = RecordStatus::damaged;
    if (read == ReadResult::ok) {
        status = index_page_decode(bytes.data(), bytes.size(), out);
    }
    if (status == RecordStatus::ok && out->page != page) {
        status = RecordStatus::damaged; // a page stored under another page's label
    }
    if (status != RecordStatus::ok) {
        log_line({"token object index page ", decimal(page), " is ",
                  read == ReadResult::failed ? "unreadable" : record_status_name(status), "; its objects are skipped"});
        return PageRead::unusable;
    }
    return PageRead::ok;
}

bool write_page(const IndexPage &page)
{
    std::vector<std::uint8_t> bytes = index_page_encode(page);
    return !bytes.empty() && pal_write(index_page_label(page.page), bytes.data(), bytes.size());
}

// The head, then its copy: a head lost or damaged later is read from the
// copy. A cut between the two leaves the older copy, which lags at most by
// pages that unlisted_pages() takes in again.
bool write_head(const IndexHead &head)
{
    std::vector<std::uint8_t> bytes = index_head_encode(head);
    return !bytes.empty() && pal_write(kIndexRecordLabel, bytes.data(), bytes.size()) &&
           pal_write(kIndexCopyLabel, bytes.data(), bytes.size());
}

enum class HeadRead { ok, missing, blocked };

// The stored index record: the head, or its copy when the head is missing,
// unreadable or damaged (never in place of a head of a newer format).
// *from_copy says the head should be written again.
HeadRead read_index_record(IndexRecord *out, bool *from_copy)
{
    *from_copy = false;
    Bytes bytes;
    const ReadResult read = pal_read(kIndexRecordLabel, &bytes);
    RecordStatus status = RecordStatus::damaged;
    if (read == ReadResult::ok) {
        status = index_record_decode(bytes.data(), bytes.size(), out);
    }
    if (status == RecordStatus::ok) {
        return HeadRead::ok;
    }
    const char *what = read == ReadResult::failed ? "unreadable" : record_status_name(status);
    if (status != RecordStatus::newer_version) {
        Bytes copy;
        const ReadResult copy_read = pal_read(kIndexCopyLabel, &copy);
        if (copy_read == ReadResult::ok && index_record_decode(copy.data(), copy.size(), out) == RecordStatus::ok &&
            out->version != 1) {
            log_line({"the token object index head is ", read == ReadResult::missing ? "missing" : what,
                      "; its copy is used"});
            *from_copy = true;
            return HeadRead::ok;
        }
        if (read == ReadResult::missing && copy_read == ReadResult::missing) {
            return HeadRead::missing;
        }
    }
    log_line({"the token object index is ", read == ReadResult::missing ? "missing (its copy is damaged)" : what,
              "; no token objects until C_InitToken"});
    return HeadRead::blocked;
}

// Pages stored beyond the head's end: left by a create cut between its page
// and the head, or listed by a head that was lost. Their objects exist
// (records go before the page), so the head takes them in; their numbers
// are never handed out again. True when the head grew.
bool unlisted_pages(IndexHead *head)
{
    bool grew = false;
    while (pal_find(index_page_label(head->end_page)) != CK_INVALID_HANDLE) {
        log_line({"token object index page ", decimal(head->end_page), " was not listed; taken in"});
        ++head->end_page;
        grew = true;
    }
    return grew;
}

// Pages a store needs for object numbers 1 .. last.
std::uint64_t pages_for(std::uint64_t last)
{
    return last == 0 ? 0 : page_of(last) + 1;
}

void report_unlisted(const std::string &label)
{
    log_line({"could not remove the unlisted record \"", label, "\""});
}

// A destroy commits with its page and then removes the record; a cut in
// between leaves the record of an object that no longer exists, under a
// number the page will never hand out again. Reclaimed here (the caller
// holds the store lock, so no destroy is half done by another process).
void reclaim_unlisted_records(const IndexPage &page)
{
    for (std::uint32_t slot = 0; slot < page.used; ++slot) {
        const std::string label = object_record_label(id_at(page.page, slot));
        if (!page.live.test(slot) && pal_find(label) != CK_INVALID_HANDLE) {
            if (pal_destroy(label)) {
                log_line({"reclaimed \"", label, "\", the record of an object destroyed before a power cut"});
            } else {
                report_unlisted(label);
            }
        }
    }
}

} // namespace

void IndexedStorage::clear()
{
    head_ = IndexHead();
    blocked_ = false;
}

void IndexedStorage::load(std::vector<StoredObject> *out, bool locked)
{
    clear();
    IndexRecord record;
    bool from_copy = false;
    const HeadRead read = read_index_record(&record, &from_copy);
    if (read == HeadRead::blocked) {
        blocked_ = true;
        return;
    }
    if (read == HeadRead::ok && record.format1()) {
        load_v1(record.v1, out);
        return;
    }
    if (read == HeadRead::ok) {
        head_ = record.head;
    }
    // Missing: a fresh store, unless pages say otherwise.
    const bool grew = unlisted_pages(&head_);
    if ((grew || from_copy) && locked) {
        (void)write_head(head_); // nobody writes while we hold the lock
    }
    for (std::uint64_t page = head_.first_page; page < head_.end_page; ++page) {
        load_page(page, out, locked);
    }
}

void IndexedStorage::load_v1(const IndexV1 &index, std::vector<StoredObject> *out)
{
    // Dropping a missing record waits for the conversion to pages.
    for (const std::string &label : index.labels) {
        StoredObject object;
        bool present = false;
        if (read_stored_object(label, &object, &present)) {
            out->push_back(std::move(object));
        } else if (!present) {
            report_object_record(label, "is missing");
        }
    }
}

void IndexedStorage::load_page(std::uint64_t number, std::vector<StoredObject> *out, bool locked)
{
    IndexPage page;
    if (read_page(number, &page) != PageRead::ok) {
        return; // missing: every object on it was destroyed
    }
    bool dropped = false;
    for (std::uint32_t slot = 0; slot < page.used; ++slot) {
        if (!page.live.test(slot)) {
            continue;
        }
        StoredObject object;
        bool present = false;
        const std::string label = object_record_label(id_at(number, slot));
        if (read_stored_object(label, &object, &present)) {
            out->push_back(std::move(object));
        } else if (!present) {
            report_object_record(label, "is missing");
            page.live.reset(slot);
            dropped = true;
        }
    }
    // Nobody writes while we hold the store lock, so the record is gone for
    // good: off the page, so that the next load does not report it again.
    if (dropped && locked) {
        (void)write_page(page);
    }
    if (locked) {
        reclaim_unlisted_records(page);
    }
}

CK_RV IndexedStorage::sync_head()
{
    IndexRecord record;
    bool from_copy = false;
    const HeadRead read = read_index_record(&record, &from_copy);
    if (read == HeadRead::missing) {
        // Nothing stored yet (or a head this process could not read): keep
        // what we have, and never a number a stored page holds.
        if (blocked_) {
            return CKR_DEVICE_ERROR;
        }
        unlisted_pages(&head_);
        return CKR_OK;
    }
    if (read == HeadRead::blocked) {
        log_line({"the token object index cannot be read; not written"});
        return CKR_DEVICE_ERROR;
    }
    if (record.format1()) {
        CK_RV rv = upgrade(record.v1);
        if (rv != CKR_OK) {
            return rv;
        }
    } else {
        head_ = record.head;
        unlisted_pages(&head_);
    }
    blocked_ = false;
    return CKR_OK;
}

CK_RV IndexedStorage::upgrade(const IndexV1 &index)
{
    // Numbers below next_id were handed out; records keep their labels.
    std::uint64_t last = index.next_id - 1;
    std::vector<std::uint64_t> ids;
    for (const std::string &label : index.labels) {
        std::uint64_t id = 0;
        if (!parse_object_record_label(label, &id)) {
            report_object_record(label, "has a label format 2 cannot list");
            continue;
        }
        last = id > last ? id : last;
        ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    IndexHead head;
    head.end_page = pages_for(last);
    const auto write_listing = [&](IndexPage &page) {
        const std::uint64_t first = page.page * kIdsPerPage;
        page.used = last - first >= kIdsPerPage ? kIdsPerPage : static_cast<std::uint32_t>(last - first);
        return write_page(page);
    };
    // The pages that list objects, in order; only the last page hands out
    // numbers, so only it must be stored when empty.
    bool last_written = false;
    for (std::size_t i = 0; i < ids.size();) {
        IndexPage page;
        page.page = page_of(ids[i]);
        for (; i < ids.size() && page_of(ids[i]) == page.page; ++i) {
            page.live.set(slot_of(ids[i]));
        }
        if (!write_listing(page)) {
            return CKR_DEVICE_ERROR;
        }
        last_written = page.page + 1 == head.end_page;
    }
    if (head.end_page != 0 && !last_written) {
        IndexPage page;
        page.page = head.end_page - 1;
        if (!write_listing(page)) {
            return CKR_DEVICE_ERROR;
        }
    }
    // The commit point: the head replaces the format 1 record.
    if (!write_head(head)) {
        return CKR_DEVICE_ERROR;
    }
    head_ = head;
    return CKR_OK;
}

CK_RV IndexedStorage::add(const std::vector<const AttributeSet *> &objects, std::vector<std::string> *pal_labels)
{
    if (objects.size() > kIdsPerPage) {
        return CKR_GENERAL_ERROR; // no PKCS #11 call makes that many at once
    }
    StoreLock lock;
    if (lock.rv() != CKR_OK || sync_head() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    IndexHead head = head_;
    IndexPage page;
    PageRead last = PageRead::missing;
    if (head.end_page > head.first_page) {
        last = read_page(head.end_page - 1, &page);
    }
    // A missing or unusable last page may have handed out any number: a new
    // page, as when the objects do not fit on the last one.
    const bool new_page = last != PageRead::ok || page.used + objects.size() > kIdsPerPage;
    const bool drop_emptied_last = new_page && last == PageRead::ok && page.live.none();
    const std::uint64_t emptied_last = page.page;
    if (new_page) {
        page = IndexPage();
        page.page = head.end_page++;
    }
    std::vector<std::string> written;
    CK_RV rv = CKR_OK;
    for (const AttributeSet *attrs : objects) {
        const std::uint32_t slot = page.used++;
        std::string label = object_record_label(id_at(page.page, slot));
        rv = write_stored_object(label, *attrs);
        if (rv != CKR_OK) {
            break;
        }
        written.push_back(std::move(label));
        page.live.set(slot);
    }
    // Records before the page that lists them, the page before the head.
    if (rv == CKR_OK && !(write_page(page) && (!new_page || write_head(head)))) {
        rv = CKR_DEVICE_ERROR;
    }
    if (rv != CKR_OK) {
        for (const std::string &label : written) {
            (void)pal_destroy(label);
        }
        return rv;
    }
    head_ = head;
    if (drop_emptied_last) {
        (void)pal_destroy(index_page_label(emptied_last)); // no longer the last: empty means not stored
    }
    *pal_labels = std::move(written);
    return CKR_OK;
}

PageRead IndexedStorage::read_page_of(std::uint64_t id, IndexPage *page) const
{
    // Outside the head's pages: another process's C_InitToken took it.
    const std::uint64_t number = page_of(id);
    return number >= head_.first_page && number < head_.end_page ? read_page(number, page) : PageRead::missing;
}

CK_RV IndexedStorage::remove(const std::string &pal_label)
{
    std::uint64_t id = 0;
    if (!parse_object_record_label(pal_label, &id)) {
        // A format 1 label no page lists (see upgrade): the record is all.
        return pal_destroy(pal_label) ? CKR_OK : CKR_DEVICE_ERROR;
    }
    StoreLock lock;
    if (lock.rv() != CKR_OK || sync_head() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    const std::uint64_t number = page_of(id);
    const std::uint32_t slot = slot_of(id);
    IndexPage page;
    PageRead read = read_page_of(id, &page);
    if (read == PageRead::unusable) {
        return CKR_DEVICE_ERROR;
    }
    if (read == PageRead::ok && page.live.test(slot)) {
        page.live.reset(slot);
        // Off the page first: from then on the object is gone for good. An
        // empty page other than the last need not be stored at all.
        const bool listed_out = page.live.none() && number + 1 != head_.end_page
                                    ? pal_destroy(index_page_label(number))
                                    : write_page(page);
        if (!listed_out) {
            return CKR_DEVICE_ERROR;
        }
    }
    if (!pal_destroy(pal_label)) {
        report_unlisted(pal_label);
    }
    return CKR_OK;
}

CK_RV IndexedStorage::replace(const std::string &pal_label, const AttributeSet &attrs)
{
    std::uint64_t id = 0;
    if (!parse_object_record_label(pal_label, &id)) {
        return rewrite_stored_object(pal_label, attrs); // a format 1 label: the record is all
    }
    StoreLock lock;
    if (lock.rv() != CKR_OK || sync_head() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    // Numbers are never handed out again once listed (C_InitToken moves the
    // pages on), so a live bit names this very object.
    IndexPage page;
    PageRead read = read_page_of(id, &page);
    if (read == PageRead::unusable) {
        return CKR_DEVICE_ERROR;
    }
    if (read != PageRead::ok || !page.live.test(slot_of(id))) {
        return CKR_OBJECT_HANDLE_INVALID;
    }
    return write_stored_object(pal_label, attrs);
}

bool IndexedStorage::listed(const std::string &label)
{
    std::uint64_t id = 0;
    if (!parse_object_record_label(label, &id) || sync_head() != CKR_OK) {
        return false;
    }
    IndexPage page;
    return read_page_of(id, &page) == PageRead::ok && slot_of(id) < page.used && page.live.test(slot_of(id));
}

CK_RV IndexedStorage::remove_all()
{
    StoreLock lock;
    if (lock.rv() != CKR_OK) {
        return CKR_DEVICE_ERROR;
    }
    // Every stored object goes, also those another process made since load;
    // an unreadable head leaves only this process's view to remove.
    IndexHead old = head_;
    IndexV1 v1;
    IndexRecord record;
    bool from_copy = false;
    if (read_index_record(&record, &from_copy) == HeadRead::ok) {
        if (record.format1()) {
            v1 = std::move(record.v1);
            old = IndexHead{0, pages_for(v1.next_id - 1)};
        } else {
            old = record.head;
        }
    }
    unlisted_pages(&old); // their records go too
    // Numbers go on from the old end, so a process that still holds an old
    // object never meets its label again.
    const IndexHead fresh{old.end_page, old.end_page};
    if (!write_head(fresh)) {
        return CKR_DEVICE_ERROR;
    }
    // Every number a page could list, and page end_page too: a create cut
    // short may have left records there. Probing also finds records that a
    // cut left behind a destroy.
    for (std::uint64_t number = old.first_page; number <= old.end_page; ++number) {
        for (std::uint32_t slot = 0; slot < kIdsPerPage; ++slot) {
            const std::string label = object_record_label(id_at(number, slot));
            if (!pal_destroy(label)) {
                report_unlisted(label);
            }
        }
        if (!pal_destroy(index_page_label(number))) {
            report_unlisted(index_page_label(number));
        }
    }
    for (const std::string &label : v1.labels) {
        if (!pal_destroy(label)) {
            report_unlisted(label);
        }
    }
    head_ = fresh;
    blocked_ = false;
    return CKR_OK;
}

} // namespace p11
