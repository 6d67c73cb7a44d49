// The conformance suite's view of a module under test: loaded by path with
// dlopen + C_GetFunctionList, so any PKCS #11 module can be tested, and a
// fixture that starts every test from an uninitialized library.
#ifndef P11CONF_MODULE_FIXTURE_H
#define P11CONF_MODULE_FIXTURE_H

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "case_registry.h"
#include "object_helpers.h"
#include "options.h"
#include "pkcs11.h"
#include "runtime_profile.h"
#include "rv_check.h"

namespace p11conf {

// Loads the module; on failure prints why and returns false.
bool LoadModule(const std::string &path);
CK_FUNCTION_LIST *LoadedFunctions();
// Loads the provisioning module (--provision-module); false on failure.
bool LoadProvisioner(const std::string &path);

// The names of the NULL entries of the module's own function list (the
// suite calls a guarded copy; see function_list_guard.h).
const std::vector<std::string> &NullFunctionListEntries();

// Finds the slot the options name (first slot with a token, --slot,
// --slot-index or --token-label) on an initialized module.
bool ChooseSlot(CK_FUNCTION_LIST *functions, CK_SLOT_ID *slot, std::string *error);

// A mechanism no profile names: vendor-defined, never assigned.
constexpr CK_MECHANISM_TYPE kOutsideMechanism = CKM_VENDOR_DEFINED | 0x7F11UL;
// The first mechanism of the profile with `flag` (any when 0), else kOutsideMechanism.
CK_MECHANISM_TYPE ProfileMechanismFor(CK_FLAGS flag);

// A fixed-width text field as v2.40 §3.2 wants it: printable, blank padded,
// never NUL terminated.
bool PrintableField(const CK_UTF8CHAR *text, size_t size);

// Is a function / test group part of the profile being tested?
bool ProfileHas(const char *function);
bool ProfileSelects(const char *test_group);

// A CKA_LABEL for an object a test makes: the role ("Device Priv TLS Key")
// plus the running test's name, so tests and runs never collide. A
// fixed-label store takes only its listed labels, so there a token object
// gets the plain role, which must be listed (each test destroys what it
// made, so the label is free again for the next).
std::string TestObjectLabel(const std::string &role, bool token_object);

class ModuleTest : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    CK_FUNCTION_LIST *fl() const { return LoadedFunctions(); }

    // C_Initialize with CKF_OS_LOCKING_OK and picks the slot under test.
    void Initialize();
    // Opens a session (R/W by default) into session_; false when the token
    // cannot open one (then skip_reason() says why).
    bool OpenSession(CK_FLAGS flags = CKF_SERIAL_SESSION | CKF_RW_SESSION);
    const std::string &skip_reason() const { return skip_reason_; }

    std::string UserPin() const;
    std::string SoPin() const;

    // Logs session_ in as the user; false (and skip_reason()) without a user
    // PIN. A profile without C_Login runs its cases without a login: true.
    bool LoginUser();
    // The mechanism's CK_MECHANISM_INFO: from C_GetMechanismInfo, or, when the
    // profile has no C_GetMechanismInfo, from the profile's own mechanism list.
    bool MechanismInfoOf(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO *info);
    // Is the mechanism offered with all of `flags`? (else skip_reason())
    bool MechanismOffers(CK_MECHANISM_TYPE type, CK_FLAGS flags);
    // C_CreateObject on session_; CK_INVALID_HANDLE with a test failure on error.
    CK_OBJECT_HANDLE Create(Template &tmpl);
    // Every object C_FindObjects returns for the template on session_.
    std::vector<CK_OBJECT_HANDLE> Find(Template &tmpl);
    // An attribute's value (size query, then value); empty with a test failure on error.
    ByteVector Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    // Puts a token object (template with CKA_TOKEN true, CKA_LABEL and CKA_CLASS)
    // on the token the way a device gets it: C_CreateObject when the profile
    // has it, else through the provisioning module over the same store, after
    // which the module under test is re-initialized, session_ reopened and the
    // user logged in again. Returns the object's handle in the module under
    // test, or CK_INVALID_HANDLE with skip_reason() set.
    CK_OBJECT_HANDLE Provision(Template &tmpl, const std::string &label, CK_OBJECT_CLASS klass);
    // Several objects at once (one re-initialization, so no handle of an
    // earlier one goes stale): their handles in order, all CK_INVALID_HANDLE
    // with skip_reason() set when any cannot be put.
    struct Provided {
        Template *tmpl;
        std::string label;
        CK_OBJECT_CLASS klass;
    };
    std::vector<CK_OBJECT_HANDLE> ProvisionAll(const std::vector<Provided> &objects);
    // Removes what Provision put through the provisioning module.
    void RemoveProvisioned();

    CK_SLOT_ID slot_ = 0;
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;

  protected:
    std::string skip_reason_;

  private:
    std::vector<std::string> provisioned_labels_;
};

// Cases that start with the library initialized and one R/W session open,
// without a login (not applicable when the token cannot open a session).
template <typename Base = ModuleTest> class WithSession : public Base {
  protected:
    void SetUp() override
    {
        ModuleTest::SetUp(); // NOLINT(bugprone-parent-virtual-call): not Base's, a KeyTest would log in
        ASSERT_NO_FATAL_FAILURE(this->Initialize());
        if (!this->OpenSession()) {
            GTEST_SKIP() << this->skip_reason();
        }
    }
};

} // namespace p11conf

// In a case body: the case is not applicable (skipped, with skip_reason()
// saying what the module or profile lacks) unless `available` holds.
#define P11_SKIP_UNLESS(available)                                                                                     \
    do {                                                                                                               \
        if (!(available)) {                                                                                            \
            GTEST_SKIP() << skip_reason();                                                                             \
        }                                                                                                              \
    } while (0)

#endif // P11CONF_MODULE_FIXTURE_H
