/* Functions whose feature has not arrived yet: each answers
 * CKR_FUNCTION_NOT_SUPPORTED, which v2.40 §5.1 allows for any function a
 * library does not support. Each group names the issue that brings it. */
#include "backend_api.h"

#define P11_UNUSED(x) (void)(x)

extern "C" {

// Operation state: no planned issue; saving wolfCrypt states is not offered.
CK_RV p11be_C_GetOperationState(p11_session *session, CK_BYTE_PTR pOperationState,
                                CK_ULONG_PTR pulOperationStateLen)
{
    P11_UNUSED(session), P11_UNUSED(pOperationState), P11_UNUSED(pulOperationStateLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_SetOperationState(p11_session *session, CK_BYTE_PTR pOperationState,
                                CK_ULONG ulOperationStateLen, CK_OBJECT_HANDLE hEncryptionKey,
                                CK_OBJECT_HANDLE hAuthenticationKey)
{
    P11_UNUSED(session), P11_UNUSED(pOperationState), P11_UNUSED(ulOperationStateLen);
    P11_UNUSED(hEncryptionKey), P11_UNUSED(hAuthenticationKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

// Encryption and decryption: arrive with the symmetric cipher issue (AES).
CK_RV p11be_C_EncryptInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_Encrypt(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                      CK_BYTE_PTR pEncryptedData, CK_ULONG_PTR pulEncryptedDataLen)
{
    P11_UNUSED(session), P11_UNUSED(pData), P11_UNUSED(ulDataLen), P11_UNUSED(pEncryptedData);
    P11_UNUSED(pulEncryptedDataLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_EncryptUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                            CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pPart), P11_UNUSED(ulPartLen), P11_UNUSED(pEncryptedPart);
    P11_UNUSED(pulEncryptedPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_EncryptFinal(p11_session *session, CK_BYTE_PTR pLastEncryptedPart,
                           CK_ULONG_PTR pulLastEncryptedPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pLastEncryptedPart), P11_UNUSED(pulLastEncryptedPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_DecryptInit(p11_session *session, CK_MECHANISM_PTR pMechanism, CK_OBJECT_HANDLE hKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_Decrypt(p11_session *session, CK_BYTE_PTR pEncryptedData, CK_ULONG ulEncryptedDataLen,
                      CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen)
{
    P11_UNUSED(session), P11_UNUSED(pEncryptedData), P11_UNUSED(ulEncryptedDataLen);
    P11_UNUSED(pData), P11_UNUSED(pulDataLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_DecryptUpdate(p11_session *session, CK_BYTE_PTR pEncryptedPart,
                            CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
                            CK_ULONG_PTR pulPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pEncryptedPart), P11_UNUSED(ulEncryptedPartLen);
    P11_UNUSED(pPart), P11_UNUSED(pulPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_DecryptFinal(p11_session *session, CK_BYTE_PTR pLastPart, CK_ULONG_PTR pulLastPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pLastPart), P11_UNUSED(pulLastPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

// Digesting a key: no profile needs a secret key folded into a digest.
CK_RV p11be_C_DigestKey(p11_session *session, CK_OBJECT_HANDLE hKey)
{
    P11_UNUSED(session), P11_UNUSED(hKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

// Signing with data recovery: no mechanism here recovers data.
CK_RV p11be_C_SignRecoverInit(p11_session *session, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_SignRecover(p11_session *session, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                          CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
{
    P11_UNUSED(session), P11_UNUSED(pData), P11_UNUSED(ulDataLen), P11_UNUSED(pSignature);
    P11_UNUSED(pulSignatureLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_VerifyRecoverInit(p11_session *session, CK_MECHANISM_PTR pMechanism,
                                CK_OBJECT_HANDLE hKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_VerifyRecover(p11_session *session, CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen,
                            CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen)
{
    P11_UNUSED(session), P11_UNUSED(pSignature), P11_UNUSED(ulSignatureLen), P11_UNUSED(pData);
    P11_UNUSED(pulDataLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

// Dual-function operations: no planned issue; they need both halves first.
CK_RV p11be_C_DigestEncryptUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                                  CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pPart), P11_UNUSED(ulPartLen), P11_UNUSED(pEncryptedPart);
    P11_UNUSED(pulEncryptedPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_DecryptDigestUpdate(p11_session *session, CK_BYTE_PTR pEncryptedPart,
                                  CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
                                  CK_ULONG_PTR pulPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pEncryptedPart), P11_UNUSED(ulEncryptedPartLen);
    P11_UNUSED(pPart), P11_UNUSED(pulPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_SignEncryptUpdate(p11_session *session, CK_BYTE_PTR pPart, CK_ULONG ulPartLen,
                                CK_BYTE_PTR pEncryptedPart, CK_ULONG_PTR pulEncryptedPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pPart), P11_UNUSED(ulPartLen), P11_UNUSED(pEncryptedPart);
    P11_UNUSED(pulEncryptedPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_DecryptVerifyUpdate(p11_session *session, CK_BYTE_PTR pEncryptedPart,
                                  CK_ULONG ulEncryptedPartLen, CK_BYTE_PTR pPart,
                                  CK_ULONG_PTR pulPartLen)
{
    P11_UNUSED(session), P11_UNUSED(pEncryptedPart), P11_UNUSED(ulEncryptedPartLen);
    P11_UNUSED(pPart), P11_UNUSED(pulPartLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

// Key management beyond key pairs (secret-key generation, wrap, unwrap,
// derive): no mechanism here offers them yet.
CK_RV p11be_C_GenerateKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                          CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(pTemplate), P11_UNUSED(ulCount);
    P11_UNUSED(phKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_WrapKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                      CK_OBJECT_HANDLE hWrappingKey, CK_OBJECT_HANDLE hKey, CK_BYTE_PTR pWrappedKey,
                      CK_ULONG_PTR pulWrappedKeyLen)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hWrappingKey), P11_UNUSED(hKey);
    P11_UNUSED(pWrappedKey), P11_UNUSED(pulWrappedKeyLen);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_UnwrapKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                        CK_OBJECT_HANDLE hUnwrappingKey, CK_BYTE_PTR pWrappedKey,
                        CK_ULONG ulWrappedKeyLen, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hUnwrappingKey);
    P11_UNUSED(pWrappedKey), P11_UNUSED(ulWrappedKeyLen), P11_UNUSED(pTemplate);
    P11_UNUSED(ulAttributeCount), P11_UNUSED(phKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

CK_RV p11be_C_DeriveKey(p11_session *session, CK_MECHANISM_PTR pMechanism,
                        CK_OBJECT_HANDLE hBaseKey, CK_ATTRIBUTE_PTR pTemplate,
                        CK_ULONG ulAttributeCount, CK_OBJECT_HANDLE_PTR phKey)
{
    P11_UNUSED(session), P11_UNUSED(pMechanism), P11_UNUSED(hBaseKey), P11_UNUSED(pTemplate);
    P11_UNUSED(ulAttributeCount), P11_UNUSED(phKey);
    return CKR_FUNCTION_NOT_SUPPORTED;
}

} // extern "C"
