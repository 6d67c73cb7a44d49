// Every attribute of each object class's tables, through C_CreateObject,
// C_GetAttributeValue, C_SetAttributeValue and C_CopyObject: storage objects
// (v2.40 §4.4 Table 16), data (Table 17), X.509 certificates (Tables 18, 19),
// keys (Tables 22, 23, 25, 27) and the EC, RSA and generic secret key tables
// of PKCS #11 Current Mechanisms v2.40 (§2.3.3-2.3.4, §2.1.2-2.1.3, §2.8).
// The footnotes of Table 10 decide: 1 must be given at creation, 2 must not
// be (the token sets it), 7 hidden while the key is sensitive, 8 may be
// changed afterwards. Each class is a session object made from a minimal
// template; a class the module does not make is not judged.
#include <functional>
#include <string>
#include <vector>

#include "key_fixture.h"

namespace p11conf {
namespace {

enum Note : unsigned {
    kRequired = 1u << 0,   // footnote 1
    kTokenSets = 1u << 1,  // footnote 2: C_CreateObject must not be given it
    kModifiable = 1u << 2, // footnote 8 (or the class's text): C_SetAttributeValue may change it
    kFixed = 1u << 3,      // the specification says it cannot change after creation
    kHasDefault = 1u << 4, // `value` is the specified default
    // A required attribute the module may take from another one (§4.1.1 item
    // 4: "attribute values contributed to the object by the object-creation
    // function itself"): a certificate's subject from its DER.
    kDerivable = 1u << 5,
};

struct Row {
    CK_ATTRIBUTE_TYPE type;
    const char *name;
    unsigned notes;
    ByteVector value; // the default (kHasDefault), else a value to give
};

ByteVector B(bool value)
{
    return {static_cast<unsigned char>(value ? CK_TRUE : CK_FALSE)};
}

ByteVector U(CK_ULONG value)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(&value);
    return ByteVector(bytes, bytes + sizeof value);
}

ByteVector Text(const std::string &text)
{
    return ByteVector(text.begin(), text.end());
}

const ByteVector kEmpty;

// Bytes as hex, so that a failure shows values, not a matcher's dump.
std::string Hex(const ByteVector &bytes)
{
    static const char kDigits[] = "0123456789abcdef";
    std::string text;
    for (unsigned char byte : bytes) {
        text += kDigits[byte >> 4];
        text += kDigits[byte & 15];
    }
    return text.empty() ? "(empty)" : text;
}

struct ObjectClass {
    std::string name;
    std::function<Template()> base; // the required attributes, public, not sensitive
    std::vector<Row> rows;
};

#define ROW(type, notes, ...) Row{type, #type, notes, __VA_ARGS__}

std::vector<Row> StorageRows(CK_OBJECT_CLASS klass)
{
    return {
        ROW(CKA_CLASS, kRequired | kFixed, U(klass == CKO_DATA ? CKO_CERTIFICATE : CKO_DATA)),
        ROW(CKA_TOKEN, kFixed | kHasDefault, B(false)),
        ROW(CKA_MODIFIABLE, kFixed | kHasDefault, B(true)),
        ROW(CKA_LABEL, kModifiable, Text("relabelled")),
        ROW(CKA_COPYABLE, kHasDefault, B(true)),
        ROW(CKA_DESTROYABLE, kHasDefault, B(true)),
    };
}

std::vector<Row> KeyRows(CK_KEY_TYPE other_type)
{
    return {
        ROW(CKA_KEY_TYPE, kRequired | kFixed, U(other_type)),
        ROW(CKA_ID, kModifiable | kHasDefault, kEmpty),
        ROW(CKA_START_DATE, kModifiable | kHasDefault, kEmpty),
        ROW(CKA_END_DATE, kModifiable | kHasDefault, kEmpty),
        ROW(CKA_DERIVE, kModifiable | kHasDefault, B(false)),
        ROW(CKA_LOCAL, kTokenSets | kFixed | kHasDefault, B(false)), // §5.7: CK_FALSE when created
        // §4.7: CK_UNAVAILABLE_INFORMATION unless CKA_LOCAL is CK_TRUE.
        ROW(CKA_KEY_GEN_MECHANISM, kTokenSets | kFixed | kHasDefault, U(CK_UNAVAILABLE_INFORMATION)),
        ROW(CKA_ALLOWED_MECHANISMS, 0, kEmpty),
    };
}

std::vector<Row> PublicKeyRows()
{
    return {
        ROW(CKA_SUBJECT, kModifiable | kHasDefault, kEmpty),
        ROW(CKA_ENCRYPT, kModifiable, kEmpty),
        ROW(CKA_VERIFY, kModifiable, kEmpty),
        ROW(CKA_VERIFY_RECOVER, kModifiable, kEmpty),
        ROW(CKA_WRAP, kModifiable, kEmpty),
        ROW(CKA_TRUSTED, kHasDefault, B(false)), // only the SO sets it (footnote 10)
        ROW(CKA_WRAP_TEMPLATE, 0, kEmpty),
        ROW(CKA_PUBLIC_KEY_INFO, 0, kEmpty),
    };
}

// §5.7: a private or secret key made by C_CreateObject was neither always
// sensitive nor never extractable.
std::vector<Row> PrivateOrSecretRows(bool secret)
{
    std::vector<Row> rows = {
        ROW(CKA_SENSITIVE, kModifiable, B(true)),    // may go CK_FALSE -> CK_TRUE (footnote 11)
        ROW(CKA_EXTRACTABLE, kModifiable, B(false)), // may go CK_TRUE -> CK_FALSE (footnote 12)
        ROW(CKA_DECRYPT, kModifiable, kEmpty),
        ROW(CKA_SIGN, kModifiable, kEmpty),
        ROW(CKA_UNWRAP, kModifiable, kEmpty),
        ROW(CKA_ALWAYS_SENSITIVE, kTokenSets | kFixed | kHasDefault, B(false)),
        ROW(CKA_NEVER_EXTRACTABLE, kTokenSets | kFixed | kHasDefault, B(false)),
        ROW(CKA_WRAP_WITH_TRUSTED, kHasDefault, B(false)),
        ROW(CKA_UNWRAP_TEMPLATE, 0, kEmpty),
    };
    if (secret) {
        for (const Row &row : {ROW(CKA_ENCRYPT, kModifiable, kEmpty), ROW(CKA_VERIFY, kModifiable, kEmpty),
                               ROW(CKA_WRAP, kModifiable, kEmpty), ROW(CKA_CHECK_VALUE, 0, kEmpty),
                               ROW(CKA_TRUSTED, kHasDefault, B(false)), ROW(CKA_WRAP_TEMPLATE, 0, kEmpty)}) {
            rows.push_back(row);
        }
    } else {
        for (const Row &row : {ROW(CKA_SUBJECT, kModifiable | kHasDefault, kEmpty),
                               ROW(CKA_SIGN_RECOVER, kModifiable, kEmpty),
                               ROW(CKA_ALWAYS_AUTHENTICATE, kHasDefault, B(false)),
                               ROW(CKA_PUBLIC_KEY_INFO, 0, kEmpty)}) {
            rows.push_back(row);
        }
    }
    return rows;
}

std::vector<Row> Join(std::vector<std::vector<Row>> parts)
{
    std::vector<Row> rows;
    for (std::vector<Row> &part : parts) {
        rows.insert(rows.end(), part.begin(), part.end());
    }
    return rows;
}

const std::vector<ObjectClass> &Classes()
{
    static const std::vector<ObjectClass> classes = [] {
        static const ref::EcKey ec = ref::GenerateEcKey("P-256");
        const ref::RsaKey &rsa = ReferenceRsaKey();
        static const Certificate cert = SelfSignedCertificate("p11conform attribute tables");
        std::vector<ObjectClass> list;
        list.push_back({"data", [] {
                            Template t;
                            t.Ulong(CKA_CLASS, CKO_DATA).Bool(CKA_PRIVATE, false);
                            return t;
                        },
                        Join({StorageRows(CKO_DATA),
                              {ROW(CKA_APPLICATION, kHasDefault, kEmpty), ROW(CKA_OBJECT_ID, kHasDefault, kEmpty),
                               ROW(CKA_VALUE, kHasDefault, kEmpty)}})});
        list.push_back(
            {"X.509 certificate",
             [] {
                 Template t;
                 t.Ulong(CKA_CLASS, CKO_CERTIFICATE).Ulong(CKA_CERTIFICATE_TYPE, CKC_X_509).Bool(CKA_PRIVATE, false);
                 t.Bytes(CKA_SUBJECT, cert.subject).Bytes(CKA_VALUE, cert.der);
                 return t;
             },
             Join({StorageRows(CKO_CERTIFICATE),
                   {ROW(CKA_CERTIFICATE_TYPE, kRequired | kFixed, U(CKC_X_509_ATTR_CERT)),
                    ROW(CKA_TRUSTED, kHasDefault, B(false)),
                    // §4.6.2: "may not be modified after an object is created"
                    ROW(CKA_CERTIFICATE_CATEGORY, kFixed | kHasDefault, U(0)), ROW(CKA_CHECK_VALUE, 0, kEmpty),
                    ROW(CKA_START_DATE, kHasDefault, kEmpty), ROW(CKA_END_DATE, kHasDefault, kEmpty),
                    ROW(CKA_PUBLIC_KEY_INFO, 0, kEmpty),
                    // §4.6.3: "Only the CKA_ID, CKA_ISSUER, and CKA_SERIAL_NUMBER attributes may be modified
                    // after the object is created."
                    ROW(CKA_SUBJECT, kRequired | kDerivable | kFixed, Text("other subject")),
                    ROW(CKA_ID, kModifiable | kHasDefault, kEmpty), ROW(CKA_ISSUER, kModifiable, Text("an issuer")),
                    ROW(CKA_SERIAL_NUMBER, kModifiable, ByteVector{0x02, 0x01, 0x07}),
                    ROW(CKA_VALUE, kRequired | kFixed, Text("other certificate")),
                    ROW(CKA_URL, kHasDefault, kEmpty), ROW(CKA_HASH_OF_SUBJECT_PUBLIC_KEY, kHasDefault, kEmpty),
                    ROW(CKA_HASH_OF_ISSUER_PUBLIC_KEY, kHasDefault, kEmpty),
                    ROW(CKA_JAVA_MIDP_SECURITY_DOMAIN, kHasDefault, U(0))}})});
        list.push_back({"EC public key",
                        [] {
                            Template t;
                            t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, false);
                            t.Bytes(CKA_EC_PARAMS, ec.ec_params).Bytes(CKA_EC_POINT, ref::DerOctetString(ec.point));
                            return t;
                        },
                        Join({StorageRows(CKO_PUBLIC_KEY), KeyRows(CKK_RSA), PublicKeyRows(),
                              {ROW(CKA_EC_PARAMS, kRequired | kFixed, kP384Params),
                               ROW(CKA_EC_POINT, kRequired | kFixed, ref::DerOctetString(ByteVector(65, 4)))}})});
        list.push_back({"EC private key",
                        [] {
                            Template t;
                            t.Ulong(CKA_CLASS, CKO_PRIVATE_KEY).Ulong(CKA_KEY_TYPE, CKK_EC).Bool(CKA_PRIVATE, true);
                            t.Bool(CKA_SENSITIVE, false).Bool(CKA_EXTRACTABLE, true);
                            t.Bytes(CKA_EC_PARAMS, ec.ec_params).Bytes(CKA_VALUE, ec.private_value);
                            return t;
                        },
                        Join({StorageRows(CKO_PRIVATE_KEY), KeyRows(CKK_RSA), PrivateOrSecretRows(false),
                              {ROW(CKA_EC_PARAMS, kRequired | kFixed, kP384Params),
                               ROW(CKA_VALUE, kRequired | kFixed, ByteVector(32, 1))}})});
        list.push_back({"RSA public key",
                        [] {
                            Template t;
                            t.Ulong(CKA_CLASS, CKO_PUBLIC_KEY).Ulong(CKA_KEY_TYPE, CKK_RSA).Bool(CKA_PRIVATE, false);
                            t.Bytes(CKA_MODULUS, ReferenceRsaKey().modulus);
                            t.Bytes(CKA_PUBLIC_EXPONENT, ReferenceRsaKey().public_exponent);
                            return t;
                        },
                        Join({StorageRows(CKO_PUBLIC_KEY), KeyRows(CKK_EC), PublicKeyRows(),
                              {ROW(CKA_MODULUS, kRequired | kFixed, ByteVector(256, 0xC5)),
                               ROW(CKA_MODULUS_BITS, kTokenSets | kFixed | kHasDefault, U(rsa.modulus.size() * 8)),
                               ROW(CKA_PUBLIC_EXPONENT, kRequired | kFixed, ByteVector{0x03})}})});
        list.push_back({"RSA private key",
                        [] {
                            Template t = RsaPrivateTemplate(ReferenceRsaKey());
                            t.Bool(CKA_SENSITIVE, false).Bool(CKA_EXTRACTABLE, true);
                            return t;
                        },
                        Join({StorageRows(CKO_PRIVATE_KEY), KeyRows(CKK_EC), PrivateOrSecretRows(false),
                              {ROW(CKA_MODULUS, kRequired | kFixed, ByteVector(256, 0xC5)),
                               ROW(CKA_PRIVATE_EXPONENT, kRequired | kFixed, ByteVector(256, 0x15)),
                               ROW(CKA_PUBLIC_EXPONENT, kFixed, ByteVector{0x03}),
                               ROW(CKA_PRIME_1, kFixed, ByteVector(128, 0x25)),
                               ROW(CKA_PRIME_2, kFixed, ByteVector(128, 0x35)),
                               ROW(CKA_EXPONENT_1, kFixed, ByteVector(128, 0x45)),
                               ROW(CKA_EXPONENT_2, kFixed, ByteVector(128, 0x55)),
                               ROW(CKA_COEFFICIENT, kFixed, ByteVector(128, 0x65))}})});
        list.push_back({"generic secret key",
                        [] {
                            Template t;
                            t.Ulong(CKA_CLASS, CKO_SECRET_KEY).Ulong(CKA_KEY_TYPE, CKK_GENERIC_SECRET);
                            t.Bool(CKA_PRIVATE, true).Bool(CKA_SENSITIVE, false).Bool(CKA_EXTRACTABLE, true);
                            t.Bytes(CKA_VALUE, HmacSecret());
                            return t;
                        },
                        Join({StorageRows(CKO_SECRET_KEY), KeyRows(CKK_EC), PrivateOrSecretRows(true),
                              {ROW(CKA_VALUE, kRequired | kFixed, ByteVector(32, 0x77)),
                               ROW(CKA_VALUE_LEN, kTokenSets | kFixed | kHasDefault, U(32))}})});
        return list;
    }();
    return classes;
}

class AttributeTables : public KeyTest {
  protected:
    // The session object of `c`'s base template with `changes` applied (an
    // attribute of `drop` left out); the code of C_CreateObject.
    CK_RV Make(const ObjectClass &c, CK_OBJECT_HANDLE *object, CK_ATTRIBUTE_TYPE drop = ~0UL,
               const Row *extra = nullptr)
    {
        Template base = c.base();
        Template tmpl;
        for (CK_ULONG i = 0; i < base.size(); ++i) {
            const CK_ATTRIBUTE &a = base.data()[i];
            if (a.type != drop) {
                const auto *bytes = static_cast<const unsigned char *>(a.pValue);
                tmpl.Bytes(a.type, ByteVector(bytes, bytes + a.ulValueLen));
            }
        }
        if (extra != nullptr) {
            tmpl.Bytes(extra->type, extra->value);
        }
        return TryCreateObject(tmpl, "table " + c.name, object);
    }

    // Each class the module makes from its base template, with its object.
    // A class it refuses (a key type it lacks) is not judged; none at all is
    // not applicable.
    template <typename Fn> void ForEachClass(Fn fn)
    {
        int judged = 0;
        for (const ObjectClass &c : Classes()) {
            CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
            if (Make(c, &object) != CKR_OK) {
                continue;
            }
            ++judged;
            fn(c, object);
        }
        if (judged == 0) {
            GTEST_SKIP() << "not applicable: the module makes none of the classes' minimal objects";
        }
    }

    // A value different from the object's current one: the row's value, or
    // the other boolean.
    ByteVector Changed(CK_OBJECT_HANDLE object, const Row &row)
    {
        ByteVector now;
        ReadAttribute(object, row.type, &now);
        if (!row.value.empty() && row.value != now) {
            return row.value;
        }
        if (now.size() == 1) {
            return B(now[0] == CK_FALSE);
        }
        if (row.type == CKA_START_DATE || row.type == CKA_END_DATE) {
            return Text("20300101");
        }
        return Text("changed");
    }

    CK_RV Set(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type, ByteVector value)
    {
        CK_ATTRIBUTE attribute = {type, value.data(), static_cast<CK_ULONG>(value.size())};
        return fl()->C_SetAttributeValue(session_, object, &attribute, 1);
    }
};

P11_CASE(AttributeTables, EveryAttributeOfEachClassCanBeRead, .group = "objects",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.4-4.10 (object attribute tables)")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE object) {
        for (const Row &row : c.rows) {
            CK_ATTRIBUTE query = {row.type, nullptr, 0};
            EXPECT_RV_OF(("C_GetAttributeValue(" + c.name + " " + row.name + ")").c_str(),
                         fl()->C_GetAttributeValue(session_, object, &query, 1), CKR_OK)
                << "every object of the class has every attribute of its tables (defaults included)";
        }
    });
}

P11_CASE(AttributeTables, DefaultsAreTheSpecifiedValues, .group = "objects",
         .functions = "C_CreateObject C_GetAttributeValue", .section = "v2.40 §4.4-4.10 (object attribute tables)")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE object) {
        for (const Row &row : c.rows) {
            if ((row.notes & kHasDefault) == 0) {
                continue;
            }
            ByteVector value;
            if (ReadAttribute(object, row.type, &value) == CKR_OK) {
                EXPECT_EQ(Hex(value), Hex(row.value)) << c.name << " " << row.name << ": the specified default";
            }
        }
    });
}

P11_CASE(AttributeTables, EachRequiredAttributeLeftOutIsTemplateIncomplete, .group = "objects",
         .functions = "C_CreateObject", .section = "v2.40 §4.1.1 (footnote 1 of Table 10), §5.7 C_CreateObject")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE) {
        for (const Row &row : c.rows) {
            if ((row.notes & kRequired) == 0) {
                continue;
            }
            CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
            const CK_RV rv = Make(c, &object, row.type);
            const std::string call = "C_CreateObject(" + c.name + " without " + row.name + ")";
            if ((row.notes & kDerivable) == 0) {
                EXPECT_RV_OF(call.c_str(), rv, CKR_TEMPLATE_INCOMPLETE);
                continue;
            }
            EXPECT_RV_OF(call.c_str(), rv, CKR_OK, CKR_TEMPLATE_INCOMPLETE);
            ByteVector derived, given;
            if (rv == CKR_OK && ReadAttribute(object, row.type, &derived) == CKR_OK) {
                Template base = c.base();
                for (CK_ULONG i = 0; i < base.size(); ++i) {
                    if (base.data()[i].type == row.type) {
                        const auto *bytes = static_cast<const unsigned char *>(base.data()[i].pValue);
                        given.assign(bytes, bytes + base.data()[i].ulValueLen);
                    }
                }
                EXPECT_EQ(Hex(derived), Hex(given)) << c.name << " " << row.name << ": taken from the object's value";
            }
        }
    });
}

P11_CASE(AttributeTables, EachAttributeOnlyTheTokenSetsIsReadOnlyToCreateObject, .group = "objects",
         .functions = "C_CreateObject", .section = "v2.40 §4.1.2 (footnote 2 of Table 10), §5.7 C_CreateObject")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE) {
        for (const Row &row : c.rows) {
            if ((row.notes & kTokenSets) == 0) {
                continue;
            }
            CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
            EXPECT_RV_OF(("C_CreateObject(" + c.name + " giving " + row.name + ")").c_str(), Make(c, &object, ~0UL, &row),
                         CKR_ATTRIBUTE_READ_ONLY);
        }
    });
}

// §4.1.2: "attributes which Cryptoki specifies are modifiable may actually
// not be modifiable on some tokens": a token may refuse (CKR_ATTRIBUTE_READ_ONLY,
// the value unchanged); a value it takes reads back as set.
P11_CASE(AttributeTables, EachModifiableAttributeIsSetAndReadBackOrRefusedUnchanged, .group = "objects",
         .functions = "C_CreateObject C_SetAttributeValue C_GetAttributeValue",
         .section = "v2.40 §5.7 C_SetAttributeValue (footnote 8 of Table 10)")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE object) {
        for (const Row &row : c.rows) {
            if ((row.notes & kModifiable) == 0) {
                continue;
            }
            ByteVector before;
            ReadAttribute(object, row.type, &before);
            const ByteVector value = Changed(object, row);
            const CK_RV rv = Set(object, row.type, value);
            EXPECT_RV_OF(("C_SetAttributeValue(" + c.name + " " + row.name + ")").c_str(), rv, CKR_OK,
                         CKR_ATTRIBUTE_READ_ONLY);
            ByteVector now;
            if (ReadAttribute(object, row.type, &now) == CKR_OK) {
                EXPECT_EQ(Hex(now), Hex(rv == CKR_OK ? value : before))
                    << c.name << " " << row.name << (rv == CKR_OK ? " reads back as set" : " is unchanged");
            }
        }
    });
}

P11_CASE(AttributeTables, EachAttributeFixedAtCreationIsReadOnlyToSetAttributeValue, .group = "objects",
         .functions = "C_CreateObject C_SetAttributeValue C_GetAttributeValue",
         .section = "v2.40 §4.4-4.10, §5.7 C_SetAttributeValue")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE object) {
        for (const Row &row : c.rows) {
            if ((row.notes & kFixed) == 0) {
                continue;
            }
            ByteVector before;
            ReadAttribute(object, row.type, &before);
            EXPECT_RV_OF(("C_SetAttributeValue(" + c.name + " " + row.name + ")").c_str(),
                         Set(object, row.type, Changed(object, row)), CKR_ATTRIBUTE_READ_ONLY);
            ByteVector after;
            ReadAttribute(object, row.type, &after);
            EXPECT_EQ(Hex(after), Hex(before)) << c.name << " " << row.name << " is unchanged";
        }
    });
}

// Footnote 8: "it is possible that a particular token may not permit
// modification of the attribute during the course of a C_CopyObject call" —
// so a copy may refuse a new value (CKR_ATTRIBUTE_READ_ONLY); one it takes is
// the copy's, not the original's. An attribute fixed at creation is refused.
P11_CASE(AttributeTables, CopyTakesNewValuesOfModifiableAttributesAndRefusesFixedOnes, .group = "objects",
         .functions = "C_CreateObject C_CopyObject C_GetAttributeValue", .section = "v2.40 §5.7 C_CopyObject")
{
    ForEachClass([&](const ObjectClass &c, CK_OBJECT_HANDLE object) {
        for (const Row &row : c.rows) {
            // CKA_TOKEN, CKA_PRIVATE and CKA_MODIFIABLE may change in a copy (§4.4).
            const bool fixed = (row.notes & kFixed) != 0 && row.type != CKA_TOKEN && row.type != CKA_MODIFIABLE;
            if ((row.notes & kModifiable) == 0 && !fixed) {
                continue;
            }
            ByteVector before;
            ReadAttribute(object, row.type, &before);
            Template tmpl;
            tmpl.Bytes(row.type, Changed(object, row));
            const ByteVector value(static_cast<const unsigned char *>(tmpl.data()->pValue),
                                   static_cast<const unsigned char *>(tmpl.data()->pValue) + tmpl.data()->ulValueLen);
            CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
            const CK_RV rv = fl()->C_CopyObject(session_, object, tmpl.data(), tmpl.size(), &copy);
            const std::string call = "C_CopyObject(" + c.name + " with a new " + row.name + ")";
            if (rv == CKR_OK) {
                Keep(copy);
            }
            if (fixed) {
                EXPECT_RV_OF(call.c_str(), rv, CKR_ATTRIBUTE_READ_ONLY);
                continue;
            }
            EXPECT_RV_OF(call.c_str(), rv, CKR_OK, CKR_ATTRIBUTE_READ_ONLY);
            if (rv == CKR_OK) {
                ByteVector copied, original;
                ReadAttribute(copy, row.type, &copied);
                ReadAttribute(object, row.type, &original);
                EXPECT_EQ(Hex(copied), Hex(value)) << c.name << " " << row.name << ": the copy has the new value";
                EXPECT_EQ(Hex(original), Hex(before)) << c.name << " " << row.name << ": the original keeps its value";
            }
        }
    });
}

// Footnote 4 of Table 10: what C_GenerateKeyPair makes (the key material,
// CKA_LOCAL and the other attributes only the token sets) must not be given
// in its templates. §4.1.1: such an attribute is read-only there (item 3),
// and key material contradicts the generation (item 5); "if more than one of
// the situations listed above applies ... any of the error codes ... that
// applies". Nothing may be made from such a template.
P11_CASE(AttributeTables, EachAttributeTheGeneratorSetsIsRefusedInGenerateKeyPair, .group = "keys",
         .functions = "C_GenerateKeyPair", .mechanisms = "CKM_EC_KEY_PAIR_GEN CKM_RSA_PKCS_KEY_PAIR_GEN",
         .section = "v2.40 §4.1.1 (footnote 4 of Table 10), §5.14 C_GenerateKeyPair")
{
    struct Given {
        CK_MECHANISM_TYPE mechanism;
        bool in_private; // else the public template
        const char *name;
        CK_ATTRIBUTE_TYPE type;
        ByteVector value;
    };
    const ref::EcKey ec = ref::GenerateEcKey("P-256");
    const Given cases[] = {
        {CKM_EC_KEY_PAIR_GEN, true, "CKA_VALUE", CKA_VALUE, ec.private_value},
        {CKM_EC_KEY_PAIR_GEN, false, "CKA_EC_POINT", CKA_EC_POINT, ref::DerOctetString(ec.point)},
        {CKM_EC_KEY_PAIR_GEN, true, "CKA_LOCAL", CKA_LOCAL, B(true)},
        {CKM_EC_KEY_PAIR_GEN, true, "CKA_ALWAYS_SENSITIVE", CKA_ALWAYS_SENSITIVE, B(true)},
        {CKM_RSA_PKCS_KEY_PAIR_GEN, false, "CKA_MODULUS", CKA_MODULUS, ReferenceRsaKey().modulus},
        {CKM_RSA_PKCS_KEY_PAIR_GEN, true, "CKA_PRIVATE_EXPONENT", CKA_PRIVATE_EXPONENT,
         ReferenceRsaKey().private_exponent},
    };
    int judged = 0;
    for (const Given &given : cases) {
        if (!Offers(given.mechanism, CKF_GENERATE_KEY_PAIR)) {
            continue;
        }
        ++judged;
        Template pub;
        Template priv;
        pub.Bool(CKA_TOKEN, false).Bool(CKA_VERIFY, true);
        priv.Bool(CKA_TOKEN, false).Bool(CKA_PRIVATE, true).Bool(CKA_SIGN, true);
        if (given.mechanism == CKM_EC_KEY_PAIR_GEN) {
            pub.Bytes(CKA_EC_PARAMS, kP256Params);
        } else {
            pub.Ulong(CKA_MODULUS_BITS, OfferedRsaBits(CKM_RSA_PKCS_KEY_PAIR_GEN));
            pub.Bytes(CKA_PUBLIC_EXPONENT, ByteVector{0x01, 0x00, 0x01});
        }
        (given.in_private ? priv : pub).Bytes(given.type, given.value);
        CK_MECHANISM mechanism = {given.mechanism, nullptr, 0};
        CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
        const CK_RV rv = fl()->C_GenerateKeyPair(session_, &mechanism, pub.data(), pub.size(), priv.data(),
                                                 priv.size(), &public_key, &private_key);
        Keep(public_key);
        Keep(private_key);
        const std::string call = "C_GenerateKeyPair(" + MechanismName(given.mechanism) + ", " +
                                 (given.in_private ? "private" : "public") + " template giving " + given.name + ")";
        EXPECT_RV_OF(call.c_str(), rv, CKR_ATTRIBUTE_READ_ONLY, CKR_TEMPLATE_INCONSISTENT);
    }
    if (judged == 0) {
        GTEST_SKIP() << skip_reason();
    }
}

#undef ROW

} // namespace
} // namespace p11conf
