// The last calls the suite made through the module's function list, with
// their arguments and results, per thread: a failure shows the call that
// failed and the ones before it ("C_SignInit(hSession=2, pMechanism=
// {CKM_ECDSA}, hKey=7) = CKR_OK"). The generated wrappers
// (function_list_guard.cpp) record every call.
#ifndef P11CONF_CALL_TRACE_H
#define P11CONF_CALL_TRACE_H

#include <initializer_list>
#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

// One argument as text: numbers in decimal, NULL or "&" for pointers, the
// value behind a CK_ULONG pointer (after the call: an output length or
// handle), the mechanism of a CK_MECHANISM.
std::string ArgText(unsigned long value);
std::string ArgText(unsigned char value);
std::string ArgText(unsigned long *pointer);
std::string ArgText(CK_MECHANISM *mechanism);
template <typename T> std::string ArgText(T *pointer)
{
    return pointer == nullptr ? "NULL" : "&";
}
// C_OpenSession's and C_WaitForSlotEvent's flags, by name.
std::string SessionFlagsText(CK_FLAGS flags);

// `names` is the comma-separated parameter list, `values` the ArgText of each.
void RecordCall(const char *function, const char *names, std::initializer_list<std::string> values, CK_RV rv);

// The calling thread's last calls, oldest first (at most kTracedCalls).
constexpr std::size_t kTracedCalls = 3;
std::vector<std::string> RecentCalls();

} // namespace p11conf

#endif // P11CONF_CALL_TRACE_H
