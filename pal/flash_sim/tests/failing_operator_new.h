// A global operator new that can be told to fail: after n more allocations
// every new throws std::bad_alloc (the nothrow forms return nullptr), as a
// full heap does. wolfCrypt's allocations count and fail with them
// (InstallFailingWolfcryptAllocators): on a device one heap serves both.
// Linked into the test programs that inject a full heap.
#ifndef P11_FAILING_OPERATOR_NEW_H
#define P11_FAILING_OPERATOR_NEW_H

namespace p11test {

// n < 0: never fail (the default).
void FailAllocationsAfter(long n);
// Whether an allocation failed since the last FailAllocationsAfter.
bool AnAllocationFailed();
// Counts one allocation: true when it must fail (for other allocators).
bool AllocationShouldFail();
// Routes wolfCrypt's XMALLOC/XREALLOC/XFREE through the same countdown
// (failing_wolfcrypt_allocators.cpp, linked beside this file when needed).
void InstallFailingWolfcryptAllocators();

} // namespace p11test

#endif // P11_FAILING_OPERATOR_NEW_H
