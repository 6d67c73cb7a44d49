/* Log lines without stdio (see p11_log_text.h). */
#include "p11_log_text.h"

#include "p11_port.h"

size_t p11_decimal(char *out, unsigned long long value)
{
    char reversed[P11_DECIMAL_SIZE];
    size_t n = 0;
    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = reversed[n - 1 - i];
    }
    out[n] = '\0';
    return n;
}

void p11_log_parts(const char *const *parts, size_t count)
{
    char line[256];
    size_t len = 0;
    for (size_t p = 0; p < count; p++) {
        for (const char *c = parts[p]; c != NULL && *c != '\0' && len < sizeof line - 1; c++) {
            line[len++] = *c;
        }
    }
    line[len] = '\0';
    p11_port_log(line);
}
