/* Diagnostics of the backend (a damaged record skipped, a store that could
 * not be written), one line each through the port's log hook
 * (p11_port_log). Built by concatenation, not printf: firmware images need
 * no stdio for it. */
#ifndef P11_BACKEND_LOG_H
#define P11_BACKEND_LOG_H

#include <cstdint>
#include <initializer_list>
#include <string>

namespace p11 {

// Logs the parts joined, e.g. log_line({"record \"", label, "\" skipped"}).
void log_line(std::initializer_list<std::string> parts);

// A number in decimal, for log lines.
std::string decimal(std::uint64_t value);

} // namespace p11

#endif // P11_BACKEND_LOG_H
