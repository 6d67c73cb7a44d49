// A second process on the same token: a token object is the token's, not one
// application's, so what one process creates or destroys the
// other sees. (PKCS #11 Usage Guide v2.40: "Token objects are visible by all
// applications connected to the token that have sufficient permission".)
// The runner starts itself again (/proc/self/exe) to act as that
// other application:
//
//   p11conform --second-process create|create-many|destroy MODULE SLOT LABEL [VALUE]
//
// loads MODULE, opens a R/W session on SLOT, creates a public token data
// object LABEL with VALUE (create-many: VALUE objects "LABEL 0", "LABEL 1",
// ... with values "object 0", ...; destroy: every data object labelled LABEL),
// finalizes and exits 0, or prints what failed and exits 1.
#ifndef P11CONF_SECOND_PROCESS_H
#define P11CONF_SECOND_PROCESS_H

#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

// main() of the second process (argv[1] is "--second-process").
int SecondProcessMain(int argc, char **argv);

// Runs the second process for `action` and waits; its exit status, with what
// it printed in *output.
int RunSecondProcess(const std::string &module, CK_SLOT_ID slot, const std::string &action, const std::string &label,
                     const std::string &value, std::string *output);

} // namespace p11conf

#endif // P11CONF_SECOND_PROCESS_H
