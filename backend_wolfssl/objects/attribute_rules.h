/* The attribute rules of every object class the backend supports, one table
 * per class (v2.40 §4.4-§4.9 and the key types' sections §2.1.2, §2.1.3,
 * §2.3.3, §2.3.4, §2.8.2). A row says for one attribute: its value form,
 * whether it is required or forbidden on create and on generate, its default,
 * whether it may change afterwards (and in which direction), whether it is
 * secret, and whether only the token sets it. These tables alone drive
 * C_CreateObject, C_GenerateKeyPair templates, C_GetAttributeValue,
 * C_SetAttributeValue, C_CopyObject and the matching of find templates.
 *
 * Defaults the spec leaves to the token: CKA_SENSITIVE TRUE and
 * CKA_EXTRACTABLE FALSE for private and secret keys, CKA_PRIVATE TRUE for
 * private and secret keys and FALSE otherwise, usage flags on for what the
 * key type can do (sign/verify, and encrypt/decrypt for RSA), off for
 * wrapping and recovery. */
#ifndef P11_BACKEND_OBJECTS_ATTRIBUTE_RULES_H
#define P11_BACKEND_OBJECTS_ATTRIBUTE_RULES_H

#include "attribute_set.h"
#include "pkcs11.h"

namespace p11 {

enum class ObjectOrigin {
    create,   // C_CreateObject
    generate, // C_GenerateKey / C_GenerateKeyPair
    copy,     // C_CopyObject
};

// "Nothing implied": C_CreateObject takes class and key type from the template.
constexpr CK_ULONG kNotImplied = CK_UNAVAILABLE_INFORMATION;

/* Builds the attributes of a new object from a template per v2.40 §4.1.1:
 * checks every template attribute against its class's table, applies the
 * defaults and the values the token derives, and answers
 *   CKR_ATTRIBUTE_TYPE_INVALID   an attribute the class does not have,
 *   CKR_ATTRIBUTE_READ_ONLY      one only the token sets (CKA_LOCAL, ...),
 *                                or (copy) one that may not change,
 *   CKR_ATTRIBUTE_VALUE_INVALID  a malformed or unsupported value (wrong
 *                                size, unparsable certificate),
 *   CKR_CURVE_NOT_SUPPORTED      CKA_EC_PARAMS naming a curve the backend lacks,
 *   CKR_TEMPLATE_INCOMPLETE      a required attribute is missing,
 *   CKR_TEMPLATE_INCONSISTENT    values that contradict each other or the
 *                                implied class/key type, or an attribute the
 *                                origin forbids (CKA_VALUE when generating),
 *                                CKA_ALWAYS_AUTHENTICATE TRUE on a key with
 *                                CKA_PRIVATE FALSE (also for copies).
 * Keys made by C_CreateObject get CKA_ALWAYS_SENSITIVE and
 * CKA_NEVER_EXTRACTABLE FALSE; key material itself is checked by
 * check_key_material (crypto/key_check.h), not here.
 * create:   implied_class and implied_key_type are kNotImplied.
 * generate: implied_class is CKO_PUBLIC_KEY / CKO_PRIVATE_KEY / CKO_SECRET_KEY
 *           and implied_key_type the mechanism's key type; the result has
 *           CKA_LOCAL TRUE and CKA_KEY_GEN_MECHANISM CK_UNAVAILABLE_INFORMATION,
 *           and the caller adds the key material, CKA_KEY_GEN_MECHANISM and,
 *           for an EC private key, the public template's CKA_EC_PARAMS.
 * copy:     *out holds the original's attributes on entry; the template may
 *           change only what C_CopyObject may change (CKR_ACTION_PROHIBITED
 *           when the original has CKA_COPYABLE FALSE); implied values unused.
 * *out is only meaningful when CKR_OK is returned. */
CK_RV build_object(const CK_ATTRIBUTE *tmpl, CK_ULONG count, ObjectOrigin origin, CK_OBJECT_CLASS implied_class,
                   CK_KEY_TYPE implied_key_type, AttributeSet *out);

/* C_SetAttributeValue: the object's attributes after applying the template,
 * or CKR_ACTION_PROHIBITED (CKA_MODIFIABLE FALSE), CKR_ATTRIBUTE_TYPE_INVALID,
 * CKR_ATTRIBUTE_READ_ONLY (not modifiable, CKA_SENSITIVE back to FALSE,
 * CKA_EXTRACTABLE back to TRUE, CKA_TOKEN/CKA_PRIVATE which only a copy may
 * change), CKR_ATTRIBUTE_VALUE_INVALID. */
CK_RV apply_set_template(const AttributeSet &current, const CK_ATTRIBUTE *tmpl, CK_ULONG count, AttributeSet *updated);

// True when the attribute holds key material in the object's class (a
// private key's private parts, a secret key's value), sensitive or not: the
// store seals these (secrets/sealed_record.h).
bool attribute_secret(const AttributeSet &attrs, CK_ATTRIBUTE_TYPE type);

// True when C_GetAttributeValue must not reveal the attribute (case 1 of
// v2.40 §5.7.5): a secret attribute of a key that is sensitive or unextractable.
bool attribute_hidden(const AttributeSet &attrs, CK_ATTRIBUTE_TYPE type);

// The value of an attribute the object's class has but its stored record
// lacks (a record written before the attribute had a default): its table
// default, or the computed CKA_CHECK_VALUE. False when there is none.
bool attribute_default(const AttributeSet &attrs, CK_ATTRIBUTE_TYPE type, Bytes *out);

// True when the template sets an attribute only the SO may set to TRUE
// (CKA_TRUSTED); the caller answers CKR_ATTRIBUTE_READ_ONLY unless the SO is in.
bool template_needs_so(const CK_ATTRIBUTE *tmpl, CK_ULONG count);

// The attribute's value is a CK_BBOOL / a CK_ULONG in every class.
bool attribute_is_bool(CK_ATTRIBUTE_TYPE type);
bool attribute_is_ulong(CK_ATTRIBUTE_TYPE type);

// The stored object is one of the supported classes with its class
// attributes present (a sanity check for records read back from storage);
// secrets_sealed: the secret attributes are sealed, not in attrs.
bool object_class_supported(const AttributeSet &attrs, bool secrets_sealed = false);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_ATTRIBUTE_RULES_H
