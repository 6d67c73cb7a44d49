#include "call_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "return_value_table.h"

void Fail(const char *what)
{
    std::fprintf(stderr, "call-sequence invariant broken: %s\n", what);
    std::abort();
}

namespace {

// The attributes that hold a key's secret (v2.40 §4.8-4.10, PKCS #11
// current mechanisms: CKA_VALUE of EC private and secret keys, RSA's CRT parts).
bool IsSecretAttribute(CK_ATTRIBUTE_TYPE type)
{
    switch (type) {
    case CKA_VALUE:
    case CKA_PRIVATE_EXPONENT:
    case CKA_PRIME_1:
    case CKA_PRIME_2:
    case CKA_EXPONENT_1:
    case CKA_EXPONENT_2:
    case CKA_COEFFICIENT:
        return true;
    default:
        return false;
    }
}

// Codes after which §5.7 says every ulValueLen of the template was set.
bool LengthsWereSet(CK_RV rv)
{
    return rv == CKR_OK || rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
           rv == CKR_BUFFER_TOO_SMALL;
}

} // namespace

CK_RV CallModel::Returned(const char *function, CK_RV rv) const
{
    // P11_FUZZ_TRACE=1 lists the calls of an input being reproduced.
    static const bool trace = std::getenv("P11_FUZZ_TRACE") != nullptr;
    if (trace) {
        std::fprintf(stderr, "  %s -> 0x%lx\n", function, rv);
    }
    const p11conf::ReturnValues &list = p11conf::ReturnValuesOf(function);
    if (!p11conf::ReturnValueAllowed(list, rv)) {
        Violation("%s returned 0x%lx, which is not among the return values v2.40 §%s lists for it", function, rv,
                  list.section);
    }
    return rv;
}

CK_RV CallModel::ReturnedForSession(const char *function, CK_SESSION_HANDLE session, CK_RV rv) const
{
    Returned(function, rv);
    if (rv == CKR_OK && closed_.count(session) != 0) {
        Violation("%s answered CKR_OK for session %lu, which was closed", function, session);
    }
    return rv;
}

CK_RV CallModel::ReturnedForObject(const char *function, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                   CK_RV rv) const
{
    ReturnedForSession(function, session, rv);
    if (rv == CKR_OK && destroyed_.count(object) != 0) {
        Violation("%s answered CKR_OK for object %lu, which was destroyed", function, object);
    }
    return rv;
}

void CallModel::Initialized()
{
    // Handles of before C_Finalize may be given to other objects now: known
    // ones stay nameable, but only labels keep their meaning.
    live_.clear();
    destroyed_.clear();
}

void CallModel::Finalized()
{
    for (CK_SESSION_HANDLE session : sessions_) {
        closed_.insert(session);
    }
    for (const auto &entry : live_) {
        if (entry.second.known && entry.second.token) {
            continue;
        }
        destroyed_.insert(entry.first); // session objects end with the library
    }
}

void CallModel::Opened(CK_SESSION_HANDLE session)
{
    closed_.erase(session);
    if (std::find(sessions_.begin(), sessions_.end(), session) == sessions_.end()) {
        sessions_.push_back(session);
    }
}

void CallModel::Closed(CK_SESSION_HANDLE session)
{
    closed_.insert(session);
    EndSessionObjects([session](const Facts &facts) { return facts.creator == session; });
}

void CallModel::AllClosed()
{
    for (CK_SESSION_HANDLE session : sessions_) {
        Closed(session);
    }
}

void CallModel::LoggedOut()
{
    EndSessionObjects([](const Facts &facts) { return facts.is_private; });
}

void CallModel::EndSessionObjects(const std::function<bool(const Facts &)> &ends)
{
    for (auto entry = live_.begin(); entry != live_.end();) {
        if (entry->second.known && !entry->second.token && ends(entry->second)) {
            destroyed_.insert(entry->first);
            entry = live_.erase(entry);
        } else {
            ++entry;
        }
    }
}

bool CallModel::ReadFacts(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, Facts *facts) const
{
    CK_BBOOL token = CK_TRUE;
    CK_BBOOL is_private = CK_FALSE;
    char label[256];
    CK_ATTRIBUTE attrs[] = {
        {CKA_TOKEN, &token, sizeof token},
        {CKA_PRIVATE, &is_private, sizeof is_private},
        {CKA_LABEL, label, sizeof label},
    };
    CK_RV rv = Returned("C_GetAttributeValue", module_->C_GetAttributeValue(session, object, attrs, 3));
    if (rv != CKR_OK) {
        return false;
    }
    facts->known = true;
    facts->token = token != CK_FALSE;
    facts->is_private = is_private != CK_FALSE;
    facts->label.assign(label, attrs[2].ulValueLen);
    return true;
}

void CallModel::Made(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
{
    destroyed_.erase(object);
    if (std::find(objects_.begin(), objects_.end(), object) == objects_.end()) {
        objects_.push_back(object);
    }
    Facts facts;
    facts.creator = session;
    if (ReadFacts(session, object, &facts) && facts.token) {
        gone_labels_.erase(facts.label); // a new object under the label
    }
    live_[object] = facts;
}

void CallModel::Changed(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
{
    Facts &facts = live_[object];
    if (ReadFacts(session, object, &facts) && facts.token) {
        gone_labels_.erase(facts.label);
    }
}

void CallModel::Destroyed(CK_OBJECT_HANDLE object)
{
    auto entry = live_.find(object);
    if (entry != live_.end() && entry->second.known && entry->second.token) {
        const std::string &label = entry->second.label;
        const bool shared = std::any_of(live_.begin(), live_.end(), [&](const auto &other) {
            return other.first != object && other.second.known && other.second.label == label;
        });
        if (!shared) {
            gone_labels_.insert(label);
        }
    }
    live_.erase(object);
    destroyed_.insert(object);
}

void CallModel::Found(CK_SESSION_HANDLE session, const CK_OBJECT_HANDLE *objects, CK_ULONG count)
{
    for (CK_ULONG i = 0; i < count; ++i) {
        if (destroyed_.count(objects[i]) != 0) {
            Violation("C_FindObjects found object %lu, which was destroyed", objects[i]);
        }
        Facts facts;
        if (live_.count(objects[i]) == 0 && ReadFacts(session, objects[i], &facts)) {
            if (facts.token && gone_labels_.count(facts.label) != 0) {
                Violation("C_FindObjects found a token object labelled \"%s\", which was destroyed",
                          facts.label.c_str());
            }
            live_[objects[i]] = facts;
        }
        if (std::find(objects_.begin(), objects_.end(), objects[i]) == objects_.end()) {
            objects_.push_back(objects[i]);
        }
    }
}

void CallModel::CheckSecretsHidden(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, const CK_ATTRIBUTE *before,
                                   const CK_ATTRIBUTE *after, CK_ULONG count, CK_RV rv, unsigned char filled) const
{
    for (CK_ULONG i = 0; i < count; ++i) {
        if (!IsSecretAttribute(before[i].type)) {
            continue;
        }
        CK_OBJECT_CLASS object_class = 0;
        CK_BBOOL sensitive = CK_FALSE;
        CK_BBOOL extractable = CK_TRUE;
        CK_ATTRIBUTE facts[] = {
            {CKA_CLASS, &object_class, sizeof object_class},
            {CKA_SENSITIVE, &sensitive, sizeof sensitive},
            {CKA_EXTRACTABLE, &extractable, sizeof extractable},
        };
        if (Returned("C_GetAttributeValue", module_->C_GetAttributeValue(session, object, facts, 3)) != CKR_OK ||
            (object_class != CKO_PRIVATE_KEY && object_class != CKO_SECRET_KEY) ||
            (sensitive == CK_FALSE && extractable != CK_FALSE)) {
            continue;
        }
        if (rv == CKR_OK) {
            Violation("C_GetAttributeValue answered CKR_OK for secret attribute 0x%lx of a sensitive or "
                      "unextractable key (object %lu)",
                      before[i].type, object);
        }
        if (LengthsWereSet(rv) && after[i].ulValueLen != CK_UNAVAILABLE_INFORMATION) {
            Violation("C_GetAttributeValue gave length %lu for secret attribute 0x%lx of a sensitive or "
                      "unextractable key (object %lu): v2.40 §5.7 says CK_UNAVAILABLE_INFORMATION",
                      after[i].ulValueLen, before[i].type, object);
        }
        const auto *value = static_cast<const unsigned char *>(before[i].pValue);
        for (CK_ULONG at = 0; value != nullptr && at < before[i].ulValueLen; ++at) {
            if (value[at] != filled) {
                Violation("C_GetAttributeValue wrote into the buffer of secret attribute 0x%lx of a sensitive or "
                          "unextractable key (object %lu)",
                          before[i].type, object);
            }
        }
    }
}

void CallModel::CheckPrivateHidden(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_RV rv) const
{
    auto entry = live_.find(object);
    if (rv != CKR_OK || entry == live_.end() || !entry->second.known || !entry->second.is_private) {
        return;
    }
    CK_SESSION_INFO info{};
    if (Returned("C_GetSessionInfo", module_->C_GetSessionInfo(session, &info)) == CKR_OK &&
        info.state != CKS_RO_USER_FUNCTIONS && info.state != CKS_RW_USER_FUNCTIONS) {
        Violation("C_GetAttributeValue answered CKR_OK for private object %lu in session state %lu (no user login)",
                  object, info.state);
    }
}
