// Many stored token objects: finding one by label among N, C_Initialize+
// C_Finalize over a full store and the heap the loaded objects hold. The
// objects are created once, grow (or shrink) from one N to the next, and
// p11bench_main.cpp removes them at exit.
#include <string>
#include <vector>

#include "bench_support.h"
#include "data_objects.h"

namespace p11bench {
namespace {

std::vector<std::string> g_labels; // of the objects stored so far
bool g_cleaned = false;
std::string g_population_error; // once creation failed, later N skip at once

// Destroys the stored objects past the first n, found by label: handles do
// not survive the C_Finalize of InitializeFinalize.
bool Shrink(benchmark::State &state, CK_SESSION_HANDLE session, std::size_t n)
{
    while (g_labels.size() > n) {
        const std::string &label = g_labels.back();
        CK_ATTRIBUTE match[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
        CK_OBJECT_HANDLE found[2];
        CK_ULONG count = 0;
        CK_RV rv = Fl()->C_FindObjectsInit(session, match, 1);
        if (rv == CKR_OK) {
            rv = Fl()->C_FindObjects(session, found, 2, &count);
            Fl()->C_FindObjectsFinal(session);
        }
        if (rv == CKR_OK && count == 1) {
            rv = Fl()->C_DestroyObject(session, found[0]);
        }
        if (!Ok(state, rv, "removing a stored object")) {
            return false;
        }
        g_labels.pop_back();
    }
    return true;
}

// Makes exactly n p11bench objects stored.
bool Populate(benchmark::State &state, std::size_t n)
{
    if (n > Options().max_objects) {
        state.SkipWithError(("more than --max-objects " + std::to_string(Options().max_objects)).c_str());
        return false;
    }
    if (!g_population_error.empty()) {
        state.SkipWithError(g_population_error.c_str());
        return false;
    }
    Session session;
    if (!session.Open(state)) {
        return false;
    }
    unsigned long removed = 0;
    // Leftovers of an interrupted run would make every N wrong.
    if (!g_cleaned && !Ok(state, DestroyDataObjects(session.get(), &removed), "removing old p11bench objects")) {
        return false;
    }
    g_cleaned = true;
    if (!Shrink(state, session.get(), n)) {
        return false;
    }
    while (g_labels.size() < n) {
        std::string label = "p11bench obj " + std::to_string(g_labels.size());
        CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
        CK_RV rv = CreateDataObject(session.get(), label, &handle);
        if (rv != CKR_OK) {
            g_population_error = "C_CreateObject of token object " + std::to_string(g_labels.size() + 1) +
                                 " returned " + RvName(rv) + " (the module's object limit?)";
            DestroyDataObjects(session.get(), &removed);
            g_labels.clear();
            state.SkipWithError(g_population_error.c_str());
            return false;
        }
        g_labels.push_back(std::move(label));
    }
    return true;
}

// Finds labels g_labels[0], [stride], [2 * stride], ... (mod n), one per
// iteration (stride 0: always the first).
void TimeFinds(benchmark::State &state, std::size_t stride)
{
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    Session session;
    if (!Ready(state) || !Populate(state, n) || !session.Open(state)) {
        return;
    }
    // The labels in the order they are looked up, copied into one run of
    // memory: the bench's own reads stay sequential (in the CPU cache), so the
    // row times the module's reads, not the bench's.
    std::vector<std::string> visit;
    for (std::size_t i = 0, at = 0; i < (stride == 0 ? 1 : n); ++i, at = (at + stride) % n) {
        visit.push_back(g_labels[at]);
    }
    std::size_t next = 0;
    for (auto _ : state) {
        const std::string &label = visit[next];
        next = next + 1 == visit.size() ? 0 : next + 1;
        CK_ATTRIBUTE match[] = {{CKA_LABEL, const_cast<char *>(label.data()), label.size()}};
        CK_OBJECT_HANDLE found[2];
        CK_ULONG count = 0;
        CK_RV rv = Fl()->C_FindObjectsInit(session.get(), match, 1);
        if (rv == CKR_OK) {
            rv = Fl()->C_FindObjects(session.get(), found, 2, &count);
            CK_RV final_rv = Fl()->C_FindObjectsFinal(session.get());
            rv = rv == CKR_OK ? final_rv : rv;
        }
        if (!Ok(state, rv, "C_FindObjectsInit+C_FindObjects+C_FindObjectsFinal")) {
            break;
        }
        if (count != 1) {
            state.SkipWithError(("found " + std::to_string(count) + " objects labelled \"" + label + "\"").c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

// A stride through all the labels, so no object stays in the CPU cache.
void FindByLabel(benchmark::State &state)
{
    TimeFinds(state, 7919);
}

// The same label every time: what the lookup costs when its object is in
// the cache, to tell the cost of the store's size from the cache's.
void FindSameLabel(benchmark::State &state)
{
    TimeFinds(state, 0);
}

void InitializeFinalize(benchmark::State &state)
{
    if (!Ready(state) || !Populate(state, static_cast<std::size_t>(state.range(0)))) {
        return;
    }
    Shutdown();
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    for (auto _ : state) {
        CK_RV rv = Fl()->C_Initialize(&args);
        if (rv == CKR_OK) {
            rv = Fl()->C_Finalize(nullptr);
        }
        if (!Ok(state, rv, "C_Initialize+C_Finalize")) {
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

// C_CreateObject of one more token object while n are stored: the cost of a
// create must not grow with the store.
void CreateAmong(benchmark::State &state)
{
    Session session;
    if (Ready(state) && Populate(state, static_cast<std::size_t>(state.range(0))) && session.Open(state)) {
        TimeCreates(state, session.get());
    }
}

// Heap the module holds after C_Initialize loaded n stored objects, minus
// what it held before, divided by n (C_Initialize's own fixed cost is in it,
// a few bytes per object at this n).
void HeapPerLoadedObject(benchmark::State &state)
{
    const std::size_t n = static_cast<std::size_t>(state.range(0));
    if (!Ready(state) || !Populate(state, n)) {
        return;
    }
    Shutdown();
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    for (auto _ : state) {
        const double before = HeapInUse();
        CK_RV rv = Fl()->C_Initialize(&args);
        const double after = HeapInUse();
        if (!Ok(state, rv, "C_Initialize")) {
            break;
        }
        Fl()->C_Finalize(nullptr);
        state.counters["bytes_per_item"] = (after - before) / static_cast<double>(n);
        state.counters["measured_items"] = static_cast<double>(n);
    }
}

// In this order: each N grows the store from the one before, and 100,000
// comes last so that the 10,000 rows need not shrink it.
BENCHMARK(FindByLabel)->UseRealTime()->Arg(100)->Arg(1000)->Arg(10000);
BENCHMARK(CreateAmong)->UseRealTime()->Arg(10000);
BENCHMARK(InitializeFinalize)->UseRealTime()->Arg(10000);
BENCHMARK(HeapPerLoadedObject)->Iterations(1)->Arg(10000);
BENCHMARK(FindByLabel)->UseRealTime()->Arg(100000);
BENCHMARK(FindSameLabel)->UseRealTime()->Arg(100000);
BENCHMARK(CreateAmong)->UseRealTime()->Arg(100000);

} // namespace
} // namespace p11bench
