/* The OTA flow of a FreeRTOS device (profile freertos-ota): the code-verify
 * key was provisioned on the build machine (a 64-bit host) into a flash
 * image (firmware/host/provision_flash_image.c); the device (32 bits) reads
 * that store, verifies an image signed on the host and rejects tampered
 * copies, and verifies OpenSSL's RSA-2048 signature of "abc" with the RSA
 * key provisioned beside it (known_answers.h). Files come from the build machine by semihosting, from the test's
 * working folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash_device.h"
#include "known_answers.h"
#include "pal_flash_sim.h"
#include "selftest.h"

static const char kVerifyLabel[] = "Code Verify Key";
static const char kSignLabel[] = "Code Sign Key";
static const char kRsaVerifyLabel[] = "Code Verify Key RSA";

/* RSA-2048, SHA-256, PKCS #1 v1.5: OpenSSL's signature of "abc" verifies, a
 * copy with one bit changed does not. */
static void verify_rsa(CK_SESSION_HANDLE session)
{
    CK_ULONG count = 0;
    CK_OBJECT_HANDLE key = selftest_find(session, CKO_PUBLIC_KEY, kRsaVerifyLabel, &count);
    EXPECT_TRUE(count == 1);
    const unsigned char abc[] = {'a', 'b', 'c'};
    EXPECT_VERIFIES(session, CKM_SHA256_RSA_PKCS, key, abc, sizeof abc, known_rsa_signature_abc,
                    sizeof known_rsa_signature_abc, 200);
}

static CK_RV verify(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key, unsigned char *image, size_t image_len,
                  unsigned char *signature, size_t signature_len)
{
    CK_MECHANISM ecdsa_sha256 = {CKM_ECDSA_SHA256, NULL, 0};
    CK_RV rv = C_VerifyInit(session, &ecdsa_sha256, key);
    return rv != CKR_OK ? rv : C_Verify(session, image, image_len, signature, signature_len);
}

int selftest_run(void)
{
    size_t flash_len = 0, image_len = 0, signature_len = 0, digest_len = 0;
    unsigned char *flash = selftest_read_file("ota-provisioned/store.flash", &flash_len);
    unsigned char *image = selftest_read_file("ota-provisioned/image.bin", &image_len);
    unsigned char *signature = selftest_read_file("ota-provisioned/image.sig", &signature_len);
    unsigned char *host_digest = selftest_read_file("ota-provisioned/image.sha256", &digest_len);
    if (!EXPECT_TRUE(flash != NULL && image != NULL && signature != NULL && host_digest != NULL)) {
        return selftest_failures();
    }
    EXPECT_TRUE(flash_sim_reset(NULL) == 0);
    EXPECT_TRUE(flash_len == flash_sim_image_size() && flash_sim_image_load(flash, flash_len) == FLASH_OK);
    selftest_heap_mark();

    CK_SLOT_ID slot = 0;
    CK_ULONG slot_count = 1;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    EXPECT_OK(C_Initialize(NULL));
    EXPECT_OK(C_GetSlotList(CK_TRUE, &slot, &slot_count));
    EXPECT_OK(C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &session));
    /* FreeRTOS's OTA agent logs in at session set-up. A wrong PIN first: the
     * count is written to the flash and reset by the good one. */
    static const CK_UTF8CHAR kWrongPin[] = "1234";
    static const CK_UTF8CHAR kUserPin[] = "0000";
    EXPECT_RV(C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)kWrongPin, sizeof kWrongPin - 1), CKR_PIN_INCORRECT);
    selftest_count_start();
    EXPECT_OK(C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)kUserPin, sizeof kUserPin - 1));
    const unsigned long login_instructions = selftest_count_instructions();
    CK_TOKEN_INFO info;
    EXPECT_OK(C_GetTokenInfo(slot, &info));
    EXPECT_TRUE((info.flags & CKF_USER_PIN_COUNT_LOW) == 0);

    CK_ULONG count = 0;
    CK_OBJECT_HANDLE key = selftest_find(session, CKO_PUBLIC_KEY, kVerifyLabel, &count);
    EXPECT_TRUE(count == 1);
    selftest_find(session, CKO_PRIVATE_KEY, kSignLabel, &count);
    EXPECT_TRUE(count == 0); /* destroyed on the host before the image was saved */

    EXPECT_RV(verify(session, key, image, image_len, signature, signature_len), CKR_OK);
    image[image_len / 2] ^= 0x80;
    EXPECT_RV(verify(session, key, image, image_len, signature, signature_len), CKR_SIGNATURE_INVALID);
    image[image_len / 2] ^= 0x80;
    signature[signature_len - 1] ^= 0x01;
    EXPECT_RV(verify(session, key, image, image_len, signature, signature_len), CKR_SIGNATURE_INVALID);
    signature[signature_len - 1] ^= 0x01;

    verify_rsa(session);

    CK_MECHANISM sha256 = {CKM_SHA256, NULL, 0};
    unsigned char digest[32];
    CK_ULONG len = sizeof digest;
    EXPECT_OK(C_DigestInit(session, &sha256));
    EXPECT_OK(C_Digest(session, image, image_len, digest, &len));
    EXPECT_TRUE(digest_len == 32 && len == 32 && memcmp(digest, host_digest, 32) == 0);
    EXPECT_OK(C_Finalize(NULL));
    printf("selftest-measure login %lu\n", login_instructions);

    free(flash);
    free(image);
    free(signature);
    free(host_digest);
    return selftest_failures();
}
