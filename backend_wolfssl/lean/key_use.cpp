/* A key checked for one use (see key_use.h). */
#include "lean/key_use.h"

#include "lean/lean_library.h"

namespace p11::lean {

CK_RV key_for_use(const CK_MECHANISM &mechanism, CK_OBJECT_HANDLE handle, const KeyUse &use, ObjectRead *key,
                  CK_MECHANISM_INFO *info)
{
    if (!mechanism_info(mechanism.mechanism, info) || (info->flags & use.flag) == 0) {
        return CKR_MECHANISM_INVALID;
    }
    if (key->read(handle, true) != CKR_OK || !visible(library(), key->view())) {
        return CKR_KEY_HANDLE_INVALID; // §5.11 and §5.12 name the key's code
    }
    const RecordView &view = key->view();
    CK_ULONG klass = CK_UNAVAILABLE_INFORMATION;
    CK_ULONG key_type = CK_UNAVAILABLE_INFORMATION;
    (void)record_ulong(view, CKA_CLASS, &klass);
    (void)record_ulong(view, CKA_KEY_TYPE, &key_type);
    if (klass != use.klass || key_type != use.key_type) {
        return CKR_KEY_TYPE_INCONSISTENT;
    }
    if (!record_bool(view, use.permission, false)) {
        return CKR_KEY_FUNCTION_NOT_PERMITTED;
    }
    const std::uint8_t *allowed = nullptr;
    std::uint32_t allowed_len = 0;
    if (record_find(view, CKA_ALLOWED_MECHANISMS, &allowed, &allowed_len) && allowed_len != 0 &&
        !stored_ulongs_contain(allowed, allowed_len, mechanism.mechanism)) {
        return CKR_MECHANISM_INVALID;
    }
    if (mechanism.pParameter != nullptr || mechanism.ulParameterLen != 0) {
        return CKR_MECHANISM_PARAM_INVALID;
    }
    return CKR_OK;
}

} // namespace p11::lean
