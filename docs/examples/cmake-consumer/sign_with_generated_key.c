/* Links p11forge's freertos token into the program (no module loading):
 * logs in with the profile's default user PIN, generates an EC P-256 key
 * pair as session objects, signs a message with CKM_ECDSA_SHA256 and
 * verifies the signature. Exit 0 when the signature verifies. */
#include <stdio.h>
#include <string.h>

#include "pkcs11.h"

static int check(CK_RV rv, const char *call)
{
    if (rv != CKR_OK) {
        fprintf(stderr, "%s returned 0x%lx\n", call, (unsigned long)rv);
        return 0;
    }
    return 1;
}

int main(void)
{
    CK_FUNCTION_LIST_PTR p11 = NULL;
    if (!check(C_GetFunctionList(&p11), "C_GetFunctionList") || !check(p11->C_Initialize(NULL), "C_Initialize")) {
        return 1;
    }
    CK_SLOT_ID slot = 0;
    CK_ULONG slots = 1;
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_UTF8CHAR pin[] = "0000"; /* the freertos profile's default user PIN */
    int ok = check(p11->C_GetSlotList(CK_TRUE, &slot, &slots), "C_GetSlotList") &&
             check(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session),
                   "C_OpenSession") &&
             check(p11->C_Login(session, CKU_USER, pin, sizeof pin - 1), "C_Login");

    CK_BYTE p256[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE public_template[] = {{CKA_EC_PARAMS, p256, sizeof p256}, {CKA_VERIFY, &yes, sizeof yes}};
    CK_ATTRIBUTE private_template[] = {{CKA_SIGN, &yes, sizeof yes}};
    CK_MECHANISM keygen = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE, private_key = CK_INVALID_HANDLE;
    ok = ok && check(p11->C_GenerateKeyPair(session, &keygen, public_template, 2, private_template, 1, &public_key,
                                            &private_key),
                     "C_GenerateKeyPair");

    CK_BYTE message[] = "firmware image 1.2.3";
    CK_BYTE signature[64];
    CK_ULONG signature_len = sizeof signature;
    CK_MECHANISM ecdsa = {CKM_ECDSA_SHA256, NULL, 0};
    ok = ok && check(p11->C_SignInit(session, &ecdsa, private_key), "C_SignInit") &&
         check(p11->C_Sign(session, message, sizeof message - 1, signature, &signature_len), "C_Sign") &&
         check(p11->C_VerifyInit(session, &ecdsa, public_key), "C_VerifyInit") &&
         check(p11->C_Verify(session, message, sizeof message - 1, signature, signature_len), "C_Verify");
    if (ok) {
        printf("signed and verified: %lu-byte ECDSA P-256 signature\n", (unsigned long)signature_len);
    }
    p11->C_Finalize(NULL);
    return ok ? 0 : 1;
}
