#include "module_loader.h"

#include <dlfcn.h>

#include <cstdio>

namespace p11conf {

LoadedModule LoadModuleFile(const std::string &path, std::string *error)
{
    LoadedModule loaded;
    // RTLD_LOCAL: the module's symbols must not satisfy anyone else's.
    void *library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
        *error = "cannot load " + path + ": " + dlerror();
        return loaded;
    }
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library, "C_GetFunctionList"));
    if (get_list == nullptr) {
        *error = path + " exports no C_GetFunctionList";
        dlclose(library);
        return loaded;
    }
    CK_FUNCTION_LIST *functions = nullptr;
    CK_RV rv = get_list(&functions);
    if (rv != CKR_OK || functions == nullptr) {
        char code[32];
        (void)std::snprintf(code, sizeof code, "0x%08lx", static_cast<unsigned long>(rv));
        *error = "C_GetFunctionList of " + path + " failed: " + (rv != CKR_OK ? code : "no function list");
        dlclose(library);
        return loaded;
    }
    loaded.library = library;
    loaded.functions = functions;
    return loaded;
}

} // namespace p11conf
