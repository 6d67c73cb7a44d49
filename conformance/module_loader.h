/* Loads a PKCS #11 module by path: dlopen + C_GetFunctionList, so that any
 * vendor's module works. Shared by the conformance runner, p11bench and
 * p11forge-provision. */
#ifndef P11CONF_MODULE_LOADER_H
#define P11CONF_MODULE_LOADER_H

#include <pkcs11.h>

#include <string>

namespace p11conf {

struct LoadedModule {
    void *library = nullptr;              // for dlclose; NULL when loading failed
    CK_FUNCTION_LIST *functions = nullptr; // NULL when loading failed
};

// On failure, *error says why (path and reason) and the library, if it was
// opened, is closed again.
LoadedModule LoadModuleFile(const std::string &path, std::string *error);

} // namespace p11conf

#endif
