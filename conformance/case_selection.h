// Which cases a run selects, decided before anything runs, from the case's
// metadata, the profile and the options; with the reason either way (--list).
#ifndef P11CONF_CASE_SELECTION_H
#define P11CONF_CASE_SELECTION_H

#include <string>

#include "case_registry.h"
#include "options.h"
#include "runtime_profile.h"

namespace p11conf {

struct Selection {
    bool selected = false;
    std::string reason;
};

// Also applies the options' --filter, so --list and the run agree.
Selection SelectCase(const CaseInfo &info, const RuntimeProfile &profile, const Options &options);

// Does "Suite.Test" match one of the ':'-separated globs? (empty: yes)
bool MatchesFilter(const std::string &full_name, const std::string &filter);

} // namespace p11conf

#endif // P11CONF_CASE_SELECTION_H
