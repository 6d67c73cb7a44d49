// Reading the module's self-description for the report header.
#include "module_info.h"

#include "module_fixture.h"

namespace p11conf {

ModuleInfo ReadModuleInfo(CK_FUNCTION_LIST *functions)
{
    ModuleInfo result;
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = functions->C_Initialize(&args);
    if (rv != CKR_OK) {
        result.error = "C_Initialize returned " + RvName(rv);
        return result;
    }
    rv = functions->C_GetInfo(&result.info);
    if (rv != CKR_OK) {
        result.error = "C_GetInfo returned " + RvName(rv);
    }
    std::string error;
    if (!ChooseSlot(functions, &result.slot, &error)) {
        result.error = error;
        functions->C_Finalize(nullptr);
        return result;
    }
    if ((rv = functions->C_GetSlotInfo(result.slot, &result.slot_info)) != CKR_OK) {
        result.error = "C_GetSlotInfo returned " + RvName(rv);
    }
    if ((rv = functions->C_GetTokenInfo(result.slot, &result.token_info)) != CKR_OK) {
        result.error = "C_GetTokenInfo returned " + RvName(rv);
    }
    CK_ULONG count = 0;
    rv = functions->C_GetMechanismList(result.slot, nullptr, &count);
    if (rv == CKR_OK) {
        result.mechanisms.resize(count);
        rv = functions->C_GetMechanismList(result.slot, result.mechanisms.data(), &count);
        result.mechanisms.resize(rv == CKR_OK ? count : 0);
    }
    if (rv != CKR_OK) {
        result.error = "C_GetMechanismList returned " + RvName(rv);
    }
    functions->C_Finalize(nullptr);
    return result;
}

} // namespace p11conf
