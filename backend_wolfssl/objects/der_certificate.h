/* A small DER walker for X.509 certificates (RFC 5280 §4.1): finds the
 * serial number, issuer and subject that C_CreateObject fills into
 * CKA_SERIAL_NUMBER, CKA_ISSUER and CKA_SUBJECT when the template lacks
 * them. It checks the outer structure, not signatures or extensions. */
#ifndef P11_BACKEND_OBJECTS_DER_CERTIFICATE_H
#define P11_BACKEND_OBJECTS_DER_CERTIFICATE_H

#include <cstddef>

namespace p11 {

// A span inside the certificate bytes: one whole DER element (tag, length, value).
struct DerSpan {
    const unsigned char *data = nullptr;
    std::size_t size = 0;
};

struct CertificateFields {
    DerSpan serial;  // the INTEGER, as CKA_SERIAL_NUMBER holds it
    DerSpan issuer;  // the Name SEQUENCE
    DerSpan subject; // the Name SEQUENCE
};

// false when the bytes are not exactly one DER certificate.
bool parse_certificate(const unsigned char *der, std::size_t len, CertificateFields *out);

} // namespace p11

#endif // P11_BACKEND_OBJECTS_DER_CERTIFICATE_H
