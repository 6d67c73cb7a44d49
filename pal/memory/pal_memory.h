/* Extra entry point of the in-memory PAL, for tests. */
#ifndef P11_PAL_MEMORY_H
#define P11_PAL_MEMORY_H

#ifdef __cplusplus
extern "C" {
#endif

/* Wipes every stored value and forgets every label and handle, as if the
 * process had just started. PKCS11_PAL_Initialize does not do this: the
 * store survives C_Finalize + C_Initialize. */
void p11_pal_memory_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* P11_PAL_MEMORY_H */
