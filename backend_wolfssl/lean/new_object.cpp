/* Building a new object from a template (see new_object.h). Each step
 * mirrors objects/attribute_rules.cpp's build_new; the value forms a lean
 * token cannot hold (curves other than P-256) are refused as that backend
 * refuses a curve it lacks. A lean profile that creates objects
 * (P11_LEAN_CREATES) also parses certificates and computes check values. */
#include "lean/new_object.h"

#include <cstring>

#include "crypto/big_endian_bits.h"
#include "lean/p256.h"

#if P11_LEAN_CREATES
#include "crypto/check_value.h"
#include "objects/der_certificate.h"
#endif

namespace p11::lean {

namespace {

const CK_BBOOL kTrueValue = CK_TRUE;
const CK_BBOOL kFalseValue = CK_FALSE;
const CK_ULONG kZero = 0;

// set() never drops an attribute: every row of the longest table, and the
// CKA_EC_POINT a generated private key also keeps (api_keygen.cpp's form).
constexpr std::size_t longest_table()
{
    std::size_t longest = 0;
    for (const ClassTable &table : kTables) {
        longest = table.count > longest ? table.count : longest;
    }
    return longest;
}
static_assert(longest_table() + 1 <= NewObject::kCapacity, "NewObject holds every attribute of any class");

// A well-formed DER OBJECT IDENTIFIER (crypto/ec_params.cpp's rule): a
// named curve, supported or not.
bool is_named_curve(const std::uint8_t *p, std::size_t n)
{
    return p != nullptr && n >= 3 && n <= 2 + 127 && p[0] == 0x06 && p[1] == n - 2 && (p[n - 1] & 0x80) == 0;
}


bool same_value(const CK_ATTRIBUTE &a, const void *value, CK_ULONG len)
{
    return a.ulValueLen == len && (len == 0 || std::memcmp(a.pValue, value, len) == 0);
}

// The class or subtype: from the template, else implied; both must agree.
CK_RV resolve_ulong(const CK_ATTRIBUTE *tmpl, CK_ULONG count, CK_ATTRIBUTE_TYPE type, CK_ULONG implied, CK_ULONG *out)
{
    CK_ULONG value = implied;
    for (CK_ULONG i = 0; i < count; ++i) {
        if (tmpl[i].type != type) {
            continue;
        }
        if (tmpl[i].pValue == nullptr || tmpl[i].ulValueLen != sizeof(CK_ULONG)) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        CK_ULONG given = 0;
        std::memcpy(&given, tmpl[i].pValue, sizeof given);
        if (value != kNothingImplied && value != given) {
            return CKR_TEMPLATE_INCONSISTENT;
        }
        value = given;
    }
    if (value == kNothingImplied) {
        return CKR_TEMPLATE_INCOMPLETE;
    }
    *out = value;
    return CKR_OK;
}

} // namespace

void NewObject::set(CK_ATTRIBUTE_TYPE type, const void *value, CK_ULONG len)
{
    for (std::size_t i = 0; i < count_; ++i) {
        if (attrs_[i].type == type) {
            attrs_[i].pValue = const_cast<void *>(value);
            attrs_[i].ulValueLen = len;
            return;
        }
    }
    if (count_ < kCapacity) {
        attrs_[count_++] = CK_ATTRIBUTE{type, const_cast<void *>(value), len};
    }
}

const CK_ATTRIBUTE *NewObject::get(CK_ATTRIBUTE_TYPE type) const
{
    for (std::size_t i = 0; i < count_; ++i) {
        if (attrs_[i].type == type) {
            return &attrs_[i];
        }
    }
    return nullptr;
}

bool NewObject::bool_or(CK_ATTRIBUTE_TYPE type, bool fallback) const
{
    const CK_ATTRIBUTE *a = get(type);
    return a == nullptr || a->ulValueLen != 1 ? fallback : *static_cast<const CK_BBOOL *>(a->pValue) != CK_FALSE;
}

// One template value checked against its row and taken in (attribute_rules.cpp's check_value).
CK_RV NewObject::take(const Rule &rule, const CK_ATTRIBUTE &given)
{
    const auto *p = static_cast<const std::uint8_t *>(given.pValue);
    const std::size_t n = given.ulValueLen;
    if (p == nullptr && n != 0) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    const void *value = p;
    CK_ULONG len = given.ulValueLen;
    bool ok = true;
    if (form_checked(rule.kind, p, n, &ok)) {
        if (ok && rule.kind == Kind::boolean && p != nullptr) { // one byte: never NULL here
            // Stored as exactly CK_TRUE or CK_FALSE so finds compare bytes.
            value = p[0] != CK_FALSE ? &kTrueValue : &kFalseValue;
        }
    } else {
        switch (rule.kind) {
        case Kind::ec_params:
            if (!is_p256_params(p, n)) {
                return is_named_curve(p, n) ? CKR_CURVE_NOT_SUPPORTED : CKR_ATTRIBUTE_VALUE_INVALID;
            }
            break;
        case Kind::ec_point: {
            const std::uint8_t *raw = p256_raw_point(p, n);
            if (raw == nullptr) {
                return CKR_ATTRIBUTE_VALUE_INVALID;
            }
            point_[0] = 0x04; // stored as the DER OCTET STRING
            point_[1] = kP256Point;
            std::memmove(point_ + 2, raw, kP256Point);
            value = point_;
            len = sizeof point_;
            break;
        }
        case Kind::certificate: {
#if P11_LEAN_CREATES
            CertificateFields fields;
            ok = parse_certificate(p, n, &fields);
#else
            ok = false; // only C_CreateObject makes certificates
#endif
            break;
        }
        default: // form_checked took the others
            break;
        }
    }
    if (!ok) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    const CK_ATTRIBUTE *earlier = get(rule.type);
    if (earlier != nullptr && !same_value(*earlier, value, len)) {
        return CKR_TEMPLATE_INCONSISTENT; // §4.1.1 item 7
    }
    set(rule.type, value, len);
    return CKR_OK;
}

CK_RV NewObject::build(const CK_ATTRIBUTE *tmpl, CK_ULONG count, Origin origin, CK_OBJECT_CLASS implied_class,
                       CK_KEY_TYPE implied_key_type)
{
    count_ = 0;
    CK_RV rv = resolve_ulong(tmpl, count, CKA_CLASS, implied_class, &klass_);
    if (rv != CKR_OK) {
        return rv;
    }
    if (!class_known(klass_)) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    const CK_ATTRIBUTE_TYPE sub_attr = subtype_attribute(klass_);
    subtype_ = kNoSubtype;
    if (sub_attr != 0) {
        rv = resolve_ulong(tmpl, count, sub_attr, is_key(klass_) ? implied_key_type : kNothingImplied, &subtype_);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    table_ = table_for(klass_, subtype_);
    if (table_ == nullptr) {
        return CKR_ATTRIBUTE_VALUE_INVALID; // a key or certificate type not offered
    }
    const std::uint16_t forbidden = origin == Origin::create ? kNoCreate : kNoGenerate;
    for (CK_ULONG i = 0; i < count; ++i) {
        const Rule *rule = find_rule(*table_, tmpl[i].type);
        if (rule == nullptr) {
            return CKR_ATTRIBUTE_TYPE_INVALID;
        }
        if ((rule->flags & kTokenSets) != 0) {
            return CKR_ATTRIBUTE_READ_ONLY;
        }
        if ((rule->flags & forbidden) != 0) {
            // §4.1.1 item 3 (footnote 2) for create; key material in a
            // template to generate from contradicts the generation.
            return origin == Origin::create ? CKR_ATTRIBUTE_READ_ONLY : CKR_TEMPLATE_INCONSISTENT;
        }
        rv = take(*rule, tmpl[i]);
        if (rv != CKR_OK) {
            return rv;
        }
    }
    set(CKA_CLASS, &klass_, sizeof klass_);
    if (sub_attr != 0) {
        set(sub_attr, &subtype_, sizeof subtype_);
    }
    const std::uint16_t required = origin == Origin::create ? kReqCreate : kReqGenerate;
    for (std::size_t i = 0; i < table_->count; ++i) {
        const Rule &rule = table_->rules[i];
        if (get(rule.type) != nullptr) {
            continue;
        }
        if ((rule.flags & required) != 0) {
            return CKR_TEMPLATE_INCOMPLETE;
        }
        switch (rule.fallback) {
        case Default::none:
            break;
        case Default::no:
            set(rule.type, &kFalseValue, 1);
            break;
        case Default::yes:
            set(rule.type, &kTrueValue, 1);
            break;
        case Default::empty:
            set(rule.type, nullptr, 0);
            break;
        case Default::zero:
            set(rule.type, &kZero, sizeof kZero);
            break;
        }
    }
    rv = finish(origin);
    if (rv != CKR_OK) {
        return rv;
    }
    // v2.40 §4.9: asking for the PIN at each use means something only for a
    // key that needs a login at all.
    if (bool_or(CKA_ALWAYS_AUTHENTICATE, false) && !bool_or(CKA_PRIVATE, false)) {
        return CKR_TEMPLATE_INCONSISTENT;
    }
    history(origin);
    return CKR_OK;
}

// Values one attribute gets from others, and the cross-attribute checks of
// a created object (v2.40 §4.1.1 item 5); generated material comes later.
CK_RV NewObject::finish(Origin origin)
{
    if (origin != Origin::create) {
        return CKR_OK;
    }
    if (subtype_ == CKK_EC && klass_ == CKO_PUBLIC_KEY) {
        return CKR_OK; // take() accepted only P-256 points, and the params are P-256
    }
    if (subtype_ == CKK_EC && klass_ == CKO_PRIVATE_KEY) {
        return get(CKA_VALUE)->ulValueLen <= kP256Field ? CKR_OK : CKR_TEMPLATE_INCONSISTENT;
    }
    if (subtype_ == CKK_RSA && klass_ == CKO_PUBLIC_KEY) {
        const CK_ATTRIBUTE *modulus = get(CKA_MODULUS);
        derived_ulong_ = big_endian_bits(static_cast<const std::uint8_t *>(modulus->pValue), modulus->ulValueLen);
        set(CKA_MODULUS_BITS, &derived_ulong_, sizeof derived_ulong_);
        return CKR_OK;
    }
    if (klass_ == CKO_SECRET_KEY) {
        derived_ulong_ = get(CKA_VALUE)->ulValueLen;
        set(CKA_VALUE_LEN, &derived_ulong_, sizeof derived_ulong_);
    }
#if P11_LEAN_CREATES
    if (klass_ == CKO_CERTIFICATE || klass_ == CKO_SECRET_KEY) {
        const CK_ATTRIBUTE *der = get(CKA_VALUE);
        if (klass_ == CKO_SECRET_KEY) {
            return set_check_value(*der);
        }
        CertificateFields fields;
        const auto *bytes = static_cast<const std::uint8_t *>(der->pValue);
        if (!parse_certificate(bytes, der->ulValueLen, &fields)) {
            return CKR_ATTRIBUTE_VALUE_INVALID;
        }
        const DerSpan derived[] = {fields.subject, fields.issuer, fields.serial};
        const CK_ATTRIBUTE_TYPE types[] = {CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER};
        for (std::size_t i = 0; i < 3; ++i) {
            if (get(types[i]) == nullptr) {
                set(types[i], derived[i].data, derived[i].size);
            }
        }
        return set_check_value(*der);
    }
#endif
    return CKR_OK;
}

#if P11_LEAN_CREATES
// CKA_CHECK_VALUE from CKA_VALUE; a template's own value must agree.
CK_RV NewObject::set_check_value(const CK_ATTRIBUTE &value)
{
    if (!compute_check_value(ByteView(static_cast<const std::uint8_t *>(value.pValue), value.ulValueLen),
                             check_value_)) {
        return CKR_FUNCTION_FAILED;
    }
    const CK_ATTRIBUTE *given = get(CKA_CHECK_VALUE);
    if (given != nullptr && std::memcmp(given->pValue, check_value_, sizeof check_value_) != 0) {
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    set(CKA_CHECK_VALUE, check_value_, sizeof check_value_);
    return CKR_OK;
}
#endif

// CKA_LOCAL and the history flags of a new key (v2.40 §4.7, §4.9): key
// material that came in through C_CreateObject existed outside the token.
void NewObject::history(Origin origin)
{
    if (!is_key(klass_)) {
        return;
    }
    const bool generated = origin == Origin::generate;
    set(CKA_LOCAL, generated ? &kTrueValue : &kFalseValue, 1);
    set(CKA_KEY_GEN_MECHANISM, &unavailable_, sizeof unavailable_);
    if (find_rule(*table_, CKA_ALWAYS_SENSITIVE) != nullptr) {
        const bool always_sensitive = generated && bool_or(CKA_SENSITIVE, false);
        const bool never_extractable = generated && !bool_or(CKA_EXTRACTABLE, true);
        set(CKA_ALWAYS_SENSITIVE, always_sensitive ? &kTrueValue : &kFalseValue, 1);
        set(CKA_NEVER_EXTRACTABLE, never_extractable ? &kTrueValue : &kFalseValue, 1);
    }
}

bool NewObject::needs_so() const
{
    for (std::size_t i = 0; i < count_ && table_ != nullptr; ++i) {
        const Rule *rule = find_rule(*table_, attrs_[i].type);
        if (rule != nullptr && (rule->flags & kSoOnlyTrue) != 0 && bool_or(attrs_[i].type, false)) {
            return true;
        }
    }
    return false;
}

RecordParts NewObject::parts(CK_ATTRIBUTE *list, CK_ATTRIBUTE *secrets) const
{
    RecordParts out;
    out.attrs = list;
    out.secrets = secrets;
    for (std::size_t i = 0; i < count_; ++i) {
        const Rule *rule = table_ != nullptr ? find_rule(*table_, attrs_[i].type) : nullptr;
        const bool secret = rule != nullptr && (rule->flags & kSensitive) != 0;
        (secret ? secrets[out.secret_count++] : list[out.count++]) = attrs_[i];
    }
    return out;
}

} // namespace p11::lean
