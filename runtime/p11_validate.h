/* Stateless argument checks shared by all generated entry points. Each is a
 * pure function of the arguments, so the templates stay thin: they name the
 * check and cite the rule, this file says what the check means. */
#ifndef P11_VALIDATE_H
#define P11_VALIDATE_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A buffer of `len` bytes (or elements) may be NULL only when len is 0. */
static inline int p11_buffer_ok(const void *buffer, CK_ULONG len)
{
    return buffer != NULL || len == 0;
}

/* Only the allowed flag bits are set. */
static inline int p11_flags_known(CK_FLAGS flags, CK_FLAGS allowed)
{
    return (flags & ~allowed) == 0;
}

/* Every required flag bit is set. */
static inline int p11_flags_present(CK_FLAGS flags, CK_FLAGS required)
{
    return (flags & required) == required;
}

/* v2.40 §5.4 C_Initialize: pInitArgs is NULL, or has pReserved NULL and
 * either all four mutex callbacks or none of them. */
static inline CK_RV p11_check_init_args(const void *init_args)
{
    const CK_C_INITIALIZE_ARGS *args = (const CK_C_INITIALIZE_ARGS *)init_args;
    int callbacks;
    if (args == NULL) {
        return CKR_OK;
    }
    if (args->pReserved != NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    callbacks = (args->CreateMutex != NULL) + (args->DestroyMutex != NULL) +
                (args->LockMutex != NULL) + (args->UnlockMutex != NULL);
    if (callbacks != 0 && callbacks != 4) {
        return CKR_ARGUMENTS_BAD;
    }
    return CKR_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* P11_VALIDATE_H */
