/* The platform abstraction layer (PAL): the six storage functions a FreeRTOS
 * port implements, with exactly the signatures FreeRTOS corePKCS11 declares,
 * so an existing device port drops in unchanged. The backend reaches storage
 * only through these. */
#ifndef CORE_PKCS11_PAL_H
#define CORE_PKCS11_PAL_H

#include "pkcs11.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Prepares the store; called from C_Initialize. Safe to call again after
 * every C_Finalize. */
CK_RV PKCS11_PAL_Initialize( void );

/* Saves (creates or atomically replaces) the object named by pxLabel->pValue
 * (pxLabel->ulValueLen bytes, no trailing NUL). Returns its handle, or
 * CK_INVALID_HANDLE when nothing was saved (the old value, if any, is kept). */
CK_OBJECT_HANDLE PKCS11_PAL_SaveObject( CK_ATTRIBUTE_PTR pxLabel,
                                        CK_BYTE_PTR pucData,
                                        CK_ULONG ulDataSize );

/* Returns the handle of the object stored under the label, or
 * CK_INVALID_HANDLE when there is none. */
CK_OBJECT_HANDLE PKCS11_PAL_FindObject( CK_BYTE_PTR pxLabel,
                                        CK_ULONG usLength );

/* Hands out a copy of the object's bytes; release it with
 * PKCS11_PAL_GetObjectValueCleanup. */
CK_RV PKCS11_PAL_GetObjectValue( CK_OBJECT_HANDLE xHandle,
                                 CK_BYTE_PTR * ppucData,
                                 CK_ULONG_PTR pulDataSize,
                                 CK_BBOOL * pIsPrivate );

/* Wipes and frees what PKCS11_PAL_GetObjectValue handed out. */
void PKCS11_PAL_GetObjectValueCleanup( CK_BYTE_PTR pucData,
                                       CK_ULONG ulDataSize );

/* Removes the object; its handle is invalid afterwards. */
CK_RV PKCS11_PAL_DestroyObject( CK_OBJECT_HANDLE xHandle );

#ifdef __cplusplus
}
#endif

#endif /* CORE_PKCS11_PAL_H */
