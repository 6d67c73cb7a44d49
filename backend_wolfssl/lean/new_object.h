/* A new object's attributes in the lean backend, built from a client's
 * template by the rows of objects/attribute_tables.h with the full
 * backend's rules and in the order it checks them (attribute_rules.h's
 * build_object), so both backends answer a template with the same code.
 * No containers and no allocation: each attribute points at the template's
 * value (which lives for the call), at a constant, or at a value this object
 * or its caller holds (key material the caller adds with set()). */
#ifndef P11_LEAN_NEW_OBJECT_H
#define P11_LEAN_NEW_OBJECT_H

#include <cstddef>
#include <cstdint>

#include "lean/record_write.h"
#include "objects/attribute_tables.h"
#include "pkcs11.h"

namespace p11::lean {

enum class Origin { create, generate };

// "Nothing implied": C_CreateObject takes class and key type from the template.
inline constexpr CK_ULONG kNothingImplied = CK_UNAVAILABLE_INFORMATION;

class NewObject {
  public:
    // The most attributes a class has (the longest table), so set() never fails.
    static constexpr std::size_t kCapacity = 40;

    NewObject() = default;
    NewObject(const NewObject &) = delete;
    NewObject &operator=(const NewObject &) = delete;

    /* Checks the template and fills the object (v2.40 §4.1.1):
     *   CKR_ATTRIBUTE_TYPE_INVALID   an attribute the class does not have,
     *   CKR_ATTRIBUTE_READ_ONLY      one only the token sets, or (create) one
     *                                C_CreateObject must not be given,
     *   CKR_ATTRIBUTE_VALUE_INVALID  a malformed value, an unknown class or type,
     *   CKR_CURVE_NOT_SUPPORTED      CKA_EC_PARAMS of a curve other than P-256,
     *   CKR_TEMPLATE_INCOMPLETE      a required attribute missing,
     *   CKR_TEMPLATE_INCONSISTENT    values contradicting each other or the
     *                                implied class or key type, key material
     *                                in a template to generate from.
     * Defaults, CKA_LOCAL, CKA_KEY_GEN_MECHANISM (unavailable) and the
     * key-history flags are set as the full backend sets them. */
    CK_RV build(const CK_ATTRIBUTE *tmpl, CK_ULONG count, Origin origin, CK_OBJECT_CLASS implied_class,
                CK_KEY_TYPE implied_key_type);

    // Adds or replaces a value; value[0, len) must outlive the object.
    void set(CK_ATTRIBUTE_TYPE type, const void *value, CK_ULONG len);
    const CK_ATTRIBUTE *get(CK_ATTRIBUTE_TYPE type) const;
    bool bool_or(CK_ATTRIBUTE_TYPE type, bool fallback) const;
    // An attribute only the SO may set to TRUE is TRUE (CKA_TRUSTED, Table 10
    // footnote 10): for anybody else the caller answers CKR_ATTRIBUTE_READ_ONLY.
    bool needs_so() const;
    CK_OBJECT_CLASS object_class() const { return klass_; }
    CK_ULONG subtype() const { return subtype_; }
    const CK_ATTRIBUTE *attributes() const { return attrs_; }
    std::size_t count() const { return count_; }

    // The record's parts: the secret attributes (a private key's private
    // parts: the rows marked sensitive) in secrets, the others in list; each
    // array has room for kCapacity.
    RecordParts parts(CK_ATTRIBUTE *list, CK_ATTRIBUTE *secrets) const;

  private:
    CK_RV take(const Rule &rule, const CK_ATTRIBUTE &given);
    CK_RV finish(Origin origin);
    CK_RV set_check_value(const CK_ATTRIBUTE &value); // creating profiles only
    void history(Origin origin);

    CK_ATTRIBUTE attrs_[kCapacity] = {};
    std::size_t count_ = 0;
    const ClassTable *table_ = nullptr;
    CK_OBJECT_CLASS klass_ = 0;
    CK_ULONG subtype_ = 0;
    CK_ULONG unavailable_ = CK_UNAVAILABLE_INFORMATION; // CKA_KEY_GEN_MECHANISM until set
    std::uint8_t point_[2 + 1 + 2 * 32] = {};           // a P-256 CKA_EC_POINT in its DER form
    [[maybe_unused]] std::uint8_t check_value_[3] = {}; // a certificate's or secret key's (creating profiles only)
    CK_ULONG derived_ulong_ = 0;                        // CKA_MODULUS_BITS or CKA_VALUE_LEN of a created key
};

} // namespace p11::lean

#endif // P11_LEAN_NEW_OBJECT_H
