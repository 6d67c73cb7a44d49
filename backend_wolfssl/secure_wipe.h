/* secure_wipe: clears secrets (PIN-derived keys, hash states) in a way the
 * compiler may not drop as a dead store. Debian's libwolfssl does not export
 * wolfCrypt's ForceZero, so the backend carries its own. */
#ifndef P11_BACKEND_SECURE_WIPE_H
#define P11_BACKEND_SECURE_WIPE_H

#include <cstddef>

namespace p11 {

inline void secure_wipe(void *data, std::size_t len)
{
    // Writing through a volatile pointer forces every store to happen.
    volatile unsigned char *p = static_cast<volatile unsigned char *>(data);
    while (len-- > 0) {
        *p++ = 0;
    }
}

} // namespace p11

#endif // P11_BACKEND_SECURE_WIPE_H
