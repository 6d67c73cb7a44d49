/* Diagnostics through the port's log hook (see log.h). */
#include "log.h"

#include "p11_log_text.h"
#include "p11_port.h"

namespace p11 {

void log_line(std::initializer_list<std::string> parts)
{
    std::string line;
    for (const std::string &part : parts) {
        line += part;
    }
    p11_port_log(line.c_str());
}

std::string decimal(std::uint64_t value)
{
    char digits[P11_DECIMAL_SIZE];
    return std::string(digits, p11_decimal(digits, value));
}

} // namespace p11
