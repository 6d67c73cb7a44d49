/* What pal_posix.c shares with the other files of the POSIX PAL. */
#ifndef P11_PAL_POSIX_INTERNAL_H
#define P11_PAL_POSIX_INTERNAL_H

#include <stddef.h>

/* PKCS11_PAL_Initialize: the device key file's path is taken from the
 * environment now, as the store folder is (pal_posix_device_key.c). Called
 * with the store folder chosen, or "" when there is none. This call is also
 * what links the device key into a program: the backend's weak reference to
 * PKCS11_PAL_GetDeviceKey alone would not take it from the archive. */
void p11_pal_posix_device_key_init(const char *store_dir);

#endif /* P11_PAL_POSIX_INTERNAL_H */
