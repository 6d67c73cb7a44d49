/* The two port functions an application supplies (port/p11_port.h), for the
 * QEMU board: entropy from the build machine's /dev/urandom and log lines on
 * its stderr, both through semihosting. A real device reads its TRNG here
 * and logs to its console. */
#include <stdio.h>

#include "p11_port.h"

int p11_port_entropy(unsigned char *out, size_t len)
{
    FILE *source = fopen("/dev/urandom", "rb");
    if (source == NULL) {
        return -1;
    }
    size_t got = fread(out, 1, len, source);
    fclose(source);
    return got == len ? 0 : -1;
}

void p11_port_log(const char *message)
{
    fprintf(stderr, "p11forge: %s\n", message);
}
