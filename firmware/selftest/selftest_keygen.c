/* The flow of a FreeRTOS device that makes its own TLS key pair (profile
 * freertos-keygen, the lean backend) on a fresh flash: log in with the
 * default PIN, generate the P-256 pair under FreeRTOS's labels (the private
 * value sealed under the device key), sign a handshake hash and verify it,
 * import the certificate the CA issued for it, make and destroy a session
 * pair and a second token pair, hash and draw random numbers; then a
 * reboot: the device pair found again and signing, the certificate's bytes
 * unchanged, the destroyed pair gone. The port's device key comes from the hardware
 * (its unique key); this image's is a fixed test key. */
#include <stdio.h>
#include <string.h>

#include "core_pkcs11_pal_device_key.h"
#include "pal_flash_sim.h"
#include "selftest.h"

static const char kPrivLabel[] = "Device Priv TLS Key";
static const char kPubLabel[] = "Device Pub TLS Key";
static const char kCertLabel[] = "Device Cert";
static const char kClaimPrivLabel[] = "Claim Priv Key";
static const char kClaimPubLabel[] = "Claim Pub Key";

static unsigned long login_instructions;
static unsigned long sign_instructions;   /* one ECDSA P-256 C_Sign (the TLS handshake's) */
static unsigned long keygen_instructions; /* one P-256 C_GenerateKeyPair, stored */

CK_RV PKCS11_PAL_GetDeviceKey(CK_BYTE_PTR key, CK_ULONG key_len)
{
    for (CK_ULONG i = 0; i < key_len; ++i) {
        key[i] = (CK_BYTE)(0x5a ^ i);
    }
    return CKR_OK;
}

static void sign_and_verify(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    const unsigned long instructions = selftest_sign_and_verify(session, priv, pub);
    if (sign_instructions == 0) {
        sign_instructions = instructions;
    }
}

/* A P-256 pair under the two labels, token or session objects. */
static CK_RV generate(CK_SESSION_HANDLE session, const char *pub_label, const char *priv_label, CK_BBOOL token,
                      CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    /* DER OID of P-256 (secp256r1), as FreeRTOS passes it. */
    CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE pub_template[] = {
        {CKA_EC_PARAMS, p256, sizeof p256},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_TOKEN, &token, sizeof token},
        {CKA_LABEL, (void *)pub_label, strlen(pub_label)},
    };
    CK_ATTRIBUTE priv_template[] = {
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_TOKEN, &token, sizeof token},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_LABEL, (void *)priv_label, strlen(priv_label)},
    };
    return C_GenerateKeyPair(session, &keygen, pub_template, 4, priv_template, 4, pub, priv);
}

static void import_certificate(CK_SESSION_HANDLE session)
{
    CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE x509 = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE cert_template[] = {
        {CKA_CLASS, &cert_class, sizeof cert_class},
        {CKA_CERTIFICATE_TYPE, &x509, sizeof x509},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, (void *)kCertLabel, sizeof kCertLabel - 1},
        {CKA_VALUE, (void *)selftest_certificate, selftest_certificate_len},
    };
    CK_OBJECT_HANDLE cert = CK_INVALID_HANDLE;
    EXPECT_OK(C_CreateObject(session, cert_template, 5, &cert));
    /* A truncated certificate is no certificate. */
    cert_template[4].ulValueLen = selftest_certificate_len - 1;
    CK_OBJECT_HANDLE bad = CK_INVALID_HANDLE;
    EXPECT_RV(C_CreateObject(session, cert_template, 5, &bad), CKR_ATTRIBUTE_VALUE_INVALID);
}

static void provision(CK_SESSION_HANDLE session)
{
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    selftest_count_start();
    EXPECT_OK(generate(session, kPubLabel, kPrivLabel, CK_TRUE, &pub, &priv));
    keygen_instructions = selftest_count_instructions();
    sign_and_verify(session, priv, pub);
    import_certificate(session);

    /* A session pair: signs, and goes when destroyed. */
    CK_OBJECT_HANDLE session_pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE session_priv = CK_INVALID_HANDLE;
    EXPECT_OK(generate(session, "ephemeral pub", "ephemeral priv", CK_FALSE, &session_pub, &session_priv));
    sign_and_verify(session, session_priv, session_pub);
    EXPECT_OK(C_DestroyObject(session, session_priv));
    EXPECT_RV(C_DestroyObject(session, session_priv), CKR_OBJECT_HANDLE_INVALID);

    /* A second token pair, its private half destroyed before the reboot. */
    CK_OBJECT_HANDLE claim_pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE claim_priv = CK_INVALID_HANDLE;
    EXPECT_OK(generate(session, kClaimPubLabel, kClaimPrivLabel, CK_TRUE, &claim_pub, &claim_priv));
    EXPECT_OK(C_DestroyObject(session, claim_priv));

    CK_MECHANISM sha256 = {CKM_SHA256, NULL, 0};
    unsigned char abc[] = {'a', 'b', 'c'};
    unsigned char digest[32];
    CK_ULONG digest_len = sizeof digest;
    EXPECT_OK(C_DigestInit(session, &sha256));
    EXPECT_OK(C_Digest(session, abc, sizeof abc, digest, &digest_len));
    EXPECT_TRUE(digest_len == 32 && memcmp(digest, selftest_abc_sha256, 32) == 0);

    unsigned char first[32] = {0};
    unsigned char second[32] = {0};
    EXPECT_OK(C_GenerateRandom(session, first, sizeof first));
    EXPECT_OK(C_GenerateRandom(session, second, sizeof second));
    EXPECT_TRUE(memcmp(first, second, sizeof first) != 0);
}

static void find_again(CK_SESSION_HANDLE session)
{
    CK_ULONG count = 0;
    CK_OBJECT_HANDLE priv = selftest_find(session, CKO_PRIVATE_KEY, kPrivLabel, &count);
    EXPECT_TRUE(count == 1);
    CK_OBJECT_HANDLE pub = selftest_find(session, CKO_PUBLIC_KEY, kPubLabel, &count);
    EXPECT_TRUE(count == 1);
    if (priv != CK_INVALID_HANDLE && pub != CK_INVALID_HANDLE) {
        sign_and_verify(session, priv, pub);
    }
    CK_OBJECT_HANDLE cert = selftest_find(session, CKO_CERTIFICATE, kCertLabel, &count);
    EXPECT_TRUE(count == 1);
    unsigned char value[1024];
    CK_ATTRIBUTE read = {CKA_VALUE, value, sizeof value};
    EXPECT_OK(C_GetAttributeValue(session, cert, &read, 1));
    EXPECT_TRUE(read.ulValueLen == selftest_certificate_len &&
                memcmp(value, selftest_certificate, selftest_certificate_len) == 0);
    (void)selftest_find(session, CKO_PRIVATE_KEY, kClaimPrivLabel, &count);
    EXPECT_TRUE(count == 0); /* destroyed before the reboot */
    (void)selftest_find(session, CKO_PUBLIC_KEY, kClaimPubLabel, &count);
    EXPECT_TRUE(count == 1);
    (void)selftest_find(session, CKO_PUBLIC_KEY, "ephemeral pub", &count);
    EXPECT_TRUE(count == 0); /* a session object */
}

int selftest_run(void)
{
    EXPECT_TRUE(flash_sim_reset(NULL) == 0);
    selftest_heap_mark();
    CK_SESSION_HANDLE session = selftest_open_logged_in(&login_instructions);
    provision(session);
    EXPECT_OK(C_Finalize(NULL));

    EXPECT_TRUE(selftest_reboot() == 0);
    session = selftest_open_logged_in(&login_instructions);
    find_again(session);
    EXPECT_OK(C_Finalize(NULL));
    printf("selftest-measure login %lu sign %lu keygen %lu\n", login_instructions, sign_instructions,
           keygen_instructions);
    return selftest_failures();
}
