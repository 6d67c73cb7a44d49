#!/usr/bin/python3
"""Runs one firmware self-test image under QEMU (mps2-an386, semihosting).

The image's exit status is the test's result; its output is kept in --log
for the size report (the stack and heap it measured). --before runs a
command first (the host provisioning of the freertos-ota test), its last
argument an output folder this script makes for it.
"""
import argparse
import os
import shlex
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qemu", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--before", help="a command to run first (in the working folder)")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args()

    if args.before:
        command = shlex.split(args.before)
        if not os.path.exists(command[0]):
            sys.exit(f"run_selftest: {command[0]} is missing: build the host preset first "
                     "(cmake --preset default && cmake --build build/default), or set P11_HOST_BUILD_DIR")
        if len(command) > 1:
            os.makedirs(command[-1], exist_ok=True)
        subprocess.run(command, check=True)

    # -icount shift=0: one instruction per virtual nanosecond, so the image
    # can count the instructions of a call (selftest_count_instructions).
    qemu = [args.qemu, "-M", "mps2-an386", "-icount", "shift=0", "-nographic", "-monitor", "none", "-serial", "none",
            "-semihosting-config", "enable=on,target=native", "-kernel", args.image]
    try:
        result = subprocess.run(qemu, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=args.timeout)
    except subprocess.TimeoutExpired as expired:
        output = (expired.stdout or b"").decode(errors="replace")
        print(output)
        sys.exit(f"run_selftest: {os.path.basename(args.image)} did not finish in {args.timeout} s")
    output = result.stdout.decode(errors="replace")
    with open(args.log, "w", encoding="utf-8") as log:
        log.write(output)
    print(output, end="")
    passed = "selftest passed" in output
    if result.returncode != 0 or not passed:
        sys.exit(f"run_selftest: {os.path.basename(args.image)} exited with {result.returncode}"
                 + ("" if passed else " without reporting a pass"))


if __name__ == "__main__":
    main()
