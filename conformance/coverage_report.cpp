#include "coverage_report.h"

#include <algorithm>
#include <vector>

#include "return_value_check.h"
#include "rv_check.h"

namespace p11conf {
namespace {

// Codes a client cannot bring about on a working token: the device, the
// host, another thread or the token's removal decide them.
bool ClientCannotProvoke(CK_RV rv)
{
    static const CK_RV kCodes[] = {CKR_DEVICE_ERROR,     CKR_DEVICE_MEMORY,      CKR_DEVICE_REMOVED,
                                   CKR_FUNCTION_CANCELED, CKR_FUNCTION_FAILED,    CKR_GENERAL_ERROR,
                                   CKR_HOST_MEMORY,      CKR_TOKEN_NOT_PRESENT,  CKR_TOKEN_NOT_RECOGNIZED,
                                   CKR_SESSION_CLOSED,   CKR_FUNCTION_REJECTED,  CKR_CANT_LOCK,
                                   CKR_NEED_TO_CREATE_THREADS, CKR_RANDOM_NO_RNG};
    return std::find(std::begin(kCodes), std::end(kCodes), rv) != std::end(kCodes);
}

std::string Names(const std::vector<CK_RV> &codes)
{
    std::string text;
    for (CK_RV rv : codes) {
        text += (text.empty() ? "" : ", ") + RvName(rv);
    }
    return text.empty() ? "-" : text;
}

} // namespace

void WriteCoverageReport(std::ostream &out, const std::string &module, const std::string &profile)
{
    std::vector<ReturnValueUse> uses = ReturnValueUses();
    std::sort(uses.begin(), uses.end(), [](const ReturnValueUse &a, const ReturnValueUse &b) {
        return std::string(a.list.function) < std::string(b.list.function);
    });
    out << "# Return values the suite provoked\n\n"
        << "Module `" << module << "`, profile `" << profile << "`. For every function the suite called: the codes of "
        << "its v2.40 \"Return values\" list (spec/return_values.yaml) the module returned during the run, those "
        << "it never returned (a case not written yet, or a code the module has no reason to give), and those no "
        << "client can bring about on a working token (device, host memory, cancellation).\n\n"
        << "| Function | § | calls | returned | never returned | not provokable by a client |\n|---|---|---|---|---|---|\n";
    for (const ReturnValueUse &use : uses) {
        if (use.returned == std::vector<CK_RV>{CKR_FUNCTION_NOT_SUPPORTED}) {
            out << "| `" << use.list.function << "` | " << (*use.list.section ? use.list.section : "-") << " | "
                << use.calls << " | CKR_FUNCTION_NOT_SUPPORTED only: a stub (outside the profile) | | |\n";
            continue;
        }
        std::vector<CK_RV> seen, missing, beyond;
        for (std::size_t i = 0; i < use.list.count; ++i) {
            const CK_RV code = use.list.codes[i];
            const bool returned = std::find(use.returned.begin(), use.returned.end(), code) != use.returned.end();
            (returned ? seen : ClientCannotProvoke(code) ? beyond : missing).push_back(code);
        }
        out << "| `" << use.list.function << "` | " << (*use.list.section ? use.list.section : "-") << " | "
            << use.calls << " | " << Names(seen) << " | " << Names(missing) << " | " << Names(beyond) << " |\n";
    }
}

} // namespace p11conf
