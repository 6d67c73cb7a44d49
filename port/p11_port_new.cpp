/* C++'s allocation on the port's heap, for firmware built with
 * P11_FIRMWARE_EXCEPTIONS: when the heap is full, operator new throws
 * std::bad_alloc from here, and every p11be_ entry answers CKR_HOST_MEMORY
 * (backend_wolfssl/out_of_memory.h). newlib-nano's own operator new cannot:
 * its libstdc++ is built without exceptions and stops the program instead.
 * These replace the global operators for the whole image. */
#include <cstddef>
#include <new>

#include "p11_port.h"

void *operator new(std::size_t size)
{
    void *block = p11_port_malloc(size != 0 ? size : 1);
    if (block == nullptr) {
        throw std::bad_alloc();
    }
    return block;
}

void *operator new[](std::size_t size)
{
    return ::operator new(size);
}

void *operator new(std::size_t size, const std::nothrow_t &) noexcept
{
    return p11_port_malloc(size != 0 ? size : 1);
}

void *operator new[](std::size_t size, const std::nothrow_t &) noexcept
{
    return p11_port_malloc(size != 0 ? size : 1);
}

void operator delete(void *block) noexcept
{
    p11_port_free(block);
}

void operator delete[](void *block) noexcept
{
    p11_port_free(block);
}

void operator delete(void *block, std::size_t) noexcept
{
    p11_port_free(block);
}

void operator delete[](void *block, std::size_t) noexcept
{
    p11_port_free(block);
}

void operator delete(void *block, const std::nothrow_t &) noexcept
{
    p11_port_free(block);
}

void operator delete[](void *block, const std::nothrow_t &) noexcept
{
    p11_port_free(block);
}
