/* The TLS flow of a FreeRTOS device provisioned at the factory (profile
 * freertos-tls, the lean backend): the device key pair and certificate were
 * made on the build machine (64 bits) by the freertos module into a flash
 * image (firmware/host/provision_flash_image.c), the private value sealed
 * under the device key. The device (32 bits) finds them after its login,
 * signs a handshake hash with the private key (raw ECDSA, as FreeRTOS's TLS
 * glue does, and ECDSA-SHA256 in parts), checks each signature with the
 * public key, draws random numbers, reads its certificate and verifies the
 * OTA image signed on the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash_device.h"
#include "pal_flash_sim.h"
#include "selftest.h"

static const char kPrivLabel[] = "Device Priv TLS Key";
static const char kPubLabel[] = "Device Pub TLS Key";
static const char kCertLabel[] = "Device Cert";
static const char kVerifyLabel[] = "Code Verify Key";

/* Raw ECDSA over a handshake hash: the signature verifies with the public
 * key (a changed bit does not), and a second one differs (a fresh nonce). */
static unsigned long sign_hash(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
    unsigned char signature[64];
    unsigned char again[64];
    CK_ULONG len = 0;
    EXPECT_OK(C_SignInit(session, &ecdsa, priv));
    EXPECT_OK(C_Sign(session, (CK_BYTE_PTR)selftest_abc_sha256, 32, NULL, &len)); /* the length only */
    EXPECT_TRUE(len == 64);
    selftest_count_start();
    EXPECT_OK(C_Sign(session, (CK_BYTE_PTR)selftest_abc_sha256, 32, signature, &len));
    const unsigned long instructions = selftest_count_instructions();
    EXPECT_VERIFIES(session, CKM_ECDSA, pub, selftest_abc_sha256, 32, signature, len, 40);
    EXPECT_OK(C_SignInit(session, &ecdsa, priv));
    EXPECT_OK(C_Sign(session, (CK_BYTE_PTR)selftest_abc_sha256, 32, again, &len));
    EXPECT_TRUE(memcmp(signature, again, sizeof again) != 0);
    return instructions;
}

/* ECDSA-SHA256 over "abc" fed in two parts verifies as the whole. */
static void sign_in_parts(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    CK_MECHANISM ecdsa_sha256 = {CKM_ECDSA_SHA256, NULL, 0};
    unsigned char abc[] = {'a', 'b', 'c'};
    unsigned char signature[64];
    CK_ULONG len = sizeof signature;
    EXPECT_OK(C_SignInit(session, &ecdsa_sha256, priv));
    EXPECT_OK(C_SignUpdate(session, abc, 1));
    EXPECT_OK(C_SignUpdate(session, abc + 1, 2));
    EXPECT_OK(C_SignFinal(session, signature, &len));
    EXPECT_VERIFIES(session, CKM_ECDSA_SHA256, pub, abc, sizeof abc, signature, len, 63);
}

/* What the device must refuse: signing with the public key, or with the
 * private one before the login shows it. */
static void refusals(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE priv, CK_OBJECT_HANDLE pub)
{
    CK_MECHANISM ecdsa = {CKM_ECDSA, NULL, 0};
    EXPECT_RV(C_SignInit(session, &ecdsa, pub), CKR_KEY_TYPE_INCONSISTENT);
    EXPECT_OK(C_Logout(session));
    EXPECT_RV(C_SignInit(session, &ecdsa, priv), CKR_KEY_HANDLE_INVALID);
}

static void random_draws(CK_SESSION_HANDLE session)
{
    unsigned char first[48] = {0};
    unsigned char second[48] = {0};
    EXPECT_OK(C_SeedRandom(session, (CK_BYTE_PTR) "device", 6));
    EXPECT_OK(C_GenerateRandom(session, first, sizeof first));
    EXPECT_OK(C_GenerateRandom(session, second, sizeof second));
    EXPECT_TRUE(memcmp(first, second, sizeof first) != 0);
}

static void read_certificate(CK_SESSION_HANDLE session)
{
    CK_ULONG count = 0;
    CK_OBJECT_HANDLE cert = selftest_find(session, CKO_CERTIFICATE, kCertLabel, &count);
    EXPECT_TRUE(count == 1);
    unsigned char value[1024];
    CK_ATTRIBUTE read = {CKA_VALUE, value, sizeof value};
    EXPECT_OK(C_GetAttributeValue(session, cert, &read, 1));
    EXPECT_TRUE(read.ulValueLen == selftest_certificate_len &&
                memcmp(value, selftest_certificate, selftest_certificate_len) == 0);
}

static void verify_image(CK_SESSION_HANDLE session, const unsigned char *image, size_t image_len,
                         const unsigned char *signature, size_t signature_len)
{
    CK_ULONG count = 0;
    CK_OBJECT_HANDLE key = selftest_find(session, CKO_PUBLIC_KEY, kVerifyLabel, &count);
    EXPECT_TRUE(count == 1);
    EXPECT_VERIFIES(session, CKM_ECDSA_SHA256, key, image, image_len, signature, signature_len, 5);
}

int selftest_run(void)
{
    size_t flash_len = 0, image_len = 0, signature_len = 0;
    unsigned char *flash = selftest_read_file("tls-provisioned/store.flash", &flash_len);
    unsigned char *image = selftest_read_file("tls-provisioned/image.bin", &image_len);
    unsigned char *signature = selftest_read_file("tls-provisioned/image.sig", &signature_len);
    if (!EXPECT_TRUE(flash != NULL && image != NULL && signature != NULL)) {
        return selftest_failures();
    }
    EXPECT_TRUE(flash_sim_reset(NULL) == 0);
    EXPECT_TRUE(flash_len == flash_sim_image_size() && flash_sim_image_load(flash, flash_len) == FLASH_OK);
    selftest_heap_mark();

    CK_SLOT_ID slot = 0;
    CK_ULONG slot_count = 1;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    static const CK_UTF8CHAR kUserPin[] = "0000";
    EXPECT_OK(C_Initialize(NULL));
    EXPECT_OK(C_GetSlotList(CK_TRUE, &slot, &slot_count));
    EXPECT_OK(C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &session));
    selftest_count_start();
    EXPECT_OK(C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)kUserPin, sizeof kUserPin - 1));
    const unsigned long login_instructions = selftest_count_instructions();

    CK_ULONG count = 0;
    CK_OBJECT_HANDLE priv = selftest_find(session, CKO_PRIVATE_KEY, kPrivLabel, &count);
    EXPECT_TRUE(count == 1);
    CK_OBJECT_HANDLE pub = selftest_find(session, CKO_PUBLIC_KEY, kPubLabel, &count);
    EXPECT_TRUE(count == 1);
    const unsigned long sign_instructions = sign_hash(session, priv, pub);
    sign_in_parts(session, priv, pub);
    random_draws(session);
    read_certificate(session);
    verify_image(session, image, image_len, signature, signature_len);
    refusals(session, priv, pub);
    EXPECT_OK(C_Finalize(NULL));
    printf("selftest-measure login %lu sign %lu\n", login_instructions, sign_instructions);

    free(flash);
    free(image);
    free(signature);
    return selftest_failures();
}
