/* The firmware self-tests: what FreeRTOS does with PKCS #11 on a device,
 * run on the target (QEMU mps2-an386 in CI) against one profile's static
 * library over the simulated flash PAL. Each check prints one line; the
 * exit status is the number of failed checks (0: all passed). */
#ifndef P11_SELFTEST_H
#define P11_SELFTEST_H

#include <stddef.h>

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runs the profile's checks; returns the number that failed. */
int selftest_run(void);

/* Records one check: the call's text, its result and the one expected. */
int selftest_expect_rv(const char *what, CK_RV got, CK_RV expected, int line);
/* Records one check of a condition. */
int selftest_expect(const char *what, int ok, int line);
int selftest_failures(void);

#define EXPECT_RV(call, expected) selftest_expect_rv(#call, (call), (expected), __LINE__)
#define EXPECT_OK(call) selftest_expect_rv(#call, (call), CKR_OK, __LINE__)
#define EXPECT_TRUE(condition) selftest_expect(#condition, (condition), __LINE__)

/* The signature verifies over the data with the key and mechanism, and a
 * copy with one bit changed (at byte flip_at) is CKR_SIGNATURE_INVALID;
 * failures are reported at the caller's line. */
void selftest_expect_verifies(CK_SESSION_HANDLE session, CK_MECHANISM_TYPE mechanism, CK_OBJECT_HANDLE key,
                              const unsigned char *data, CK_ULONG data_len, const unsigned char *signature,
                              CK_ULONG signature_len, CK_ULONG flip_at, int line);
#define EXPECT_VERIFIES(session, mechanism, key, data, data_len, signature, signature_len, flip_at)                     \
    selftest_expect_verifies(session, mechanism, key, data, data_len, signature, signature_len, flip_at, __LINE__)

/* The whole flash as it is now, then a power cycle: a fresh PAL (RAM index
 * gone) over the same contents. 0 on success. */
int selftest_reboot(void);

/* The first object of the class with the label in the session, or
 * CK_INVALID_HANDLE; *count receives how many matched. */
CK_OBJECT_HANDLE selftest_find(CK_SESSION_HANDLE session, CK_OBJECT_CLASS klass, const char *label,
                               CK_ULONG *count);

/* Marks where the token's own heap use starts: the flows call it after the
 * harness made its buffers and the simulated flash, before C_Initialize.
 * selftest_heap_used: the peak of live heap bytes above the mark since. */
void selftest_heap_mark(void);
size_t selftest_heap_used(void);
/* Live heap bytes now. */
size_t selftest_heap_live(void);
/* The k-th allocation from now (1: the next) answers NULL, once; 0 cancels.
 * selftest_heap_failed: whether it happened (or none was asked for). */
void selftest_heap_fail_at(unsigned long k);
int selftest_heap_failed(void);

/* Instructions executed between two calls (the SysTick counter; QEMU runs
 * with -icount shift=0, one instruction per virtual nanosecond, and the
 * board's SysTick counts its 25 MHz clock: one tick per 40 instructions). */
void selftest_count_start(void);
unsigned long selftest_count_instructions(void); /* at most 2^32 - 1 */
unsigned long long selftest_count_instructions_wide(void);
/* Prints a 64-bit count in decimal (newlib-nano's printf has no %llu). */
void selftest_print_wide(unsigned long long value);

/* C_Initialize, the one slot, a R/W session, and C_Login as the user with
 * FreeRTOS's default PIN ("0000"); *login_instructions: that C_Login's. */
CK_SESSION_HANDLE selftest_open_logged_in(unsigned long *login_instructions);

/* Raw ECDSA over SHA-256("abc") with the private key, checked with the
 * public one (EXPECT_VERIFIES); returns the C_Sign's instructions. */
unsigned long selftest_sign_and_verify(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub);

/* Reads a whole file of the build machine (semihosting) into a new buffer. */
unsigned char *selftest_read_file(const char *path, size_t *len);

/* FIPS 180-2 appendix B.1: SHA-256("abc"). */
extern const unsigned char selftest_abc_sha256[32];

/* RSA-2048 and P-384 signatures against known answers (selftest_rsa_p384.c),
 * in a logged-in R/W session; prints their C_Sign instructions. */
void selftest_rsa_and_p384(CK_SESSION_HANDLE session);

extern const unsigned char selftest_certificate[];
extern const unsigned long selftest_certificate_len;

#ifdef __cplusplus
}
#endif

#endif /* P11_SELFTEST_H */
