/* Limits of the POSIX file PAL that a profile or a test needs to know. */
#ifndef P11_PAL_POSIX_H
#define P11_PAL_POSIX_H

/* Each object is one file named hex(label) + ".obj"; the name must fit in
 * NAME_MAX (255) bytes, so labels are at most (255 - 4) / 2 bytes long. */
#define P11_PAL_POSIX_MAX_LABEL_LEN 125u

#endif /* P11_PAL_POSIX_H */
