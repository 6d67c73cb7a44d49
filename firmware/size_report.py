#!/usr/bin/python3
"""Flash and RAM of a firmware self-test image, by part, against budgets.

Reads the GNU ld map file of the image (every input section that was kept,
with its size and the archive member it came from) and the self-test's log
(the stack high-water mark, heap peak and C_Login instructions it measured on
the target), prints
a table, writes it as Markdown (--report), and fails when a part is over its
budget in the profile (generated/<profile>/firmware_budgets.txt, from the
profile's firmware.budgets).

Parts: layer = our entry points, runtime and backend (libp11forge-<profile>,
libp11_backend_wolfssl*); pal = the device's PAL (libp11_module_pal) and
port (libp11_port); wolfcrypt = libp11_wolfcrypt_*; libc = newlib, libstdc++,
libgcc; harness = the self-test and board code. Flash holds code, read-only
data and the initial values of .data; RAM holds .data and .bss. The map
gives input sections before the linker merges duplicate strings, so the
parts may add up to a little more than the image, whose totals come from
the ELF itself (--elf, read with --size-tool). The heap is the token's peak
heap in the self-test (from before C_Initialize: the harness's buffers and the
simulated flash device are not counted).
"""
import subprocess
import argparse
import os
import re
import sys

PARTS = ("layer", "pal", "wolfcrypt", "libc", "harness")
FLASH_SECTIONS = re.compile(r"^\.(text|rodata|ARM\.extab|ARM\.exidx|init_array|fini_array|preinit_array|init|fini)")
INPUT_LINE = re.compile(r"^ (\S+)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
OUTPUT_LINE = re.compile(r"^(\.\S+|COMMON)(\s|$)")


def part_of(source):
    archive = os.path.basename(source.split("(")[0])
    if re.match(r"libp11forge-.*\.a$|libp11_backend_wolfssl.*\.a$", archive):
        return "layer"
    if archive in ("libp11_module_pal.a", "libp11_port.a"):
        return "pal"
    if archive.startswith("libp11_wolfcrypt_"):
        return "wolfcrypt"
    if re.match(r"lib(c|c_nano|g|g_nano|m|stdc\+\+|stdc\+\+_nano|supc\+\+|supc\+\+_nano|gcc|rdimon|rdimon_nano|nosys)\.a$",
                archive) or archive.startswith("crt") or "/gcc/arm-none-eabi/" in source:
        return "libc"
    return "harness"


def read_map(path):
    """{part: [flash bytes, ram bytes]} of the kept input sections."""
    sizes = {part: [0, 0] for part in PARTS}
    with open(path, encoding="utf-8", errors="replace") as stream:
        lines = stream.read().split("\n")
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        sys.exit(f"size_report: {path} is not a GNU ld map file")
    output_section = ""
    pending = None  # an input section name on a line of its own
    for line in lines[start:]:
        out = OUTPUT_LINE.match(line)
        if out and not line.startswith(" "):
            output_section = out.group(1)
            pending = None
            continue
        if line.startswith(" ") and not line.startswith("  ") and len(line.split()) == 1 and line.strip().startswith("."):
            pending = line.strip()
            continue
        match = INPUT_LINE.match(line)
        if not match:
            pending = None
            continue
        name = match.group(1) or pending
        pending = None
        size = int(match.group(3), 16)
        source = match.group(4)
        if name is None or size == 0 or name.startswith("*") or "load address" in source:
            continue
        part = part_of(source)
        if output_section == ".data":
            sizes[part][0] += size
            sizes[part][1] += size
        elif output_section == ".bss":
            sizes[part][1] += size
        elif FLASH_SECTIONS.match(output_section) or output_section == ".text":
            sizes[part][0] += size
    return sizes


def read_measures(path):
    """{name: value} of the self-test's "selftest-measure <name> <value>..." lines."""
    measures = {}
    with open(path, encoding="utf-8", errors="replace") as stream:
        for line in stream:
            words = line.split()
            if words[:1] == ["selftest-measure"]:
                measures.update(zip(words[1::2], (int(v) for v in words[2::2])))
    if "stack" not in measures or "heap" not in measures:
        sys.exit(f"size_report: no measurements in {path} (did the self-test run?)")
    return measures


def read_elf(size_tool, elf):
    """(flash, RAM) of the image: text + data, data + bss (Berkeley format)."""
    output = subprocess.run([size_tool, "-B", elf], check=True, capture_output=True, text=True).stdout
    text, data, bss = (int(v) for v in output.splitlines()[1].split()[:3])
    return text + data, data + bss


def read_budgets(path):
    budgets = {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip() and not line.startswith("#"):
                name, amount = line.split()
                budgets[name] = int(amount)
    return budgets


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--map", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--budgets", required=True)
    parser.add_argument("--elf", required=True)
    parser.add_argument("--size-tool", default="arm-none-eabi-size")
    parser.add_argument("--report")
    args = parser.parse_args()

    sizes = read_map(args.map)
    run = read_measures(args.log)
    budgets = read_budgets(args.budgets)
    image_flash, image_ram = read_elf(args.size_tool, args.elf)
    measured = {
        "layer_flash": sizes["layer"][0],
        "pal_flash": sizes["pal"][0],
        "image_flash": image_flash,
        "image_ram": image_ram,
        "stack": run["stack"],
        "heap": run["heap"],
    }
    if "login" in run:  # the flows that log in
        measured["login_instructions"] = run["login"]
    if "sign" in run:  # the flows that sign (ECDSA P-256)
        measured["sign_instructions"] = run["sign"]
    # the TLS flow's RSA-2048 and P-384 C_Sign, RSA-2048 pair; the keygen flow's P-256 pair
    for name in ("rsa_sign", "p384_sign", "rsa_keygen", "keygen"):
        if name in run:
            measured[f"{name}_instructions"] = run[name]
    rows = [f"| {part} | {sizes[part][0]} | {sizes[part][1]} |" for part in PARTS]
    lines = [f"### Firmware size: {args.profile} (Cortex-M4, -Os, newlib-nano)", "",
             "| part | flash (B) | RAM (B) |", "|---|---:|---:|", *rows,
             f"| **image** | **{measured['image_flash']}** | **{measured['image_ram']}** |", "",
             "| measure | value | budget | |", "|---|---:|---:|---|"]
    over = []
    for name, value in measured.items():
        budget = budgets.get(name)
        verdict = "" if budget is None else ("over" if value > budget else "ok")
        if verdict == "over":
            over.append(f"{name} {value} > {budget}")
        lines.append(f"| {name} | {value} | {budget if budget is not None else '-'} | {verdict} |")
    for name in budgets:
        if name not in measured:
            over.append(f"{name} has a budget but this image does not measure it")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as report:
            report.write(text)
    if over:
        sys.exit(f"size_report: {args.profile} is over budget: " + "; ".join(over))


if __name__ == "__main__":
    main()
