// The suite never calls through a NULL entry of a module's function list: it
// calls a copy in which each NULL entry is a stub that fails the running test
// ("the module's function list has no C_X", v2.40 §5.4) and returns
// CKR_GENERAL_ERROR. The copy is generated from the header
// (generated/conformance/function_list_guard.cpp).
#ifndef P11CONF_FUNCTION_LIST_GUARD_H
#define P11CONF_FUNCTION_LIST_GUARD_H

#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

// Copies `module` (version included) into *guarded, replacing NULL entries by
// stubs; the names of the NULL entries go to *null_entries.
void GuardFunctionList(const CK_FUNCTION_LIST &module, CK_FUNCTION_LIST *guarded,
                       std::vector<std::string> *null_entries);

} // namespace p11conf

#endif // P11CONF_FUNCTION_LIST_GUARD_H
