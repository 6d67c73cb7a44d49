// Brings the token under test into a known state before the run, when the
// user allowed destructive tests: initialized, with the given PINs.
#ifndef P11CONF_TOKEN_SETUP_H
#define P11CONF_TOKEN_SETUP_H

#include "pkcs11.h"

namespace p11conf {

// Initializes the slot's token if it is not (C_InitToken, then C_InitPIN as
// SO) on an initialized module. Prints what failed and returns false on error.
bool PrepareToken(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot);

} // namespace p11conf

#endif // P11CONF_TOKEN_SETUP_H
