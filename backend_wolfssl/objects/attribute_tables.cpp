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

} // namespace p11
