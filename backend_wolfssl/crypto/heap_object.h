/* One wolfCrypt structure on the heap for a scope. An ecc_key or mp_int
 * holds numbers as wide as the largest key the profile allows (SP_INT_BITS:
 * 4096 bits for RSA-4096), a kilobyte or more each, which a Cortex-M task's
 * stack cannot spare (docs/firmware.md: the self-test's stack high-water
 * mark). Wiped before it is freed: it may hold key material. */
#ifndef P11_BACKEND_CRYPTO_HEAP_OBJECT_H
#define P11_BACKEND_CRYPTO_HEAP_OBJECT_H

#include <new>

#include "secure_wipe.h"

namespace p11 {

template <typename T> class HeapObject {
  public:
    HeapObject() : object_(new (std::nothrow) T) {}
    ~HeapObject()
    {
        if (object_ != nullptr) {
            secure_wipe(object_, sizeof(T));
            delete object_;
        }
    }
    HeapObject(const HeapObject &) = delete;
    HeapObject &operator=(const HeapObject &) = delete;

    // False when the allocation failed (the caller answers CKR_HOST_MEMORY).
    explicit operator bool() const { return object_ != nullptr; }
    T *get() const { return object_; }
    T *operator->() const { return object_; }

  private:
    T *object_;
};

} // namespace p11

#endif // P11_BACKEND_CRYPTO_HEAP_OBJECT_H
