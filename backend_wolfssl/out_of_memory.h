/* Ends every p11be_ entry that allocates (a function-try-block, P11_TRY
 * before its body): a C++ container that cannot grow throws
 * std::bad_alloc, and the application gets CKR_HOST_MEMORY instead of an
 * abort of its process. Locks and buffers are released by their destructors
 * on the way out.
 *
 * Firmware builds have them too (P11_FIRMWARE_EXCEPTIONS, the default; the
 * port's operator new throws, port/p11_port_new.cpp). Built without
 * (P11_FIRMWARE_EXCEPTIONS=OFF, to save flash) a full heap stops the
 * program, and the macros are empty. */
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
