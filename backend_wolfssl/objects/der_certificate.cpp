/* X.509 structure walk: Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signatureValue }, tbsCertificate ::= SEQUENCE {
 * [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject,
 * subjectPublicKeyInfo, ... }. */
#include "objects/der_certificate.h"

namespace p11 {

namespace {

constexpr unsigned char kInteger = 0x02;
constexpr unsigned char kBitString = 0x03;
constexpr unsigned char kSequence = 0x30;
constexpr unsigned char kVersionTag = 0xa0; // [0] EXPLICIT, constructed

// Reads DER elements one after another from a bounded range.
class DerReader {
  public:
    DerReader(const unsigned char *data, std::size_t size) : p_(data), end_(data + size) {}

    bool at_end() const { return p_ == end_; }
    bool peek_tag(unsigned char tag) const { return p_ < end_ && *p_ == tag; }

    // Reads one element with the given tag: the whole element and its contents.
    bool next(unsigned char tag, DerSpan *element, DerReader *contents)
    {
        const unsigned char *start = p_;
        if (end_ - p_ < 2 || *p_ != tag) {
            return false;
        }
        ++p_;
        std::size_t len = 0;
        unsigned char first = *p_++;
        if (first < 0x80) {
            len = first;
        } else {
            // Long form, at most 4 length bytes; 0x80 (indefinite) is not DER.
            std::size_t count = first & 0x7f;
            if (count == 0 || count > 4 || static_cast<std::size_t>(end_ - p_) < count || *p_ == 0) {
                return false;
            }
            for (std::size_t i = 0; i < count; ++i) {
                len = (len << 8) | *p_++;
            }
            if (len < 0x80) {
                return false; // DER uses the short form for these
            }
        }
        if (static_cast<std::size_t>(end_ - p_) < len) {
            return false;
        }
        if (element != nullptr) {
            element->data = start;
            element->size = static_cast<std::size_t>(p_ + len - start);
        }
        if (contents != nullptr) {
            *contents = DerReader(p_, len);
        }
        p_ += len;
        return true;
    }

    bool skip(unsigned char tag) { return next(tag, nullptr, nullptr); }

  private:
    const unsigned char *p_;
    const unsigned char *end_;
};

} // namespace

bool parse_certificate(const unsigned char *der, std::size_t len, CertificateFields *out)
{
    DerReader whole(der, len);
    DerReader certificate(nullptr, 0);
    if (!whole.next(kSequence, nullptr, &certificate) || !whole.at_end()) {
        return false;
    }
    DerReader tbs(nullptr, 0);
    if (!certificate.next(kSequence, nullptr, &tbs) || !certificate.skip(kSequence) || !certificate.skip(kBitString) ||
        !certificate.at_end()) {
        return false;
    }
    if (tbs.peek_tag(kVersionTag) && !tbs.skip(kVersionTag)) {
        return false;
    }
    CertificateFields fields;
    DerReader serial(nullptr, 0);
    if (!tbs.next(kInteger, &fields.serial, &serial) || serial.at_end()) {
        return false; // an INTEGER has at least one content byte
    }
    if (!tbs.skip(kSequence) || !tbs.next(kSequence, &fields.issuer, nullptr) || !tbs.skip(kSequence) ||
        !tbs.next(kSequence, &fields.subject, nullptr) || !tbs.skip(kSequence)) {
        return false;
    }
    *out = fields;
    return true;
}

} // namespace p11
