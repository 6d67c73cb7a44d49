// Creating and removing the p11bench data objects (see data_objects.h).
#include "data_objects.h"

#include <vector>

#include "bench_support.h"
#include "module_context.h"

namespace p11bench {
namespace {

char kApplication[] = "p11bench";

} // namespace

CK_RV CreateDataObject(CK_SESSION_HANDLE session, const std::string &label, CK_OBJECT_HANDLE *handle)
{
    CK_OBJECT_CLASS data_class = CKO_DATA;
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    CK_BYTE value[32] = {1, 2, 3, 4};
    CK_ATTRIBUTE attrs[] = {{CKA_CLASS, &data_class, sizeof data_class},
                            {CKA_TOKEN, &yes, sizeof yes},
                            {CKA_PRIVATE, &no, sizeof no},
                            {CKA_LABEL, const_cast<char *>(label.data()), label.size()},
                            {CKA_APPLICATION, kApplication, sizeof kApplication - 1},
                            {CKA_VALUE, value, sizeof value}};
    return Fl()->C_CreateObject(session, attrs, sizeof attrs / sizeof attrs[0], handle);
}

void TimeCreates(benchmark::State &state, CK_SESSION_HANDLE session)
{
    std::vector<CK_OBJECT_HANDLE> made;
    const std::string label = "p11bench create";
    for (auto _ : state) {
        CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
        if (!Ok(state, CreateDataObject(session, label, &handle), "C_CreateObject")) {
            break;
        }
        made.push_back(handle);
        if (made.size() == 16) {
            state.PauseTiming();
            for (CK_OBJECT_HANDLE h : made) {
                Fl()->C_DestroyObject(session, h);
            }
            made.clear();
            state.ResumeTiming();
        }
    }
    for (CK_OBJECT_HANDLE h : made) {
        Fl()->C_DestroyObject(session, h);
    }
    state.SetItemsProcessed(state.iterations());
}

CK_RV DestroyDataObjects(CK_SESSION_HANDLE session, unsigned long *count)
{
    *count = 0;
    CK_OBJECT_CLASS data_class = CKO_DATA;
    CK_ATTRIBUTE match[] = {{CKA_CLASS, &data_class, sizeof data_class},
                            {CKA_APPLICATION, kApplication, sizeof kApplication - 1}};
    // Collect first: destroying while a search is active is not portable.
    std::vector<CK_OBJECT_HANDLE> found;
    CK_RV rv = Fl()->C_FindObjectsInit(session, match, 2);
    if (rv != CKR_OK) {
        return rv;
    }
    CK_OBJECT_HANDLE batch[256];
    CK_ULONG n = 0;
    while ((rv = Fl()->C_FindObjects(session, batch, 256, &n)) == CKR_OK && n > 0) {
        found.insert(found.end(), batch, batch + n);
    }
    Fl()->C_FindObjectsFinal(session);
    if (rv != CKR_OK) {
        return rv;
    }
    for (CK_OBJECT_HANDLE handle : found) {
        if ((rv = Fl()->C_DestroyObject(session, handle)) != CKR_OK) {
            return rv;
        }
        ++*count;
    }
    return CKR_OK;
}

} // namespace p11bench
