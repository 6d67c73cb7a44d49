#include "pal_posix_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

void p11_pal_posix_warn(const char *format, ...)
{
    char line[512];
    va_list args;
    va_start(args, format);
    (void)vsnprintf(line, sizeof line, format, args); /* a cut line still says what was refused */
    va_end(args);
    (void)fprintf(stderr, "p11forge: %s\n", line);
    /* No openlog(): the ident stays the host program's, so the line shows
     * under the agent or browser that loaded the module. */
    syslog(LOG_USER | LOG_WARNING, "p11forge: %s", line);
}
