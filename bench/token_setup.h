// Setting up a blank token before the benchmarks (p11bench --init-token):
// the steps a new smart card goes through, so any module whose token starts
// uninitialized (our `full` profile) can be measured from an empty store.
#ifndef P11_BENCH_TOKEN_SETUP_H
#define P11_BENCH_TOKEN_SETUP_H

#include <string>

namespace p11bench {

// C_InitToken with so_pin (label "p11bench"), then, as the SO, C_InitPIN
// with user_pin; leaves the module finalized. On failure returns false and
// sets *error to the call that failed.
bool InitToken(const std::string &so_pin, const std::string &user_pin, std::string *error);

} // namespace p11bench

#endif // P11_BENCH_TOKEN_SETUP_H
