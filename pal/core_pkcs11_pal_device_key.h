/* Optional PAL extension: the device key.
 *
 * The backend seals the secret values of objects that must be usable without
 * a PIN (profiles with storage.secrets: device, and keys with CKA_PRIVATE
 * FALSE) under a 32-byte key the platform keeps apart from the store: a
 * device port derives it from a hardware unique key or reads it from OTP or
 * a secure element; the POSIX PAL keeps it in a separate 0600 file
 * (pal_posix.h). A store copied without the device key gives up none of
 * those values.
 *
 * A weak reference does not take an object file out of a static library:
 * define it in a file the program links anyway (beside
 * PKCS11_PAL_Initialize, or called from there, as the POSIX PAL does).
 *
 * Weak, like core_pkcs11_pal_lock.h: a PAL without it still links, and the
 * backend then keeps a random device key as a record of the store itself
 * ("p11forge device key"), which protects nothing against a copy of the
 * store; docs/porting.md says so. */
#ifndef CORE_PKCS11_PAL_DEVICE_KEY_H
#define CORE_PKCS11_PAL_DEVICE_KEY_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define P11_PAL_DEVICE_KEY_OPTIONAL __attribute__((weak))
#else
#define P11_PAL_DEVICE_KEY_OPTIONAL
#endif

#define P11_PAL_DEVICE_KEY_SIZE 32

/* Writes the device key (key_len must be P11_PAL_DEVICE_KEY_SIZE) after
 * PKCS11_PAL_Initialize: the same bytes on every call and in every process
 * sharing the store, made on first use. CKR_OK, CKR_ARGUMENTS_BAD (a NULL
 * key or another length), or CKR_DEVICE_ERROR (the key cannot be read or
 * made: the backend then refuses to seal or open with it). */
CK_RV PKCS11_PAL_GetDeviceKey(CK_BYTE_PTR key, CK_ULONG key_len) P11_PAL_DEVICE_KEY_OPTIONAL;

#ifdef __cplusplus
}
#endif

#endif /* CORE_PKCS11_PAL_DEVICE_KEY_H */
