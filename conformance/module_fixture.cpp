// Loading the module under test and the shared fixture behaviour.
#include "module_fixture.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <sstream>

namespace p11conf {
namespace {

CK_FUNCTION_LIST *g_functions = nullptr;
CK_FUNCTION_LIST *g_provisioner = nullptr;

CK_FUNCTION_LIST *Load(const std::string &path)
{
    // RTLD_LOCAL: the module's symbols must not satisfy anyone else's.
    void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(), dlerror());
        return nullptr;
    }
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
    if (get_list == nullptr) {
        std::fprintf(stderr, "%s exports no C_GetFunctionList\n", path.c_str());
        return nullptr;
    }
    CK_FUNCTION_LIST *functions = nullptr;
    CK_RV rv = get_list(&functions);
    if (rv != CKR_OK || functions == nullptr) {
        std::fprintf(stderr, "C_GetFunctionList of %s failed: %s\n", path.c_str(), RvName(rv).c_str());
        return nullptr;
    }
    return functions;
}

} // namespace

Options &options()
{
    static Options instance;
    return instance;
}

bool LoadModule(const std::string &path)
{
    g_functions = Load(path);
    return g_functions != nullptr;
}

bool LoadProvisioner(const std::string &path)
{
    g_provisioner = Load(path);
    return g_provisioner != nullptr;
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

bool PrintableField(const CK_UTF8CHAR *text, size_t size)
{
    for (size_t i = 0; i < size; ++i) {
        if (text[i] < 0x20 || text[i] > 0x7e) {
            return false;
        }
    }
    return true;
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

std::string TestObjectLabel(const std::string &role, bool token_object)
{
    if (token_object && profile::kFixedLabelStore) {
        return role;
    }
    return role + " " + ::testing::UnitTest::GetInstance()->current_test_info()->name();
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

bool ModuleTest::LoginUser()
{
    std::string pin = UserPin();
    if (pin.empty()) {
        skip_reason_ = "not applicable: no user PIN (pass --user-pin)";
        return false;
    }
    CK_RV rv = fl()->C_Login(session_, CKU_USER, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size());
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
        ADD_FAILURE() << "C_Login(CKU_USER) returned " << RvName(rv);
        skip_reason_ = "login failed";
        return false;
    }
    return true;
}

bool ModuleTest::MechanismOffers(CK_MECHANISM_TYPE type, CK_FLAGS flags)
{
    CK_MECHANISM_INFO info{};
    CK_RV rv = fl()->C_GetMechanismInfo(slot_, type, &info);
    if (rv != CKR_OK || (info.flags & flags) != flags) {
        std::ostringstream reason;
        reason << "not applicable: mechanism 0x" << std::hex << type << " is not offered with flags 0x" << flags;
        skip_reason_ = reason.str();
        return false;
    }
    return true;
}

CK_OBJECT_HANDLE ModuleTest::Create(Template &tmpl)
{
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &handle);
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_CreateObject";
    return rv == CKR_OK ? handle : CK_INVALID_HANDLE;
}

std::vector<CK_OBJECT_HANDLE> ModuleTest::Find(Template &tmpl)
{
    std::vector<CK_OBJECT_HANDLE> found;
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjectsInit(session_, tmpl.data(), tmpl.size()), {CKR_OK}));
    for (int guard = 0; guard < 100000; ++guard) {
        CK_OBJECT_HANDLE batch[16];
        CK_ULONG count = 0;
        CK_RV rv = fl()->C_FindObjects(session_, batch, 16, &count);
        EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_FindObjects";
        if (rv != CKR_OK || count == 0) {
            break;
        }
        EXPECT_LE(count, 16u) << "C_FindObjects returned more than asked for";
        found.insert(found.end(), batch, batch + count);
    }
    EXPECT_TRUE(RvIsOneOf(fl()->C_FindObjectsFinal(session_), {CKR_OK}));
    return found;
}

ByteVector ModuleTest::Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE query = {type, nullptr, 0};
    CK_RV rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_GetAttributeValue size of 0x" << std::hex << type;
    if (rv != CKR_OK || query.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
        return {};
    }
    ByteVector value(query.ulValueLen);
    query.pValue = value.data();
    rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "C_GetAttributeValue of 0x" << std::hex << type;
    value.resize(rv == CKR_OK ? query.ulValueLen : 0);
    return value;
}

namespace {

// Runs `body` on a logged-in R/W session of the provisioning module.
template <typename Body> CK_RV WithProvisioner(const std::string &user_pin, Body body)
{
    CK_FUNCTION_LIST *p = g_provisioner;
    CK_RV rv = p->C_Initialize(nullptr);
    if (rv != CKR_OK) {
        return rv;
    }
    CK_SLOT_ID slots[16];
    CK_ULONG count = 16;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    std::string pin = user_pin;
    rv = p->C_GetSlotList(CK_TRUE, slots, &count);
    if (rv == CKR_OK && count == 0) {
        rv = CKR_SLOT_ID_INVALID;
    }
    if (rv == CKR_OK) {
        rv = p->C_OpenSession(slots[0], CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
    }
    if (rv == CKR_OK) {
        rv = p->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size());
    }
    if (rv == CKR_OK) {
        rv = body(p, session);
    }
    p->C_Finalize(nullptr);
    return rv;
}

} // namespace

CK_OBJECT_HANDLE ModuleTest::Provision(Template &tmpl, const std::string &label, CK_OBJECT_CLASS klass)
{
    if (ProfileHas("C_CreateObject")) {
        return Create(tmpl);
    }
    if (g_provisioner == nullptr) {
        skip_reason_ = "not applicable: the profile cannot create objects (pass --provision-module)";
        return CK_INVALID_HANDLE;
    }
    CK_RV rv = WithProvisioner(UserPin(), [&tmpl](CK_FUNCTION_LIST *p, CK_SESSION_HANDLE session) {
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        return p->C_CreateObject(session, tmpl.data(), tmpl.size(), &object);
    });
    EXPECT_TRUE(RvIsOneOf(rv, {CKR_OK})) << "provisioning through " << options().provision_module;
    if (rv != CKR_OK) {
        skip_reason_ = "provisioning failed";
        return CK_INVALID_HANDLE;
    }
    provisioned_labels_.push_back(label);
    // The module under test reads token objects at C_Initialize.
    fl()->C_Finalize(nullptr);
    Initialize();
    if (!OpenSession() || !LoginUser()) {
        return CK_INVALID_HANDLE;
    }
    Template query;
    query.Text(CKA_LABEL, label).Ulong(CKA_CLASS, klass);
    std::vector<CK_OBJECT_HANDLE> found = Find(query);
    EXPECT_EQ(found.size(), 1u) << "the provisioned object \"" << label << "\" is not found";
    return found.size() == 1 ? found[0] : CK_INVALID_HANDLE;
}

void ModuleTest::RemoveProvisioned()
{
    for (const std::string &label : provisioned_labels_) {
        WithProvisioner(UserPin(), [&label](CK_FUNCTION_LIST *p, CK_SESSION_HANDLE session) {
            CK_ATTRIBUTE query = {CKA_LABEL, const_cast<char *>(label.data()), label.size()};
            CK_OBJECT_HANDLE found[8];
            CK_ULONG count = 0;
            CK_RV rv = p->C_FindObjectsInit(session, &query, 1);
            if (rv == CKR_OK) {
                rv = p->C_FindObjects(session, found, 8, &count);
                p->C_FindObjectsFinal(session);
            }
            for (CK_ULONG i = 0; rv == CKR_OK && i < count; ++i) {
                rv = p->C_DestroyObject(session, found[i]);
            }
            return rv;
        });
    }
    provisioned_labels_.clear();
}

} // namespace p11conf
