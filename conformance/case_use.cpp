// What each case ran (case_use.h).
#include "case_use.h"

#include <mutex>
#include <set>

#include "named_curves.h"
#include "rv_check.h"

namespace p11conf {
namespace {

std::mutex g_lock; // cases may call from several threads
CK_C_GetAttributeValue g_query = nullptr;
std::set<std::string> g_notes;

// One attribute's bytes; empty when the module refuses or has none.
std::vector<CK_BYTE> Attribute(CK_C_GetAttributeValue get, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key,
                               CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE attribute = {type, nullptr, 0};
    if (get(session, key, &attribute, 1) != CKR_OK || attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION ||
        attribute.ulValueLen == 0 || attribute.ulValueLen > 4096) {
        return {};
    }
    std::vector<CK_BYTE> value(attribute.ulValueLen);
    attribute.pValue = value.data();
    if (get(session, key, &attribute, 1) != CKR_OK || attribute.ulValueLen > value.size()) {
        return {};
    }
    value.resize(attribute.ulValueLen);
    return value;
}

bool Ulong(CK_C_GetAttributeValue get, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, CK_ATTRIBUTE_TYPE type,
           CK_ULONG *out)
{
    CK_ATTRIBUTE attribute = {type, out, sizeof *out};
    return get(session, key, &attribute, 1) == CKR_OK && attribute.ulValueLen == sizeof *out;
}

// The bits of a big-endian unsigned integer.
unsigned long Bits(const std::vector<CK_BYTE> &value)
{
    std::size_t i = 0;
    while (i < value.size() && value[i] == 0) {
        ++i;
    }
    if (i == value.size()) {
        return 0;
    }
    unsigned long bits = static_cast<unsigned long>(value.size() - i - 1) * 8;
    for (CK_BYTE top = value[i]; top != 0; top >>= 1) {
        ++bits;
    }
    return bits;
}

} // namespace

void SetUseQuery(CK_C_GetAttributeValue get_attribute_value)
{
    const std::lock_guard<std::mutex> hold(g_lock);
    g_query = get_attribute_value;
}

std::string KeyText(CK_C_GetAttributeValue get, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key)
{
    CK_KEY_TYPE type = 0;
    if (get == nullptr || key == CK_INVALID_HANDLE || !Ulong(get, session, key, CKA_KEY_TYPE, &type)) {
        return "";
    }
    if (type == CKK_RSA) {
        const unsigned long bits = Bits(Attribute(get, session, key, CKA_MODULUS));
        return bits == 0 ? "RSA" : "RSA " + std::to_string(bits);
    }
    if (type == CKK_EC) {
        const std::vector<CK_BYTE> params = Attribute(get, session, key, CKA_EC_PARAMS);
        for (const NamedCurve &curve : kNamedCurves) {
            if (params == curve.der_oid) {
                return std::string("EC ") + curve.name;
            }
        }
        return "EC";
    }
    CK_ULONG length = 0;
    if (Ulong(get, session, key, CKA_VALUE_LEN, &length)) {
        return "secret key of " + std::to_string(length) + " bytes";
    }
    return "key type " + std::to_string(type);
}

void NoteUse(CK_SESSION_HANDLE session, const CK_MECHANISM *mechanism, CK_OBJECT_HANDLE key)
{
    if (mechanism == nullptr) {
        return;
    }
    CK_C_GetAttributeValue query = nullptr;
    {
        const std::lock_guard<std::mutex> hold(g_lock);
        query = g_query;
    }
    const std::string key_text = KeyText(query, session, key);
    std::string note = MechanismName(mechanism->mechanism);
    if (!key_text.empty()) {
        note += " with " + key_text;
    }
    const std::lock_guard<std::mutex> hold(g_lock);
    g_notes.insert(note);
}

void StartCaseUse()
{
    const std::lock_guard<std::mutex> hold(g_lock);
    g_notes.clear();
}

std::vector<std::string> TakeCaseUse()
{
    const std::lock_guard<std::mutex> hold(g_lock);
    std::vector<std::string> notes(g_notes.begin(), g_notes.end());
    g_notes.clear();
    return notes;
}

} // namespace p11conf
