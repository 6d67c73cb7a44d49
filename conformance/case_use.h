// What each case ran: every mechanism a call accepted, with the key it ran
// with ("CKM_ECDSA with EC P-256", "CKM_SHA256_RSA_PKCS with RSA 2048"),
// so a report says which key sizes and mechanisms a result is about. The
// checked wrappers (function_list_guard.cpp) note each successful call that
// takes a mechanism; the report listener starts and takes a case's notes.
#ifndef P11CONF_CASE_USE_H
#define P11CONF_CASE_USE_H

#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

// The module's own C_GetAttributeValue (NULL when it has none): the key's
// type and size are read with it, outside the call trace.
void SetUseQuery(CK_C_GetAttributeValue get_attribute_value);

// After a call that succeeded with `mechanism` (and a key, or CK_INVALID_HANDLE).
void NoteUse(CK_SESSION_HANDLE session, const CK_MECHANISM *mechanism, CK_OBJECT_HANDLE key);

// Forgets the notes (at a case's start); the notes since, sorted, each once.
void StartCaseUse();
std::vector<std::string> TakeCaseUse();

// "EC P-256", "RSA 2048", "secret key of 32 bytes"; "" when the module does
// not say (no C_GetAttributeValue, or it refused).
std::string KeyText(CK_C_GetAttributeValue get_attribute_value, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key);

} // namespace p11conf

#endif // P11CONF_CASE_USE_H
