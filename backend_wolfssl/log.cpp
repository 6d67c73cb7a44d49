/* Diagnostics through the port's log hook (see log.h). */
#include "log.h"

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
    char digits[20];
    std::size_t n = sizeof digits;
    do {
        digits[--n] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return std::string(digits + n, sizeof digits - n);
}

} // namespace p11
