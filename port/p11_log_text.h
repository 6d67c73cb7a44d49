/* Log lines built without stdio: newlib's printf costs kilobytes of flash and
 * its nano variant has no 64-bit conversions. Common to every port; the line
 * goes out through p11_port_log. */
#ifndef P11_LOG_TEXT_H
#define P11_LOG_TEXT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest decimal p11_decimal writes, and room for its NUL. */
#define P11_DECIMAL_SIZE 21

/* value in decimal at out, NUL-terminated (out holds P11_DECIMAL_SIZE);
 * returns the number of digits. */
size_t p11_decimal(char *out, unsigned long long value);

/* Logs the parts joined into one line (cut at 255 bytes). */
void p11_log_parts(const char *const *parts, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* P11_LOG_TEXT_H */
