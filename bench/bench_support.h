// Small helpers the p11bench benchmarks share: getting the module ready,
// a session that closes itself, and turning a CK_RV into a skip reason.
#ifndef P11_BENCH_SUPPORT_H
#define P11_BENCH_SUPPORT_H

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <string>

#include "module_context.h"

namespace p11bench {

// Bytes the process's heap holds (the module shares our malloc).
inline double HeapInUse()
{
    struct mallinfo2 info = mallinfo2();
    return static_cast<double>(info.uordblks + info.hblkhd);
}

// EnsureReady, or marks the benchmark skipped with the reason.
inline bool Ready(benchmark::State &state)
{
    std::string error;
    if (!EnsureReady(&error)) {
        state.SkipWithError(error.c_str());
        return false;
    }
    return true;
}

// Marks the benchmark skipped unless rv is CKR_OK.
inline bool Ok(benchmark::State &state, CK_RV rv, const char *what)
{
    if (rv == CKR_OK) {
        return true;
    }
    state.SkipWithError((std::string(what) + " returned " + RvName(rv)).c_str());
    return false;
}

// A missing mechanism skips the benchmark with the reason.
inline bool HasMechanism(benchmark::State &state, CK_MECHANISM_TYPE type, CK_FLAGS flag, const char *name)
{
    CK_MECHANISM_INFO info{};
    CK_RV rv = Fl()->C_GetMechanismInfo(Slot(), type, &info);
    if (rv != CKR_OK || (info.flags & flag) == 0) {
        state.SkipWithError(
            (std::string(name) + " not offered for this operation (C_GetMechanismInfo: " + RvName(rv) + ")").c_str());
        return false;
    }
    return true;
}

class Session {
  public:
    Session() = default;
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;
    ~Session()
    {
        if (handle_ != CK_INVALID_HANDLE) {
            Fl()->C_CloseSession(handle_);
        }
    }
    bool Open(benchmark::State &state) { return Ok(state, OpenSession(&handle_), "C_OpenSession"); }
    CK_SESSION_HANDLE get() const { return handle_; }

  private:
    CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
};

} // namespace p11bench

#endif // P11_BENCH_SUPPORT_H
