/* PAL labels of the records a store that accepts any label (profile
 * `labels: any`) keeps, and how object record numbers group into pages of
 * the index (index_records.h):
 *   "p11forge index"          the index head (format 1: the whole index)
 *   "p11forge index copy"     a second copy of a format 2 head
 *   "p11forge page 00000000"  index page n: object numbers n*256+1 .. n*256+256
 *   "p11forge obj 0000002a"   object record number 42
 * Numbers are hexadecimal, at least 8 digits. */
#ifndef P11_BACKEND_OBJECTS_RECORD_LABELS_H
#define P11_BACKEND_OBJECTS_RECORD_LABELS_H

#include <cstdint>
#include <string>

namespace p11 {

constexpr char kIndexRecordLabel[] = "p11forge index";
constexpr char kIndexCopyLabel[] = "p11forge index copy";
constexpr std::uint32_t kIdsPerPage = 256;

std::string object_record_label(std::uint64_t id);
// False when the label is not one object_record_label makes.
bool parse_object_record_label(const std::string &label, std::uint64_t *id);
std::string index_page_label(std::uint64_t page);

// Object numbers start at 1.
inline std::uint64_t page_of(std::uint64_t id)
{
    return (id - 1) / kIdsPerPage;
}
inline std::uint32_t slot_of(std::uint64_t id)
{
    return static_cast<std::uint32_t>((id - 1) % kIdsPerPage);
}
inline std::uint64_t id_at(std::uint64_t page, std::uint32_t slot)
{
    return page * kIdsPerPage + slot + 1;
}

} // namespace p11

#endif // P11_BACKEND_OBJECTS_RECORD_LABELS_H
