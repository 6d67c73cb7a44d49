/* Record labels of an any-label store (see record_labels.h). */
#include "objects/record_labels.h"

namespace p11 {

namespace {
constexpr char kObjectPrefix[] = "p11forge obj ";
constexpr std::size_t kObjectPrefixSize = sizeof kObjectPrefix - 1;

// prefix + the number in lower-case hex, at least 8 digits. Written by hand:
// printf's 64-bit conversions differ between C libraries (newlib-nano has
// none, and printed every label alike), and a label is a storage key.
std::string hex_label(const char *prefix, std::uint64_t value)
{
    static const char kDigits[] = "0123456789abcdef";
    char digits[16];
    std::size_t count = 0;
    do {
        digits[count++] = kDigits[value & 0xf];
        value >>= 4;
    } while (value != 0);
    std::string label(prefix);
    label.append(count < 8 ? 8 - count : 0, '0');
    while (count > 0) {
        label.push_back(digits[--count]);
    }
    return label;
}
} // namespace

std::string object_record_label(std::uint64_t id)
{
    return hex_label(kObjectPrefix, id);
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
    return hex_label("p11forge page ", page);
}

} // namespace p11
