/* The platform macros the OASIS PKCS #11 headers (pkcs11.h, pkcs11t.h,
 * pkcs11f.h, and NSS's copies) expect the includer to define (v2.40 base
 * §2.1 and the header's own notes), for a Unix-like host: give it to the
 * generator with --prelude spec/oasis_prelude.h (docs/profiles.md). */
#define CK_PTR *
#define CK_DECLARE_FUNCTION(returnType, name) returnType name
#define CK_DECLARE_FUNCTION_POINTER(returnType, name) returnType (*name)
#define CK_CALLBACK_FUNCTION(returnType, name) returnType (*name)
#ifndef NULL_PTR
#define NULL_PTR 0
#endif
