#!/usr/bin/python3
"""Adding a profile is all it takes: a throwaway profile is generated into a
temporary folder, its module is built against the already-built backend and
PAL, and the one conformance runner (BUILD_DIR/p11conform) passes it, given
the profile's YAML: the runner resolves it through generate.py --resolve, so
no runner is built per profile.

  new_profile_test.py BUILD_DIR "C_FLAGS" "CXX_FLAGS" [RUNNER [BACKEND_LIB "WOLFSSL_CFLAGS" "WOLFSSL_LIBS"]]

RUNNER defaults to BUILD_DIR/p11conform, BACKEND_LIB to the superset
backend BUILD_DIR/backend_wolfssl/libp11_backend_wolfssl.a, and the wolfSSL
flags to Debian's libwolfssl (-lwolfssl); CMake passes the wolfCrypt the
backend was compiled against (P11_WOLFSSL).
"""
import os
import shlex
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
P11KIT = "/usr/include/p11-kit-1/p11-kit"

PROFILE = """
description: A throwaway profile made by a test; digest and random only.
functions: [Initialize, Finalize, GetInfo, GetSlotList, GetTokenInfo, MechanismInfo, Session, Login, Digest]
mechanisms:
  CKM_SHA256: {flags: [CKF_DIGEST]}
limits: {sessions: 4, pin_length: [4, 32]}
token: {initialized: true, label: Throwaway, so_pin: "11112222", user_pin: "3333"}
tests: [skeleton, general, slot_token, session, login]
"""


def run(command, **kwargs):
    print("+", " ".join(shlex.quote(c) for c in command), flush=True)
    subprocess.run(command, check=True, **kwargs)


def main(build_dir, c_flags, cxx_flags, runner=None, backend_lib=None, wolfssl_cflags="", wolfssl_libs="-lwolfssl"):
    runner = runner or os.path.join(build_dir, "p11conform")
    backend_lib = backend_lib or os.path.join(build_dir, "backend_wolfssl", "libp11_backend_wolfssl.a")
    if not os.access(runner, os.X_OK):
        print(f"{runner} is missing: build the p11conform target first")
        return 1
    with tempfile.TemporaryDirectory(prefix="p11-new-profile-") as tmp:
        profiles = os.path.join(tmp, "profiles")
        os.makedirs(profiles)
        profile_path = os.path.join(profiles, "throwaway.yaml")
        with open(profile_path, "w", encoding="utf-8") as stream:
            stream.write(textwrap.dedent(PROFILE).lstrip())
        out = os.path.join(tmp, "generated")
        run(["/usr/bin/python3", os.path.join(ROOT, "codegen", "generate.py"), "--profile-dir", profiles,
             "--profile", "throwaway", "--out", out])
        gen = os.path.join(out, "throwaway")
        includes = [f"-I{d}" for d in (gen, os.path.join(ROOT, "runtime"), os.path.join(ROOT, "port"),
                                        os.path.join(ROOT, "backend_wolfssl"), P11KIT)]
        libs = [backend_lib,
                os.path.join(build_dir, "pal", "libp11_pal_posix.a"),
                os.path.join(build_dir, "pal", "libp11_pal_label_index.a"),
                os.path.join(build_dir, "port", "libp11_port.a")]
        module = os.path.join(tmp, "p11forge-throwaway.so")
        objects = []
        for source, compiler, flags in ((os.path.join(gen, "entry_points.c"), "cc", c_flags),
                                        (os.path.join(gen, "profile.c"), "cc", c_flags),
                                        (os.path.join(ROOT, "backend_wolfssl", "interface_check.cpp"), "c++",
                                         cxx_flags)):
            obj = os.path.join(tmp, os.path.basename(source) + ".o")
            run([compiler, *shlex.split(flags), "-fPIC", "-fvisibility=hidden", *includes, *shlex.split(wolfssl_cflags),
                 "-c", source, "-o", obj])
            objects.append(obj)
        run(["c++", *shlex.split(cxx_flags), "-shared", "-o", module, *objects, *libs, *shlex.split(wolfssl_libs), "-lpthread",
             "-Wl,--no-undefined"])
        store = os.path.join(tmp, "store")
        env = dict(os.environ, P11FORGE_STORE_DIR=store)
        # The YAML, not a resolved file: the runner resolves it with generate.py --resolve.
        command = [runner, "--module", module, "--profile", profile_path, "--strict-profile", "--init-token",
                   "--verbose"]
        print("+", " ".join(shlex.quote(c) for c in command), flush=True)
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        print(result.stdout[-3000:], result.stderr[-2000:])
        if result.returncode != 0:
            return 1
        if "passed  OutsideProfile.C_SignInitIsFunctionNotSupported" not in result.stdout:
            print("the throwaway run did not check a function outside its profile")
            return 1
        print("new profile: generated, built, loaded and conformant")
        return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:8]))
