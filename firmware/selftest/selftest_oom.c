/* A full heap on the device (P11_FIRMWARE_EXCEPTIONS): for k = 1, 2, ...
 * the k-th allocation of a FreeRTOS TLS flow fails (C_Initialize, a
 * session, login, a P-256 key pair and a data object created, a find, a
 * signature, C_Finalize). The image must not stop: the call that met the
 * failure answers CKR_HOST_MEMORY (or CKR_DEVICE_MEMORY, a PAL that could
 * not index), the flow ends there, and C_Finalize gives every byte back
 * (the PAL's index of the flash set aside).
 * It ends with the first k that the whole flow outruns, which then passes
 * with no failure. */
#include <stdio.h>
#include <string.h>

#include "flash_pal.h"
#include "pal_flash_sim.h"
#include "selftest.h"

static CK_UTF8CHAR kUserPin[] = "0000";
static const CK_BYTE kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

/* Whether rv is an answer a full heap may give (a failure that was not the
 * heap's is a defect either way). */
static int out_of_memory(CK_RV rv)
{
    return rv == CKR_HOST_MEMORY || rv == CKR_DEVICE_MEMORY;
}

/* Runs the flow; returns CKR_OK, or the first failing call's answer (*where: its name). */
static CK_RV flow(const char **where)
{
    CK_BBOOL yes = CK_TRUE;
    CK_SLOT_ID slot = 0;
    CK_ULONG slot_count = 1;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_RV rv;
#define STEP(call)                                                                                                     \
    do {                                                                                                               \
        rv = (call);                                                                                                   \
        if (rv != CKR_OK) {                                                                                            \
            *where = #call;                                                                                            \
            return rv;                                                                                                 \
        }                                                                                                              \
    } while (0)
    STEP(C_Initialize(NULL));
    STEP(C_GetSlotList(CK_TRUE, &slot, &slot_count));
    STEP(C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session));
    STEP(C_Login(session, CKU_USER, kUserPin, sizeof kUserPin - 1));

    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    char pub_label[] = "Device Pub TLS Key";
    char priv_label[] = "Device Priv TLS Key";
    CK_ATTRIBUTE pub_tmpl[] = {
        {CKA_EC_PARAMS, (void *)kP256Params, sizeof kP256Params},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, pub_label, sizeof pub_label - 1},
    };
    CK_ATTRIBUTE priv_tmpl[] = {
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_LABEL, priv_label, sizeof priv_label - 1},
    };
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
    STEP(C_GenerateKeyPair(session, &keygen, pub_tmpl, 4, priv_tmpl, 4, &pub, &priv));

    CK_OBJECT_CLASS data_class = CKO_DATA;
    char cert_label[] = "Device Cert";
    CK_BYTE value[300];
    memset(value, 0x5A, sizeof value);
    CK_ATTRIBUTE data_tmpl[] = {
        {CKA_CLASS, &data_class, sizeof data_class},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, cert_label, sizeof cert_label - 1},
        {CKA_VALUE, value, sizeof value},
    };
    CK_OBJECT_HANDLE data = CK_INVALID_HANDLE;
    STEP(C_CreateObject(session, data_tmpl, 4, &data));

    CK_ATTRIBUTE find_tmpl[] = {{CKA_LABEL, priv_label, sizeof priv_label - 1}};
    CK_OBJECT_HANDLE found = CK_INVALID_HANDLE;
    CK_ULONG found_count = 0;
    STEP(C_FindObjectsInit(session, find_tmpl, 1));
    STEP(C_FindObjects(session, &found, 1, &found_count));
    STEP(C_FindObjectsFinal(session));

    CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
    CK_BYTE digest[32];
    memset(digest, 0x11, sizeof digest);
    CK_BYTE signature[64];
    CK_ULONG signature_len = sizeof signature;
    STEP(C_SignInit(session, &ecdsa, priv));
    STEP(C_Sign(session, digest, sizeof digest, signature, &signature_len));
    STEP(C_DestroyObject(session, data));
    STEP(C_DestroyObject(session, pub));
    STEP(C_DestroyObject(session, priv));
    STEP(C_Finalize(NULL));
#undef STEP
    return CKR_OK;
}

int selftest_run(void)
{
    selftest_heap_mark();
    for (unsigned long k = 1; k < 5000; k++) {
        const char *where = "";
        if (!EXPECT_TRUE(flash_sim_reset(NULL) == 0)) { /* every run from an empty store */
            return selftest_failures();
        }
        const size_t baseline = selftest_heap_live();
        selftest_heap_fail_at(k);
        const CK_RV rv = flow(&where);
        const int failed = selftest_heap_failed();
        selftest_heap_fail_at(0);
        (void)C_Finalize(NULL); /* after a flow that stopped early */
        /* The flash PAL keeps its RAM index of the flash from one
         * C_Initialize to the next (the seed's PAL has no finalize); what it
         * holds is bounded by the flash and rebuilt at the next scan. Set
         * aside, every byte the token took must be back. */
        p11_flash_pal_forget();
        if (rv != CKR_OK && !(failed && out_of_memory(rv))) {
            printf("allocation %lu failed: %s answered 0x%lx\n", k, where, (unsigned long)rv);
            EXPECT_TRUE(0);
        }
        if (selftest_heap_live() != baseline) {
            printf("allocation %lu failed at %s: %ld heap bytes kept after C_Finalize\n", k, where,
                   (long)(selftest_heap_live() - baseline));
            EXPECT_TRUE(0);
        }
        if (!failed) {
            printf("the flow makes %lu allocations; each failing alone was answered\n", k - 1);
            EXPECT_TRUE(rv == CKR_OK);
            return selftest_failures();
        }
    }
    EXPECT_TRUE(0); /* never outran the flow */
    return selftest_failures();
}
