/* The lean backend's view of an any-label store (objects/indexed_storage.h
 * writes it): no object is kept in RAM. An object's handle is its record
 * number; every use reads the page that lists it and its record through the
 * PAL, so objects another module or process provisions are seen at once and
 * nothing is loaded at C_Initialize. Reads only: the lean backend never
 * writes an object, and leaves the repairs a writer makes (a head rewritten
 * from its copy, a missing record dropped from its page) to that writer. */
#ifndef P11_LEAN_STORE_READ_H
#define P11_LEAN_STORE_READ_H

#include <cstddef>
#include <cstdint>

#include "lean/record_view.h"
#include "objects/record_labels.h"
#include "objects/record_seal.h"
#include "pkcs11.h"

namespace p11::lean {

// The longest PAL label this store uses: "p11forge page " + 16 hex digits.
constexpr std::size_t kLabelCapacity = 32;

// The index's records (objects/index_records.h).
inline constexpr std::uint8_t kHeadMagic[kRecordMagicSize] = {'P', '1', '1', 'F', 'I', 'N', 'D', 'X'};
inline constexpr std::uint8_t kPageMagic[kRecordMagicSize] = {'P', '1', '1', 'F', 'P', 'A', 'G', 'E'};
inline constexpr std::uint32_t kHeadVersion = 2;
inline constexpr std::uint32_t kPageVersion = 1;
inline constexpr std::size_t kBitmapSize = kIdsPerPage / 8;
inline constexpr char kObjectPrefix[] = "p11forge obj ";
inline constexpr char kPagePrefix[] = "p11forge page ";

// "<prefix><number in lower-case hex, at least 8 digits>": the labels of
// objects/record_labels.h, written into out (no NUL); returns the length.
std::size_t numbered_label(const char *prefix, std::uint64_t number, char (&out)[kLabelCapacity]);

enum class Read { ok, missing, failed };

// A PAL record's bytes, held (and wiped by the PAL) until destruction.
class PalRecord {
  public:
    PalRecord() = default;
    ~PalRecord();
    PalRecord(const PalRecord &) = delete;
    PalRecord &operator=(const PalRecord &) = delete;
    Read read(const char *label, std::size_t len);
    const std::uint8_t *data() const { return data_; }
    std::size_t size() const { return size_; }

  private:
    void release();
    CK_BYTE_PTR data_ = nullptr;
    CK_ULONG size_ = 0;
};

// An object read through its handle: a token object listed by its page,
// its record present and well formed, or a session object (session_objects.h).
class ObjectRead {
  public:
    // CKR_OK, or CKR_OBJECT_HANDLE_INVALID: no such object (never listed,
    // destroyed, or its record damaged: reported through the port's log).
    // check_listed false: the caller has just read the page that lists it.
    CK_RV read(CK_OBJECT_HANDLE handle, bool check_listed);
    // A listed token object by its record number (for_each_listed), *handle
    // set to its handle for this login.
    CK_RV read_listed(std::uint64_t id, CK_OBJECT_HANDLE *handle);
    const RecordView &view() const { return view_; }

  private:
    CK_RV read_token(std::uint64_t id, bool check_listed);
    PalRecord record_;
    RecordView view_;
};

// One index page: slots below `used` were handed out; a live bit (slot i:
// bit i % 8 of live[i / 8]) says that object exists.
struct IndexPage {
    std::uint32_t used = 0;
    std::uint8_t live[kBitmapSize] = {};
    bool has(std::uint32_t slot) const { return slot < used && (live[slot / 8] >> (slot % 8) & 1u) != 0; }
};

enum class PageRead { ok, missing, unusable };
// Page `number`; an unusable one (unreadable, damaged, another page's) is reported.
PageRead index_page_read(std::uint64_t number, IndexPage *out);
bool index_page_stored(std::uint64_t number);

enum class HeadRead {
    ok,      // *first .. *end - 1 are the store's pages
    missing, // neither the head nor its copy is stored: an empty store
    blocked, // neither reads (or the head is of a newer format): reported
};
// The head, or its copy when the head does not read (*from_copy: the head
// should be written again).
HeadRead index_head_read(std::uint64_t *first, std::uint64_t *end, bool *from_copy);

// Calls visit(id) for each listed object in number order (the object's
// record number: token_handle() makes its handle) (the objects
// on a damaged page are skipped and reported); stops early when visit
// answers false. False when the index cannot be read (a head and its copy
// damaged, or a newer format): then no object is listed.
bool for_each_listed(bool (*visit)(CK_OBJECT_HANDLE id, void *context), void *context);

} // namespace p11::lean

#endif // P11_LEAN_STORE_READ_H
