/* The checks C_SignInit and C_VerifyInit make of a key before it is used,
 * in signature_operation.cpp's order: the mechanism offered for the use
 * (CKR_MECHANISM_INVALID), the handle of an object this login sees
 * (CKR_KEY_HANDLE_INVALID), the key's class and type (v2.40 §5.1.6:
 * CKR_KEY_TYPE_INCONSISTENT "has a higher priority than
 * CKR_KEY_FUNCTION_NOT_PERMITTED"), the use permitted, CKA_ALLOWED_MECHANISMS
 * (§4.7; an empty list restricts nothing), and no mechanism parameter (the
 * lean backend's mechanisms have none: CKR_MECHANISM_PARAM_INVALID). */
#ifndef P11_LEAN_KEY_USE_H
#define P11_LEAN_KEY_USE_H

#include "lean/store_read.h"
#include "pkcs11.h"

namespace p11::lean {

struct KeyUse {
    CK_FLAGS flag;                // CKF_SIGN or CKF_VERIFY
    CK_OBJECT_CLASS klass;        // the class a key for it has
    CK_KEY_TYPE key_type;         // the mechanism's key type
    CK_ATTRIBUTE_TYPE permission; // CKA_SIGN or CKA_VERIFY
};

// CKR_OK with *key read and *info the mechanism's info; else the code.
CK_RV key_for_use(const CK_MECHANISM &mechanism, CK_OBJECT_HANDLE handle, const KeyUse &use, ObjectRead *key,
                  CK_MECHANISM_INFO *info);

} // namespace p11::lean

#endif // P11_LEAN_KEY_USE_H
