// The flash PAL's cost per call over the simulated NOR flash (RAM, so this
// is the PAL's own work: scanning, planning, compaction, read-back), and
// that it does not grow with the number of labels ever used (it once grew
// from about 7 us to 1 ms per create+destroy after 255k labels).
#include <benchmark/benchmark.h>

#include <string>

#include "core_pkcs11_pal.h"
#include "pal_flash_sim.h"

namespace {

const flash_geometry kGeometry = {4096, 8, 8, 256};

CK_OBJECT_HANDLE Save(const std::string &label, const std::string &value)
{
    CK_ATTRIBUTE attr = {CKA_LABEL, const_cast<char *>(label.data()), label.size()};
    return PKCS11_PAL_SaveObject(&attr, reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(value.data())),
                                 value.size());
}

void Fresh()
{
    flash_sim_reset(&kGeometry);
    PKCS11_PAL_Initialize();
}

// A create and a destroy under a label never used before, after `range(0)`
// distinct labels came and went.
void BM_CreateDestroyAfterManyLabels(benchmark::State &state)
{
    Fresh();
    const std::string value(120, 'v');
    long next = 0;
    for (; next < state.range(0); next++) {
        std::string label = "label " + std::to_string(next);
        PKCS11_PAL_DestroyObject(Save(label, value));
    }
    for (auto _ : state) {
        std::string label = "label " + std::to_string(next++);
        CK_OBJECT_HANDLE handle = Save(label, value);
        if (handle == CK_INVALID_HANDLE || PKCS11_PAL_DestroyObject(handle) != CKR_OK) {
            state.SkipWithError("save or destroy failed");
            break;
        }
    }
}
BENCHMARK(BM_CreateDestroyAfterManyLabels)->Arg(0)->Arg(10000)->Arg(100000);

// Replacing one object's value again and again (compaction included).
void BM_Replace(benchmark::State &state)
{
    Fresh();
    for (int i = 0; i < 10; i++) {
        Save("kept " + std::to_string(i), std::string(200, 'k'));
    }
    const std::string value(static_cast<size_t>(state.range(0)), 'r');
    for (auto _ : state) {
        if (Save("replaced", value) == CK_INVALID_HANDLE) {
            state.SkipWithError("save failed");
            break;
        }
    }
}
BENCHMARK(BM_Replace)->Arg(64)->Arg(1024);

// PKCS11_PAL_Initialize over a flash holding 60 objects and their history.
void BM_InitializeScan(benchmark::State &state)
{
    Fresh();
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 60; i++) {
            Save("object " + std::to_string(i), std::string(150 + round, 'o'));
        }
    }
    for (auto _ : state) {
        p11_flash_pal_forget();
        if (PKCS11_PAL_Initialize() != CKR_OK) {
            state.SkipWithError("Initialize failed");
            break;
        }
    }
}
BENCHMARK(BM_InitializeScan);

} // namespace

BENCHMARK_MAIN();
