// A second process on the same token: a token object is the token's, not one
// application's, so what one process creates or destroys the
// other sees. (PKCS #11 Usage Guide v2.40: "Token objects are visible by all
// applications connected to the token that have sufficient permission".)
// The runner starts itself again (/proc/self/exe) to act as that
// other application:
//
//   p11conform --second-process ACTION MODULE SLOT ARGUMENTS...
//     create LABEL VALUE        a public token data object
//     create-many LABEL COUNT   COUNT of them, "LABEL 0" = "object 0", ...
//     destroy LABEL             every data object labelled LABEL
//     reinit-with-key SO_PIN USER_PIN TOKEN_LABEL KEY_LABEL SECRET
//                               C_InitToken, C_InitPIN as the SO, then as
//                               the user a private token HMAC key (CKK_GENERIC_SECRET)
//                               whose value is the bytes of SECRET
//
// loads MODULE, acts on SLOT in a R/W session, finalizes and exits 0, or
// prints what failed and exits 1.
#ifndef P11CONF_SECOND_PROCESS_H
#define P11CONF_SECOND_PROCESS_H

#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

// main() of the second process (argv[1] is "--second-process").
int SecondProcessMain(int argc, char **argv);

// Runs the second process for `action` with its `arguments` and waits; its
// exit status, with what it printed in *output.
int RunSecondProcess(const std::string &module, CK_SLOT_ID slot, const std::string &action,
                     const std::vector<std::string> &arguments, std::string *output);

} // namespace p11conf

#endif // P11CONF_SECOND_PROCESS_H
