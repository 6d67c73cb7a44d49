/* Real key material for the object tests: the store validates keys on
 * import (crypto/key_check.h), so templates carry a P-256 key pair and an
 * RSA-2048 key (e = 65537) (and a P-384 pair) made once with OpenSSL. Test data only. */
#ifndef P11_OBJECTS_TEST_KEYS_H
#define P11_OBJECTS_TEST_KEYS_H

#include <cstdint>
#include <vector>

namespace p11test {

using ByteVec = std::vector<std::uint8_t>;

extern const ByteVec kTestEcPrivateValue; // d, big-endian
extern const ByteVec kTestEcPublicPoint;  // 04 || X || Y of d·G
extern const ByteVec kTestP384PrivateValue;
extern const ByteVec kTestP384PublicPoint;
extern const ByteVec kTestRsaModulus;
extern const ByteVec kTestRsaPrivateExponent;
extern const ByteVec kTestRsaPrime1;
extern const ByteVec kTestRsaPrime2;
extern const ByteVec kTestRsaExponent1;
extern const ByteVec kTestRsaExponent2;
extern const ByteVec kTestRsaCoefficient;

} // namespace p11test

#endif // P11_OBJECTS_TEST_KEYS_H
