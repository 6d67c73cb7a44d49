// The one number parser of the runner's options and profile texts.
#ifndef P11CONF_PARSE_NUMBER_H
#define P11CONF_PARSE_NUMBER_H

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace p11conf {

// Decimal, or hex with 0x (slot IDs are often written so). strtoul alone
// would take "-1", " 7" and out-of-range text: those are errors here.
inline bool ParseUnsigned(const std::string &text, unsigned long *value)
{
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) {
        return false;
    }
    char *end = nullptr;
    errno = 0;
    const unsigned long parsed = std::strtoul(text.c_str(), &end, 0);
    if (*end != '\0' || errno != 0) {
        return false;
    }
    *value = parsed;
    return true;
}

} // namespace p11conf

#endif // P11CONF_PARSE_NUMBER_H
