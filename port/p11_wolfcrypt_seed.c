/* wolfCrypt's seed source in firmware builds (CUSTOM_RAND_GENERATE_SEED in
 * the generated settings): the port's entropy. Built into each firmware
 * wolfCrypt library (cmake/P11Wolfcrypt.cmake); hosts seed wolfCrypt from
 * the OS. */
#include "p11_port.h"

int p11_wolfcrypt_seed(unsigned char *output, unsigned int size);

int p11_wolfcrypt_seed(unsigned char *output, unsigned int size)
{
    return p11_port_entropy(output, size) == 0 ? 0 : -1;
}
