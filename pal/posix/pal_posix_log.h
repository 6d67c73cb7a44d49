/* The POSIX PAL's refusals and warnings: to stderr, and to the system log
 * (journald or syslog), where they can be read when the module runs inside an
 * agent or a browser whose stderr goes nowhere. */
#ifndef P11_PAL_POSIX_LOG_H
#define P11_PAL_POSIX_LOG_H

/* One line, "p11forge: " put before it. */
void p11_pal_posix_warn(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif /* P11_PAL_POSIX_LOG_H */
