#!/usr/bin/python3
"""The port template builds and refuses cleanly: core_pkcs11_pal_port.c
compiles with -Wall -Wextra -Werror, links into a PKCS #11 module with the
already-built backend, and a program that loads that module sees C_Initialize
fail (the template says "not supported") without a crash, and the library
stay uninitialized.

  port_template_test.py BUILD_DIR "C_FLAGS" "CXX_FLAGS" [BACKEND_LIB "WOLFSSL_CFLAGS" "WOLFSSL_LIBS"]

BACKEND_LIB defaults to BUILD_DIR/backend_wolfssl/libp11_backend_wolfssl.a
and the wolfSSL flags to Debian's libwolfssl; CMake passes the wolfCrypt the
backend was compiled against (P11_WOLFSSL).
"""
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
P11KIT = "/usr/include/p11-kit-1/p11-kit"
PROFILE = "freertos-device"  # a device profile: what a port is built for

# Loads the module and checks that it refuses, as a C program (so it runs
# under the same sanitizers as the module).
LOADER = r"""
#include <dlfcn.h>
#include <stdio.h>
#include "pkcs11.h"

int main(int argc, char **argv)
{
    void *module = argc > 1 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
    CK_C_GetFunctionList get = module ? (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList") : NULL;
    CK_FUNCTION_LIST_PTR fl = NULL;
    if (get == NULL || get(&fl) != CKR_OK) {
        fprintf(stderr, "cannot load %s\n", argc > 1 ? argv[1] : "(none)");
        return 2;
    }
    CK_RV first = fl->C_Initialize(NULL);
    CK_RV second = fl->C_Initialize(NULL);
    CK_RV finalize = fl->C_Finalize(NULL);
    CK_ULONG count = 0;
    CK_RV slots = fl->C_GetSlotList(CK_FALSE, NULL, &count);
    printf("C_Initialize 0x%lx, again 0x%lx, C_Finalize 0x%lx, C_GetSlotList 0x%lx\n", first, second, finalize,
           slots);
    /* v2.40 5.4: CKR_FUNCTION_FAILED; nothing stays half initialized. */
    return first == CKR_FUNCTION_FAILED && second == CKR_FUNCTION_FAILED &&
                   finalize == CKR_CRYPTOKI_NOT_INITIALIZED && slots == CKR_CRYPTOKI_NOT_INITIALIZED
               ? 0
               : 1;
}
"""


def run(command, **kwargs):
    print("+", " ".join(shlex.quote(c) for c in command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def main(build_dir, c_flags, cxx_flags, backend_lib=None, wolfssl_cflags="", wolfssl_libs="-lwolfssl"):
    backend_lib = backend_lib or os.path.join(build_dir, "backend_wolfssl", "libp11_backend_wolfssl.a")
    gen = os.path.join(ROOT, "generated", PROFILE)
    includes = [f"-I{d}" for d in (gen, os.path.join(ROOT, "runtime"), os.path.join(ROOT, "port"),
                                    os.path.join(ROOT, "backend_wolfssl"), os.path.join(ROOT, "pal"), P11KIT)]
    strict = ["-std=c11", "-Wall", "-Wextra", "-Werror"]
    with tempfile.TemporaryDirectory(prefix="p11-port-template-") as tmp:
        objects = []
        for source, compiler, flags in (
                (os.path.join(HERE, "core_pkcs11_pal_port.c"), "cc", strict + shlex.split(c_flags)),
                (os.path.join(gen, "entry_points.c"), "cc", shlex.split(c_flags)),
                (os.path.join(gen, "profile.c"), "cc", shlex.split(c_flags)),
                (os.path.join(ROOT, "backend_wolfssl", "interface_check.cpp"), "c++", shlex.split(cxx_flags))):
            obj = os.path.join(tmp, os.path.basename(source) + ".o")
            run([compiler, *flags, "-fPIC", "-fvisibility=hidden", *includes, *shlex.split(wolfssl_cflags),
                 "-c", source, "-o", obj])
            objects.append(obj)
        module = os.path.join(tmp, "p11forge-port-template.so")
        run(["c++", *shlex.split(cxx_flags), "-shared", "-o", module, *objects,
             backend_lib, os.path.join(build_dir, "port", "libp11_port.a"), *shlex.split(wolfssl_libs), "-lpthread",
             "-Wl,--no-undefined"])
        loader_c = os.path.join(tmp, "loader.c")
        with open(loader_c, "w", encoding="utf-8") as stream:
            stream.write(LOADER)
        loader = os.path.join(tmp, "loader")
        run(["cc", *strict, *shlex.split(c_flags), f"-I{P11KIT}", loader_c, "-o", loader, "-ldl"])
        result = subprocess.run([loader, module], capture_output=True, text=True)
        print(result.stdout, result.stderr)
        if result.returncode != 0:
            print("the template module did not refuse cleanly")
            return 1
        print("port template: compiles with -Werror, links, and C_Initialize fails cleanly")
        return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:7]))
