/* The profile of the call-sequence fuzz target: the generated one under
 * another name, so fuzz/call_setup.cpp can define p11_active_profile as
 * a copy with one PBKDF2 iteration per PIN (a login per input must not take
 * milliseconds). The include folder picks the profile. */
#define p11_active_profile p11_generated_profile
#include "profile.c" /* NOLINT(bugprone-suspicious-include): the point of this file */
