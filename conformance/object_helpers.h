// Building templates and reading attributes in conformance tests, with the
// values owned by the template so tests stay short.
#ifndef P11CONF_OBJECT_HELPERS_H
#define P11CONF_OBJECT_HELPERS_H

#include <deque>
#include <string>
#include <vector>

#include "pkcs11.h"

namespace p11conf {

using ByteVector = std::vector<unsigned char>;

class Template {
public:
    Template &Bytes(CK_ATTRIBUTE_TYPE type, const ByteVector &value)
    {
        values_.push_back(value);
        attributes_.push_back({type, values_.back().data(), static_cast<CK_ULONG>(values_.back().size())});
        return *this;
    }
    Template &Text(CK_ATTRIBUTE_TYPE type, const std::string &text)
    {
        return Bytes(type, ByteVector(text.begin(), text.end()));
    }
    Template &Bool(CK_ATTRIBUTE_TYPE type, bool value)
    {
        return Bytes(type, ByteVector{static_cast<unsigned char>(value ? CK_TRUE : CK_FALSE)});
    }
    Template &Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value)
    {
        const auto *bytes = reinterpret_cast<const unsigned char *>(&value);
        return Bytes(type, ByteVector(bytes, bytes + sizeof(value)));
    }

    CK_ATTRIBUTE *data() { return attributes_.empty() ? nullptr : attributes_.data(); }
    CK_ULONG size() const { return static_cast<CK_ULONG>(attributes_.size()); }

private:
    std::deque<ByteVector> values_; // deque: addresses stay put as it grows
    std::vector<CK_ATTRIBUTE> attributes_;
};

} // namespace p11conf

#endif // P11CONF_OBJECT_HELPERS_H
