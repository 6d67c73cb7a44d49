/* Record labels of an any-label store (see record_labels.h). */
#include "objects/record_labels.h"

#include <cinttypes>
#include <cstdio>

namespace p11 {

namespace {
constexpr char kObjectPrefix[] = "p11forge obj ";
constexpr std::size_t kObjectPrefixSize = sizeof kObjectPrefix - 1;
} // namespace

std::string object_record_label(std::uint64_t id)
{
    char text[40];
    std::snprintf(text, sizeof text, "%s%08" PRIx64, kObjectPrefix, id);
    return text;
}

bool parse_object_record_label(const std::string &label, std::uint64_t *id)
{
    // Exactly what object_record_label writes: lower-case digits, 8 to 16.
    const std::size_t digits = label.size() - kObjectPrefixSize;
    if (label.size() < kObjectPrefixSize + 8 || digits > 16 || label.compare(0, kObjectPrefixSize, kObjectPrefix) != 0 ||
        (digits > 8 && label[kObjectPrefixSize] == '0')) {
        return false;
    }
    std::uint64_t value = 0;
    for (std::size_t i = kObjectPrefixSize; i < label.size(); ++i) {
        const char c = label[i];
        const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0) {
            return false;
        }
        value = value << 4 | static_cast<std::uint64_t>(digit);
    }
    if (value == 0) {
        return false;
    }
    *id = value;
    return true;
}

std::string index_page_label(std::uint64_t page)
{
    char text[40];
    std::snprintf(text, sizeof text, "p11forge page %08" PRIx64, page);
    return text;
}

} // namespace p11
