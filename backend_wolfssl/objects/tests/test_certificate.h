/* A DER certificate made with OpenSSL, and where OpenSSL says its serial
 * number, issuer and subject are, to check the backend's DER walker against. */
#ifndef P11_OBJECTS_TEST_CERTIFICATE_H
#define P11_OBJECTS_TEST_CERTIFICATE_H

#include <cstddef>

namespace p11test {

struct CertSpan {
    std::size_t offset;
    std::size_t size;
};

extern const unsigned char kTestCertificate[];
extern const std::size_t kTestCertificateSize;
extern const CertSpan kTestCertificateSerial;
extern const CertSpan kTestCertificateIssuer;
extern const CertSpan kTestCertificateSubject;

} // namespace p11test

#endif // P11_OBJECTS_TEST_CERTIFICATE_H
