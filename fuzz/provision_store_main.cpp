/* The store a profile's call-sequence fuzz target starts from when the
 * profile cannot make keys itself (a lean one: provisioning: <profile> in
 * its profile file): this program, built for the provisioning profile,
 * prepares its token (call_setup.h: keys of each kind, secrets, data) and
 * writes the in-memory PAL's snapshot, device key included, to a file the
 * lean target loads (fuzz/CMakeLists.txt). */
#include <cstdio>
#include <cstdlib>

#include "call_setup.h"
#include "pal_memory.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <store file>\n", argv[0]);
        return 2;
    }
    (void)PreparedToken(); // ends with the snapshot
    std::size_t len = 0;
    unsigned char *bytes = p11_pal_memory_snapshot_bytes(&len);
    std::FILE *out = std::fopen(argv[1], "wb");
    const bool written = bytes != nullptr && out != nullptr && std::fwrite(bytes, 1, len, out) == len;
    const bool closed = out != nullptr && std::fclose(out) == 0;
    std::free(bytes);
    if (!written || !closed) {
        std::fprintf(stderr, "%s: cannot write %s\n", argv[0], argv[1]);
        return 1;
    }
    return 0;
}
