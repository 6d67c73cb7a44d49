// The "Return values" list of every function of the PKCS #11 v2.40 base
// specification (spec/return_values.yaml, generated into
// generated/conformance/return_value_table.cpp), and the rule every code a
// module returns must meet. Plain C++ with no test framework: the
// conformance runner's check (return_value_check.h) and the call-sequence
// fuzz target (fuzz/) both judge codes by it.
#ifndef P11CONF_RETURN_VALUE_TABLE_H
#define P11CONF_RETURN_VALUE_TABLE_H

#include <cstddef>

#include "pkcs11.h"

namespace p11conf {

struct ReturnValues {
    const char *function;   // "C_SignInit"
    const char *section;    // "5.11"; "" when the specification lists nothing for it
    const CK_RV *codes;     // its v2.40 list; nullptr when it has none
    std::size_t count;
};

// True when v2.40 allows `function` to return `rv`: a code of its list,
// CKR_FUNCTION_NOT_SUPPORTED (§5.1.6: every function may be a stub), or a
// vendor-defined code (CKR_VENDOR_DEFINED and above).
bool ReturnValueAllowed(const ReturnValues &list, CK_RV rv);

// The list of a function of the header's CK_FUNCTION_LIST by name; a name
// the table lacks gets an entry with no list (nothing to check).
const ReturnValues &ReturnValuesOf(const char *function);

// Generated: one entry per member of CK_FUNCTION_LIST.
extern const ReturnValues kReturnValueTable[];
extern const std::size_t kReturnValueTableSize;

} // namespace p11conf

#endif // P11CONF_RETURN_VALUE_TABLE_H
