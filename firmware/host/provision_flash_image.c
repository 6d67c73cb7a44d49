/* The build machine's half of the OTA and TLS self-tests: provisions a
 * code-verify key into a simulated flash store the way a factory or the
 * freertos-ota flow does (a key pair made by the freertos module, its public
 * half imported as "Code Verify Key" with C_CreateObject, the pair
 * destroyed), signs an image with it, imports the RSA-2048 public key of
 * ../selftest/known_answers.h as "Code Verify Key RSA" (OpenSSL's signature
 * of "abc" must verify here and on the device); for freertos-tls, a device
 * key pair that stays ("Device Priv TLS Key", its private value sealed under
 * the device key, and "Device Pub TLS Key") and the device's certificate
 * ("Device Cert"). It writes what the device reads:
 *   <out>/store.flash   the whole flash (pal/flash_sim)
 *   <out>/image.bin     the image; <out>/image.sig its ECDSA-SHA256 signature (r || s)
 *   <out>/image.sha256  its SHA-256
 * Built for the build machine (64 bits), read by the 32-bit device image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash_device.h"
#include "known_answers.h"
#include "pal_flash_sim.h"
#include "pkcs11.h"
#include "selftest.h"

#define CHECK(call)                                                                                                    \
    do {                                                                                                               \
        CK_RV rv_ = (call);                                                                                            \
        if (rv_ != CKR_OK) {                                                                                           \
            fprintf(stderr, "provision_flash_image: %s: 0x%lx\n", #call, (unsigned long)rv_);                         \
            exit(1);                                                                                                   \
        }                                                                                                              \
    } while (0)

static void write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen(path, "wb");
    if (file == NULL || fwrite(data, 1, len, file) != len || fclose(file) != 0) {
        fprintf(stderr, "provision_flash_image: cannot write %s\n", path);
        exit(1);
    }
}

/* What a factory leaves on a TLS device: its key pair and certificate. */
static void provision_tls(CK_SESSION_HANDLE session)
{
    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    const char priv_label[] = "Device Priv TLS Key";
    const char pub_label[] = "Device Pub TLS Key";
    CK_ATTRIBUTE pub_template[] = {{CKA_EC_PARAMS, p256, sizeof p256},
                                   {CKA_VERIFY, &yes, sizeof yes},
                                   {CKA_TOKEN, &yes, sizeof yes},
                                   {CKA_LABEL, (void *)pub_label, sizeof pub_label - 1}};
    CK_ATTRIBUTE priv_template[] = {{CKA_SIGN, &yes, sizeof yes},
                                    {CKA_TOKEN, &yes, sizeof yes},
                                    {CKA_PRIVATE, &yes, sizeof yes},
                                    {CKA_SENSITIVE, &yes, sizeof yes},
                                    {CKA_LABEL, (void *)priv_label, sizeof priv_label - 1}};
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    CHECK(C_GenerateKeyPair(session, &keygen, pub_template, 4, priv_template, 5, &pub, &priv));

    const char cert_label[] = "Device Cert";
    CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE x509 = CKC_X_509;
    CK_BYTE subject[] = {0x30, 0x00};
    CK_ATTRIBUTE cert_template[] = {
        {CKA_CLASS, &cert_class, sizeof cert_class},
        {CKA_CERTIFICATE_TYPE, &x509, sizeof x509},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, (void *)cert_label, sizeof cert_label - 1},
        {CKA_SUBJECT, subject, sizeof subject},
        {CKA_VALUE, (void *)selftest_certificate, selftest_certificate_len},
    };
    CK_OBJECT_HANDLE cert = CK_INVALID_HANDLE;
    CHECK(C_CreateObject(session, cert_template, 6, &cert));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s <output folder>\n", argv[0]);
        return 2;
    }
    /* A stand-in image: 5000 bytes, with a zero byte at the end. */
    unsigned char image[5000];
    for (size_t i = 0; i < sizeof image; i++) {
        image[i] = (unsigned char)(i * 7 + i / 251);
    }
    image[sizeof image - 1] = 0;

    if (flash_sim_reset(NULL) != 0) {
        fprintf(stderr, "provision_flash_image: no flash\n");
        return 1;
    }
    CK_SLOT_ID slot = 0;
    CK_ULONG slot_count = 1;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_UTF8CHAR pin[] = "0000";
    CHECK(C_Initialize(NULL));
    CHECK(C_GetSlotList(CK_TRUE, &slot, &slot_count));
    CHECK(C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session));
    CHECK(C_Login(session, CKU_USER, pin, 4));

    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_BBOOL no = CK_FALSE;
    const char sign_label[] = "Code Sign Key";
    CK_ATTRIBUTE pub_template[] = {{CKA_EC_PARAMS, p256, sizeof p256}, {CKA_TOKEN, &no, sizeof no}};
    CK_ATTRIBUTE priv_template[] = {
        {CKA_SIGN, &yes, sizeof yes}, {CKA_TOKEN, &yes, sizeof yes}, {CKA_LABEL, (void *)sign_label, sizeof sign_label - 1}};
    CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    CHECK(C_GenerateKeyPair(session, &keygen, pub_template, 2, priv_template, 3, &pub, &priv));

    CK_BYTE point[200];
    CK_ATTRIBUTE point_attr = {CKA_EC_POINT, point, sizeof point};
    CHECK(C_GetAttributeValue(session, pub, &point_attr, 1));
    CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY;
    CK_KEY_TYPE ec = CKK_EC;
    const char verify_label[] = "Code Verify Key";
    CK_ATTRIBUTE import[] = {
        {CKA_CLASS, &pub_class, sizeof pub_class},
        {CKA_KEY_TYPE, &ec, sizeof ec},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_LABEL, (void *)verify_label, sizeof verify_label - 1},
        {CKA_EC_PARAMS, p256, sizeof p256},
        {CKA_EC_POINT, point, point_attr.ulValueLen},
    };
    CK_OBJECT_HANDLE verify_key = CK_INVALID_HANDLE;
    CHECK(C_CreateObject(session, import, 7, &verify_key));

    CK_MECHANISM ecdsa_sha256 = {CKM_ECDSA_SHA256, NULL, 0};
    unsigned char signature[64];
    CK_ULONG signature_len = sizeof signature;
    CHECK(C_SignInit(session, &ecdsa_sha256, priv));
    CHECK(C_Sign(session, image, sizeof image, signature, &signature_len));
    CHECK(C_VerifyInit(session, &ecdsa_sha256, verify_key));
    CHECK(C_Verify(session, image, sizeof image, signature, signature_len));

    CK_KEY_TYPE rsa = CKK_RSA;
    CK_BYTE exponent[] = {0x01, 0x00, 0x01};
    const char rsa_label[] = "Code Verify Key RSA";
    CK_ATTRIBUTE rsa_import[] = {
        {CKA_CLASS, &pub_class, sizeof pub_class},
        {CKA_KEY_TYPE, &rsa, sizeof rsa},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_VERIFY, &yes, sizeof yes},
        {CKA_LABEL, (void *)rsa_label, sizeof rsa_label - 1},
        {CKA_MODULUS, (void *)known_rsa_modulus, sizeof known_rsa_modulus},
        {CKA_PUBLIC_EXPONENT, exponent, sizeof exponent},
    };
    CK_OBJECT_HANDLE rsa_key = CK_INVALID_HANDLE;
    CHECK(C_CreateObject(session, rsa_import, 7, &rsa_key));
    CK_MECHANISM sha256_rsa = {CKM_SHA256_RSA_PKCS, NULL, 0};
    unsigned char abc[] = {'a', 'b', 'c'};
    unsigned char rsa_signature[sizeof known_rsa_signature_abc];
    memcpy(rsa_signature, known_rsa_signature_abc, sizeof rsa_signature);
    CHECK(C_VerifyInit(session, &sha256_rsa, rsa_key));
    CHECK(C_Verify(session, abc, sizeof abc, rsa_signature, sizeof rsa_signature));

    CK_MECHANISM sha256 = {CKM_SHA256, NULL, 0};
    unsigned char digest[32];
    CK_ULONG digest_len = sizeof digest;
    CHECK(C_DigestInit(session, &sha256));
    CHECK(C_Digest(session, image, sizeof image, digest, &digest_len));

    CHECK(C_DestroyObject(session, priv));
    CHECK(C_DestroyObject(session, pub));
    provision_tls(session);
    CHECK(C_Finalize(NULL));

    size_t flash_len = flash_sim_image_size();
    unsigned char *flash = malloc(flash_len);
    if (flash == NULL || flash_sim_image_save(flash, flash_len) != FLASH_OK) {
        fprintf(stderr, "provision_flash_image: cannot read the flash\n");
        return 1;
    }
    write_file(argv[1], "store.flash", flash, flash_len);
    write_file(argv[1], "image.bin", image, sizeof image);
    write_file(argv[1], "image.sig", signature, signature_len);
    write_file(argv[1], "image.sha256", digest, digest_len);
    free(flash);
    printf("provisioned %s: %zu bytes of flash, a %zu-byte image and its signature\n", argv[1], flash_len,
           sizeof image);
    return 0;
}
