/* The TLS and provisioning flow of a FreeRTOS device (profiles freertos and
 * freertos-device): key pair generated on the device under the FreeRTOS
 * labels, ECDSA sign and verify, SHA-256, a certificate imported (twice:
 * a fixed-label store replaces), random numbers, the declared digest
 * deviation; then a reboot, and every object found again and usable. */
#include <stdio.h>
#include <string.h>

#include "p11_profile.h"
#include "pal_flash_sim.h"
#include "selftest.h"

static const char kPrivLabel[] = "Device Priv TLS Key";
static const char kPubLabel[] = "Device Pub TLS Key";
static const char kCertLabel[] = "Device Cert";

static unsigned long login_instructions;
static unsigned long sign_instructions; /* one ECDSA P-256 C_Sign (the TLS handshake's) */

static void sign_and_verify(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    const unsigned long instructions = selftest_sign_and_verify(session, priv, pub);
    if (sign_instructions == 0) {
        sign_instructions = instructions;
    }
}

/* SHA-256 of "abc" through C_DigestInit with this mechanism, then C_Digest. */
static void digest_abc_with(CK_SESSION_HANDLE session, CK_MECHANISM *sha256)
{
    unsigned char abc[] = {'a', 'b', 'c'};
    unsigned char digest[32];
    CK_ULONG digest_len = sizeof digest;
    EXPECT_OK(C_DigestInit(session, sha256));
    EXPECT_OK(C_Digest(session, abc, sizeof abc, digest, &digest_len));
    EXPECT_TRUE(digest_len == 32 && memcmp(digest, selftest_abc_sha256, 32) == 0);
}

static void digest_abc(CK_SESSION_HANDLE session)
{
    CK_MECHANISM sha256 = {CKM_SHA256, NULL, 0};
    digest_abc_with(session, &sha256);
}

/* What the profile declares (runtime/p11_profile.h): FreeRTOS's qualification
 * tests pass uninitialized parameters to C_DigestInit, which freertos-device
 * accepts (digest_ignores_parameters) and freertos refuses (v2.40). */
static void digest_with_junk_parameters(CK_SESSION_HANDLE session)
{
    unsigned char junk[8];
    memset(junk, 0xA5, sizeof junk);
    CK_MECHANISM sha256 = {CKM_SHA256, junk, sizeof junk};
    if (p11_active_profile.deviations & P11_DEVIATION_DIGEST_IGNORES_PARAMETERS) {
        digest_abc_with(session, &sha256);
    } else {
        EXPECT_RV(C_DigestInit(session, &sha256), CKR_MECHANISM_PARAM_INVALID);
    }
}

/* A second certificate under "Device Cert": a fixed-label store replaces
 * the first (as corePKCS11 does); a store of any label keeps both. */
static CK_OBJECT_HANDLE create_certificate(CK_SESSION_HANDLE session)
{
    CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE x509 = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_BYTE subject[] = {0x30, 0x00};
    CK_ATTRIBUTE cert_template[] = {
        {CKA_CLASS, &cert_class, sizeof cert_class},
        {CKA_CERTIFICATE_TYPE, &x509, sizeof x509},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, (void *)kCertLabel, sizeof kCertLabel - 1},
        {CKA_SUBJECT, subject, sizeof subject},
        {CKA_VALUE, (void *)selftest_certificate, selftest_certificate_len},
    };
    CK_OBJECT_HANDLE cert = CK_INVALID_HANDLE;
    EXPECT_OK(C_CreateObject(session, cert_template, 6, &cert));
    return cert;
}

static void provision(CK_SESSION_HANDLE session)
{
    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    /* DER OID of P-256 (secp256r1), as FreeRTOS passes it. */
    CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub_template[] = {
        {CKA_EC_PARAMS, p256, sizeof p256},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, (void *)kPubLabel, sizeof kPubLabel - 1},
    };
    CK_ATTRIBUTE priv_template[] = {
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_LABEL, (void *)kPrivLabel, sizeof kPrivLabel - 1},
    };
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    EXPECT_OK(C_GenerateKeyPair(session, &keygen, pub_template, 4, priv_template, 4, &pub, &priv));
    sign_and_verify(session, priv, pub);

    CK_OBJECT_HANDLE first_cert = create_certificate(session);
    CK_OBJECT_HANDLE cert = create_certificate(session);
    CK_ULONG count = 0;
    selftest_find(session, CKO_CERTIFICATE, kCertLabel, &count);
    if (p11_active_profile.pal_labels != NULL) {
        EXPECT_TRUE(count == 1); /* replaced */
        EXPECT_RV(C_DestroyObject(session, first_cert), CKR_OBJECT_HANDLE_INVALID);
    } else {
        EXPECT_TRUE(count == 2);
        EXPECT_OK(C_DestroyObject(session, first_cert));
    }
    EXPECT_TRUE(cert != CK_INVALID_HANDLE);

    unsigned char first[32] = {0};
    unsigned char second[32] = {0};
    EXPECT_OK(C_GenerateRandom(session, first, sizeof first));
    EXPECT_OK(C_GenerateRandom(session, second, sizeof second));
    EXPECT_TRUE(memcmp(first, second, sizeof first) != 0);
}

/* After the reboot: one object per label, the key pair still a pair, the
 * certificate's bytes unchanged. */
static void find_again(CK_SESSION_HANDLE session)
{
    CK_ULONG count = 0;
    CK_OBJECT_HANDLE priv = selftest_find(session, CKO_PRIVATE_KEY, kPrivLabel, &count);
    EXPECT_TRUE(count == 1);
    CK_OBJECT_HANDLE pub = selftest_find(session, CKO_PUBLIC_KEY, kPubLabel, &count);
    EXPECT_TRUE(count == 1);
    CK_OBJECT_HANDLE cert = selftest_find(session, CKO_CERTIFICATE, kCertLabel, &count);
    EXPECT_TRUE(count == 1);
    if (priv != CK_INVALID_HANDLE && pub != CK_INVALID_HANDLE) {
        sign_and_verify(session, priv, pub);
    }
    unsigned char value[1024];
    CK_ATTRIBUTE read = {CKA_VALUE, value, sizeof value};
    EXPECT_OK(C_GetAttributeValue(session, cert, &read, 1));
    EXPECT_TRUE(read.ulValueLen == selftest_certificate_len &&
                memcmp(value, selftest_certificate, selftest_certificate_len) == 0);
}

int selftest_run(void)
{
    EXPECT_TRUE(flash_sim_reset(NULL) == 0);
    selftest_heap_mark();
    CK_SESSION_HANDLE session = selftest_open_logged_in(&login_instructions);
    provision(session);
    digest_abc(session);
    digest_with_junk_parameters(session);
    selftest_rsa_and_p384(session);
    EXPECT_OK(C_Finalize(NULL));

    EXPECT_TRUE(selftest_reboot() == 0);
    session = selftest_open_logged_in(&login_instructions);
    find_again(session);
    EXPECT_OK(C_Finalize(NULL));
    /* The second login's: the first one also created the token key. */
    printf("selftest-measure login %lu sign %lu\n", login_instructions, sign_instructions);
    return selftest_failures();
}
