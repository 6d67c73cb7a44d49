/* Fuzz target: programs of PKCS #11 calls through one profile's
 * C_GetFunctionList (fuzz/CMakeLists.txt builds one program per profile).
 *
 * Every input starts from the same prepared token (the in-memory PAL's
 * snapshot, made once: token initialized, user PIN set, token keys of each
 * kind the profile can make) and decodes to at most kMaxCalls calls with
 * adversarial arguments: NULL pointers with non-zero lengths and wild lengths
 * within real buffers; stale, closed, foreign and made-up session and object
 * handles; templates with duplicate, missing, wrongly sized and NULL-valued
 * attributes; every mechanism of the profile and a few foreign ones with
 * random parameters; Init/Update/Final/one-shot in any order with length
 * queries and short buffers; login, logout, SetPIN and InitToken with right
 * and wrong PINs; C_Finalize and C_Initialize in the middle. The invariants
 * checked after each call are call_model.h's. */
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "call_model.h"
#include "call_setup.h"
#include "fuzz_bytes.h"
#include "pkcs11.h"

namespace {

constexpr int kMaxCalls = 48;
constexpr unsigned char kFilled = 0xA5; // what every output buffer holds before a call

// DER OIDs of named curves (SEC 2, RFC 5480), and not-curves.
const std::vector<std::uint8_t> kCurveParams[] = {
    {std::begin(kP256Params), std::end(kP256Params)},             // P-256
    {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22},                   // P-384
    {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x23},                   // P-521
    {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A},                   // secp256k1
    {0x13, 0x0A, 'p', 'r', 'i', 'm', 'e', '2', '5', '6', 'v', '1'}, // printable string name
    {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01},       // OID cut short
    {},
};

const CK_ATTRIBUTE_TYPE kAttributeTypes[] = {
    CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_LABEL, CKA_APPLICATION, CKA_VALUE, CKA_OBJECT_ID, CKA_CERTIFICATE_TYPE,
    CKA_ISSUER, CKA_SERIAL_NUMBER, CKA_SUBJECT, CKA_KEY_TYPE, CKA_ID, CKA_SENSITIVE, CKA_ENCRYPT, CKA_DECRYPT,
    CKA_WRAP, CKA_UNWRAP, CKA_SIGN, CKA_SIGN_RECOVER, CKA_VERIFY, CKA_VERIFY_RECOVER, CKA_DERIVE, CKA_MODULUS,
    CKA_MODULUS_BITS, CKA_PUBLIC_EXPONENT, CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2, CKA_EXPONENT_1,
    CKA_EXPONENT_2, CKA_COEFFICIENT, CKA_VALUE_LEN, CKA_EXTRACTABLE, CKA_LOCAL, CKA_NEVER_EXTRACTABLE,
    CKA_ALWAYS_SENSITIVE, CKA_KEY_GEN_MECHANISM, CKA_MODIFIABLE, CKA_COPYABLE, CKA_DESTROYABLE, CKA_EC_PARAMS,
    CKA_EC_POINT, CKA_ALWAYS_AUTHENTICATE, CKA_WRAP_WITH_TRUSTED, CKA_TRUSTED, CKA_ALLOWED_MECHANISMS,
    CKA_START_DATE, CKA_CHECK_VALUE, CKA_PUBLIC_KEY_INFO, CKA_VENDOR_DEFINED, 0xFFFFFFFFUL,
};

const CK_ULONG kSmallValues[] = {
    CKO_DATA, CKO_CERTIFICATE, CKO_PUBLIC_KEY, CKO_PRIVATE_KEY, CKO_SECRET_KEY, CKO_MECHANISM, CKK_RSA, CKK_EC,
    CKK_GENERIC_SECRET, CKK_AES, 0, 1, 256, 2048, 4097, CK_UNAVAILABLE_INFORMATION, 0x80000000UL,
};

const CK_USER_TYPE kUserTypes[] = {CKU_SO, CKU_USER, CKU_CONTEXT_SPECIFIC, 3, 0xFFFFFFFFUL};

// Storage for one call's arguments: buffers whose real size is always at
// least the length the program claims.
struct Scratch {
    std::vector<std::vector<std::uint8_t>> buffers; // moving the outer vector keeps each buffer in place

    void *Buffer(std::size_t size, const std::vector<std::uint8_t> &bytes = {})
    {
        buffers.emplace_back(size == 0 ? 1 : size, kFilled);
        std::copy_n(bytes.begin(), std::min(bytes.size(), size), buffers.back().begin());
        return buffers.back().data();
    }
};

std::ptrdiff_t Offset(std::size_t index)
{
    return static_cast<std::ptrdiff_t>(index);
}

class Program {
public:
    Program(const Token &token, CallModel &model, FuzzBytes &in) : token_(token), model_(model), in_(in) {}

    void Run()
    {
        Start();
        for (int call = 0; call < kMaxCalls && !in_.done(); ++call) {
            Step();
        }
        End();
    }

private:
    CK_FUNCTION_LIST &Module() { return *model_.module(); }

    void Start()
    {
        if (model_.Returned("C_Initialize", Module().C_Initialize(nullptr)) != CKR_OK) {
            Fail("C_Initialize failed on the prepared token");
        }
        model_.Initialized();
        OpenAndFindAll();
    }

    // What an application does first: a session, a user login, and every
    // object it can see.
    void OpenAndFindAll()
    {
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        if (model_.Returned("C_OpenSession", Module().C_OpenSession(token_.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION,
                                                                   nullptr, nullptr, &session)) != CKR_OK) {
            return;
        }
        model_.Opened(session);
        std::string pin = token_.user_pin;
        model_.ReturnedForSession("C_Login", session,
                                  Module().C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(pin.data()),
                                                   pin.size()));
        FindAll(session);
    }

    void End()
    {
        CK_RV rv = model_.Returned("C_Finalize", Module().C_Finalize(nullptr));
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_NOT_INITIALIZED) {
            Violation("C_Finalize answered 0x%lx at the end of a program", rv);
        }
        model_.Finalized();
    }

    void FindAll(CK_SESSION_HANDLE session)
    {
        if (model_.ReturnedForSession("C_FindObjectsInit", session,
                                      Module().C_FindObjectsInit(session, nullptr, 0)) != CKR_OK) {
            return;
        }
        CK_OBJECT_HANDLE found[32];
        CK_ULONG count = 0;
        if (model_.ReturnedForSession("C_FindObjects", session, Module().C_FindObjects(session, found, 32, &count)) ==
            CKR_OK) {
            model_.Found(session, found, count);
        }
        model_.ReturnedForSession("C_FindObjectsFinal", session, Module().C_FindObjectsFinal(session));
    }

    // --- argument choices ---

    CK_SLOT_ID Slot()
    {
        switch (in_.below(8)) {
        case 0:
            return token_.slot + 1;
        case 1:
            return in_.u32();
        default:
            return token_.slot;
        }
    }

    // Mostly a handle the program has seen (closed and destroyed ones too),
    // sometimes none or a made-up one.
    CK_ULONG Handle(const std::vector<CK_ULONG> &known)
    {
        switch (in_.below(10)) {
        case 0:
            return CK_INVALID_HANDLE;
        case 1:
            return in_.u32();
        default:
            return known.empty() ? in_.u8() : in_.pick(known);
        }
    }

    CK_SESSION_HANDLE Session() { return Handle(model_.sessions()); }

    CK_OBJECT_HANDLE Object() { return Handle(model_.objects()); }

    std::vector<std::uint8_t> Pin()
    {
        switch (in_.below(6)) {
        case 0:
            return {token_.user_pin.begin(), token_.user_pin.end()};
        case 1:
            return {token_.so_pin.begin(), token_.so_pin.end()};
        case 2:
            return std::vector<std::uint8_t>(300, '1'); // longer than any profile allows
        default:
            return in_.bytes(12);
        }
    }

    // A pointer and a length: NULL with any length, or a real buffer of at
    // least the claimed length.
    void Input(Scratch &scratch, const std::vector<std::uint8_t> &bytes, CK_BYTE_PTR *data, CK_ULONG *length)
    {
        if (in_.below(16) == 0) {
            *data = nullptr;
            *length = in_.below(2) == 0 ? 0 : bytes.size() + 1;
            return;
        }
        *data = static_cast<CK_BYTE_PTR>(scratch.Buffer(bytes.size(), bytes));
        *length = bytes.size();
    }

    // An output buffer: NULL (a length query), or real with a claimed length
    // no larger than it.
    void Output(Scratch &scratch, CK_BYTE_PTR *data, CK_ULONG *length, std::size_t size = 1024)
    {
        *length = in_.length(size);
        *data = in_.below(4) == 0 ? nullptr : static_cast<CK_BYTE_PTR>(scratch.Buffer(size));
    }

    std::vector<std::uint8_t> Data()
    {
        // Mostly short; now and then longer than one block, or a zero byte at the end.
        std::vector<std::uint8_t> data = in_.bytes(in_.below(8) == 0 ? 255 : 40);
        if (in_.below(8) == 0) {
            data.resize(data.size() + 64 * in_.below(40), 0x00);
        }
        return data;
    }

    // Mostly one of the token's mechanisms; now and then a foreign or made-up one.
    CK_MECHANISM_TYPE MechanismType()
    {
        switch (in_.below(10)) {
        case 0:
            return in_.u32();
        case 1:
            return in_.pick({CKM_AES_CBC, CKM_MD5, CKM_ECDH1_DERIVE, CKM_SHA_1_HMAC, CKM_VENDOR_DEFINED,
                             CKM_GENERIC_SECRET_KEY_GEN});
        default:
            return token_.mechanisms.empty() ? CKM_SHA256 : in_.pick(token_.mechanisms);
        }
    }

    CK_MECHANISM Mechanism(Scratch &scratch)
    {
        CK_MECHANISM mechanism{};
        mechanism.mechanism = MechanismType();
        switch (in_.below(6)) {
        case 0: { // a PSS parameter block, right or wrong
            auto *params = static_cast<CK_RSA_PKCS_PSS_PARAMS *>(scratch.Buffer(sizeof(CK_RSA_PKCS_PSS_PARAMS)));
            params->hashAlg = in_.pick({CKM_SHA256, CKM_SHA384, CKM_SHA_1, CKM_SHA512, CKM_MD5});
            params->mgf = in_.pick({CKG_MGF1_SHA256, CKG_MGF1_SHA384, CKG_MGF1_SHA1, 0UL});
            params->sLen = in_.pick({0UL, 20UL, 32UL, 48UL, 64UL, 1000UL});
            mechanism.pParameter = params;
            mechanism.ulParameterLen = in_.below(4) == 0 ? in_.below(sizeof *params) : sizeof *params;
            break;
        }
        case 1: // NULL with a length
            mechanism.ulParameterLen = 1 + in_.below(32);
            break;
        case 2: {
            std::vector<std::uint8_t> bytes = in_.bytes(24);
            mechanism.pParameter = scratch.Buffer(bytes.size(), bytes);
            mechanism.ulParameterLen = bytes.size();
            break;
        }
        default:
            break;
        }
        return mechanism;
    }

    std::vector<CK_ATTRIBUTE> Template(Scratch &scratch, std::vector<CK_ATTRIBUTE> base)
    {
        if (in_.below(4) == 0 && !base.empty()) {
            base.erase(base.begin() + Offset(in_.below(base.size()))); // one left out
        }
        const std::size_t extra = in_.below(4) == 0 ? in_.below(6) : 0;
        for (std::size_t i = 0; i < extra; ++i) {
            CK_ATTRIBUTE attr{in_.pick(kAttributeTypes), nullptr, 0};
            switch (in_.below(6)) {
            case 0: { // a CK_BBOOL
                auto *value = static_cast<CK_BBOOL *>(scratch.Buffer(1));
                *value = in_.below(3) == 0 ? 2 : in_.below(2);
                attr.pValue = value;
                attr.ulValueLen = 1;
                break;
            }
            case 1: { // a CK_ULONG, right-sized or not
                auto *value = static_cast<CK_ULONG *>(scratch.Buffer(sizeof(CK_ULONG)));
                *value = in_.pick(kSmallValues);
                attr.pValue = value;
                attr.ulValueLen = in_.below(4) == 0 ? in_.below(sizeof(CK_ULONG)) : sizeof(CK_ULONG);
                break;
            }
            case 2: // NULL with a length
                attr.ulValueLen = in_.below(2) == 0 ? 0 : 1 + in_.u8();
                break;
            default: {
                std::vector<std::uint8_t> bytes = in_.bytes(80);
                attr.pValue = scratch.Buffer(bytes.size(), bytes);
                attr.ulValueLen = bytes.size();
            }
            }
            base.insert(base.begin() + Offset(in_.below(base.size() + 1)), attr);
        }
        if (in_.below(8) == 0 && !base.empty()) {
            base.push_back(base[in_.below(base.size())]); // a duplicate
        }
        return base;
    }

    // Attribute helpers for the well-formed templates.
    CK_ATTRIBUTE Bool(Scratch &scratch, CK_ATTRIBUTE_TYPE type, bool value)
    {
        auto *stored = static_cast<CK_BBOOL *>(scratch.Buffer(1));
        *stored = value ? CK_TRUE : CK_FALSE;
        return {type, stored, 1};
    }
    CK_ATTRIBUTE Ulong(Scratch &scratch, CK_ATTRIBUTE_TYPE type, CK_ULONG value)
    {
        auto *stored = static_cast<CK_ULONG *>(scratch.Buffer(sizeof(CK_ULONG)));
        *stored = value;
        return {type, stored, sizeof(CK_ULONG)};
    }
    CK_ATTRIBUTE Bytes(Scratch &scratch, CK_ATTRIBUTE_TYPE type, const std::vector<std::uint8_t> &value)
    {
        return {type, scratch.Buffer(value.size(), value), value.size()};
    }
    CK_ATTRIBUTE Label(Scratch &scratch)
    {
        const std::string label = token_.labels.empty() ? "fuzz " + std::to_string(in_.u8() % 8)
                                                        : in_.pick(token_.labels);
        return Bytes(scratch, CKA_LABEL, {label.begin(), label.end()});
    }

    // A template of a class the token keeps, about right, before Template() spoils it.
    std::vector<CK_ATTRIBUTE> ObjectTemplate(Scratch &scratch)
    {
        const bool token = in_.below(2) == 0;
        switch (in_.below(5)) {
        case 0:
            return {Ulong(scratch, CKA_CLASS, CKO_DATA), Bool(scratch, CKA_TOKEN, token), Label(scratch),
                    Bytes(scratch, CKA_VALUE, in_.bytes(64))};
        case 1: // an EC public key on the prepared one's point
            return {Ulong(scratch, CKA_CLASS, CKO_PUBLIC_KEY), Ulong(scratch, CKA_KEY_TYPE, CKK_EC),
                    Bool(scratch, CKA_TOKEN, token), Label(scratch), Bool(scratch, CKA_VERIFY, true),
                    Bytes(scratch, CKA_EC_PARAMS, kCurveParams[in_.below(2) == 0 ? 0 : in_.below(7)]),
                    Bytes(scratch, CKA_EC_POINT, token_.ec_point)};
        case 2: { // an EC private key: any 32 bytes are a scalar, most of them valid
            std::vector<std::uint8_t> scalar = in_.bytes(32);
            scalar.resize(32, 0x11);
            return {Ulong(scratch, CKA_CLASS, CKO_PRIVATE_KEY), Ulong(scratch, CKA_KEY_TYPE, CKK_EC),
                    Bool(scratch, CKA_TOKEN, token), Label(scratch), Bool(scratch, CKA_SIGN, true),
                    Bool(scratch, CKA_SENSITIVE, in_.below(2) == 0), Bool(scratch, CKA_EXTRACTABLE, in_.below(2) == 0),
                    Bytes(scratch, CKA_EC_PARAMS, kCurveParams[0]), Bytes(scratch, CKA_VALUE, scalar)};
        }
        case 3: { // an HMAC key
            std::vector<std::uint8_t> value = in_.bytes(64);
            return {Ulong(scratch, CKA_CLASS, CKO_SECRET_KEY), Ulong(scratch, CKA_KEY_TYPE, CKK_GENERIC_SECRET),
                    Bool(scratch, CKA_TOKEN, token), Label(scratch), Bool(scratch, CKA_SIGN, true),
                    Bool(scratch, CKA_VERIFY, true), Bool(scratch, CKA_SENSITIVE, in_.below(2) == 0),
                    Bytes(scratch, CKA_VALUE, value)};
        }
        default: // an RSA public key on the prepared one's modulus
            return {Ulong(scratch, CKA_CLASS, CKO_PUBLIC_KEY), Ulong(scratch, CKA_KEY_TYPE, CKK_RSA),
                    Bool(scratch, CKA_TOKEN, token), Label(scratch), Bool(scratch, CKA_VERIFY, true),
                    Bytes(scratch, CKA_MODULUS, token_.rsa_modulus),
                    Bytes(scratch, CKA_PUBLIC_EXPONENT, in_.below(4) == 0 ? in_.bytes(4)
                                                                           : std::vector<std::uint8_t>{1, 0, 1})};
        }
    }

    // --- the calls ---

    void Step()
    {
        Scratch scratch;
        switch (in_.below(40)) {
        case 0:
            Initialize(scratch);
            break;
        case 1: {
            CK_RV rv = model_.Returned("C_Finalize", Module().C_Finalize(in_.below(8) == 0 ? &scratch : nullptr));
            if (rv == CKR_OK) {
                model_.Finalized();
            }
            break;
        }
        case 2: {
            CK_INFO info;
            model_.Returned("C_GetInfo", Module().C_GetInfo(in_.below(8) == 0 ? nullptr : &info));
            break;
        }
        case 3: {
            CK_SLOT_ID slots[4];
            CK_ULONG count = in_.below(5);
            model_.Returned("C_GetSlotList",
                            Module().C_GetSlotList(in_.below(2), in_.below(3) == 0 ? nullptr : slots,
                                                   in_.below(8) == 0 ? nullptr : &count));
            break;
        }
        case 4: {
            CK_SLOT_INFO slot_info;
            CK_TOKEN_INFO token_info;
            if (in_.below(2) == 0) {
                model_.Returned("C_GetSlotInfo",
                                Module().C_GetSlotInfo(Slot(), in_.below(8) == 0 ? nullptr : &slot_info));
            } else {
                model_.Returned("C_GetTokenInfo",
                                Module().C_GetTokenInfo(Slot(), in_.below(8) == 0 ? nullptr : &token_info));
            }
            break;
        }
        case 5: {
            CK_MECHANISM_TYPE list[64];
            CK_ULONG count = in_.below(3) == 0 ? in_.below(4) : 64;
            CK_MECHANISM_INFO info;
            if (in_.below(2) == 0) {
                model_.Returned("C_GetMechanismList",
                                Module().C_GetMechanismList(Slot(), in_.below(3) == 0 ? nullptr : list,
                                                            in_.below(8) == 0 ? nullptr : &count));
            } else {
                model_.Returned("C_GetMechanismInfo", Module().C_GetMechanismInfo(Slot(), Mechanism(scratch).mechanism,
                                                                                  in_.below(8) == 0 ? nullptr : &info));
            }
            break;
        }
        case 6:
            InitToken(scratch);
            break;
        case 7: {
            CK_SESSION_HANDLE session = Session();
            CK_BYTE_PTR data;
            CK_ULONG length;
            Input(scratch, Pin(), &data, &length);
            model_.ReturnedForSession("C_InitPIN", session, Module().C_InitPIN(session, data, length));
            break;
        }
        case 8: {
            CK_SESSION_HANDLE session = Session();
            CK_BYTE_PTR old_data, new_data;
            CK_ULONG old_length, new_length;
            Input(scratch, Pin(), &old_data, &old_length);
            Input(scratch, Pin(), &new_data, &new_length);
            model_.ReturnedForSession("C_SetPIN", session,
                                      Module().C_SetPIN(session, old_data, old_length, new_data, new_length));
            break;
        }
        case 9: { // a restart: the token's objects as the store kept them
            if (model_.Returned("C_Finalize", Module().C_Finalize(nullptr)) == CKR_OK) {
                model_.Finalized();
            }
            if (model_.Returned("C_Initialize", Module().C_Initialize(nullptr)) == CKR_OK) {
                model_.Initialized();
                OpenAndFindAll();
            }
            break;
        }
        case 10: {
            CK_FLAGS flags = in_.below(8) == 0 ? in_.u32() : CKF_SERIAL_SESSION | (in_.below(2) ? CKF_RW_SESSION : 0);
            CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
            CK_RV rv = model_.Returned("C_OpenSession",
                                       Module().C_OpenSession(Slot(), flags, nullptr, nullptr,
                                                              in_.below(16) == 0 ? nullptr : &session));
            if (rv == CKR_OK) {
                model_.Opened(session);
            }
            break;
        }
        case 11: {
            CK_SESSION_HANDLE session = Session();
            if (model_.ReturnedForSession("C_CloseSession", session, Module().C_CloseSession(session)) == CKR_OK) {
                model_.Closed(session);
            }
            break;
        }
        case 12: {
            CK_SLOT_ID slot = Slot();
            if (model_.Returned("C_CloseAllSessions", Module().C_CloseAllSessions(slot)) == CKR_OK &&
                slot == token_.slot) {
                model_.AllClosed();
            }
            break;
        }
        case 13: {
            CK_SESSION_HANDLE session = Session();
            CK_SESSION_INFO info;
            model_.ReturnedForSession("C_GetSessionInfo", session,
                                      Module().C_GetSessionInfo(session, in_.below(8) == 0 ? nullptr : &info));
            break;
        }
        case 14:
        case 15: {
            CK_SESSION_HANDLE session = Session();
            CK_USER_TYPE user = in_.below(3) == 0 ? in_.pick(kUserTypes) : CKU_USER;
            CK_BYTE_PTR data;
            CK_ULONG length;
            Input(scratch, Pin(), &data, &length);
            model_.ReturnedForSession("C_Login", session, Module().C_Login(session, user, data, length));
            break;
        }
        case 16: {
            CK_SESSION_HANDLE session = Session();
            if (model_.ReturnedForSession("C_Logout", session, Module().C_Logout(session)) == CKR_OK) {
                model_.LoggedOut();
            }
            break;
        }
        case 17:
        case 18:
            CreateObject(scratch);
            break;
        case 19: {
            CK_SESSION_HANDLE session = Session();
            CK_OBJECT_HANDLE object = Object();
            std::vector<CK_ATTRIBUTE> attrs = Template(scratch, {Bool(scratch, CKA_TOKEN, in_.below(2) == 0)});
            CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
            if (model_.ReturnedForObject("C_CopyObject", session, object,
                                         Module().C_CopyObject(session, object, attrs.data(), attrs.size(),
                                                               &copy)) == CKR_OK) {
                model_.Made(session, copy);
            }
            break;
        }
        case 20:
        case 21: {
            CK_SESSION_HANDLE session = Session();
            CK_OBJECT_HANDLE object = Object();
            if (model_.ReturnedForObject("C_DestroyObject", session, object,
                                         Module().C_DestroyObject(session, object)) == CKR_OK) {
                model_.Destroyed(object);
            }
            break;
        }
        case 22: {
            CK_SESSION_HANDLE session = Session();
            CK_OBJECT_HANDLE object = Object();
            CK_ULONG size = 0;
            model_.ReturnedForObject("C_GetObjectSize", session, object,
                                     Module().C_GetObjectSize(session, object, in_.below(8) == 0 ? nullptr : &size));
            break;
        }
        case 23:
        case 24:
            GetAttributeValue(scratch);
            break;
        case 25: {
            CK_SESSION_HANDLE session = Session();
            CK_OBJECT_HANDLE object = Object();
            std::vector<CK_ATTRIBUTE> attrs = Template(scratch, {Label(scratch)});
            if (model_.ReturnedForObject("C_SetAttributeValue", session, object,
                                         Module().C_SetAttributeValue(session, object, attrs.data(), attrs.size())) ==
                CKR_OK) {
                model_.Changed(session, object);
            }
            break;
        }
        case 26:
            Find(scratch);
            break;
        case 27:
        case 28:
            Digest(scratch);
            break;
        case 29:
        case 30:
        case 31:
            SignOrVerify(scratch, true);
            break;
        case 32:
        case 33:
        case 34:
            SignOrVerify(scratch, false);
            break;
        case 35:
            GenerateKeyPair(scratch);
            break;
        case 36: {
            CK_SESSION_HANDLE session = Session();
            CK_MECHANISM mechanism = Mechanism(scratch);
            std::vector<CK_ATTRIBUTE> attrs =
                Template(scratch, {Ulong(scratch, CKA_VALUE_LEN, 32), Bool(scratch, CKA_SIGN, true)});
            CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
            if (model_.ReturnedForSession("C_GenerateKey", session,
                                          Module().C_GenerateKey(session, &mechanism, attrs.data(), attrs.size(),
                                                                 &key)) == CKR_OK) {
                model_.Made(session, key);
            }
            break;
        }
        case 37: {
            CK_SESSION_HANDLE session = Session();
            std::vector<std::uint8_t> seed = in_.bytes(40);
            CK_BYTE_PTR data;
            CK_ULONG length;
            Input(scratch, seed, &data, &length);
            model_.ReturnedForSession("C_SeedRandom", session, Module().C_SeedRandom(session, data, length));
            break;
        }
        case 38: {
            CK_SESSION_HANDLE session = Session();
            // Draws over 64 KiB now and then.
            const std::size_t size = in_.below(8) == 0 ? 70000 : 64;
            CK_BYTE_PTR data = in_.below(16) == 0 ? nullptr : static_cast<CK_BYTE_PTR>(scratch.Buffer(size));
            model_.ReturnedForSession("C_GenerateRandom", session,
                                      Module().C_GenerateRandom(session, data, in_.length(size)));
            break;
        }
        default: {
            CK_SESSION_HANDLE session = Session();
            if (in_.below(2) == 0) {
                model_.ReturnedForSession("C_GetFunctionStatus", session, Module().C_GetFunctionStatus(session));
            } else {
                model_.ReturnedForSession("C_CancelFunction", session, Module().C_CancelFunction(session));
            }
            break;
        }
        }
    }

    void Initialize(Scratch &scratch)
    {
        CK_C_INITIALIZE_ARGS args{};
        void *argument = nullptr;
        switch (in_.below(4)) {
        case 0:
            args.flags = in_.below(2) == 0 ? CKF_OS_LOCKING_OK : in_.u32();
            argument = &args;
            break;
        case 1: // pReserved set: CKR_ARGUMENTS_BAD
            args.pReserved = &scratch;
            argument = &args;
            break;
        default:
            break;
        }
        if (model_.Returned("C_Initialize", Module().C_Initialize(argument)) == CKR_OK) {
            model_.Initialized();
            OpenAndFindAll();
        }
    }

    void InitToken(Scratch &scratch)
    {
        CK_BYTE_PTR data;
        CK_ULONG length;
        Input(scratch, Pin(), &data, &length);
        CK_UTF8CHAR label[32];
        std::memset(label, in_.below(2) == 0 ? ' ' : in_.u8(), sizeof label);
        CK_RV rv = model_.Returned("C_InitToken", Module().C_InitToken(Slot(), data, length,
                                                                       in_.below(8) == 0 ? nullptr : label));
        if (rv == CKR_OK) {
            // Every object of the token is gone (§5.6 C_InitToken).
            for (CK_OBJECT_HANDLE object : model_.objects()) {
                model_.Destroyed(object);
            }
        }
    }

    void CreateObject(Scratch &scratch)
    {
        CK_SESSION_HANDLE session = Session();
        std::vector<CK_ATTRIBUTE> attrs = Template(scratch, ObjectTemplate(scratch));
        CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
        CK_RV rv = model_.ReturnedForSession(
            "C_CreateObject", session,
            Module().C_CreateObject(session, in_.below(16) == 0 ? nullptr : attrs.data(), attrs.size(),
                                    in_.below(16) == 0 ? nullptr : &object));
        if (rv == CKR_OK) {
            model_.Made(session, object);
        }
    }

    void GetAttributeValue(Scratch &scratch)
    {
        CK_SESSION_HANDLE session = Session();
        CK_OBJECT_HANDLE object = Object();
        std::vector<CK_ATTRIBUTE> attrs(1 + in_.below(4));
        for (CK_ATTRIBUTE &attr : attrs) {
            attr.type = in_.below(3) == 0 ? in_.pick({CKA_VALUE, CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_COEFFICIENT})
                                          : in_.pick(kAttributeTypes);
            const std::size_t size = in_.below(2) == 0 ? 8 : 600;
            attr.ulValueLen = in_.length(size);
            attr.pValue = in_.below(3) == 0 ? nullptr : scratch.Buffer(size);
        }
        const std::vector<CK_ATTRIBUTE> before = attrs;
        CK_RV rv = model_.ReturnedForObject(
            "C_GetAttributeValue", session, object,
            Module().C_GetAttributeValue(session, object, attrs.data(), attrs.size()));
        model_.CheckSecretsHidden(session, object, before.data(), attrs.data(), attrs.size(), rv, kFilled);
        model_.CheckPrivateHidden(session, object, rv);
    }

    void Find(Scratch &scratch)
    {
        CK_SESSION_HANDLE session = Session();
        switch (in_.below(3)) {
        case 0: {
            std::vector<CK_ATTRIBUTE> attrs = Template(scratch, {});
            model_.ReturnedForSession("C_FindObjectsInit", session,
                                      Module().C_FindObjectsInit(session, attrs.empty() ? nullptr : attrs.data(),
                                                                 attrs.size()));
            break;
        }
        case 1: {
            CK_OBJECT_HANDLE found[8];
            CK_ULONG max = in_.below(9);
            CK_ULONG count = 0;
            if (model_.ReturnedForSession("C_FindObjects", session,
                                          Module().C_FindObjects(session, in_.below(16) == 0 ? nullptr : found, max,
                                                                 in_.below(16) == 0 ? nullptr : &count)) == CKR_OK) {
                if (count > max) {
                    Violation("C_FindObjects gave %lu handles for room for %lu", count, max);
                }
                model_.Found(session, found, count);
            }
            break;
        }
        default:
            model_.ReturnedForSession("C_FindObjectsFinal", session, Module().C_FindObjectsFinal(session));
        }
    }

    void Digest(Scratch &scratch)
    {
        CK_SESSION_HANDLE session = Session();
        CK_BYTE_PTR data, out;
        CK_ULONG length, out_length;
        switch (in_.below(5)) {
        case 0: {
            CK_MECHANISM mechanism = Mechanism(scratch);
            model_.ReturnedForSession("C_DigestInit", session,
                                      Module().C_DigestInit(session, in_.below(16) == 0 ? nullptr : &mechanism));
            break;
        }
        case 1:
            Input(scratch, Data(), &data, &length);
            Output(scratch, &out, &out_length, 128);
            model_.ReturnedForSession("C_Digest", session, Module().C_Digest(session, data, length, out, &out_length));
            break;
        case 2:
            Input(scratch, Data(), &data, &length);
            model_.ReturnedForSession("C_DigestUpdate", session, Module().C_DigestUpdate(session, data, length));
            break;
        case 3: {
            CK_OBJECT_HANDLE key = Object();
            model_.ReturnedForObject("C_DigestKey", session, key, Module().C_DigestKey(session, key));
            break;
        }
        default:
            Output(scratch, &out, &out_length, 128);
            model_.ReturnedForSession("C_DigestFinal", session, Module().C_DigestFinal(session, out, &out_length));
        }
    }

    void SignOrVerify(Scratch &scratch, bool sign)
    {
        CK_SESSION_HANDLE session = Session();
        CK_BYTE_PTR data, out;
        CK_ULONG length, out_length;
        switch (in_.below(4)) {
        case 0: {
            CK_MECHANISM mechanism = Mechanism(scratch);
            CK_OBJECT_HANDLE key = Object();
            CK_MECHANISM *given = in_.below(16) == 0 ? nullptr : &mechanism;
            if (sign) {
                model_.ReturnedForObject("C_SignInit", session, key, Module().C_SignInit(session, given, key));
            } else {
                model_.ReturnedForObject("C_VerifyInit", session, key, Module().C_VerifyInit(session, given, key));
            }
            break;
        }
        case 1:
            Input(scratch, Data(), &data, &length);
            if (sign) {
                Output(scratch, &out, &out_length);
                model_.ReturnedForSession("C_Sign", session, Module().C_Sign(session, data, length, out, &out_length));
            } else {
                Input(scratch, in_.bytes(255), &out, &out_length);
                model_.ReturnedForSession("C_Verify", session,
                                          Module().C_Verify(session, data, length, out, out_length));
            }
            break;
        case 2:
            Input(scratch, Data(), &data, &length);
            if (sign) {
                model_.ReturnedForSession("C_SignUpdate", session, Module().C_SignUpdate(session, data, length));
            } else {
                model_.ReturnedForSession("C_VerifyUpdate", session, Module().C_VerifyUpdate(session, data, length));
            }
            break;
        default:
            if (sign) {
                Output(scratch, &out, &out_length);
                model_.ReturnedForSession("C_SignFinal", session, Module().C_SignFinal(session, out, &out_length));
            } else {
                Input(scratch, in_.bytes(255), &out, &out_length);
                model_.ReturnedForSession("C_VerifyFinal", session, Module().C_VerifyFinal(session, out, out_length));
            }
        }
    }

    void GenerateKeyPair(Scratch &scratch)
    {
        CK_SESSION_HANDLE session = Session();
        CK_MECHANISM mechanism{in_.below(4) == 0 ? MechanismType() : CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        std::vector<CK_ATTRIBUTE> public_base = {Bool(scratch, CKA_TOKEN, in_.below(2) == 0), Label(scratch),
                                                 Bool(scratch, CKA_VERIFY, true)};
        if (mechanism.mechanism == CKM_RSA_PKCS_KEY_PAIR_GEN) {
            // Sizes the profiles refuse only: a real RSA generation takes seconds under the sanitizers.
            public_base.push_back(Ulong(scratch, CKA_MODULUS_BITS, in_.pick({0UL, 512UL, 1024UL, 2047UL, 8192UL})));
        } else {
            public_base.push_back(Bytes(scratch, CKA_EC_PARAMS, in_.pick(kCurveParams)));
        }
        std::vector<CK_ATTRIBUTE> public_attrs = Template(scratch, public_base);
        std::vector<CK_ATTRIBUTE> private_attrs =
            Template(scratch, {Bool(scratch, CKA_TOKEN, in_.below(2) == 0), Label(scratch),
                               Bool(scratch, CKA_SIGN, true), Bool(scratch, CKA_SENSITIVE, in_.below(4) != 0)});
        CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
        if (model_.ReturnedForSession("C_GenerateKeyPair", session,
                                      Module().C_GenerateKeyPair(session, &mechanism, public_attrs.data(),
                                                                 public_attrs.size(), private_attrs.data(),
                                                                 private_attrs.size(), &public_key,
                                                                 &private_key)) == CKR_OK) {
            model_.Made(session, public_key);
            model_.Made(session, private_key);
        }
    }

    const Token &token_;
    CallModel &model_;
    FuzzBytes &in_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const Token &token = PreparedToken();
    RestorePreparedToken();
    CallModel model(token.module);
    FuzzBytes in(data, size);
    Program(token, model, in).Run();
    return 0;
}
