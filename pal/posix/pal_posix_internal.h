/* What pal_posix.c shares with the other files of the POSIX PAL. */
#ifndef P11_PAL_POSIX_INTERNAL_H
#define P11_PAL_POSIX_INTERNAL_H

#include <stddef.h>

/* Writes all size bytes (retrying short writes and EINTR); 0, or -1 with errno. */
int p11_pal_posix_write_all(int fd, const unsigned char *data, size_t size);

/* PKCS11_PAL_Initialize: the device key file's path is taken from the
 * environment now, as the store folder is (pal_posix_device_key.c). Called
 * with the store folder chosen, or "" when there is none. This call is also
 * what links the device key into a program: the backend's weak reference to
 * PKCS11_PAL_GetDeviceKey alone would not take it from the archive. */
void p11_pal_posix_device_key_init(const char *store_dir);

/* The change journal in the lock file (pal_posix_journal.c): mapped at
 * PKCS11_PAL_Initialize (0, or -1 when it cannot be: then no change count),
 * unmapped when the store changes; note records one save or destroy and is
 * called with the store lock held. */
int p11_pal_posix_journal_open(int lock_fd);
void p11_pal_posix_journal_close(void);
void p11_pal_posix_journal_note(const unsigned char *label, size_t label_len);

#endif /* P11_PAL_POSIX_INTERNAL_H */
