/* Ends every p11be_ entry that allocates (a function-try-block, P11_TRY
 * before its body): a C++ container that cannot grow throws
 * std::bad_alloc, and the application gets CKR_HOST_MEMORY instead of an
 * abort of its process. Locks and buffers are released by their destructors
 * on the way out.
 *
 * Firmware builds have no exceptions: newlib-nano's libstdc++ is built
 * without them (std::string and the containers' out-of-line code cannot
 * unwind), so a full heap there still aborts; the way out is memory sized
 * by design (docs/firmware.md, "Not yet"). The macros are then empty. */
#ifndef P11_BACKEND_OUT_OF_MEMORY_H
#define P11_BACKEND_OUT_OF_MEMORY_H

#include <new>

#if defined(__cpp_exceptions)
#define P11_TRY try
#define P11_HOST_MEMORY_ON_BAD_ALLOC                                                                                \
    catch (const std::bad_alloc &)                                                                                  \
    {                                                                                                               \
        return CKR_HOST_MEMORY;                                                                                     \
    }
#else
#define P11_TRY
#define P11_HOST_MEMORY_ON_BAD_ALLOC
#endif

#endif /* P11_BACKEND_OUT_OF_MEMORY_H */
