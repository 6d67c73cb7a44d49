/* What the backend's concurrency rests on, per port (port/p11_port.h).
 * Hosts (P11_PORT_THREADS 1) run calls in parallel: thread-local caches and
 * 64-bit atomics. Firmware (0) runs one PKCS #11 call at a time (the
 * generated entry points hold p11_port_api_enter), so one static copy
 * serves every task, and plain 64-bit values need no libatomic, which
 * bare-metal toolchains do not ship. */
#ifndef P11_BACKEND_THREADING_H
#define P11_BACKEND_THREADING_H

#include <atomic>
#include <cstdint>

#include "p11_port.h"

#if P11_PORT_THREADS
#define P11_THREAD_LOCAL thread_local
#else
#define P11_THREAD_LOCAL
#endif

namespace p11 {

#if P11_PORT_THREADS
using Counter64 = std::atomic<std::uint64_t>;
#else
// std::atomic<std::uint64_t>'s interface, for calls that never overlap.
class Counter64 {
  public:
    constexpr Counter64(std::uint64_t value) : value_(value) {}
    std::uint64_t load(std::memory_order = std::memory_order_seq_cst) const { return value_; }
    void store(std::uint64_t value, std::memory_order = std::memory_order_seq_cst) { value_ = value; }
    bool compare_exchange_strong(std::uint64_t &expected, std::uint64_t desired)
    {
        if (value_ != expected) {
            expected = value_;
            return false;
        }
        value_ = desired;
        return true;
    }

  private:
    std::uint64_t value_;
};
#endif

} // namespace p11

#endif // P11_BACKEND_THREADING_H
