// A full heap at every allocation of one call, in turn: the n-th allocation
// and every later one are refused, for n = 0, 1, ... until a run meets no
// refusal (failing_operator_new.h). `checked(rv, refused, n)` judges each run.
// Returns how many runs met a refusal; 0 means the call allocated nothing and
// the sweep proved nothing.
#ifndef P11_FULL_HEAP_SWEEP_H
#define P11_FULL_HEAP_SWEEP_H

#include <gtest/gtest.h>

#include "failing_operator_new.h"
#include "pkcs11.h"

namespace p11test {

template <typename Call, typename Check> long SweepFullHeap(Call call, Check checked, long limit = 500)
{
    for (long n = 0;; ++n) {
        FailAllocationsAfter(n);
        const CK_RV rv = call();
        const bool refused = AnAllocationFailed();
        FailAllocationsAfter(-1);
        checked(rv, refused, n);
        if (!refused) {
            return n;
        }
        if (n >= limit) {
            ADD_FAILURE() << "still allocating after " << limit << " allocations";
            return n;
        }
    }
}

} // namespace p11test

#endif // P11_FULL_HEAP_SWEEP_H
