#include "call_setup.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include "call_model.h"
#include "p11_profile.h"
#include "pal_memory.h"

extern "C" const p11_profile p11_generated_profile;

namespace {

p11_profile WithFastPins(p11_profile profile)
{
    profile.pin_iterations = 1;
    return profile;
}

} // namespace

extern "C" const p11_profile p11_active_profile = WithFastPins(p11_generated_profile);

namespace {

CK_BBOOL kTrue = CK_TRUE;
CK_BBOOL kFalse = CK_FALSE;

// A label the store takes: `fixed` when the store takes only the profile's fixed labels, else `own`.
std::string LabelFor(const Token &token, const char *fixed, const char *own)
{
    if (token.labels.empty()) {
        return own;
    }
    for (const std::string &label : token.labels) {
        if (label == fixed) {
            return label;
        }
    }
    return "";
}

CK_ATTRIBUTE LabelAttribute(const std::string &label)
{
    return {CKA_LABEL, const_cast<char *>(label.data()), label.size()};
}

std::vector<std::uint8_t> ReadBytes(CK_FUNCTION_LIST *module, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_TYPE type)
{
    std::vector<std::uint8_t> value(1024);
    CK_ATTRIBUTE attr = {type, value.data(), value.size()};
    if (module->C_GetAttributeValue(session, object, &attr, 1) != CKR_OK) {
        return {};
    }
    value.resize(attr.ulValueLen);
    return value;
}

void MakeEcPair(Token &token, CK_SESSION_HANDLE session)
{
    const std::string public_label = LabelFor(token, "Device Pub TLS Key", "fuzz ec public");
    const std::string private_label = LabelFor(token, "Device Priv TLS Key", "fuzz ec private");
    CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_ATTRIBUTE public_attrs[] = {{CKA_TOKEN, &kTrue, 1}, {CKA_VERIFY, &kTrue, 1},
                                   {CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256Params), sizeof kP256Params},
                                   LabelAttribute(public_label)};
    CK_ATTRIBUTE private_attrs[] = {{CKA_TOKEN, &kTrue, 1}, {CKA_SIGN, &kTrue, 1}, {CKA_PRIVATE, &kTrue, 1},
                                    {CKA_SENSITIVE, &kTrue, 1}, LabelAttribute(private_label)};
    CK_OBJECT_HANDLE public_key, private_key;
    if (token.module->C_GenerateKeyPair(session, &mechanism, public_attrs, 4, private_attrs, 5, &public_key,
                                        &private_key) == CKR_OK) {
        token.ec_point = ReadBytes(token.module, session, public_key, CKA_EC_POINT);
    }
}

void MakeRsaPair(Token &token, CK_SESSION_HANDLE session)
{
    // A fixed-label store has no label for an RSA private key: it stays a session object.
    const std::string public_label = LabelFor(token, "Code Verify Key", "fuzz rsa public");
    const std::string private_label = token.labels.empty() ? "fuzz rsa private" : "";
    CK_BBOOL *private_on_token = token.labels.empty() ? &kTrue : &kFalse;
    CK_ULONG bits = 2048;
    CK_BYTE exponent[] = {1, 0, 1};
    CK_MECHANISM mechanism = {CKM_RSA_PKCS_KEY_PAIR_GEN, nullptr, 0};
    CK_ATTRIBUTE public_attrs[] = {{CKA_TOKEN, &kTrue, 1}, {CKA_VERIFY, &kTrue, 1},
                                   {CKA_MODULUS_BITS, &bits, sizeof bits},
                                   {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent}, LabelAttribute(public_label)};
    CK_ATTRIBUTE private_attrs[] = {{CKA_TOKEN, private_on_token, 1}, {CKA_SIGN, &kTrue, 1},
                                    {CKA_SENSITIVE, &kTrue, 1}, LabelAttribute(private_label)};
    CK_OBJECT_HANDLE public_key, private_key;
    if (token.module->C_GenerateKeyPair(session, &mechanism, public_attrs, 5, private_attrs,
                                        private_label.empty() ? 3 : 4, &public_key, &private_key) == CKR_OK) {
        token.rsa_modulus = ReadBytes(token.module, session, public_key, CKA_MODULUS);
    }
}

void MakeSecretsAndData(Token &token, CK_SESSION_HANDLE session)
{
    CK_OBJECT_CLASS secret = CKO_SECRET_KEY, data = CKO_DATA, private_key = CKO_PRIVATE_KEY;
    CK_KEY_TYPE generic = CKK_GENERIC_SECRET, ec = CKK_EC;
    CK_BYTE value[32];
    std::memset(value, 0x5C, sizeof value);
    CK_OBJECT_HANDLE object;
    const std::string hmac_label = LabelFor(token, "HMAC Key", "fuzz hmac");
    CK_ATTRIBUTE hmac[] = {{CKA_CLASS, &secret, sizeof secret}, {CKA_KEY_TYPE, &generic, sizeof generic},
                           {CKA_TOKEN, &kTrue, 1}, {CKA_SIGN, &kTrue, 1}, {CKA_VERIFY, &kTrue, 1},
                           {CKA_SENSITIVE, &kTrue, 1}, {CKA_VALUE, value, sizeof value},
                           LabelAttribute(hmac_label)};
    token.module->C_CreateObject(session, hmac, 8, &object);
    if (!token.labels.empty()) {
        return; // no label for the rest
    }
    // Readable secrets exist too: an extractable, not sensitive EC key and a private data object.
    const std::string plain_label = "fuzz ec plain";
    CK_ATTRIBUTE plain[] = {{CKA_CLASS, &private_key, sizeof private_key}, {CKA_KEY_TYPE, &ec, sizeof ec},
                            {CKA_TOKEN, &kTrue, 1}, {CKA_SIGN, &kTrue, 1}, {CKA_SENSITIVE, &kFalse, 1},
                            {CKA_EXTRACTABLE, &kTrue, 1},
                            {CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256Params), sizeof kP256Params},
                            {CKA_VALUE, value, sizeof value}, LabelAttribute(plain_label)};
    token.module->C_CreateObject(session, plain, 9, &object);
    const std::string data_label = "fuzz data";
    CK_ATTRIBUTE note[] = {{CKA_CLASS, &data, sizeof data}, {CKA_TOKEN, &kTrue, 1}, {CKA_PRIVATE, &kTrue, 1},
                           {CKA_VALUE, value, 8}, LabelAttribute(data_label)};
    token.module->C_CreateObject(session, note, 5, &object);
}

#if defined(P11_FUZZ_PROVISIONED_STORE)
// The store the provisioning profile's module prepared (provision_store_main.cpp).
void LoadProvisionedStore(const char *path)
{
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty() ||
        p11_pal_memory_snapshot_load(reinterpret_cast<const unsigned char *>(bytes.data()), bytes.size()) != CKR_OK ||
        p11_pal_memory_restore() != CKR_OK) {
        Fail("cannot load the provisioned store");
    }
}
#endif

// The first public key of the type the store holds (a provisioned one): its
// point or modulus, when the profile could not make the pair itself.
void ReadProvisionedKeys(Token &token, CK_SESSION_HANDLE session)
{
    CK_OBJECT_CLASS klass = CKO_PUBLIC_KEY;
    const std::pair<CK_KEY_TYPE, CK_ATTRIBUTE_TYPE> wanted[] = {{CKK_EC, CKA_EC_POINT}, {CKK_RSA, CKA_MODULUS}};
    for (const auto &[type, attribute] : wanted) {
        std::vector<std::uint8_t> &out = type == CKK_EC ? token.ec_point : token.rsa_modulus;
        CK_KEY_TYPE key_type = type;
        CK_ATTRIBUTE query[] = {{CKA_CLASS, &klass, sizeof klass}, {CKA_KEY_TYPE, &key_type, sizeof key_type}};
        CK_OBJECT_HANDLE found = CK_INVALID_HANDLE;
        CK_ULONG count = 0;
        if (!out.empty() || token.module->C_FindObjectsInit(session, query, 2) != CKR_OK) {
            continue;
        }
        token.module->C_FindObjects(session, &found, 1, &count);
        token.module->C_FindObjectsFinal(session);
        if (count == 1) {
            out = ReadBytes(token.module, session, found, attribute);
        }
    }
}

Token Prepare()
{
    Token token;
    CK_FUNCTION_LIST *module = nullptr;
    if (C_GetFunctionList(&module) != CKR_OK || module == nullptr) {
        Fail("C_GetFunctionList failed");
    }
    token.module = module;
    const p11_profile &profile = p11_active_profile;
    for (CK_ULONG i = 0; i < profile.pal_label_count; ++i) {
        token.labels.emplace_back(profile.pal_labels[i]);
    }
    token.so_pin = profile.default_so_pin != nullptr ? profile.default_so_pin : "fuzz so pin";
    token.user_pin = profile.default_user_pin != nullptr ? profile.default_user_pin : "fuzz user pin";

#if defined(P11_FUZZ_PROVISIONED_STORE)
    LoadProvisionedStore(P11_FUZZ_PROVISIONED_STORE);
#else
    p11_pal_memory_reset();
#endif
    if (module->C_Initialize(nullptr) != CKR_OK) {
        Fail("C_Initialize failed on a fresh store");
    }
    CK_ULONG count = 1;
    if (module->C_GetSlotList(CK_FALSE, &token.slot, &count) != CKR_OK || count == 0) {
        Fail("C_GetSlotList gave no slot");
    }
    CK_TOKEN_INFO info{};
    module->C_GetTokenInfo(token.slot, &info);
    if ((info.flags & CKF_TOKEN_INITIALIZED) == 0) {
        CK_UTF8CHAR label[32];
        std::memset(label, ' ', sizeof label);
        std::memcpy(label, "fuzz", 4); // NOLINT(bugprone-not-null-terminated-result): blank padded
        module->C_InitToken(token.slot, reinterpret_cast<CK_UTF8CHAR_PTR>(token.so_pin.data()), token.so_pin.size(),
                            label);
    }
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    module->C_OpenSession(token.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session);
    module->C_GetTokenInfo(token.slot, &info);
    if ((info.flags & CKF_USER_PIN_INITIALIZED) == 0 &&
        module->C_Login(session, CKU_SO, reinterpret_cast<CK_UTF8CHAR_PTR>(token.so_pin.data()),
                        token.so_pin.size()) == CKR_OK) {
        module->C_InitPIN(session, reinterpret_cast<CK_UTF8CHAR_PTR>(token.user_pin.data()), token.user_pin.size());
        module->C_Logout(session);
    }
    module->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(token.user_pin.data()),
                    token.user_pin.size());
    MakeEcPair(token, session);
    MakeRsaPair(token, session);
    MakeSecretsAndData(token, session);
    ReadProvisionedKeys(token, session);

    CK_MECHANISM_TYPE mechanisms[64];
    count = 64;
    if (module->C_GetMechanismList(token.slot, mechanisms, &count) == CKR_OK) {
        token.mechanisms.assign(mechanisms, mechanisms + count);
    } else {
        for (CK_ULONG i = 0; i < profile.mechanism_count; ++i) {
            token.mechanisms.push_back(profile.mechanisms[i].type);
        }
    }
    if (module->C_Finalize(nullptr) != CKR_OK || p11_pal_memory_snapshot() != CKR_OK) {
        Fail("could not keep the prepared token");
    }
    std::fprintf(stderr, "call-sequence fuzz: profile %s, %zu mechanisms, EC key %s, RSA key %s\n", profile.name,
                 token.mechanisms.size(), token.ec_point.empty() ? "no" : "yes",
                 token.rsa_modulus.empty() ? "no" : "yes");
    return token;
}

} // namespace

const Token &PreparedToken()
{
    static const Token token = Prepare();
    return token;
}

void RestorePreparedToken()
{
    if (p11_pal_memory_restore() != CKR_OK) {
        Fail("could not restore the prepared token");
    }
}
