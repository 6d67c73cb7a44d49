// Loading the module by path and keeping one logged-in state for all
// benchmarks (see module_context.h).
#include "module_context.h"
#include "module_loader.h"


#include <cstdio>
#include <mutex>

namespace p11bench {
namespace {

CK_FUNCTION_LIST *g_fl = nullptr;
ModuleOptions g_options;
CK_SLOT_ID g_slot = 0;

std::mutex g_mutex;
bool g_ready = false;
// Kept open while ready: session objects live as long as a session does.
CK_SESSION_HANDLE g_anchor = CK_INVALID_HANDLE;
KeyPair g_ecdsa;
KeyPair g_rsa;

bool Failed(CK_RV rv, const char *what, std::string *error)
{
    if (rv == CKR_OK) {
        return false;
    }
    *error = std::string(what) + " returned " + RvName(rv);
    return true;
}

bool Generate(CK_MECHANISM_TYPE mechanism_type, CK_ATTRIBUTE *pub, CK_ULONG pub_count, CK_ATTRIBUTE *priv,
              CK_ULONG priv_count, KeyPair *out, const char *what, std::string *error)
{
    CK_MECHANISM mechanism{mechanism_type, nullptr, 0};
    CK_RV rv = g_fl->C_GenerateKeyPair(g_anchor, &mechanism, pub, pub_count, priv, priv_count, &out->public_key,
                                       &out->private_key);
    return !Failed(rv, what, error);
}

} // namespace

bool LoadModule(const ModuleOptions &options)
{
    g_options = options;
    std::string error;
    g_fl = p11conf::LoadModuleFile(options.module_path, &error).functions;
    if (g_fl == nullptr) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return false;
    }
    return true;
}

// SoftHSMv2 also lists a blank token, hence the preference for an
// initialized one.
CK_RV ChooseSlot(CK_SLOT_ID *slot)
{
    if (g_options.slot_given) {
        *slot = g_options.slot;
        return CKR_OK;
    }
    CK_SLOT_ID slots[64];
    CK_ULONG count = 64;
    CK_RV rv = g_fl->C_GetSlotList(CK_TRUE, slots, &count);
    if (rv != CKR_OK) {
        return rv;
    }
    if (count == 0) {
        return CKR_TOKEN_NOT_PRESENT;
    }
    *slot = slots[0];
    for (CK_ULONG i = 0; i < count; ++i) {
        CK_TOKEN_INFO info{};
        if (g_fl->C_GetTokenInfo(slots[i], &info) == CKR_OK && (info.flags & CKF_TOKEN_INITIALIZED) != 0) {
            *slot = slots[i];
            break;
        }
    }
    return CKR_OK;
}

CK_FUNCTION_LIST *Fl()
{
    return g_fl;
}

CK_SLOT_ID Slot()
{
    return g_slot;
}

const ModuleOptions &Options()
{
    return g_options;
}

bool EnsureReady(std::string *error)
{
    std::lock_guard<std::mutex> hold(g_mutex);
    if (g_ready) {
        return true;
    }
    // OS locking: the threaded benchmarks sign from two threads.
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = g_fl->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        return !Failed(rv, "C_Initialize", error);
    }
    if (Failed(ChooseSlot(&g_slot), "choosing a slot", error) ||
        Failed(g_fl->C_OpenSession(g_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &g_anchor),
               "C_OpenSession", error)) {
        g_fl->C_Finalize(nullptr);
        return false;
    }
    if (!g_options.user_pin.empty()) {
        auto *pin = reinterpret_cast<CK_UTF8CHAR *>(const_cast<char *>(g_options.user_pin.data()));
        rv = g_fl->C_Login(g_anchor, CKU_USER, pin, g_options.user_pin.size());
        if (rv != CKR_USER_ALREADY_LOGGED_IN && Failed(rv, "C_Login(CKU_USER)", error)) {
            g_fl->C_Finalize(nullptr);
            return false;
        }
    }
    g_ready = true;
    return true;
}

void Shutdown()
{
    std::lock_guard<std::mutex> hold(g_mutex);
    if (g_ready) {
        g_fl->C_Finalize(nullptr);
    }
    g_ready = false;
    g_anchor = CK_INVALID_HANDLE;
    g_ecdsa = KeyPair{};
    g_rsa = KeyPair{};
}

CK_RV OpenSession(CK_SESSION_HANDLE *session)
{
    return g_fl->C_OpenSession(g_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, session);
}

bool EcdsaP256Keys(KeyPair *keys, std::string *error)
{
    std::lock_guard<std::mutex> hold(g_mutex);
    if (g_ecdsa.private_key == CK_INVALID_HANDLE) {
        // DER OID of prime256v1 (RFC 5480 §2.1.1.1).
        CK_BYTE params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
        CK_BBOOL yes = CK_TRUE;
        CK_BBOOL no = CK_FALSE;
        CK_ATTRIBUTE pub[] = {
            {CKA_TOKEN, &no, sizeof no}, {CKA_VERIFY, &yes, sizeof yes}, {CKA_EC_PARAMS, params, sizeof params}};
        CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &no, sizeof no},
                               {CKA_PRIVATE, &yes, sizeof yes},
                               {CKA_SENSITIVE, &yes, sizeof yes},
                               {CKA_SIGN, &yes, sizeof yes}};
        if (!Generate(CKM_EC_KEY_PAIR_GEN, pub, 3, priv, 4, &g_ecdsa, "C_GenerateKeyPair(CKM_EC_KEY_PAIR_GEN, P-256)",
                      error)) {
            return false;
        }
    }
    *keys = g_ecdsa;
    return true;
}

bool Rsa2048Keys(KeyPair *keys, std::string *error)
{
    std::lock_guard<std::mutex> hold(g_mutex);
    if (g_rsa.private_key == CK_INVALID_HANDLE) {
        CK_ULONG bits = 2048;
        CK_BYTE exponent[] = {0x01, 0x00, 0x01};
        CK_BBOOL yes = CK_TRUE;
        CK_BBOOL no = CK_FALSE;
        CK_ATTRIBUTE pub[] = {{CKA_TOKEN, &no, sizeof no},
                              {CKA_VERIFY, &yes, sizeof yes},
                              {CKA_MODULUS_BITS, &bits, sizeof bits},
                              {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent}};
        CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &no, sizeof no},
                               {CKA_PRIVATE, &yes, sizeof yes},
                               {CKA_SENSITIVE, &yes, sizeof yes},
                               {CKA_SIGN, &yes, sizeof yes}};
        if (!Generate(CKM_RSA_PKCS_KEY_PAIR_GEN, pub, 4, priv, 4, &g_rsa,
                      "C_GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN, 2048)", error)) {
            return false;
        }
    }
    *keys = g_rsa;
    return true;
}

std::string RvName(CK_RV rv)
{
    // The codes a benchmark run meets; others print as numbers.
    static const struct {
        CK_RV rv;
        const char *name;
    } kNames[] = {
        {CKR_OK, "CKR_OK"},
        {CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
        {CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
        {CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
        {CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
        {CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
        {CKR_ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"},
        {CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
        {CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
        {CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
        {CKR_KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"},
        {CKR_MECHANISM_INVALID, "CKR_MECHANISM_INVALID"},
        {CKR_MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"},
        {CKR_PIN_INCORRECT, "CKR_PIN_INCORRECT"},
        {CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
        {CKR_SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID"},
        {CKR_TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"},
        {CKR_TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"},
        {CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
        {CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
        {CKR_USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"},
        {CKR_USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"},
        {CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
        {CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
    };
    for (const auto &entry : kNames) {
        if (entry.rv == rv) {
            return entry.name;
        }
    }
    char text[32];
    std::snprintf(text, sizeof text, "0x%08lx", static_cast<unsigned long>(rv));
    return text;
}

} // namespace p11bench
