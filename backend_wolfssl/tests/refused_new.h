/* A full heap on demand, for the paths no working machine takes: the
 * program that links refused_new.cpp replaces the nothrow operator new, and
 * RefuseNothrowNew(n) makes the n-th nothrow allocation from now answer
 * NULL (1: the next), as newlib's or a device's heap does when exhausted.
 * Throwing allocations are left alone. */
#ifndef P11_TESTS_REFUSED_NEW_H
#define P11_TESTS_REFUSED_NEW_H

namespace p11test {

void RefuseNothrowNew(int nth);
// How many nothrow allocations answered NULL since the program started.
int NothrowNewRefusals();

} // namespace p11test

#endif // P11_TESTS_REFUSED_NEW_H
