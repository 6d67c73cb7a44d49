/* The EC encodings PKCS #11 uses: CKA_EC_PARAMS as the DER of a named-curve
 * OID, and CKA_EC_POINT as a DER OCTET STRING around the uncompressed point.
 * Only P-256 and P-384 are supported; explicit parameters are refused. */
#ifndef P11_BACKEND_CRYPTO_EC_PARAMS_H
#define P11_BACKEND_CRYPTO_EC_PARAMS_H

#include <cstddef>

#include "pkcs11.h"
#include "byte_view.h"
#include "wiping_allocator.h"

namespace p11 {

struct EcCurve {
    int wc_curve_id;         // wolfCrypt's ecc_curve_id (ECC_SECP256R1, ...)
    CK_ULONG bits;           // key size as C_GetMechanismInfo counts it
    std::size_t field_bytes; // length of one coordinate, of the scalar, of r and of s
    const unsigned char *params_der;
    std::size_t params_der_len;
};

// The curve named by a CKA_EC_PARAMS value, or nullptr when the value is
// malformed or names a curve we do not support.
const EcCurve *ec_curve_from_params(const unsigned char *params, std::size_t len);
const EcCurve *ec_curve_from_params(ByteView params);

// The value is one well-formed DER OBJECT IDENTIFIER (a named curve), whether
// or not it is one we support: such a value that ec_curve_from_params refuses
// names a curve not supported (CKR_CURVE_NOT_SUPPORTED), anything else is
// malformed (CKR_ATTRIBUTE_VALUE_INVALID).
bool ec_params_is_named_curve(const unsigned char *params, std::size_t len);

// The raw uncompressed point (0x04 || X || Y) inside a CKA_EC_POINT value.
// Accepts the DER OCTET STRING form PKCS #11 specifies and, as many callers
// send it, the bare uncompressed point. false when neither fits the curve.
bool ec_point_to_raw(const EcCurve &curve, const unsigned char *point, std::size_t len, Bytes *raw);
bool ec_point_to_raw(const EcCurve &curve, ByteView point, Bytes *raw);

// The CKA_EC_POINT value (DER OCTET STRING) for a raw uncompressed point.
Bytes ec_point_to_der(const unsigned char *raw, std::size_t len);

// For import: the curve whose uncompressed point `point` holds (DER or bare
// form), with the DER form written to *der; nullptr when it fits no curve.
const EcCurve *ec_point_normalize(const unsigned char *point, std::size_t len, Bytes *der);

// The largest coordinate / scalar length of the supported curves.
constexpr std::size_t kEcMaxFieldBytes = 48;

} // namespace p11

#endif // P11_BACKEND_CRYPTO_EC_PARAMS_H
