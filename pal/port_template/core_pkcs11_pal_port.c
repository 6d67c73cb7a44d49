/* Starting point for a device port of the FreeRTOS PAL (core_pkcs11_pal.h).
 *
 * Copy this file into your port and replace each function body with code for
 * your storage (internal flash, an external EEPROM, a secure element). As
 * shipped, every function answers "not supported", so a module built with it
 * links and then refuses cleanly: C_Initialize fails, nothing crashes.
 * docs/porting.md explains what atomic means on flash, which labels each
 * FreeRTOS library needs, and how to run the conformance suite on the port's
 * host build (cmake -DP11_PAL_SOURCES=<this file>). */
#include "core_pkcs11_pal.h"

#include <stddef.h>

/* PKCS11_PAL_Initialize: called from every C_Initialize (also again after each
 * C_Finalize).
 * Must: bring the store to a readable state, and finish or undo any save a
 * power cut interrupted (of two copies of a record, keep the newest complete
 * one, erase the other). Must not erase a complete record.
 * Returns: CKR_OK when the store is usable; CKR_DEVICE_ERROR when the storage
 * does not answer; CKR_HOST_MEMORY when a buffer could not be had. Until this
 * is written it answers CKR_FUNCTION_NOT_SUPPORTED, which C_Initialize turns
 * into a failure. */
CK_RV PKCS11_PAL_Initialize(void)
{
    return CKR_FUNCTION_NOT_SUPPORTED;
}

/* PKCS11_PAL_SaveObject: creates the record named by the label, or replaces
 * it. The label is pxLabel->pValue, pxLabel->ulValueLen bytes, no trailing
 * NUL (e.g. "Device Priv TLS Key", or "p11forge token" for the token record).
 * Must: be atomic. After a power cut at any moment a later read gives the old
 * value or the new one, never a mix and never nothing: write the new copy
 * elsewhere, verify it, write its commit marker last, and only then retire
 * the old copy. A fixed-label port refuses a label it does not store.
 * Handle: the same nonzero handle for the same label every time (the backend
 * may keep it across calls), distinct for distinct labels.
 * Returns: the handle; CK_INVALID_HANDLE when nothing was saved (label not
 * storable, no room, write error), and then the old value must still be
 * there. */
CK_OBJECT_HANDLE PKCS11_PAL_SaveObject(CK_ATTRIBUTE_PTR pxLabel, CK_BYTE_PTR pucData, CK_ULONG ulDataSize)
{
    (void)pxLabel;
    (void)pucData;
    (void)ulDataSize;
    return CK_INVALID_HANDLE;
}

/* PKCS11_PAL_FindObject: the handle of the record stored under the label
 * (pxLabel, usLength bytes, no trailing NUL; an exact match, never a prefix).
 * Must: answer from what is stored now, so a destroyed record is not found.
 * Returns: the handle (the one SaveObject gave for this label);
 * CK_INVALID_HANDLE when no complete record has this label. */
CK_OBJECT_HANDLE PKCS11_PAL_FindObject(CK_BYTE_PTR pxLabel, CK_ULONG usLength)
{
    (void)pxLabel;
    (void)usLength;
    return CK_INVALID_HANDLE;
}

/* PKCS11_PAL_GetObjectValue: hands out the record's bytes in a buffer the
 * caller releases with PKCS11_PAL_GetObjectValueCleanup (a RAM copy, or a
 * pointer into memory-mapped flash that Cleanup then leaves alone).
 * Must: give exactly the bytes last saved, and set *pIsPrivate to CK_TRUE when
 * the bytes may hold a secret (set it for every record when you cannot tell:
 * the backend encodes keys and certificates alike).
 * Returns: CKR_OK; CKR_ARGUMENTS_BAD for a NULL pointer argument;
 * CKR_OBJECT_HANDLE_INVALID for a handle that names no stored record;
 * CKR_HOST_MEMORY; CKR_DEVICE_ERROR for a read error. On any error *ppucData is
 * NULL and *pulDataSize 0. */
CK_RV PKCS11_PAL_GetObjectValue(CK_OBJECT_HANDLE xHandle, CK_BYTE_PTR *ppucData, CK_ULONG_PTR pulDataSize,
                                CK_BBOOL *pIsPrivate)
{
    (void)xHandle;
    (void)pIsPrivate;
    if (ppucData != NULL) {
        *ppucData = NULL;
    }
    if (pulDataSize != NULL) {
        *pulDataSize = 0;
    }
    return CKR_FUNCTION_NOT_SUPPORTED;
}

/* PKCS11_PAL_GetObjectValueCleanup: releases what GetObjectValue handed out.
 * Must: overwrite a RAM copy with zeros before freeing it, in a way the
 * compiler cannot drop as a dead store (a volatile loop, explicit_bzero,
 * mbedtls_platform_zeroize); accept NULL as a no-op. Nothing is handed out
 * yet, so there is nothing to release. */
void PKCS11_PAL_GetObjectValueCleanup(CK_BYTE_PTR pucData, CK_ULONG ulDataSize)
{
    (void)pucData;
    (void)ulDataSize;
}

/* PKCS11_PAL_DestroyObject: removes the record.
 * Must: be atomic too (after a cut the record is there, whole, or gone), and
 * make later finds of its label fail. A port that cannot erase may write an
 * empty "destroyed" record, as long as FindObject then reports no object.
 * Returns: CKR_OK; CKR_OBJECT_HANDLE_INVALID for a handle that names no
 * stored record; CKR_DEVICE_ERROR when the storage refused. */
CK_RV PKCS11_PAL_DestroyObject(CK_OBJECT_HANDLE xHandle)
{
    (void)xHandle;
    return CKR_FUNCTION_NOT_SUPPORTED;
}
