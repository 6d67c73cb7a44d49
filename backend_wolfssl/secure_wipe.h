/* secure_wipe: clears secrets (PIN-derived keys, hash states) in a way the
 * compiler may not drop as a dead store. Debian's libwolfssl does not export
 * wolfCrypt's ForceZero, so the backend carries its own. */
#ifndef P11_BACKEND_SECURE_WIPE_H
#define P11_BACKEND_SECURE_WIPE_H

#include <cstddef>
#include <cstring>

namespace p11 {

inline void secure_wipe(void *data, std::size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
    // memset at full speed (hot paths wipe kilobytes of key and hash state);
    // the empty asm claims to read the memory, so the compiler cannot drop
    // the memset as a dead store.
    std::memset(data, 0, len);
    __asm__ __volatile__("" : : "r"(data) : "memory");
#else
    // Writing through a volatile pointer forces every store to happen.
    volatile unsigned char *p = static_cast<volatile unsigned char *>(data);
    while (len-- > 0) {
        *p++ = 0;
    }
#endif
}

} // namespace p11

#endif // P11_BACKEND_SECURE_WIPE_H
