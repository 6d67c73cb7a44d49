// Names of PKCS #11 constants for messages and reports; the tables are
// generated from the header (generated/conformance/constant_names.cpp).
#ifndef P11CONF_CONSTANT_NAMES_H
#define P11CONF_CONSTANT_NAMES_H

#include <cstddef>

#include "pkcs11.h"

namespace p11conf {

struct ConstantName {
    CK_ULONG value;
    const char *name;
};

extern const ConstantName kReturnValueNames[];
extern const std::size_t kReturnValueNameCount;
extern const ConstantName kMechanismNames[];
extern const std::size_t kMechanismNameCount;
extern const ConstantName kFlagNames[];
extern const std::size_t kFlagNameCount;

// A code's definition in v2.40 §5.1 (spec/return_values.yaml "meanings"),
// sorted by name.
struct ReturnValueMeaning {
    CK_RV value;
    const char *section; // "5.1.6"
    const char *text;    // the specification's sentence(s)
};
extern const ReturnValueMeaning kReturnValueMeanings[];
extern const std::size_t kReturnValueMeaningCount;

} // namespace p11conf

#endif // P11CONF_CONSTANT_NAMES_H
