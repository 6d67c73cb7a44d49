/* PKCS #11 info structures hold fixed-width text fields that are padded with
 * blanks and carry no NUL (v2.40 §3.1). One helper fills them, truncating
 * text that does not fit. */
#ifndef P11_BACKEND_PADDED_STRING_H
#define P11_BACKEND_PADDED_STRING_H

#include <cstddef>
#include <cstring>

namespace p11 {

inline void pad_copy(unsigned char *field, std::size_t width, const char *text)
{
    std::size_t len = text != nullptr ? std::strlen(text) : 0;
    if (len > width) {
        len = width;
    }
    if (len > 0) {
        // A PKCS #11 text field is blank padded, never NUL terminated.
        std::memcpy(field, text, len); // NOLINT(bugprone-not-null-terminated-result)
    }
    std::memset(field + len, ' ', width - len);
}

// Same, for bytes that are not NUL terminated (a stored token label).
inline void pad_copy_bytes(unsigned char *field, std::size_t width, const unsigned char *bytes,
                           std::size_t len)
{
    if (len > width) {
        len = width;
    }
    if (len > 0) {
        std::memcpy(field, bytes, len);
    }
    std::memset(field + len, ' ', width - len);
}

} // namespace p11

#endif // P11_BACKEND_PADDED_STRING_H
