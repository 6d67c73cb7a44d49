/* The attribute tables of every object class the backends support (v2.40
 * §4.4-§4.9 and the key types' sections §2.1.2, §2.1.3, §2.3.3, §2.3.4,
 * §2.8.2): one row per attribute with its value form, whether it is required
 * or forbidden on create and on generate, its default, whether it may change
 * afterwards, whether it is secret, and whether only the token sets it. The
 * full backend's attribute_rules.h and the lean backend's template checks
 * (lean/new_object.h) read the same rows, so both answer a template alike.
 * Plain constant data: no containers. */
#ifndef P11_BACKEND_OBJECTS_ATTRIBUTE_TABLES_H
#define P11_BACKEND_OBJECTS_ATTRIBUTE_TABLES_H

#include <cstddef>
#include <cstdint>

#include "pkcs11.h"

namespace p11 {

// The form a value must have.
enum class Kind : std::uint8_t {
    boolean,     // CK_BBOOL, one byte
    ulong,       // CK_ULONG
    bytes,       // any bytes, also none
    date,        // CK_DATE (8 digits) or empty
    mechanisms,  // an array of CK_MECHANISM_TYPE
    big_integer, // big-endian, at least one byte
    ec_params,   // DER OID of P-256 or P-384
    ec_point,    // uncompressed point, DER or raw (stored as DER)
    ec_scalar,   // EC private value: 1..48 bytes
    certificate, // one DER X.509 certificate
    secret,      // a generic secret's value: at least one byte
    no_template, // CKA_WRAP_TEMPLATE / CKA_UNWRAP_TEMPLATE: only the empty array
    check_value, // CKA_CHECK_VALUE: must equal the value the token computes
};

enum Flag : std::uint16_t {
    kReqCreate = 1u << 0,      // 1: required by C_CreateObject
    kNoCreate = 1u << 1,       // 2: forbidden in C_CreateObject
    kReqGenerate = 1u << 2,    // 3: required when generating
    kNoGenerate = 1u << 3,     // 4: forbidden when generating
    kSensitive = 1u << 4,      // 7: hidden when sensitive or unextractable
    kModifiable = 1u << 5,     // 8: C_SetAttributeValue and C_CopyObject may change it
    kSoOnlyTrue = 1u << 6,     // 10: only the SO may set it to TRUE
    kFixedOnceTrue = 1u << 7,  // 11: cannot change once TRUE
    kFixedOnceFalse = 1u << 8, // 12: cannot change once FALSE
    kCopyOnly = 1u << 9,       // only C_CopyObject may change it (CKA_TOKEN, CKA_PRIVATE)
    kTokenSets = 1u << 10,     // only the token sets it (2, 4, 6 together)
};

enum class Default : std::uint8_t { none, no, yes, empty, zero };

struct Rule {
    CK_ATTRIBUTE_TYPE type;
    Kind kind;
    std::uint16_t flags;
    Default fallback;
};

// Data objects have no subtype attribute.
inline constexpr CK_ULONG kNoSubtype = CK_UNAVAILABLE_INFORMATION;

struct ClassTable {
    CK_OBJECT_CLASS klass;
    CK_ULONG subtype; // CKA_CERTIFICATE_TYPE or CKA_KEY_TYPE value
    const Rule *rules;
    std::size_t count;
};

// The rows (footnote numbers in the comments are those of v2.40 Table 10,
// which the spec's attribute tables use).
inline constexpr std::uint16_t kMod = kModifiable;

inline constexpr Rule kDataRules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::no},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    {CKA_APPLICATION, Kind::bytes, kMod, Default::empty},
    {CKA_OBJECT_ID, Kind::bytes, kMod, Default::empty},
    {CKA_VALUE, Kind::bytes, kMod, Default::empty},
};

// CKA_SUBJECT, CKA_ISSUER and CKA_SERIAL_NUMBER come from the DER value
// when the template lacks them.
inline constexpr Rule kX509Rules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::no},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    {CKA_CERTIFICATE_TYPE, Kind::ulong, kReqCreate, Default::none},
    {CKA_TRUSTED, Kind::boolean, kMod | kSoOnlyTrue, Default::no},
    {CKA_CERTIFICATE_CATEGORY, Kind::ulong, 0, Default::zero},
    {CKA_CHECK_VALUE, Kind::check_value, 0, Default::none},
    {CKA_START_DATE, Kind::date, kMod, Default::empty},
    {CKA_END_DATE, Kind::date, kMod, Default::empty},
    {CKA_PUBLIC_KEY_INFO, Kind::bytes, 0, Default::empty},
    {CKA_SUBJECT, Kind::bytes, 0, Default::none},
    {CKA_ID, Kind::bytes, kMod, Default::empty},
    {CKA_ISSUER, Kind::bytes, 0, Default::none},
    {CKA_SERIAL_NUMBER, Kind::bytes, 0, Default::none},
    {CKA_VALUE, Kind::certificate, kReqCreate, Default::none},
    {CKA_URL, Kind::bytes, 0, Default::empty},
    {CKA_HASH_OF_SUBJECT_PUBLIC_KEY, Kind::bytes, 0, Default::empty},
    {CKA_HASH_OF_ISSUER_PUBLIC_KEY, Kind::bytes, 0, Default::empty},
    {CKA_JAVA_MIDP_SECURITY_DOMAIN, Kind::ulong, 0, Default::zero},
    {CKA_NAME_HASH_ALGORITHM, Kind::ulong, 0, Default::none},
};

inline constexpr Rule kEcPublicRules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::no},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    // key (§4.7)
    {CKA_KEY_TYPE, Kind::ulong, kReqCreate, Default::none},
    {CKA_ID, Kind::bytes, kMod, Default::empty},
    {CKA_START_DATE, Kind::date, kMod, Default::empty},
    {CKA_END_DATE, Kind::date, kMod, Default::empty},
    {CKA_DERIVE, Kind::boolean, kMod, Default::no},
    {CKA_LOCAL, Kind::boolean, kTokenSets, Default::none},
    {CKA_KEY_GEN_MECHANISM, Kind::ulong, kTokenSets, Default::none},
    {CKA_ALLOWED_MECHANISMS, Kind::mechanisms, 0, Default::empty},
    {CKA_SUBJECT, Kind::bytes, kMod, Default::empty},
    {CKA_ENCRYPT, Kind::boolean, kMod, Default::no},
    {CKA_VERIFY, Kind::boolean, kMod, Default::yes},
    {CKA_VERIFY_RECOVER, Kind::boolean, kMod, Default::no},
    {CKA_WRAP, Kind::boolean, kMod, Default::no},
    {CKA_TRUSTED, Kind::boolean, kMod | kSoOnlyTrue, Default::no},
    {CKA_WRAP_TEMPLATE, Kind::no_template, 0, Default::empty},
    {CKA_PUBLIC_KEY_INFO, Kind::bytes, 0, Default::empty},
    {CKA_EC_PARAMS, Kind::ec_params, kReqCreate | kReqGenerate, Default::none},
    {CKA_EC_POINT, Kind::ec_point, kReqCreate | kNoGenerate, Default::none},
};

inline constexpr Rule kRsaPublicRules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::no},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    // key (§4.7)
    {CKA_KEY_TYPE, Kind::ulong, kReqCreate, Default::none},
    {CKA_ID, Kind::bytes, kMod, Default::empty},
    {CKA_START_DATE, Kind::date, kMod, Default::empty},
    {CKA_END_DATE, Kind::date, kMod, Default::empty},
    {CKA_DERIVE, Kind::boolean, kMod, Default::no},
    {CKA_LOCAL, Kind::boolean, kTokenSets, Default::none},
    {CKA_KEY_GEN_MECHANISM, Kind::ulong, kTokenSets, Default::none},
    {CKA_ALLOWED_MECHANISMS, Kind::mechanisms, 0, Default::empty},
    {CKA_SUBJECT, Kind::bytes, kMod, Default::empty},
    {CKA_ENCRYPT, Kind::boolean, kMod, Default::yes},
    {CKA_VERIFY, Kind::boolean, kMod, Default::yes},
    {CKA_VERIFY_RECOVER, Kind::boolean, kMod, Default::no},
    {CKA_WRAP, Kind::boolean, kMod, Default::no},
    {CKA_TRUSTED, Kind::boolean, kMod | kSoOnlyTrue, Default::no},
    {CKA_WRAP_TEMPLATE, Kind::no_template, 0, Default::empty},
    {CKA_PUBLIC_KEY_INFO, Kind::bytes, 0, Default::empty},
    {CKA_MODULUS, Kind::big_integer, kReqCreate | kNoGenerate, Default::none},
    {CKA_MODULUS_BITS, Kind::ulong, kNoCreate | kReqGenerate, Default::none},
    {CKA_PUBLIC_EXPONENT, Kind::big_integer, kReqCreate, Default::none},
};

inline constexpr Rule kEcPrivateRules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::yes},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    // key (§4.7)
    {CKA_KEY_TYPE, Kind::ulong, kReqCreate, Default::none},
    {CKA_ID, Kind::bytes, kMod, Default::empty},
    {CKA_START_DATE, Kind::date, kMod, Default::empty},
    {CKA_END_DATE, Kind::date, kMod, Default::empty},
    {CKA_DERIVE, Kind::boolean, kMod, Default::no},
    {CKA_LOCAL, Kind::boolean, kTokenSets, Default::none},
    {CKA_KEY_GEN_MECHANISM, Kind::ulong, kTokenSets, Default::none},
    {CKA_ALLOWED_MECHANISMS, Kind::mechanisms, 0, Default::empty},
    // guards of the key value (§4.9, §4.10)
    {CKA_SENSITIVE, Kind::boolean, kMod | kFixedOnceTrue, Default::yes},
    {CKA_EXTRACTABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::no},
    {CKA_ALWAYS_SENSITIVE, Kind::boolean, kTokenSets, Default::none},
    {CKA_NEVER_EXTRACTABLE, Kind::boolean, kTokenSets, Default::none},
    {CKA_WRAP_WITH_TRUSTED, Kind::boolean, kMod | kFixedOnceTrue, Default::no},
    {CKA_SUBJECT, Kind::bytes, kMod, Default::empty},
    {CKA_DECRYPT, Kind::boolean, kMod, Default::no},
    {CKA_SIGN, Kind::boolean, kMod, Default::yes},
    {CKA_SIGN_RECOVER, Kind::boolean, kMod, Default::no},
    {CKA_UNWRAP, Kind::boolean, kMod, Default::no},
    {CKA_UNWRAP_TEMPLATE, Kind::no_template, 0, Default::empty},
    {CKA_ALWAYS_AUTHENTICATE, Kind::boolean, 0, Default::no},
    {CKA_PUBLIC_KEY_INFO, Kind::bytes, 0, Default::empty},
    {CKA_EC_PARAMS, Kind::ec_params, kReqCreate | kNoGenerate, Default::none},
    {CKA_VALUE, Kind::ec_scalar, kReqCreate | kNoGenerate | kSensitive, Default::none},
};

inline constexpr Rule kRsaPrivateRules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::yes},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    // key (§4.7)
    {CKA_KEY_TYPE, Kind::ulong, kReqCreate, Default::none},
    {CKA_ID, Kind::bytes, kMod, Default::empty},
    {CKA_START_DATE, Kind::date, kMod, Default::empty},
    {CKA_END_DATE, Kind::date, kMod, Default::empty},
    {CKA_DERIVE, Kind::boolean, kMod, Default::no},
    {CKA_LOCAL, Kind::boolean, kTokenSets, Default::none},
    {CKA_KEY_GEN_MECHANISM, Kind::ulong, kTokenSets, Default::none},
    {CKA_ALLOWED_MECHANISMS, Kind::mechanisms, 0, Default::empty},
    // guards of the key value (§4.9, §4.10)
    {CKA_SENSITIVE, Kind::boolean, kMod | kFixedOnceTrue, Default::yes},
    {CKA_EXTRACTABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::no},
    {CKA_ALWAYS_SENSITIVE, Kind::boolean, kTokenSets, Default::none},
    {CKA_NEVER_EXTRACTABLE, Kind::boolean, kTokenSets, Default::none},
    {CKA_WRAP_WITH_TRUSTED, Kind::boolean, kMod | kFixedOnceTrue, Default::no},
    {CKA_SUBJECT, Kind::bytes, kMod, Default::empty},
    {CKA_DECRYPT, Kind::boolean, kMod, Default::yes},
    {CKA_SIGN, Kind::boolean, kMod, Default::yes},
    {CKA_SIGN_RECOVER, Kind::boolean, kMod, Default::no},
    {CKA_UNWRAP, Kind::boolean, kMod, Default::no},
    {CKA_UNWRAP_TEMPLATE, Kind::no_template, 0, Default::empty},
    {CKA_ALWAYS_AUTHENTICATE, Kind::boolean, 0, Default::no},
    {CKA_PUBLIC_KEY_INFO, Kind::bytes, 0, Default::empty},
    {CKA_MODULUS, Kind::big_integer, kReqCreate | kNoGenerate, Default::none},
    // Required: the private key's public half must be known (key_check.h).
    {CKA_PUBLIC_EXPONENT, Kind::big_integer, kReqCreate | kNoGenerate, Default::none},
    {CKA_PRIVATE_EXPONENT, Kind::big_integer, kReqCreate | kNoGenerate | kSensitive, Default::none},
    {CKA_PRIME_1, Kind::big_integer, kNoGenerate | kSensitive, Default::none},
    {CKA_PRIME_2, Kind::big_integer, kNoGenerate | kSensitive, Default::none},
    {CKA_EXPONENT_1, Kind::big_integer, kNoGenerate | kSensitive, Default::none},
    {CKA_EXPONENT_2, Kind::big_integer, kNoGenerate | kSensitive, Default::none},
    {CKA_COEFFICIENT, Kind::big_integer, kNoGenerate | kSensitive, Default::none},
};

inline constexpr Rule kGenericSecretRules[] = {
    // storage object (§4.4)
    {CKA_CLASS, Kind::ulong, kReqCreate, Default::none},
    {CKA_TOKEN, Kind::boolean, kCopyOnly, Default::no},
    {CKA_PRIVATE, Kind::boolean, kCopyOnly, Default::yes},
    {CKA_MODIFIABLE, Kind::boolean, kCopyOnly | kFixedOnceFalse, Default::yes},
    {CKA_COPYABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::yes},
    {CKA_DESTROYABLE, Kind::boolean, kMod, Default::yes},
    {CKA_LABEL, Kind::bytes, kMod, Default::empty},
    // key (§4.7)
    {CKA_KEY_TYPE, Kind::ulong, kReqCreate, Default::none},
    {CKA_ID, Kind::bytes, kMod, Default::empty},
    {CKA_START_DATE, Kind::date, kMod, Default::empty},
    {CKA_END_DATE, Kind::date, kMod, Default::empty},
    {CKA_DERIVE, Kind::boolean, kMod, Default::no},
    {CKA_LOCAL, Kind::boolean, kTokenSets, Default::none},
    {CKA_KEY_GEN_MECHANISM, Kind::ulong, kTokenSets, Default::none},
    {CKA_ALLOWED_MECHANISMS, Kind::mechanisms, 0, Default::empty},
    // guards of the key value (§4.9, §4.10)
    {CKA_SENSITIVE, Kind::boolean, kMod | kFixedOnceTrue, Default::yes},
    {CKA_EXTRACTABLE, Kind::boolean, kMod | kFixedOnceFalse, Default::no},
    {CKA_ALWAYS_SENSITIVE, Kind::boolean, kTokenSets, Default::none},
    {CKA_NEVER_EXTRACTABLE, Kind::boolean, kTokenSets, Default::none},
    {CKA_WRAP_WITH_TRUSTED, Kind::boolean, kMod | kFixedOnceTrue, Default::no},
    {CKA_ENCRYPT, Kind::boolean, kMod, Default::no},
    {CKA_DECRYPT, Kind::boolean, kMod, Default::no},
    {CKA_SIGN, Kind::boolean, kMod, Default::yes},
    {CKA_VERIFY, Kind::boolean, kMod, Default::yes},
    {CKA_WRAP, Kind::boolean, kMod, Default::no},
    {CKA_UNWRAP, Kind::boolean, kMod, Default::no},
    {CKA_TRUSTED, Kind::boolean, kMod | kSoOnlyTrue, Default::no},
    {CKA_WRAP_TEMPLATE, Kind::no_template, 0, Default::empty},
    {CKA_UNWRAP_TEMPLATE, Kind::no_template, 0, Default::empty},
    {CKA_CHECK_VALUE, Kind::check_value, 0, Default::none},
    {CKA_VALUE, Kind::secret, kReqCreate | kNoGenerate | kSensitive, Default::none},
    {CKA_VALUE_LEN, Kind::ulong, kNoCreate | kReqGenerate, Default::none},
};

inline constexpr ClassTable kTables[] = {
    {CKO_DATA, kNoSubtype, kDataRules, sizeof kDataRules / sizeof kDataRules[0]},
    {CKO_CERTIFICATE, CKC_X_509, kX509Rules, sizeof kX509Rules / sizeof kX509Rules[0]},
    {CKO_PUBLIC_KEY, CKK_EC, kEcPublicRules, sizeof kEcPublicRules / sizeof kEcPublicRules[0]},
    {CKO_PUBLIC_KEY, CKK_RSA, kRsaPublicRules, sizeof kRsaPublicRules / sizeof kRsaPublicRules[0]},
    {CKO_PRIVATE_KEY, CKK_EC, kEcPrivateRules, sizeof kEcPrivateRules / sizeof kEcPrivateRules[0]},
    {CKO_PRIVATE_KEY, CKK_RSA, kRsaPrivateRules, sizeof kRsaPrivateRules / sizeof kRsaPrivateRules[0]},
    {CKO_SECRET_KEY, CKK_GENERIC_SECRET, kGenericSecretRules,
     sizeof kGenericSecretRules / sizeof kGenericSecretRules[0]},
};

// The attribute naming a class's subtype (CKA_CERTIFICATE_TYPE, CKA_KEY_TYPE), or 0 for data objects.
CK_ATTRIBUTE_TYPE subtype_attribute(CK_OBJECT_CLASS klass);
// A class some table has.
bool class_known(CK_OBJECT_CLASS klass);
// The table of a class and subtype (kNoSubtype for data objects); NULL when none.
const ClassTable *table_for(CK_OBJECT_CLASS klass, CK_ULONG subtype);
// The row of one attribute; NULL when the class lacks it.
const Rule *find_rule(const ClassTable &table, CK_ATTRIBUTE_TYPE type);
bool is_key(CK_OBJECT_CLASS klass);

// The form of a value (its length, and for dates its digits) for the kinds
// that need no parser and no curve: boolean, ulong, bytes, date, mechanisms,
// big_integer, secret, ec_scalar (up to P-384's 48 bytes), no_template and
// check_value (3 bytes). False for the other kinds, whose checks are each
// backend's own.
bool form_checked(Kind kind, const unsigned char *value, std::size_t len, bool *ok);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_ATTRIBUTE_TABLES_H
