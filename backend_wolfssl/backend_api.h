/* The backend's side of the entry-point contract: one p11be_ function per
 * PKCS #11 function except C_GetFunctionList (67 in all), with the session
 * handle replaced by the session the entry point already acquired. The
 * generated generated/<profile>/p11_backend.h declares the same prototypes
 * for a profile's subset; this private copy declares all of them so the
 * backend compiles on its own. */
#ifndef P11_BACKEND_API_H
#define P11_BACKEND_API_H

#include "p11_backend_core.h"
#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

/* General purpose */
CK_RV p11be_C_Initialize(CK_VOID_PTR pInitArgs);
CK_RV p11be_C_Finalize(CK_VOID_PTR pReserved);
CK_RV p11be_C_GetInfo(CK_INFO_PTR pInfo);

/* Slots and tokens */
CK_RV p11be_C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount);
CK_RV p11be_C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo);
CK_RV p11be_C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo);
CK_RV p11be_C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved);
CK_RV p11be_C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList,
                               CK_ULONG_PTR pulCount);
CK_RV p11be_C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type,
                               CK_MECHANISM_INFO_PTR pInfo);
CK_RV p11be_C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
                        CK_UTF8CHAR_PTR pLabel);
CK_RV p11be_C_InitPIN(p11_session *session, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen);
CK_RV p11be_C_SetPIN(p11_session *session, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen,
                     CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen);

/* Sessions */
CK_RV p11be_C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication,
                          CK_NOTIFY Notify, CK_SESSION_HANDLE_PTR phSession);
CK_RV p11be_C_CloseSession(p11_session *session);
CK_RV p11be_C_CloseAllSessions(CK_SLOT_ID slotID);
CK_RV p11be_C_GetSessionInfo(p11_session *session, CK_SESSION_INFO_PTR pInfo);
CK_RV p11be_C_GetOperationState(p11_session *session, CK_BYTE_PTR pOperationState,
                                CK_ULONG_PTR pulOperationStateLen);
CK_RV p11be_C_SetOperationState(p11_session *session, CK_BYTE_PTR pOperationState,
                                CK_ULONG ulOperationStateLen, CK_OBJECT_HANDLE hEncryptionKey,
                                CK_OBJECT_HANDLE hAuthenticationKey);
CK_RV p11be_C_Login(p11_session *session, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin,
                    CK_ULONG ulPinLen);
CK_RV p11be_C_Logout(p11_session *session);

/* Objects */
CK_RV p11be_C_CreateObject(p11_session *session, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                           CK_OBJECT_HANDLE_PTR phObject);
CK_RV p11be_C_CopyObject(p11_session *session, CK_OBJECT_HANDLE hObject,
                         CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount,
                         CK_OBJECT_HANDLE_PTR phNewObject);
CK_RV p11be_C_DestroyObject(p11_session *session, CK_OBJECT_HANDLE hObject);
CK_RV p11be_C_GetObjectSize(p11_session *session, CK_OBJECT_HANDLE hObject, CK_ULONG_PTR pulSize);
CK_RV p11be_C_GetAttributeValue(p11_session *session, CK_OBJECT_HANDLE hObject,
                                CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount);
CK_RV p11be_C_SetAttributeValue(p11_session *session, CK_OBJECT_HANDLE hObject,
                                CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount);
CK_RV p11be_C_FindObjectsInit(p11_session *session, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount);
CK_RV p11be_C_FindObjects(p11_session *session, CK_OBJECT_HANDLE_PTR phObject,
                          CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount);
CK_RV p11be_C_FindObjectsFinal(p11_session *session);

/* Encryption and decryption */
CK_RV p11be_C_EncryptInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_Encrypt(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                      CK_BYTE_PTR pEncryptedData, CK_ULONG_PTR pulEncryptedDataLen);
CK_RV p11be_C_EncryptUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                            CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen);
CK_RV p11be_C_EncryptFinal(p11_session *session, CK_BYTE_PTR pLastEncryptedPart,
                           CK_ULONG_PTR pulLastEncryptedPartLen);
CK_RV p11be_C_DecryptInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_Decrypt(p11_session *session, CK_BYTE_PTR pEncryptedData, CK_ULONG ulEncryptedDataLen,
                      CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen);
CK_RV p11be_C_DecryptUpdate(p11_session *session, CK_BYTE_PTR pEncryptedPart,
                            CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
                            CK_ULONG_PTR pulPartLen);
CK_RV p11be_C_DecryptFinal(p11_session *session, CK_BYTE_PTR pLastPart, CK_ULONG_PTR pulLastPartLen);

/* Message digesting */
CK_RV p11be_C_DigestInit(p11_session *session, CK_MECHANISM_PTR pMechanism);
CK_RV p11be_C_Digest(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                     CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen);
CK_RV p11be_C_DigestUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen);
CK_RV p11be_C_DigestKey(p11_session *session, CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_DigestFinal(p11_session *session, CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen);

/* Signing and MACing, verification */
CK_RV p11be_C_SignInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_Sign(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                   CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen);
CK_RV p11be_C_SignUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen);
CK_RV p11be_C_SignFinal(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen);
CK_RV p11be_C_SignRecoverInit(p11_session *session, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_SignRecover(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                          CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen);
CK_RV p11be_C_VerifyInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_Verify(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                     CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen);
CK_RV p11be_C_VerifyUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen);
CK_RV p11be_C_VerifyFinal(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen);
CK_RV p11be_C_VerifyRecoverInit(p11_session *session, CK_MECHANISM_PTR pMechanism,
                                CK_OBJECT_HANDLE hKey);
CK_RV p11be_C_VerifyRecover(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen,
                            CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen);

/* Dual-function cryptographic operations */
CK_RV p11be_C_DigestEncryptUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                                  CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen);
CK_RV p11be_C_DecryptDigestUpdate(p11_session *session, CK_BYTE_PTR pEncryptedPart,
                                  CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
                                  CK_ULONG_PTR pulPartLen);
CK_RV p11be_C_SignEncryptUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                                CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen);
CK_RV p11be_C_DecryptVerifyUpdate(p11_session *session, CK_BYTE_PTR pEncryptedPart,
                                  CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
                                  CK_ULONG_PTR pulPartLen);

/* Key management */
CK_RV p11be_C_GenerateKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                          CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey);
CK_RV p11be_C_GenerateKeyPair(p11_session *session, CK_MECHANISM_PTR pMechanism,
                              CK_ATTRIBUTE_PTR pPublicKeyTemplate, CK_ULONG ulPublicKeyAttributeCount,
                              CK_ATTRIBUTE_PTR pPrivateKeyTemplate,
                              CK_ULONG ulPrivateKeyAttributeCount, CK_OBJECT_HANDLE_PTR phPublicKey,
                              CK_OBJECT_HANDLE_PTR phPrivateKey);
CK_RV p11be_C_WrapKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                      CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey,
                      CK_ULONG_PTR pulWrappedKeyLen);
CK_RV p11be_C_UnwrapKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                        CK_OBJECT_HANDLE hUnwrappingKey, CK_BYTE_PTR pWrappedKey,
                        CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey);
CK_RV p11be_C_DeriveKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                        CK_OBJECT_HANDLE hBaseKey, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey);

/* Random number generation */
CK_RV p11be_C_SeedRandom(p11_session *session, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen);
CK_RV p11be_C_GenerateRandom(p11_session *session, CK_BYTE_PTR pRandomData, CK_ULONG ulRandomLen);

/* Parallel function management (legacy) */
CK_RV p11be_C_GetFunctionStatus(p11_session *session);
CK_RV p11be_C_CancelFunction(p11_session *session);

#ifdef __cplusplus
}
#endif

#endif /* P11_BACKEND_API_H */
