// Reading the module's self-description for the report header.
#include "module_info.h"

#include "module_fixture.h"

namespace p11conf {

void ReadModuleInfo(CK_FUNCTION_LIST *functions, CK_SLOT_ID slot, ModuleInfo *result)
{
    result->slot = slot;
    CK_RV rv = CKR_OK;
    if (ProfileHas("C_GetInfo") && (rv = functions->C_GetInfo(&result->info)) != CKR_OK) {
        result->error = "C_GetInfo returned " + RvName(rv);
    }
    if (ProfileHas("C_GetSlotInfo") && (rv = functions->C_GetSlotInfo(slot, &result->slot_info)) != CKR_OK) {
        result->error = "C_GetSlotInfo returned " + RvName(rv);
    }
    if (ProfileHas("C_GetTokenInfo") && (rv = functions->C_GetTokenInfo(slot, &result->token_info)) != CKR_OK) {
        result->error = "C_GetTokenInfo returned " + RvName(rv);
    }
    result->mechanisms_asked = ProfileHas("C_GetMechanismList");
    if (!result->mechanisms_asked) {
        return;
    }
    CK_ULONG count = 0;
    rv = functions->C_GetMechanismList(slot, nullptr, &count);
    if (rv == CKR_OK) {
        result->mechanisms.resize(count);
        rv = functions->C_GetMechanismList(slot, result->mechanisms.data(), &count);
        result->mechanisms.resize(rv == CKR_OK ? count : 0);
    }
    if (rv != CKR_OK) {
        result->error = "C_GetMechanismList returned " + RvName(rv);
    }
}

} // namespace p11conf
