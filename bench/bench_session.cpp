// Session and object life cycle through the module, and the heap each open
// session and each stored object costs.
#include <string>
#include <vector>

#include "bench_support.h"
#include "data_objects.h"

namespace p11bench {
namespace {

void OpenCloseSession(benchmark::State &state)
{
    if (!Ready(state)) {
        return;
    }
    for (auto _ : state) {
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        CK_RV rv = OpenSession(&session);
        if (rv == CKR_OK) {
            rv = Fl()->C_CloseSession(session);
        }
        if (!Ok(state, rv, "C_OpenSession+C_CloseSession")) {
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

void CreateTokenObject(benchmark::State &state)
{
    Session session;
    if (Ready(state) && session.Open(state)) {
        TimeCreates(state, session.get());
    }
}

// C_Login+C_Logout as the user: one PIN derivation (PBKDF2, the profile's
// iterations) and the token key unwrapped; the PIN check also saves the
// failure count (twice, to the store). The anchor session's login is put
// back afterwards.
void LoginLogout(benchmark::State &state)
{
    Session session;
    if (!Ready(state) || !session.Open(state) || Options().user_pin.empty()) {
        state.SkipWithError("no user PIN given (--user-pin)");
        return;
    }
    const std::string &pin = Options().user_pin;
    auto *utf8 = reinterpret_cast<CK_UTF8CHAR *>(const_cast<char *>(pin.data()));
    (void)Fl()->C_Logout(session.get());
    for (auto _ : state) {
        CK_RV rv = Fl()->C_Login(session.get(), CKU_USER, utf8, pin.size());
        if (rv == CKR_OK) {
            rv = Fl()->C_Logout(session.get());
        }
        if (!Ok(state, rv, "C_Login+C_Logout")) {
            break;
        }
    }
    (void)Fl()->C_Login(session.get(), CKU_USER, utf8, pin.size());
    state.SetItemsProcessed(state.iterations());
}

// Heap growth over up to 100 open sessions, divided by the sessions opened
// (a profile's session limit may stop it earlier).
void HeapPerSession(benchmark::State &state)
{
    if (!Ready(state)) {
        return;
    }
    for (auto _ : state) {
        CK_SESSION_HANDLE warm = CK_INVALID_HANDLE;
        if (OpenSession(&warm) == CKR_OK) {
            Fl()->C_CloseSession(warm);
        }
        std::vector<CK_SESSION_HANDLE> open;
        const double before = HeapInUse();
        for (int i = 0; i < 100; ++i) {
            CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
            if (OpenSession(&session) != CKR_OK) {
                break;
            }
            open.push_back(session);
        }
        const double after = HeapInUse();
        for (CK_SESSION_HANDLE session : open) {
            Fl()->C_CloseSession(session);
        }
        if (open.empty()) {
            state.SkipWithError("no session could be opened");
            break;
        }
        state.counters["bytes_per_item"] = (after - before) / open.size();
        state.counters["measured_items"] = open.size();
    }
}

// Heap growth over up to 1,000 stored token objects, divided by the number
// stored (a profile's object limit may stop it earlier).
void HeapPerTokenObject(benchmark::State &state)
{
    Session session;
    if (!Ready(state) || !session.Open(state)) {
        return;
    }
    for (auto _ : state) {
        std::vector<CK_OBJECT_HANDLE> made;
        const double before = HeapInUse();
        for (int i = 0; i < 1000; ++i) {
            CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
            if (CreateDataObject(session.get(), "p11bench heap " + std::to_string(i), &handle) != CKR_OK) {
                break;
            }
            made.push_back(handle);
        }
        const double after = HeapInUse();
        for (CK_OBJECT_HANDLE handle : made) {
            Fl()->C_DestroyObject(session.get(), handle);
        }
        if (made.empty()) {
            state.SkipWithError("no token object could be created");
            break;
        }
        state.counters["bytes_per_item"] = (after - before) / made.size();
        state.counters["measured_items"] = made.size();
    }
}

BENCHMARK(OpenCloseSession)->UseRealTime();
BENCHMARK(CreateTokenObject)->UseRealTime();
BENCHMARK(LoginLogout)->UseRealTime();
BENCHMARK(HeapPerSession)->Iterations(1);
BENCHMARK(HeapPerTokenObject)->Iterations(1);

} // namespace
} // namespace p11bench
