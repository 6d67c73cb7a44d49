// Loading the module under test and the shared fixture behaviour.
#include "module_fixture.h"

#include "function_list_guard.h"
#include "module_loader.h"

#include <cstdio>
#include <cstring>
#include <sstream>

namespace p11conf {
namespace {

CK_FUNCTION_LIST *g_functions = nullptr;
CK_FUNCTION_LIST *g_provisioner = nullptr;
CK_FUNCTION_LIST g_guarded{};
std::vector<std::string> g_null_entries;

CK_FUNCTION_LIST *Load(const std::string &path)
{
    std::string error;
    LoadedModule loaded = LoadModuleFile(path, &error);
    if (loaded.functions == nullptr) {
        std::fprintf(stderr, "%s\n", error.c_str());
    }
    return loaded.functions;
}

} // namespace

Options &options()
{
    static Options instance;
    return instance;
}

bool LoadModule(const std::string &path)
{
    CK_FUNCTION_LIST *module = Load(path);
    if (module == nullptr) {
        return false;
    }
    g_null_entries.clear();
    GuardFunctionList(*module, &g_guarded, &g_null_entries);
    g_functions = &g_guarded;
    return true;
}

const std::vector<std::string> &NullFunctionListEntries()
{
    return g_null_entries;
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
    return ActiveProfile().Has(function);
}

bool ProfileSelects(const char *test_group)
{
    return ActiveProfile().Selects(test_group);
}

CK_MECHANISM_TYPE ProfileMechanismFor(CK_FLAGS flag)
{
    for (const ProfileMechanism &mechanism : ActiveProfile().mechanisms) {
        if ((mechanism.flags & flag) == flag) {
            return mechanism.type;
        }
    }
    return kOutsideMechanism;
}

bool ChooseSlot(CK_FUNCTION_LIST *functions, CK_SLOT_ID *slot, std::string *error)
{
    const Options &o = options();
    if (o.slot_choice == SlotChoice::kId) {
        *slot = o.slot_id;
        return true;
    }
    CK_ULONG count = 0;
    CK_RV rv = functions->C_GetSlotList(CK_TRUE, nullptr, &count);
    std::vector<CK_SLOT_ID> slots(count);
    if (rv == CKR_OK && count > 0) {
        rv = functions->C_GetSlotList(CK_TRUE, slots.data(), &count);
        slots.resize(count);
    }
    if (rv != CKR_OK) {
        *error = "C_GetSlotList(CK_TRUE) returned " + RvName(rv);
        return false;
    }
    if (slots.empty()) {
        *error = "the module has no slot with a token";
        return false;
    }
    if (o.slot_choice == SlotChoice::kIndex) {
        if (o.slot_index >= slots.size()) {
            *error = "--slot-index " + std::to_string(o.slot_index) + ": only " + std::to_string(slots.size()) +
                     " slot(s) with a token";
            return false;
        }
        *slot = slots[o.slot_index];
        return true;
    }
    if (o.slot_choice == SlotChoice::kTokenLabel) {
        for (CK_SLOT_ID candidate : slots) {
            CK_TOKEN_INFO info{};
            if (functions->C_GetTokenInfo(candidate, &info) != CKR_OK) {
                continue;
            }
            std::string label(reinterpret_cast<const char *>(info.label), sizeof(info.label));
            label.erase(label.find_last_not_of(' ') + 1);
            if (label == o.token_label) {
                *slot = candidate;
                return true;
            }
        }
        *error = "no token labelled \"" + o.token_label + "\"";
        return false;
    }
    *slot = slots[0];
    return true;
}

std::string TestObjectLabel(const std::string &role, bool token_object)
{
    if (token_object && ActiveProfile().FixedLabelStore()) {
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
    ASSERT_RV(fl()->C_Initialize(&args), CKR_OK) << "C_Initialize with CKF_OS_LOCKING_OK";
    std::string error;
    ASSERT_TRUE(ChooseSlot(fl(), &slot_, &error)) << error;
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
    return !options().user_pin.empty() ? options().user_pin : ActiveProfile().user_pin;
}

std::string ModuleTest::SoPin() const
{
    return !options().so_pin.empty() ? options().so_pin : ActiveProfile().so_pin;
}

bool ModuleTest::LoginUser()
{
    if (!ProfileHas("C_Login")) {
        // Public objects need no login: the case runs without one (a case
        // that needs one finds no private object, and says so).
        return true;
    }
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

bool ModuleTest::MechanismInfoOf(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *info)
{
    *info = CK_MECHANISM_INFO{};
    if (ProfileHas("C_GetMechanismInfo")) {
        return fl()->C_GetMechanismInfo(slot_, type, info) == CKR_OK;
    }
    // Nothing to ask: the profile's own mechanism list says what the module
    // offers (the report's header says so too).
    for (const ProfileMechanism &mechanism : ActiveProfile().mechanisms) {
        if (mechanism.type == type) {
            info->flags = mechanism.flags;
            info->ulMinKeySize = mechanism.min_key_size;
            // A profile without key_size puts no bound on it.
            info->ulMaxKeySize = mechanism.max_key_size != 0 ? mechanism.max_key_size : ~CK_ULONG{0};
            return true;
        }
    }
    return false;
}

bool ModuleTest::MechanismOffers(CK_MECHANISM_TYPE type, CK_FLAGS flags)
{
    CK_MECHANISM_INFO info{};
    if (!MechanismInfoOf(type, &info) || (info.flags & flags) != flags) {
        std::ostringstream reason;
        reason << "not applicable: the " << (ProfileHas("C_GetMechanismInfo") ? "module" : "profile")
               << " does not offer " << MechanismName(type) << " with flags 0x" << std::hex << flags;
        skip_reason_ = reason.str();
        return false;
    }
    return true;
}

CK_OBJECT_HANDLE ModuleTest::Create(Template &tmpl)
{
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_RV rv = fl()->C_CreateObject(session_, tmpl.data(), tmpl.size(), &handle);
    EXPECT_RV_OF("C_CreateObject(session_, template, count, &handle)", rv, CKR_OK);
    return rv == CKR_OK ? handle : CK_INVALID_HANDLE;
}

std::vector<CK_OBJECT_HANDLE> ModuleTest::Find(Template &tmpl)
{
    std::vector<CK_OBJECT_HANDLE> found;
    EXPECT_RV(fl()->C_FindObjectsInit(session_, tmpl.data(), tmpl.size()), CKR_OK);
    for (int guard = 0; guard < 100000; ++guard) {
        CK_OBJECT_HANDLE batch[16];
        CK_ULONG count = 0;
        CK_RV rv = fl()->C_FindObjects(session_, batch, 16, &count);
        EXPECT_RV_OF("C_FindObjects(session_, batch, 16, &count)", rv, CKR_OK);
        if (rv != CKR_OK || count == 0) {
            break;
        }
        EXPECT_LE(count, 16u) << "C_FindObjects returned more than asked for";
        found.insert(found.end(), batch, batch + count);
    }
    EXPECT_RV(fl()->C_FindObjectsFinal(session_), CKR_OK);
    return found;
}

ByteVector ModuleTest::Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE query = {type, nullptr, 0};
    CK_RV rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
    EXPECT_RV_OF("C_GetAttributeValue(session_, object, {type, NULL, 0}, 1)", rv, CKR_OK)
        << "size of attribute 0x" << std::hex << type;
    if (rv != CKR_OK || query.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
        return {};
    }
    ByteVector value(query.ulValueLen);
    query.pValue = value.data();
    rv = fl()->C_GetAttributeValue(session_, object, &query, 1);
    EXPECT_RV_OF("C_GetAttributeValue(session_, object, {type, value, size}, 1)", rv, CKR_OK)
        << "value of attribute 0x" << std::hex << type;
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
    return ProvisionAll({{&tmpl, label, klass}})[0];
}

std::vector<CK_OBJECT_HANDLE> ModuleTest::ProvisionAll(const std::vector<Provided> &objects)
{
    std::vector<CK_OBJECT_HANDLE> handles(objects.size(), CK_INVALID_HANDLE);
    if (ProfileHas("C_CreateObject")) {
        for (size_t i = 0; i < objects.size(); ++i) {
            handles[i] = Create(*objects[i].tmpl);
        }
        return handles;
    }
    if (g_provisioner == nullptr) {
        skip_reason_ = "not applicable: the profile cannot create objects (pass --provision-module)";
        return handles;
    }
    // The module under test lets go first: the provisioning module may be the
    // same library (a vendor's one module provisioning itself), whose
    // C_Initialize would answer CKR_CRYPTOKI_ALREADY_INITIALIZED; and it reads
    // token objects at C_Initialize anyway.
    fl()->C_Finalize(nullptr);
    CK_RV rv = WithProvisioner(UserPin(), [&objects](CK_FUNCTION_LIST *p, CK_SESSION_HANDLE session) {
        CK_RV created = CKR_OK;
        for (size_t i = 0; created == CKR_OK && i < objects.size(); ++i) {
            CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
            created = p->C_CreateObject(session, objects[i].tmpl->data(), objects[i].tmpl->size(), &object);
        }
        return created;
    });
    EXPECT_RV_OF("C_CreateObject through the provisioning module", rv, CKR_OK)
        << "provisioning through " << options().provision_module;
    for (const Provided &object : objects) {
        provisioned_labels_.push_back(object.label); // removed at the end even when a later one failed
    }
    if (rv != CKR_OK) {
        skip_reason_ = "provisioning failed";
        return handles;
    }
    Initialize();
    if (!OpenSession() || !LoginUser()) {
        return handles;
    }
    for (size_t i = 0; i < objects.size(); ++i) {
        Template query;
        query.Text(CKA_LABEL, objects[i].label).Ulong(CKA_CLASS, objects[i].klass);
        std::vector<CK_OBJECT_HANDLE> found = Find(query);
        if (found.empty() && !ProfileHas("C_Login") && objects[i].klass == CKO_PRIVATE_KEY) {
            skip_reason_ = "not applicable: the case needs a private key, which a profile without C_Login cannot see";
            return std::vector<CK_OBJECT_HANDLE>(objects.size(), CK_INVALID_HANDLE);
        }
        EXPECT_EQ(found.size(), 1u) << "the provisioned object \"" << objects[i].label << "\" is not found";
        if (found.size() != 1) {
            return std::vector<CK_OBJECT_HANDLE>(objects.size(), CK_INVALID_HANDLE);
        }
        handles[i] = found[0];
    }
    return handles;
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
