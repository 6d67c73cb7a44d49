// The command line of a conformance run, shared by the runner and the tests.
#ifndef P11CONF_OPTIONS_H
#define P11CONF_OPTIONS_H

#include <string>

#include "pkcs11.h"

namespace p11conf {

enum class SlotChoice { kFirstWithToken, kId, kIndex, kTokenLabel };

struct Options {
    std::string module_path;
    std::string profile;              // built-in name, resolved file or .yaml
    SlotChoice slot_choice = SlotChoice::kFirstWithToken;
    CK_SLOT_ID slot_id = 0;           // --slot
    CK_ULONG slot_index = 0;          // --slot-index: into C_GetSlotList(CK_TRUE)
    std::string token_label;          // --token-label
    std::string user_pin;             // empty: the profile's default, if any
    std::string so_pin;
    bool allow_destructive = false;   // C_InitToken may wipe the token
    bool strict_profile = false;      // the module was built for exactly this profile
    std::string provision_module;     // creates objects for profiles that cannot (same store)
    std::string report_markdown;      // file paths; empty: not written
    std::string report_junit;
    std::string report_coverage; // --report-coverage: codes returned per function
    std::string filter;               // ':'-separated globs over Suite.Test; empty: all
    bool fail_fast = false;
    bool fail_on_not_applicable = false;
};

Options &options();

} // namespace p11conf

#endif // P11CONF_OPTIONS_H
