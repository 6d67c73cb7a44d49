#!/usr/bin/python3
"""Adding a profile is all it takes: a throwaway profile is generated into a
temporary folder, its module and conformance runner are built against the
already-built backend and PAL, the module is loaded, and its conformance run
passes.

  new_profile_test.py BUILD_DIR "C_FLAGS" "CXX_FLAGS"
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


def main(build_dir, c_flags, cxx_flags):
    with tempfile.TemporaryDirectory(prefix="p11-new-profile-") as tmp:
        profiles = os.path.join(tmp, "profiles")
        os.makedirs(profiles)
        with open(os.path.join(profiles, "throwaway.yaml"), "w", encoding="utf-8") as stream:
            stream.write(textwrap.dedent(PROFILE).lstrip())
        out = os.path.join(tmp, "generated")
        run(["/usr/bin/python3", os.path.join(ROOT, "codegen", "generate.py"), "--profile-dir", profiles,
             "--profile", "throwaway", "--out", out])
        gen = os.path.join(out, "throwaway")
        includes = [f"-I{d}" for d in (gen, os.path.join(ROOT, "runtime"), os.path.join(ROOT, "backend_wolfssl"),
                                        os.path.join(ROOT, "conformance"), P11KIT)]
        libs = [os.path.join(build_dir, "backend_wolfssl", "libp11_backend_wolfssl.a"),
                os.path.join(build_dir, "pal", "libp11_pal_posix.a"),
                os.path.join(build_dir, "pal", "libp11_pal_label_index.a")]
        module = os.path.join(tmp, "p11forge-throwaway.so")
        objects = []
        for source, compiler, flags in ((os.path.join(gen, "entry_points.c"), "cc", c_flags),
                                        (os.path.join(gen, "profile.c"), "cc", c_flags),
                                        (os.path.join(ROOT, "backend_wolfssl", "interface_check.cpp"), "c++",
                                         cxx_flags)):
            obj = os.path.join(tmp, os.path.basename(source) + ".o")
            run([compiler, *shlex.split(flags), "-fPIC", "-fvisibility=hidden", *includes, "-c", source, "-o", obj])
            objects.append(obj)
        run(["c++", *shlex.split(cxx_flags), "-shared", "-o", module, *objects, *libs, "-lwolfssl", "-lpthread",
             "-Wl,--no-undefined"])
        runner = os.path.join(tmp, "p11conform-throwaway")
        sources = [os.path.join(ROOT, "conformance", name) for name in
                   ("runner_main.cpp", "module_fixture.cpp", "token_setup.cpp", "openssl_reference.cpp")]
        sources += [os.path.join(ROOT, "conformance", "tests", name) for name in sorted(
            os.listdir(os.path.join(ROOT, "conformance", "tests"))) if name.endswith(".cpp")]
        sources.append(os.path.join(gen, "skeleton_tests.cpp"))
        run(["c++", "-std=c++17", *shlex.split(cxx_flags), *includes, *sources, "-o", runner, "-lgtest", "-lcrypto",
             "-lpthread", "-ldl"])
        store = os.path.join(tmp, "store")
        env = dict(os.environ, P11FORGE_STORE_DIR=store)
        result = subprocess.run([runner, "--module", module, "--strict-profile", "--init-token"], env=env,
                                capture_output=True, text=True)
        print(result.stdout[-3000:], result.stderr[-2000:])
        if result.returncode != 0:
            return 1
        if "OutsideProfile.C_SignInitIsFunctionNotSupported" not in result.stdout:
            print("the throwaway run did not check a function outside its profile")
            return 1
        print("new profile: generated, built, loaded and conformant")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
