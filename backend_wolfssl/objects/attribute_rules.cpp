/* The functions the per-class attribute tables (attribute_tables.h) drive
 * (see attribute_rules.h). */
#include "objects/attribute_rules.h"
#include "objects/attribute_tables.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "objects/der_certificate.h"
#include "crypto/check_value.h"
#include "crypto/ec_params.h"

namespace p11 {

namespace {

const ClassTable *table_of(const AttributeSet &attrs)
{
    CK_ULONG klass = 0;
    if (!attrs.get_ulong(CKA_CLASS, &klass)) {
        return nullptr;
    }
    CK_ATTRIBUTE_TYPE sub = subtype_attribute(klass);
    return table_for(klass, sub == 0 ? kNoSubtype : attrs.ulong_or(sub, kNoSubtype));
}

// Checks one template value against its row; writes the form to store.
CK_RV check_value(const Rule &rule, const CK_ATTRIBUTE &attr, Bytes *value)
{
    const auto *p = static_cast<const unsigned char *>(attr.pValue);
    const std::size_t n = attr.ulValueLen;
    if (p == nullptr && n != 0) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    bool ok = true;
    if (form_checked(rule.kind, p, n, &ok)) {
        if (ok && rule.kind == Kind::boolean && p != nullptr) { // one byte: never NULL here
            // Stored as exactly CK_TRUE or CK_FALSE so finds compare bytes.
            value->assign(1, p[0] != CK_FALSE ? CK_TRUE : CK_FALSE);
            return CKR_OK;
        }
        if (ok) {
            value->assign(p, p + n);
        }
        return ok ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
    }
    switch (rule.kind) {
    case Kind::ec_params:
        if (ec_curve_from_params(p, n) == nullptr) {
            return ec_params_is_named_curve(p, n) ? CKR_CURVE_NOT_SUPPORTED : CKR_ATTRIBUTE_VALUE_INVALID;
        }
        break;
    case Kind::ec_point:
        return ec_point_normalize(p, n, value) != nullptr ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
    case Kind::certificate: {
        CertificateFields fields;
        ok = parse_certificate(p, n, &fields);
        break;
    }
    default: // form_checked took the others
        break;
    }
    if (!ok) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    value->assign(p, p + n);
    return CKR_OK;
}

// The class or subtype: from the template, else implied; both must agree.
CK_RV resolve_ulong(const CK_ATTRIBUTE *tmpl, CK_ULONG count, CK_ATTRIBUTE_TYPE type, CK_ULONG implied, CK_ULONG *out)
{
    CK_ULONG value = implied;
    for (CK_ULONG i = 0; i < count; ++i) {
        if (tmpl[i].type != type) {
            continue;
        }
        CK_ULONG given = 0;
        if (tmpl[i].pValue == nullptr || tmpl[i].ulValueLen != sizeof(CK_ULONG)) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        std::memcpy(&given, tmpl[i].pValue, sizeof given);
        if (value != kNotImplied && value != given) {
            return CKR_TEMPLATE_INCONSISTENT;
        }
        value = given;
    }
    if (value == kNotImplied) {
        return CKR_TEMPLATE_INCOMPLETE;
    }
    *out = value;
    return CKR_OK;
}

void apply_default(const Rule &rule, AttributeSet *attrs)
{
    switch (rule.fallback) {
    case Default::none:
        return;
    case Default::no:
        attrs->set_bool(rule.type, false);
        return;
    case Default::yes:
        attrs->set_bool(rule.type, true);
        return;
    case Default::empty:
        attrs->set(rule.type, nullptr, 0);
        return;
    case Default::zero:
        attrs->set_ulong(rule.type, 0);
        return;
    }
}

std::size_t bit_length(ByteView big_endian)
{
    std::size_t i = 0;
    while (i < big_endian.size() && big_endian[i] == 0) {
        ++i;
    }
    if (i == big_endian.size()) {
        return 0;
    }
    std::size_t bits = (big_endian.size() - i) * 8;
    for (unsigned char top = big_endian[i]; (top & 0x80) == 0; top = static_cast<unsigned char>(top << 1)) {
        --bits;
    }
    return bits;
}

// CKA_CHECK_VALUE from CKA_VALUE; a template's own value must agree.
CK_RV set_check_value(AttributeSet *attrs)
{
    unsigned char computed[kCheckValueSize];
    if (!compute_check_value(*attrs->get(CKA_VALUE), computed)) {
        return CKR_FUNCTION_FAILED;
    }
    const ByteView *given = attrs->get(CKA_CHECK_VALUE);
    if (given != nullptr && std::memcmp(given->data(), computed, kCheckValueSize) != 0) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    attrs->set(CKA_CHECK_VALUE, computed, kCheckValueSize);
    return CKR_OK;
}

// Values one attribute of a class gets from others (create) and the
// cross-attribute checks (v2.40 §4.1.1 item 5).
CK_RV finish_class(const ClassTable &table, ObjectOrigin origin, AttributeSet *attrs)
{
    if (origin != ObjectOrigin::create) {
        return CKR_OK; // generated material arrives later; a copy was checked before
    }
    if (table.klass == CKO_CERTIFICATE) {
        const ByteView *der = attrs->get(CKA_VALUE);
        CertificateFields fields;
        if (der == nullptr || !parse_certificate(der->data(), der->size(), &fields)) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        // Copied out first: the spans point into the DER in attrs' buffer,
        // which each set below may move.
        const auto copy = [](const DerSpan &span) { return Bytes(span.data, span.data + span.size); };
        const std::pair<CK_ATTRIBUTE_TYPE, Bytes> derived[] = {{CKA_SUBJECT, copy(fields.subject)},
                                                               {CKA_ISSUER, copy(fields.issuer)},
                                                               {CKA_SERIAL_NUMBER, copy(fields.serial)}};
        for (const auto &item : derived) {
            if (!attrs->has(item.first)) {
                attrs->set(item.first, item.second.data(), item.second.size());
            }
        }
        return set_check_value(attrs);
    }
    if (table.subtype == CKK_EC) {
        const ByteView *params = attrs->get(CKA_EC_PARAMS);
        const EcCurve *curve = ec_curve_from_params(*params);
        if (table.klass == CKO_PUBLIC_KEY) {
            const ByteView *point = attrs->get(CKA_EC_POINT);
            Bytes der;
            return ec_point_normalize(point->data(), point->size(), &der) == curve ? CKR_OK
                                                                                   : CKR_TEMPLATE_INCONSISTENT;
        }
        return attrs->get(CKA_VALUE)->size() <= curve->field_bytes ? CKR_OK : CKR_TEMPLATE_INCONSISTENT;
    }
    if (table.subtype == CKK_RSA && table.klass == CKO_PUBLIC_KEY) {
        attrs->set_ulong(CKA_MODULUS_BITS, bit_length(*attrs->get(CKA_MODULUS)));
        return CKR_OK;
    }
    if (table.klass == CKO_SECRET_KEY) {
        attrs->set_ulong(CKA_VALUE_LEN, attrs->get(CKA_VALUE)->size());
        return set_check_value(attrs);
    }
    return CKR_OK;
}

// CKA_LOCAL and the history flags of a new key (v2.40 §4.7, §4.9). Key
// material that came in through C_CreateObject existed outside the token:
// it was never "always sensitive", and it may have been extracted before.
void derive_key_history(const ClassTable &table, ObjectOrigin origin, AttributeSet *attrs)
{
    if (!is_key(table.klass)) {
        return;
    }
    const bool generated = origin == ObjectOrigin::generate;
    attrs->set_bool(CKA_LOCAL, generated);
    attrs->set_ulong(CKA_KEY_GEN_MECHANISM, CK_UNAVAILABLE_INFORMATION);
    if (find_rule(table, CKA_ALWAYS_SENSITIVE) != nullptr) {
        attrs->set_bool(CKA_ALWAYS_SENSITIVE, generated && attrs->bool_or(CKA_SENSITIVE, false));
        attrs->set_bool(CKA_NEVER_EXTRACTABLE, generated && !attrs->bool_or(CKA_EXTRACTABLE, true));
    }
}

// v2.40 §4.9: CKA_ALWAYS_AUTHENTICATE TRUE asks for the PIN at each use,
// which only means something for a key that needs a login at all.
CK_RV check_always_authenticate(const AttributeSet &attrs)
{
    if (attrs.bool_or(CKA_ALWAYS_AUTHENTICATE, false) && !attrs.bool_or(CKA_PRIVATE, false)) {
        return CKR_TEMPLATE_INCONSISTENT;
    }
    return CKR_OK;
}

CK_RV build_new(const CK_ATTRIBUTE *tmpl, CK_ULONG count, ObjectOrigin origin, CK_OBJECT_CLASS implied_class,
                CK_KEY_TYPE implied_key_type, AttributeSet *out)
{
    CK_OBJECT_CLASS klass = 0;
    CK_RV rv = resolve_ulong(tmpl, count, CKA_CLASS, implied_class, &klass);
    if (rv != CKR_OK) {
        return rv;
    }
    if (!class_known(klass)) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    const CK_ATTRIBUTE_TYPE sub_attr = subtype_attribute(klass);
    CK_ULONG subtype = kNoSubtype;
    if (sub_attr != 0) {
        rv = resolve_ulong(tmpl, count, sub_attr, is_key(klass) ? implied_key_type : kNotImplied, &subtype);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    const ClassTable *table = table_for(klass, subtype);
    if (table == nullptr) {
        return CKR_ATTRIBUTE_VALUE_INVALID; // a key or certificate type not offered
    }

    AttributeSet attrs;
    const std::uint16_t forbidden = origin == ObjectOrigin::create ? kNoCreate : kNoGenerate;
    for (CK_ULONG i = 0; i < count; ++i) {
        const Rule *rule = find_rule(*table, tmpl[i].type);
        if (rule == nullptr) {
            return CKR_ATTRIBUTE_TYPE_INVALID;
        }
        if ((rule->flags & kTokenSets) != 0) {
            return CKR_ATTRIBUTE_READ_ONLY;
        }
        if ((rule->flags & forbidden) != 0) {
            // §4.1.1 item 3: an attribute C_CreateObject must not be given
            // (footnote 2: CKA_MODULUS_BITS, CKA_VALUE_LEN) is read-only there.
            // Key material in a template to generate from also contradicts
            // the generation (item 5), which the generators answer.
            return origin == ObjectOrigin::create ? CKR_ATTRIBUTE_READ_ONLY : CKR_TEMPLATE_INCONSISTENT;
        }
        Bytes value;
        rv = check_value(*rule, tmpl[i], &value);
        if (rv != CKR_OK) {
            return rv;
        }
        const ByteView *earlier = attrs.get(rule->type);
        if (earlier != nullptr && *earlier != value) {
            return CKR_TEMPLATE_INCONSISTENT; // §4.1.1 item 7
        }
        attrs.set(rule->type, value.data(), value.size());
    }

    attrs.set_ulong(CKA_CLASS, klass);
    if (sub_attr != 0) {
        attrs.set_ulong(sub_attr, subtype);
    }
    const std::uint16_t required = origin == ObjectOrigin::create ? kReqCreate : kReqGenerate;
    for (std::size_t i = 0; i < table->count; ++i) {
        const Rule &rule = table->rules[i];
        if (attrs.has(rule.type)) {
            continue;
        }
        if ((rule.flags & required) != 0) {
            return CKR_TEMPLATE_INCOMPLETE;
        }
        apply_default(rule, &attrs);
    }
    rv = finish_class(*table, origin, &attrs);
    if (rv == CKR_OK) {
        rv = check_always_authenticate(attrs);
    }
    if (rv != CKR_OK) {
        return rv;
    }
    derive_key_history(*table, origin, &attrs);
    *out = std::move(attrs);
    return CKR_OK;
}

// Applies a C_SetAttributeValue or C_CopyObject template to *attrs.
CK_RV apply_changes(const ClassTable &table, const CK_ATTRIBUTE *tmpl, CK_ULONG count, bool copying,
                    AttributeSet *attrs)
{
    const bool was_always_sensitive = attrs->bool_or(CKA_ALWAYS_SENSITIVE, false);
    const bool was_never_extractable = attrs->bool_or(CKA_NEVER_EXTRACTABLE, false);
    for (CK_ULONG i = 0; i < count; ++i) {
        const Rule *rule = find_rule(table, tmpl[i].type);
        if (rule == nullptr) {
            return CKR_ATTRIBUTE_TYPE_INVALID;
        }
        const bool changeable = (rule->flags & kModifiable) != 0 || (copying && (rule->flags & kCopyOnly) != 0);
        if (!changeable) {
            return CKR_ATTRIBUTE_READ_ONLY;
        }
        Bytes value;
        CK_RV rv = check_value(*rule, tmpl[i], &value);
        if (rv != CKR_OK) {
            return rv;
        }
        if ((rule->flags & (kFixedOnceTrue | kFixedOnceFalse)) != 0) {
            // One-way attributes are booleans: check_value left one byte.
            const bool now = attrs->bool_or(rule->type, false);
            const bool next = value[0] == CK_TRUE;
            if (((rule->flags & kFixedOnceTrue) != 0 && now && !next) ||
                ((rule->flags & kFixedOnceFalse) != 0 && !now && next)) {
                return CKR_ATTRIBUTE_READ_ONLY;
            }
        }
        attrs->set(rule->type, value.data(), value.size());
    }
    if (find_rule(table, CKA_ALWAYS_SENSITIVE) != nullptr) {
        // History only ever loses these: a key once revealable stays "not always".
        attrs->set_bool(CKA_ALWAYS_SENSITIVE, was_always_sensitive && attrs->bool_or(CKA_SENSITIVE, false));
        attrs->set_bool(CKA_NEVER_EXTRACTABLE, was_never_extractable && !attrs->bool_or(CKA_EXTRACTABLE, true));
    }
    return CKR_OK;
}

// Kind and union of flags of an attribute type over all tables, for the
// questions that do not depend on the class. Merged and sorted by the
// compiler: no code, no heap and no first-use guard at run time.
struct TypeInfo {
    CK_ATTRIBUTE_TYPE type = 0;
    Kind kind = Kind::bytes;
    std::uint16_t flags = 0;
};

// How many attribute types the tables name (each counted once).
constexpr std::size_t type_count()
{
    std::size_t count = 0;
    for (std::size_t t = 0; t < sizeof kTables / sizeof kTables[0]; ++t) {
        for (std::size_t i = 0; i < kTables[t].count; ++i) {
            const CK_ATTRIBUTE_TYPE type = kTables[t].rules[i].type;
            bool earlier = false;
            for (std::size_t u = 0; u <= t && !earlier; ++u) {
                const std::size_t end = u < t ? kTables[u].count : i;
                for (std::size_t j = 0; j < end && !earlier; ++j) {
                    earlier = kTables[u].rules[j].type == type;
                }
            }
            count += earlier ? 0 : 1;
        }
    }
    return count;
}

struct TypeInfos {
    TypeInfo infos[type_count()];
    std::size_t count = 0;
};

constexpr TypeInfos merge_type_infos()
{
    TypeInfos merged{};
    for (const ClassTable &table : kTables) {
        for (std::size_t i = 0; i < table.count; ++i) {
            const Rule &rule = table.rules[i];
            std::size_t at = 0;
            while (at < merged.count && merged.infos[at].type < rule.type) {
                ++at;
            }
            if (at < merged.count && merged.infos[at].type == rule.type) {
                merged.infos[at].flags = static_cast<std::uint16_t>(merged.infos[at].flags | rule.flags);
                continue;
            }
            for (std::size_t j = merged.count; j > at; --j) {
                merged.infos[j] = merged.infos[j - 1];
            }
            merged.infos[at] = TypeInfo{rule.type, rule.kind, rule.flags};
            ++merged.count;
        }
    }
    return merged;
}

constexpr TypeInfos kTypeInfos = merge_type_infos();
static_assert(kTypeInfos.count == type_count(), "every type once");

const TypeInfo *type_info(CK_ATTRIBUTE_TYPE type)
{
    const TypeInfo *end = kTypeInfos.infos + kTypeInfos.count;
    const TypeInfo *it = std::lower_bound(kTypeInfos.infos, end, type,
                                          [](const TypeInfo &info, CK_ATTRIBUTE_TYPE t) { return info.type < t; });
    return it != end && it->type == type ? it : nullptr;
}

} // namespace

CK_RV build_object(const CK_ATTRIBUTE *tmpl, CK_ULONG count, ObjectOrigin origin, CK_OBJECT_CLASS implied_class,
                   CK_KEY_TYPE implied_key_type, AttributeSet *out)
{
    if (origin != ObjectOrigin::copy) {
        return build_new(tmpl, count, origin, implied_class, implied_key_type, out);
    }
    const ClassTable *table = table_of(*out);
    if (table == nullptr) {
        return CKR_GENERAL_ERROR; // a stored object always has a supported class
    }
    if (!out->bool_or(CKA_COPYABLE, true)) {
        return CKR_ACTION_PROHIBITED;
    }
    AttributeSet copy = *out;
    CK_RV rv = apply_changes(*table, tmpl, count, true, &copy);
    if (rv == CKR_OK) {
        rv = check_always_authenticate(copy); // a copy may turn CKA_PRIVATE off
    }
    if (rv == CKR_OK) {
        *out = std::move(copy);
    }
    return rv;
}

CK_RV apply_set_template(const AttributeSet &current, const CK_ATTRIBUTE *tmpl, CK_ULONG count, AttributeSet *updated)
{
    const ClassTable *table = table_of(current);
    if (table == nullptr) {
        return CKR_GENERAL_ERROR;
    }
    if (!current.bool_or(CKA_MODIFIABLE, true)) {
        return CKR_ACTION_PROHIBITED;
    }
    AttributeSet next = current;
    CK_RV rv = apply_changes(*table, tmpl, count, false, &next);
    if (rv == CKR_OK) {
        *updated = std::move(next);
    }
    return rv;
}

bool attribute_secret(const AttributeSet &attrs, CK_ATTRIBUTE_TYPE type)
{
    // Secret in no class: no need to read the object's class.
    const TypeInfo *info = type_info(type);
    if (info == nullptr || (info->flags & kSensitive) == 0) {
        return false;
    }
    const ClassTable *table = table_of(attrs);
    const Rule *rule = table != nullptr ? find_rule(*table, type) : nullptr;
    return rule != nullptr && (rule->flags & kSensitive) != 0;
}

bool attribute_hidden(const AttributeSet &attrs, CK_ATTRIBUTE_TYPE type)
{
    if (!attribute_secret(attrs, type)) {
        return false;
    }
    // Missing guards count as the safe values.
    return attrs.bool_or(CKA_SENSITIVE, true) || !attrs.bool_or(CKA_EXTRACTABLE, false);
}

bool attribute_default(const AttributeSet &attrs, CK_ATTRIBUTE_TYPE type, Bytes *out)
{
    const ClassTable *table = table_of(attrs);
    const Rule *rule = table != nullptr ? find_rule(*table, type) : nullptr;
    if (rule == nullptr) {
        return false;
    }
    if (rule->kind == Kind::check_value && attrs.has(CKA_VALUE)) {
        unsigned char computed[kCheckValueSize];
        if (!compute_check_value(*attrs.get(CKA_VALUE), computed)) {
            return false;
        }
        out->assign(computed, computed + kCheckValueSize);
        return true;
    }
    AttributeSet scratch;
    apply_default(*rule, &scratch);
    const ByteView *value = scratch.get(type);
    if (value == nullptr) {
        return false;
    }
    *out = value->to_bytes();
    return true;
}

bool template_needs_so(const CK_ATTRIBUTE *tmpl, CK_ULONG count)
{
    for (CK_ULONG i = 0; i < count; ++i) {
        const TypeInfo *info = type_info(tmpl[i].type);
        if (info != nullptr && (info->flags & kSoOnlyTrue) != 0 && tmpl[i].pValue != nullptr &&
            tmpl[i].ulValueLen == sizeof(CK_BBOOL) && *static_cast<const CK_BBOOL *>(tmpl[i].pValue) != CK_FALSE) {
            return true;
        }
    }
    return false;
}

bool attribute_is_bool(CK_ATTRIBUTE_TYPE type)
{
    const TypeInfo *info = type_info(type);
    return info != nullptr && info->kind == Kind::boolean;
}

bool attribute_is_ulong(CK_ATTRIBUTE_TYPE type)
{
    const TypeInfo *info = type_info(type);
    return info != nullptr && info->kind == Kind::ulong;
}

bool object_class_supported(const AttributeSet &attrs, bool secrets_sealed)
{
    const ClassTable *table = table_of(attrs);
    if (table == nullptr) {
        return false;
    }
    for (std::size_t i = 0; i < table->count; ++i) {
        const Rule &rule = table->rules[i];
        if (secrets_sealed && (rule.flags & kSensitive) != 0) {
            continue; // not in attrs until the login opens them
        }
        if ((rule.flags & kReqCreate) != 0 && !attrs.has(rule.type)) {
            return false;
        }
    }
    return true;
}

} // namespace p11
