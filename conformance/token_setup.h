// Brings the token under test into a known state before the run, when the
// user allowed destructive tests: initialized, with the given PINs.
#ifndef P11CONF_TOKEN_SETUP_H
#define P11CONF_TOKEN_SETUP_H

#include "pkcs11.h"

namespace p11conf {

// Initializes the slot's token if it is not (C_InitToken, then C_InitPIN as
// SO) on an initialized module. Prints what failed and returns false on error.
bool PrepareToken(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot);

// The token as the run found it, before any case ran: its CK_TOKEN_INFO
// flags (after PrepareToken) and whether the runner initialized it itself.
// A case may only judge the token's first state from here: cases change
// PINs and may re-initialize the token.
struct TokenAtStart {
    bool read = false;                  // C_GetTokenInfo answered CKR_OK
    bool initialized_by_runner = false; // PrepareToken ran C_InitToken
    CK_FLAGS flags = 0;
};
const TokenAtStart &TokenStateAtStart();
// Reads the flags (StartRun, on an initialized module).
void RecordTokenAtStart(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot);

// Before any case: logs in once as the user and once as the SO with the PINs
// the run will use (when the profile has C_Login and the PIN is known), so a
// wrong PIN stops the run with one try spent instead of failing cases — or
// letting a case set the token's PIN to it. Prints why and returns false on a
// wrong or locked PIN.
bool CheckPins(CK_FUNCTION_LIST *fl, CK_SLOT_ID slot);

} // namespace p11conf

#endif // P11CONF_TOKEN_SETUP_H
