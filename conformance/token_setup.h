// Brings the token under test into a known state before the run, when the
// user allowed destructive tests: initialized, with the given PINs.
#ifndef P11CONF_TOKEN_SETUP_H
#define P11CONF_TOKEN_SETUP_H

namespace p11conf {

// Initializes the token if it is not (C_InitToken, then C_InitPIN as SO).
// Prints what failed and returns false on error.
bool PrepareToken();

} // namespace p11conf

#endif // P11CONF_TOKEN_SETUP_H
