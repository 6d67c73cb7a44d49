// The token data objects the object benchmarks create, all marked with
// CKA_APPLICATION "p11bench" so that a run can remove every one it made.
#ifndef P11_BENCH_DATA_OBJECTS_H
#define P11_BENCH_DATA_OBJECTS_H

#include <benchmark/benchmark.h>
#include <pkcs11.h>

#include <string>

namespace p11bench {

CK_RV CreateDataObject(CK_SESSION_HANDLE session, const std::string &label, CK_OBJECT_HANDLE *handle);
// The timed loop of the create rows: one C_CreateObject per iteration; the
// objects made are destroyed in small batches outside the timed region (a
// profile may hold only a few dozen objects).
void TimeCreates(benchmark::State &state, CK_SESSION_HANDLE session);
// Destroys every p11bench data object on the token; *count says how many.
CK_RV DestroyDataObjects(CK_SESSION_HANDLE session, unsigned long *count);

} // namespace p11bench

#endif // P11_BENCH_DATA_OBJECTS_H
