/* Whether the port's heap refused an allocation since a point in a call.
 * The seed's PAL cannot say why it failed (PKCS11_PAL_SaveObject answers
 * only CK_INVALID_HANDLE); when the heap refused meanwhile, the failure is
 * a full heap (CKR_HOST_MEMORY, worth a retry), not a broken store. On
 * firmware calls run one at a time, so the refusal was this call's; on hosts
 * another thread's refusal may be counted, and its answer is then
 * CKR_HOST_MEMORY while memory was indeed short. */
#ifndef P11_BACKEND_HEAP_WATCH_H
#define P11_BACKEND_HEAP_WATCH_H

#include "p11_port.h"

namespace p11 {

class HeapWatch {
  public:
    bool refused() const { return p11_port_heap_refusals() != start_; }

  private:
    unsigned long start_ = p11_port_heap_refusals();
};

} // namespace p11

#endif // P11_BACKEND_HEAP_WATCH_H
