/* Looking rows up in the attribute tables (see attribute_tables.h). */
#include "objects/attribute_tables.h"

namespace p11 {

CK_ATTRIBUTE_TYPE subtype_attribute(CK_OBJECT_CLASS klass)
{
    switch (klass) {
    case CKO_CERTIFICATE:
        return CKA_CERTIFICATE_TYPE;
    case CKO_PUBLIC_KEY:
    case CKO_PRIVATE_KEY:
    case CKO_SECRET_KEY:
        return CKA_KEY_TYPE;
    default:
        return 0;
    }
}

bool class_known(CK_OBJECT_CLASS klass)
{
    for (const ClassTable &table : kTables) {
        if (table.klass == klass) {
            return true;
        }
    }
    return false;
}

const ClassTable *table_for(CK_OBJECT_CLASS klass, CK_ULONG subtype)
{
    for (const ClassTable &table : kTables) {
        if (table.klass == klass && table.subtype == subtype) {
            return &table;
        }
    }
    return nullptr;
}

const Rule *find_rule(const ClassTable &table, CK_ATTRIBUTE_TYPE type)
{
    for (std::size_t i = 0; i < table.count; ++i) {
        if (table.rules[i].type == type) {
            return &table.rules[i];
        }
    }
    return nullptr;
}

bool is_key(CK_OBJECT_CLASS klass)
{
    return klass == CKO_PUBLIC_KEY || klass == CKO_PRIVATE_KEY || klass == CKO_SECRET_KEY;
}

bool form_checked(Kind kind, const unsigned char *value, std::size_t len, bool *ok)
{
    switch (kind) {
    case Kind::boolean:
        *ok = len == sizeof(CK_BBOOL);
        return true;
    case Kind::ulong:
        *ok = len == sizeof(CK_ULONG);
        return true;
    case Kind::bytes:
        *ok = true;
        return true;
    case Kind::date:
        *ok = len == 0 || len == sizeof(CK_DATE);
        for (std::size_t i = 0; *ok && i < len; ++i) {
            *ok = value[i] >= '0' && value[i] <= '9';
        }
        return true;
    case Kind::mechanisms:
        *ok = len % sizeof(CK_MECHANISM_TYPE) == 0;
        return true;
    case Kind::big_integer:
    case Kind::secret:
        *ok = len > 0;
        return true;
    case Kind::ec_scalar:
        *ok = len > 0 && len <= 48; // checked against the key's own curve later
        return true;
    case Kind::no_template:
        *ok = len == 0; // no wrapping mechanism here: a template could never apply
        return true;
    case Kind::check_value:
        *ok = len == 3; // compared with the computed one once the value is known
        return true;
    default:
        return false;
    }
}

} // namespace p11
