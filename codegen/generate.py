#!/usr/bin/python3
"""Regenerates generated/<profile>/ from pkcs11.h, spec/rules.yaml and a profile.

  generate.py                      every concrete profile in spec/profiles/
  generate.py --profile freertos   one profile (a name or a path to a .yaml)
  generate.py --verify             regenerate into a temporary folder and diff

Same inputs give byte-identical output.
"""
import argparse
import difflib
import glob
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from p11gen import header_model, profile as profile_module, render, spec_model, yaml_lines  # noqa: E402
from p11gen.errors import SpecError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_HEADER = "/usr/include/p11-kit-1/p11-kit/pkcs11.h"


def _display(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def _profile_paths(names, profile_dir):
    if not names:
        paths = sorted(glob.glob(os.path.join(profile_dir, "*.yaml")))
        return [p for p in paths if not yaml_lines.load(p).get("abstract", False)]
    result = []
    for name in names:
        result.append(name if name.endswith(".yaml") else os.path.join(profile_dir, f"{name}.yaml"))
    return result


def generate(args, out_dir):
    """Writes each profile's files below out_dir; returns the list of folders written."""
    header = header_model.load(args.header, args.define, args.include_dir, args.prelude)
    api = spec_model.load(args.rules, header)
    if api.unruled:
        print(f"note: {len(api.unruled)} header function(s) without a rule left out: {', '.join(api.unruled)}",
              file=sys.stderr)
    written = []
    for path in _profile_paths(args.profile, args.profile_dir):
        profile = profile_module.load(path, api)
        sources = [_display(h) for h in args.header] + [_display(args.rules)] + [_display(p) for p in profile.chain]
        files = render.render(api, profile, sources)
        folder = os.path.join(out_dir, profile.name)
        os.makedirs(folder, exist_ok=True)
        for name, text in files.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        written.append(folder)
    return written


def verify(args):
    """Regenerates into a temporary folder; prints a unified diff; 1 when different."""
    with tempfile.TemporaryDirectory(prefix="p11gen-verify-") as scratch:
        folders = generate(args, scratch)
        differences = 0
        for folder in folders:
            name = os.path.basename(folder)
            checked_in = os.path.join(args.out, name)
            fresh_names = set(os.listdir(folder))
            old_names = set(os.listdir(checked_in)) if os.path.isdir(checked_in) else set()
            for file_name in sorted(fresh_names | old_names):
                fresh = _read(os.path.join(folder, file_name))
                old = _read(os.path.join(checked_in, file_name))
                if fresh != old:
                    differences += 1
                    sys.stdout.writelines(difflib.unified_diff(
                        old, fresh, f"a/{_display(os.path.join(checked_in, file_name))}",
                        f"b/{_display(os.path.join(checked_in, file_name))} (regenerated)"))
        if differences:
            print(f"generate.py --verify: {differences} generated file(s) differ from their inputs; "
                  f"run codegen/generate.py and commit generated/", file=sys.stderr)
            return 1
        print(f"generate.py --verify: {len(folders)} profile(s) match their inputs")
        return 0


def _read(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as stream:
        return stream.readlines()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--header", action="append", help=f"PKCS #11 header (default {DEFAULT_HEADER})")
    parser.add_argument("--define", action="append", default=[], help="NAME[=VALUE] for the header (OASIS headers)")
    parser.add_argument("--include-dir", action="append", default=[], help="include folder for the header")
    parser.add_argument("--prelude", help="a header included before the PKCS #11 header (platform macros)")
    parser.add_argument("--rules", default=os.path.join(ROOT, "spec", "rules.yaml"))
    parser.add_argument("--profile-dir", default=os.path.join(ROOT, "spec", "profiles"))
    parser.add_argument("--profile", action="append", help="profile name or .yaml path (default: all concrete)")
    parser.add_argument("--out", default=os.path.join(ROOT, "generated"), help="output folder (default generated/)")
    parser.add_argument("--verify", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    args.header = args.header or [DEFAULT_HEADER]
    try:
        if args.verify:
            return verify(args)
        for folder in generate(args, args.out):
            print(f"generated {_display(folder)}")
        return 0
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except header_model.HeaderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
