/* Marks the C_ entry points as the only symbols a shared module exports
 * (everything else is built with -fvisibility=hidden). */
#ifndef P11_EXPORT_H
#define P11_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define P11_EXPORT __attribute__((visibility("default")))
#else
#define P11_EXPORT
#endif

#endif /* P11_EXPORT_H */
