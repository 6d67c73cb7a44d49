/* Extra entry point of the in-memory PAL, for tests. */
#ifndef P11_PAL_MEMORY_H
#define P11_PAL_MEMORY_H

#include <stddef.h>

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Wipes every stored value and forgets every label and handle, as if the
 * process had just started. PKCS11_PAL_Initialize does not do this: the
 * store survives C_Finalize + C_Initialize. */
void p11_pal_memory_reset(void);

/* What the token asked of the store, counted since the last reset: lets a
 * test check that a call wrote nothing (every write wears a device's flash)
 * and that every value handed out was handed back (its copy is wiped only
 * then). */
struct p11_pal_memory_counts {
    unsigned long saves;      /* PKCS11_PAL_SaveObject calls that stored a value */
    unsigned long values_out; /* values given by GetObjectValue, not yet cleaned up */
};
struct p11_pal_memory_counts p11_pal_memory_counts(void);

/* A store that cannot be opened, as a missing folder or a broken device:
 * PKCS11_PAL_Initialize answers rv (CKR_OK again when rv is CKR_OK). Kept
 * until changed; p11_pal_memory_reset does not change it. */
void p11_pal_memory_fail_initialize(CK_RV rv);

/* One prepared token, many runs (the call-sequence fuzz target starts every
 * input from it): p11_pal_memory_snapshot keeps a copy of every stored value
 * with its label, and of the device key; p11_pal_memory_restore wipes the
 * store and puts that copy back, labels under new handles as after a
 * restart. CKR_HOST_MEMORY when a copy cannot be made (the snapshot keeps
 * the previous one; a failed restore leaves an empty store). */
CK_RV p11_pal_memory_snapshot(void);
CK_RV p11_pal_memory_restore(void);

/* The snapshot as bytes, so that one program can prepare a store that
 * another reads (the call-sequence fuzz target of a profile that cannot make
 * keys starts from the store its provisioning profile's module made):
 * p11_pal_memory_snapshot_bytes returns a malloc'd copy (*len bytes; NULL
 * when the heap is full), p11_pal_memory_snapshot_load replaces the snapshot
 * with one read back (CKR_OK; CKR_ARGUMENTS_BAD for bytes it did not write;
 * CKR_HOST_MEMORY). Then p11_pal_memory_restore puts it in the store. */
unsigned char *p11_pal_memory_snapshot_bytes(size_t *len);
CK_RV p11_pal_memory_snapshot_load(const unsigned char *bytes, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* P11_PAL_MEMORY_H */
