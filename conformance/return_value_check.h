// Every code a module returns to the suite is checked against the function's
// "Return values" list of the v2.40 base specification (spec/return_values.yaml):
// a code outside it fails the running case, whatever the case itself expects,
// so each of the suite's calls also tests the one rule every function has.
// The generated function-list wrappers (function_list_guard.cpp) call it.
#ifndef P11CONF_RETURN_VALUE_CHECK_H
#define P11CONF_RETURN_VALUE_CHECK_H

#include <string>
#include <vector>

#include "return_value_table.h"

namespace p11conf {

// ADD_FAILURE()s the running case when `rv` is not allowed; outside a case
// (the runner's own set-up) it prints a warning to stderr instead.
void CheckReturnValue(const ReturnValues &list, CK_RV rv);

// Every code each function returned during the run, beside its v2.40 list:
// which of the codes the specification names did the suite provoke
// (p11conform --report-coverage). Recorded by CheckReturnValue.
struct ReturnValueUse {
    ReturnValues list;
    unsigned long calls = 0;
    std::vector<CK_RV> returned; // in the order first seen
};
const std::vector<ReturnValueUse> &ReturnValueUses();

// The failure text: "C_SignInit returned CKR_OBJECT_HANDLE_INVALID, which
// is not among the return values v2.40 §5.11 lists for C_SignInit".
std::string ReturnValueMessage(const ReturnValues &list, CK_RV rv);

} // namespace p11conf

#endif // P11CONF_RETURN_VALUE_CHECK_H
