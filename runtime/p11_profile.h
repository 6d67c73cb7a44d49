/* What a profile tells the backend at run time: the mechanisms it allows, its
 * limits, how a fresh store starts and what its PAL can hold. The generator
 * writes one `p11_active_profile` per profile (generated/<profile>/profile.c);
 * the backend reads only this structure, never the YAML. */
#ifndef P11_PROFILE_H
#define P11_PROFILE_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct p11_mechanism_entry {
    CK_MECHANISM_TYPE type;
    CK_ULONG min_key_size; /* in the unit C_GetMechanismInfo uses */
    CK_ULONG max_key_size;
    CK_FLAGS flags;        /* CKF_SIGN, CKF_DIGEST, ... allowed by the profile */
} p11_mechanism_entry;

typedef struct p11_profile {
    const char *name;

    const p11_mechanism_entry *mechanisms; /* in the profile file's order */
    CK_ULONG mechanism_count;

    CK_ULONG max_sessions;    /* 0: no limit */
    CK_ULONG max_rw_sessions; /* 0: no limit */
    CK_ULONG max_objects;     /* 0: no limit */
    CK_ULONG max_label_length;
    CK_ULONG min_pin_length;
    CK_ULONG max_pin_length;

    /* A fresh store: either a token already initialized with a label and
     * default PINs (as FreeRTOS devices expect), or an uninitialized one that
     * needs C_InitToken (as a new smart card). */
    CK_BBOOL token_initialized;
    const char *token_label; /* at most 32 bytes */
    const char *default_so_pin;   /* NULL unless token_initialized */
    const char *default_user_pin; /* NULL unless token_initialized */

    /* Labels the PAL can store: NULL / 0 means any label. */
    const char *const *pal_labels;
    CK_ULONG pal_label_count;

    /* Wrong PINs in a row (per user type, kept in the store) after which that
     * PIN is locked (CKR_PIN_LOCKED); 0: no limit. */
    CK_ULONG max_pin_tries;

    /* What seals the secret values of private objects at rest (storage.secrets):
     * P11_SECRETS_PIN, the token key wrapped under the PINs (a key with
     * CKA_PRIVATE FALSE, usable without a login, is bound to the device key
     * anyway), or P11_SECRETS_DEVICE, the device key for every key (devices
     * whose firmware logs in with a built-in PIN). */
    CK_ULONG secret_binding;
    /* PBKDF2 iterations of a new PIN verifier (limits.pin_iterations); 0: the
     * backend's default (pin_verifier.h). */
    CK_ULONG pin_iterations;
    /* Declared departures from v2.40 (profile `deviations`), for clients
     * written against FreeRTOS's corePKCS11: P11_DEVIATION_* bits. */
    CK_FLAGS deviations;
} p11_profile;

#define P11_SECRETS_PIN 0ul
#define P11_SECRETS_DEVICE 1ul

/* C_DigestInit ignores pParameter and ulParameterLen of mechanisms that take
 * none (corePKCS11 does; its tests pass uninitialized ones) instead of
 * answering CKR_MECHANISM_PARAM_INVALID. */
#define P11_DEVIATION_DIGEST_IGNORES_PARAMETERS 0x1ul
/* A C_Sign length query (pSignature NULL) ends the signing operation, as in
 * corePKCS11, where v2.40 §5.2 keeps it for the call that signs. */
#define P11_DEVIATION_SIGN_LENGTH_QUERY_ENDS_OPERATION 0x2ul

extern const p11_profile p11_active_profile;

#ifdef __cplusplus
}
#endif

#endif /* P11_PROFILE_H */
