/* What the call-sequence fuzz target knows of the token while a program runs,
 * and the invariants it checks after every call, beyond "no crash":
 *  - every code a function returns is in its v2.40 "Return values" list
 *    (conformance/return_value_table.h: CKR_FUNCTION_NOT_SUPPORTED and
 *    vendor codes allowed);
 *  - no handle of a destroyed object works, nor one of a session object whose
 *    session was closed (v2.40 §5.6 C_CloseSession), nor one of a private
 *    session object after C_Logout (§5.6), nor a closed session's;
 *  - a token object once destroyed is never found again, not even after
 *    C_Finalize/C_Initialize;
 *  - a sensitive or unextractable key's secret attributes are never
 *    returned, nor their size, nor written into the caller's buffer
 *    (§4.1.3 table 15, §5.7 C_GetAttributeValue);
 *  - a private object is never read without a user login (§4.4).
 * A violation prints what broke and aborts, so libFuzzer keeps the input;
 * P11_FUZZ_TRACE=1 in the environment prints every call's code. */
#ifndef P11_FUZZ_CALL_MODEL_H
#define P11_FUZZ_CALL_MODEL_H

#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pkcs11.h"

// Prints "call-sequence invariant broken: <what>" and aborts.
[[noreturn]] void Fail(const char *what);

template <typename... Args> [[noreturn]] void Violation(const char *format, Args... args)
{
    char text[512];
    (void)std::snprintf(text, sizeof text, format, args...); // a cut message still names the invariant
    Fail(text);
}

class CallModel {
public:
    explicit CallModel(CK_FUNCTION_LIST *module) : module_(module) {}

    CK_FUNCTION_LIST *module() const { return module_; }

    // Every call's code, against its function's list.
    CK_RV Returned(const char *function, CK_RV rv) const;
    // A call naming a session or an object handle: also the handle invariants.
    CK_RV ReturnedForSession(const char *function, CK_SESSION_HANDLE session, CK_RV rv) const;
    CK_RV ReturnedForObject(const char *function, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_RV rv) const;

    void Initialized();
    void Finalized();
    void Opened(CK_SESSION_HANDLE session);
    void Closed(CK_SESSION_HANDLE session);
    void AllClosed();
    // C_Logout succeeded: private session objects are destroyed (§5.6).
    void LoggedOut();
    // An object a call made in `session`: its facts are read at once.
    void Made(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object);
    // C_SetAttributeValue succeeded: its label (or token-ness) may be new.
    void Changed(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object);
    void Destroyed(CK_OBJECT_HANDLE object);
    // Objects C_FindObjects gave: none may be one destroyed.
    void Found(CK_SESSION_HANDLE session, const CK_OBJECT_HANDLE *objects, CK_ULONG count);

    // After C_GetAttributeValue(session, object, after, count) returned rv:
    // `before` is the template as given, each value buffer filled with `filled`.
    void CheckSecretsHidden(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, const CK_ATTRIBUTE *before,
                            const CK_ATTRIBUTE *after, CK_ULONG count, CK_RV rv, unsigned char filled) const;
    void CheckPrivateHidden(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_RV rv) const;

    // Handles a program may name: the known ones (closed and destroyed too).
    const std::vector<CK_SESSION_HANDLE> &sessions() const { return sessions_; }
    const std::vector<CK_OBJECT_HANDLE> &objects() const { return objects_; }

private:
    struct Facts {
        bool known = false;
        bool token = true;
        bool is_private = false;
        CK_SESSION_HANDLE creator = CK_INVALID_HANDLE;
        std::string label;
    };

    bool ReadFacts(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, Facts *facts) const;
    // Session objects for which `ends` holds are gone: their handles must not work again.
    void EndSessionObjects(const std::function<bool(const Facts &)> &ends);

    CK_FUNCTION_LIST *module_;
    std::vector<CK_SESSION_HANDLE> sessions_;
    std::set<CK_SESSION_HANDLE> closed_;
    std::vector<CK_OBJECT_HANDLE> objects_;
    std::map<CK_OBJECT_HANDLE, Facts> live_;
    std::set<CK_OBJECT_HANDLE> destroyed_;
    std::set<std::string> gone_labels_; // destroyed token objects' labels
};

#endif // P11_FUZZ_CALL_MODEL_H
