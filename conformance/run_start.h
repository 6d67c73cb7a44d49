// The runner's one look at the module before any case runs.
#ifndef P11CONF_RUN_START_H
#define P11CONF_RUN_START_H

#include "module_info.h"

namespace p11conf {

// One C_Initialize .. C_Finalize: resolves an index or label slot choice to
// a slot ID (a case that re-initializes the token may change its label),
// initializes a blank token when prepare_token (--init-token) and reads
// what the report says about the module. False only when the token could
// not be prepared; other failures are in info->error and the cases say more.
bool StartRun(bool prepare_token, ModuleInfo *info);

} // namespace p11conf

#endif // P11CONF_RUN_START_H
