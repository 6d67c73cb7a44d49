// Loading the module under test and the shared fixture behaviour.
#include "module_fixture.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <sstream>

namespace p11conf {
namespace {

CK_FUNCTION_LIST *g_functions = nullptr;

} // namespace

Options &options()
{
    static Options instance;
    return instance;
}

bool LoadModule(const std::string &path)
{
    // RTLD_LOCAL: the module's symbols must not satisfy anyone else's.
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), dlerror());
        return false;
    }
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
    if (get_list == nullptr) {
        std::fprintf(stderr, "%s exports no C_GetFunctionList\n", path.c_str());
        return false;
    }
    CK_RV rv = get_list(&g_functions);
    if (rv != CKR_OK || g_functions == nullptr) {
        std::fprintf(stderr, "C_GetFunctionList failed: %s\n", RvName(rv).c_str());
        return false;
    }
    return true;
}

CK_FUNCTION_LIST *LoadedFunctions()
{
    return g_functions;
}

std::string RvName(CK_RV rv)
{
    for (const auto &entry : profile::kRvNames) {
        if (entry.value == rv) {
            return entry.name;
        }
    }
    std::ostringstream out;
    out << "0x" << std::hex << rv;
    return out.str();
}

::testing::AssertionResult RvIsOneOf(CK_RV actual, std::initializer_list<CK_RV> expected)
{
    for (CK_RV code : expected) {
        if (code == actual) {
            return ::testing::AssertionSuccess();
        }
    }
    std::ostringstream message;
    message << "returned " << RvName(actual) << ", expected ";
    const char *separator = "";
    for (CK_RV code : expected) {
        message << separator << RvName(code);
        separator = " or ";
    }
    return ::testing::AssertionFailure() << message.str();
}

bool ProfileHas(const char *function)
{
    for (const char *name : profile::kFunctions) {
        if (std::strcmp(name, function) == 0) {
            return true;
        }
    }
    return false;
}

bool ProfileSelects(const char *test_group)
{
    for (const char *const *group = profile::kTestGroups; *group != nullptr; ++group) {
        if (std::strcmp(*group, test_group) == 0) {
            return true;
        }
    }
    return false;
}

void ModuleTest::SetUp()
{
    ASSERT_NE(fl(), nullptr) << "no module loaded";
    // A test that failed half-way may have left the library initialized.
    fl()->C_Finalize(nullptr);
}

void ModuleTest::TearDown()
{
    fl()->C_Finalize(nullptr);
}

void ModuleTest::Initialize()
{
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_TRUE(RvIsOneOf(fl()->C_Initialize(&args), {CKR_OK})) << "C_Initialize with CKF_OS_LOCKING_OK";
    if (options().slot_given) {
        slot_ = options().slot;
        return;
    }
    CK_SLOT_ID slots[16];
    CK_ULONG count = 16;
    ASSERT_TRUE(RvIsOneOf(fl()->C_GetSlotList(CK_TRUE, slots, &count), {CKR_OK}));
    ASSERT_GT(count, 0u) << "the module has no slot with a token";
    slot_ = slots[0];
}

bool ModuleTest::OpenSession(CK_FLAGS flags)
{
    CK_RV rv = fl()->C_OpenSession(slot_, flags, nullptr, nullptr, &session_);
    if (rv == CKR_OK) {
        return true;
    }
    skip_reason_ = "not applicable: C_OpenSession returned " + RvName(rv);
    if (rv == CKR_TOKEN_NOT_RECOGNIZED) {
        skip_reason_ += " (token not initialized; pass --init-token and --so-pin)";
    }
    return false;
}

std::string ModuleTest::UserPin() const
{
    if (!options().user_pin.empty() || profile::kDefaultUserPin == nullptr) {
        return options().user_pin;
    }
    return profile::kDefaultUserPin;
}

std::string ModuleTest::SoPin() const
{
    if (!options().so_pin.empty() || profile::kDefaultSoPin == nullptr) {
        return options().so_pin;
    }
    return profile::kDefaultSoPin;
}

} // namespace p11conf
