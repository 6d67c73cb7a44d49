/* Check bookkeeping, reboot and file helpers of the self-tests (selftest.h). */
#include "selftest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>

#include "flash_device.h"
#include "pal_flash_sim.h"

static int failures;

const unsigned char selftest_abc_sha256[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
    0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

int selftest_expect_rv(const char *what, CK_RV got, CK_RV expected, int line)
{
    int ok = got == expected;
    if (ok) {
        printf("ok   %s\n", what);
    } else {
        printf("FAIL %s (line %d): 0x%lx, expected 0x%lx\n", what, line, (unsigned long)got, (unsigned long)expected);
        failures++;
    }
    return ok;
}

int selftest_expect(const char *what, int ok, int line)
{
    if (ok) {
        printf("ok   %s\n", what);
    } else {
        printf("FAIL %s (line %d)\n", what, line);
        failures++;
    }
    return ok;
}

int selftest_failures(void)
{
    return failures;
}

/* Live and peak heap bytes, counted at every malloc, calloc, realloc and free
 * of the image (the link wraps them: -Wl,--wrap=malloc,...), C++'s operator
 * new and wolfCrypt's allocations (through the port) included. */
static size_t heap_live;
static size_t heap_peak;
static size_t heap_at_mark;
/* selftest_heap_fail_at: allocations left before the one that fails (0: none fails). */
static unsigned long heap_fail_in;

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *block, size_t size);
void __real_free(void *block);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *block, size_t size);
void __wrap_free(void *block);

static void *counted(void *block)
{
    if (block != NULL) {
        heap_live += malloc_usable_size(block);
        if (heap_live > heap_peak) {
            heap_peak = heap_live;
        }
    }
    return block;
}

/* Whether this allocation is the one selftest_heap_fail_at chose. */
static int failing(void)
{
    return heap_fail_in != 0 && --heap_fail_in == 0;
}

void *__wrap_malloc(size_t size)
{
    return failing() ? NULL : counted(__real_malloc(size));
}

void *__wrap_calloc(size_t count, size_t size)
{
    return failing() ? NULL : counted(__real_calloc(count, size));
}

void *__wrap_realloc(void *block, size_t size)
{
    if (failing()) {
        return NULL;
    }
    size_t before = block != NULL ? malloc_usable_size(block) : 0;
    void *moved = __real_realloc(block, size);
    if (moved == NULL) {
        return NULL; /* the old block stays */
    }
    heap_live -= before;
    return counted(moved);
}

void __wrap_free(void *block)
{
    if (block != NULL) {
        heap_live -= malloc_usable_size(block);
    }
    __real_free(block);
}

void selftest_heap_mark(void)
{
    heap_at_mark = heap_live;
    heap_peak = heap_live;
}

size_t selftest_heap_used(void)
{
    return heap_peak - heap_at_mark;
}

size_t selftest_heap_live(void)
{
    return heap_live;
}

void selftest_heap_fail_at(unsigned long k)
{
    heap_fail_in = k;
}

int selftest_heap_failed(void)
{
    return heap_fail_in == 0;
}

/* SysTick: control/status, reload, current value (ARMv7-M B3.3). */
#define SYST_CSR (*(volatile unsigned long *)0xE000E010)
#define SYST_RVR (*(volatile unsigned long *)0xE000E014)
#define SYST_CVR (*(volatile unsigned long *)0xE000E018)
#define SYSTICK_MAX 0xFFFFFFul /* 24 bits: a wrap every 671 M instructions */
#define INSTRUCTIONS_PER_TICK 40ul

/* Wraps of the 24-bit counter since selftest_count_start: one SysTick
 * interrupt each, so counts beyond 671 M instructions (an RSA key
 * generation) are not cut short. */
static volatile unsigned long systick_wraps;

void SysTick_Handler(void)
{
    systick_wraps++;
}

void selftest_count_start(void)
{
    SYST_CSR = 0;
    systick_wraps = 0;
    SYST_RVR = SYSTICK_MAX;
    SYST_CVR = 0;                          /* any write reloads it */
    SYST_CSR = (1u << 2) | (1u << 1) | 1u; /* processor clock, interrupt at each wrap, enabled */
}

unsigned long long selftest_count_instructions_wide(void)
{
    unsigned long wraps;
    unsigned long current;
    do { /* a wrap between the two reads is read again */
        wraps = systick_wraps;
        current = SYST_CVR & SYSTICK_MAX;
    } while (wraps != systick_wraps);
    SYST_CSR = 0;
    const unsigned long long ticks = (unsigned long long)wraps * (SYSTICK_MAX + 1) + (SYSTICK_MAX - current);
    return ticks * INSTRUCTIONS_PER_TICK;
}

unsigned long selftest_count_instructions(void)
{
    const unsigned long long instructions = selftest_count_instructions_wide();
    return instructions > 0xFFFFFFFFull ? 0xFFFFFFFFul : (unsigned long)instructions;
}

void selftest_print_wide(unsigned long long value)
{
    /* newlib-nano's printf has no %llu: the billions, then nine digits. */
    const unsigned long billions = (unsigned long)(value / 1000000000ull);
    const unsigned long rest = (unsigned long)(value % 1000000000ull);
    if (billions != 0) {
        printf("%lu%09lu", billions, rest);
    } else {
        printf("%lu", rest);
    }
}

int selftest_reboot(void)
{
    size_t size = flash_sim_image_size();
    unsigned char *image = malloc(size);
    int rc = -1;
    if (image != NULL && flash_sim_image_save(image, size) == FLASH_OK && flash_sim_reset(NULL) == 0 &&
        flash_sim_image_load(image, size) == FLASH_OK) {
        rc = 0;
    }
    free(image);
    return rc;
}

CK_OBJECT_HANDLE selftest_find(CK_SESSION_HANDLE session, CK_OBJECT_CLASS klass, const char *label, CK_ULONG *count)
{
    CK_ATTRIBUTE query[] = {
        {CKA_CLASS, &klass, sizeof klass},
        {CKA_LABEL, (void *)label, strlen(label)},
    };
    CK_OBJECT_HANDLE found[4] = {CK_INVALID_HANDLE};
    *count = 0;
    if (C_FindObjectsInit(session, query, 2) != CKR_OK) {
        return CK_INVALID_HANDLE;
    }
    CK_RV rv = C_FindObjects(session, found, 4, count);
    C_FindObjectsFinal(session);
    if (rv != CKR_OK) {
        *count = 0;
    }
    return *count > 0 ? found[0] : CK_INVALID_HANDLE;
}

void selftest_expect_verifies(CK_SESSION_HANDLE session, CK_MECHANISM_TYPE mechanism, CK_OBJECT_HANDLE key,
                              const unsigned char *data, CK_ULONG data_len, const unsigned char *signature,
                              CK_ULONG signature_len, CK_ULONG flip_at, int line)
{
    CK_MECHANISM mech = {mechanism, NULL, 0};
    unsigned char copy[512]; /* RSA-4096 */
    if (!selftest_expect("signature fits the check's buffer", signature_len <= sizeof copy && flip_at < signature_len,
                         line)) {
        return;
    }
    memcpy(copy, signature, signature_len);
    selftest_expect_rv("C_VerifyInit", C_VerifyInit(session, &mech, key), CKR_OK, line);
    selftest_expect_rv("C_Verify of the signature", C_Verify(session, (CK_BYTE_PTR)data, data_len, copy, signature_len),
                       CKR_OK, line);
    copy[flip_at] ^= 0x01;
    selftest_expect_rv("C_VerifyInit", C_VerifyInit(session, &mech, key), CKR_OK, line);
    selftest_expect_rv("C_Verify of a changed signature",
                       C_Verify(session, (CK_BYTE_PTR)data, data_len, copy, signature_len), CKR_SIGNATURE_INVALID, line);
}

unsigned char *selftest_read_file(const char *path, size_t *len)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        printf("cannot open %s\n", path);
        return NULL;
    }
    size_t capacity = 4096;
    size_t used = 0;
    unsigned char *data = malloc(capacity);
    while (data != NULL) {
        size_t n = fread(data + used, 1, capacity - used, file);
        used += n;
        if (used < capacity) {
            break;
        }
        unsigned char *bigger = realloc(data, capacity * 2);
        if (bigger == NULL) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        capacity *= 2;
    }
    fclose(file);
    *len = used;
    return data;
}

CK_SESSION_HANDLE selftest_open_logged_in(unsigned long *login_instructions)
{
    static CK_UTF8CHAR user_pin[] = "0000"; /* configPKCS11_DEFAULT_USER_PIN */
    CK_SLOT_ID slots[2];
    CK_ULONG slot_count = 2;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    EXPECT_OK(C_Initialize(NULL));
    EXPECT_OK(C_GetSlotList(CK_TRUE, slots, &slot_count));
    EXPECT_TRUE(slot_count == 1);
    EXPECT_OK(C_OpenSession(slots[0], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session));
    selftest_count_start();
    EXPECT_OK(C_Login(session, CKU_USER, user_pin, sizeof user_pin - 1));
    *login_instructions = selftest_count_instructions();
    return session;
}

unsigned long selftest_sign_and_verify(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
    unsigned char signature[64];
    CK_ULONG signature_len = sizeof signature;
    EXPECT_OK(C_SignInit(session, &ecdsa, priv));
    selftest_count_start();
    EXPECT_OK(C_Sign(session, (CK_BYTE_PTR)selftest_abc_sha256, 32, signature, &signature_len));
    const unsigned long instructions = selftest_count_instructions();
    EXPECT_TRUE(signature_len == 64);
    EXPECT_VERIFIES(session, CKM_ECDSA, pub, selftest_abc_sha256, 32, signature, signature_len, 10);
    return instructions;
}
