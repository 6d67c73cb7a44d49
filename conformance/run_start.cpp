// The runner's start-up pass: slot, token preparation, report header.
#include "run_start.h"

#include <cstdio>

#include "module_fixture.h"
#include "token_setup.h"

namespace p11conf {

bool StartRun(bool prepare_token, ModuleInfo *info)
{
    CK_FUNCTION_LIST *functions = LoadedFunctions();
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = functions->C_Initialize(&args);
    if (rv != CKR_OK) {
        info->error = "C_Initialize returned " + RvName(rv);
        std::fprintf(stderr, "p11conform: %s; the cases will say more\n", info->error.c_str());
        return !prepare_token;
    }
    CK_SLOT_ID slot = 0;
    std::string error;
    bool ok = true;
    if (!ChooseSlot(functions, &slot, &error)) {
        // No case can run on a slot that is not there (a mistyped label).
        info->error = error;
        std::fprintf(stderr, "p11conform: %s; no case ran\n", error.c_str());
        ok = false;
    } else {
        options().slot_choice = SlotChoice::kId;
        options().slot_id = slot;
        ok = (!prepare_token || PrepareToken(functions, slot)) && CheckPins(functions, slot);
        RecordTokenAtStart(functions, slot);
        ReadModuleInfo(functions, slot, info);
    }
    functions->C_Finalize(nullptr);
    return ok;
}

} // namespace p11conf
