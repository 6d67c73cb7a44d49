/* RSA-2048 and P-384 on the device: the sizes the minimal SP math
 * (firmware.sp_math, the default) computes with sp_int.c's any-size code
 * rather than fixed-size routines. Against OpenSSL's known answers
 * (known_answers.h): the device's RSA PKCS #1 v1.5 signature must equal
 * OpenSSL's byte for byte, OpenSSL's P-384 signature must verify, and a
 * P-384 pair generated on the device must sign what it verifies. Session objects: nothing is stored. */
#include <stdio.h>
#include <string.h>

#include "known_answers.h"
#include "selftest.h"

static CK_BBOOL yes = CK_TRUE;
static CK_BBOOL no = CK_FALSE;
static unsigned char abc[] = {'a', 'b', 'c'};
static const unsigned char kRsaPublicExponent[] = {0x01, 0x00, 0x01}; /* 65537 */
/* DER OID of P-384 (secp384r1). */
static CK_BYTE kP384Params[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

static unsigned long rsa_sign_instructions;
static unsigned long p384_sign_instructions;
static unsigned long long rsa_keygen_instructions; /* billions: more than 32 bits hold */

/* An attribute whose value is the object (a variable or an array) itself. */
#define ATTR(type, object) {type, (void *)&(object), sizeof(object)}

static void rsa_2048(CK_SESSION_HANDLE session)
{
    CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
    CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY;
    CK_KEY_TYPE rsa = CKK_RSA;
    CK_ATTRIBUTE priv_template[] = {
        ATTR(CKA_CLASS, priv_class), ATTR(CKA_KEY_TYPE, rsa), ATTR(CKA_TOKEN, no), ATTR(CKA_PRIVATE, yes),
        ATTR(CKA_SIGN, yes), ATTR(CKA_MODULUS, known_rsa_modulus), ATTR(CKA_PUBLIC_EXPONENT, kRsaPublicExponent),
        ATTR(CKA_PRIVATE_EXPONENT, known_rsa_private_exponent), ATTR(CKA_PRIME_1, known_rsa_prime1),
        ATTR(CKA_PRIME_2, known_rsa_prime2), ATTR(CKA_EXPONENT_1, known_rsa_exponent1), ATTR(CKA_EXPONENT_2, known_rsa_exponent2),
        ATTR(CKA_COEFFICIENT, known_rsa_coefficient),
    };
    CK_ATTRIBUTE pub_template[] = {
        ATTR(CKA_CLASS, pub_class), ATTR(CKA_KEY_TYPE, rsa), ATTR(CKA_TOKEN, no), ATTR(CKA_VERIFY, yes),
        ATTR(CKA_MODULUS, known_rsa_modulus), ATTR(CKA_PUBLIC_EXPONENT, kRsaPublicExponent),
    };
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    EXPECT_OK(C_CreateObject(session, priv_template, sizeof priv_template / sizeof priv_template[0], &priv));
    EXPECT_OK(C_CreateObject(session, pub_template, sizeof pub_template / sizeof pub_template[0], &pub));

    CK_MECHANISM sha256_rsa = {CKM_SHA256_RSA_PKCS, NULL, 0};
    unsigned char signature[256];
    CK_ULONG signature_len = sizeof signature;
    memset(signature, 0, sizeof signature);
    EXPECT_OK(C_SignInit(session, &sha256_rsa, priv));
    selftest_count_start();
    EXPECT_OK(C_Sign(session, abc, sizeof abc, signature, &signature_len));
    rsa_sign_instructions = selftest_count_instructions();
    EXPECT_TRUE(signature_len == sizeof known_rsa_signature_abc &&
                memcmp(signature, known_rsa_signature_abc, sizeof known_rsa_signature_abc) == 0);

    EXPECT_VERIFIES(session, CKM_SHA256_RSA_PKCS, pub, abc, sizeof abc, known_rsa_signature_abc,
                    sizeof known_rsa_signature_abc, 128);

    EXPECT_OK(C_DestroyObject(session, priv));
    EXPECT_OK(C_DestroyObject(session, pub));
}

static void p384_verify_known(CK_SESSION_HANDLE session)
{
    CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY;
    CK_KEY_TYPE ec = CKK_EC;
    CK_ATTRIBUTE pub_template[] = {
        ATTR(CKA_CLASS, pub_class), ATTR(CKA_KEY_TYPE, ec), ATTR(CKA_TOKEN, no), ATTR(CKA_VERIFY, yes),
        ATTR(CKA_EC_PARAMS, kP384Params), ATTR(CKA_EC_POINT, known_p384_ec_point),
    };
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    EXPECT_OK(C_CreateObject(session, pub_template, sizeof pub_template / sizeof pub_template[0], &pub));
    EXPECT_VERIFIES(session, CKM_ECDSA, pub, selftest_abc_sha256, 32, known_p384_signature_abc_sha256,
                    sizeof known_p384_signature_abc_sha256, 60);
    EXPECT_OK(C_DestroyObject(session, pub));
}

static void p384_generated(CK_SESSION_HANDLE session)
{
    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    CK_ATTRIBUTE pub_template[] = {
        ATTR(CKA_EC_PARAMS, kP384Params), ATTR(CKA_VERIFY, yes), ATTR(CKA_TOKEN, no),
    };
    CK_ATTRIBUTE priv_template[] = {
        ATTR(CKA_SIGN, yes), ATTR(CKA_TOKEN, no), ATTR(CKA_PRIVATE, yes),
    };
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    EXPECT_OK(C_GenerateKeyPair(session, &keygen, pub_template, 3, priv_template, 3, &pub, &priv));
    CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
    unsigned char digest[32];
    unsigned char signature[96];
    CK_ULONG signature_len = sizeof signature;
    memcpy(digest, selftest_abc_sha256, sizeof digest);
    EXPECT_OK(C_SignInit(session, &ecdsa, priv));
    selftest_count_start();
    EXPECT_OK(C_Sign(session, digest, sizeof digest, signature, &signature_len));
    p384_sign_instructions = selftest_count_instructions();
    EXPECT_TRUE(signature_len == sizeof signature);
    EXPECT_VERIFIES(session, CKM_ECDSA, pub, digest, sizeof digest, signature, signature_len, 70);
    EXPECT_OK(C_DestroyObject(session, priv));
    EXPECT_OK(C_DestroyObject(session, pub));
}

/* An RSA-2048 pair generated on the device (sp_int.c's prime search with
 * the minimal SP math), signing what it verifies. */
static void rsa_2048_generated(CK_SESSION_HANDLE session)
{
    CK_MECHANISM keygen = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
    CK_ULONG bits = 2048;
    CK_ATTRIBUTE pub_template[] = {
        ATTR(CKA_MODULUS_BITS, bits), ATTR(CKA_PUBLIC_EXPONENT, kRsaPublicExponent), ATTR(CKA_VERIFY, yes),
        ATTR(CKA_TOKEN, no),
    };
    CK_ATTRIBUTE priv_template[] = {
        ATTR(CKA_SIGN, yes), ATTR(CKA_TOKEN, no), ATTR(CKA_PRIVATE, yes),
    };
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    selftest_count_start();
    EXPECT_OK(C_GenerateKeyPair(session, &keygen, pub_template, 4, priv_template, 3, &pub, &priv));
    rsa_keygen_instructions = selftest_count_instructions_wide();
    CK_MECHANISM sha256_rsa = {CKM_SHA256_RSA_PKCS, NULL, 0};
    unsigned char signature[256];
    CK_ULONG signature_len = sizeof signature;
    EXPECT_OK(C_SignInit(session, &sha256_rsa, priv));
    EXPECT_OK(C_Sign(session, abc, sizeof abc, signature, &signature_len));
    EXPECT_TRUE(signature_len == sizeof signature);
    EXPECT_VERIFIES(session, CKM_SHA256_RSA_PKCS, pub, abc, sizeof abc, signature, signature_len, 17);
    EXPECT_OK(C_DestroyObject(session, priv));
    EXPECT_OK(C_DestroyObject(session, pub));
}

void selftest_rsa_and_p384(CK_SESSION_HANDLE session)
{
    rsa_2048(session);
    rsa_2048_generated(session);
    p384_verify_known(session);
    p384_generated(session);
    printf("selftest-measure rsa_sign %lu p384_sign %lu rsa_keygen ", rsa_sign_instructions, p384_sign_instructions);
    selftest_print_wide(rsa_keygen_instructions);
    printf("\n");
}
