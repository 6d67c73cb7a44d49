#!/usr/bin/python3
"""Regenerates generated/ from pkcs11.h, spec/rules.yaml and the profiles.

  generate.py                      every concrete profile in spec/profiles/
                                   and the shared generated/conformance/
  generate.py --profile freertos   one profile (a name or a path to a .yaml)
  generate.py --only-shared        generated/conformance/ only
  generate.py --verify             regenerate into a temporary folder and diff
                                   (what the same options would write)
  generate.py --resolve freertos   print the resolved profile text
                                   (conformance_profile.txt) to stdout
  generate.py --lint freertos      print every setting of the profile and
                                   where it comes from (a file:line or the
                                   default it relies on, and what that means)

Each profile's folder holds its module's entry points and the resolved
profile text the conformance runner reads; generated/conformance/ holds the
runner's generated sources, which are the same for every profile.
Same inputs give byte-identical output.
"""
import argparse
import difflib
import glob
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from p11gen import (header_model, plan, profile as profile_module, profile_checks,  # noqa: E402
                    profile_lint, render, spec_model, yaml_lines)
from p11gen.errors import SpecError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_HEADER = "/usr/include/p11-kit-1/p11-kit/pkcs11.h"
PROFILE_SUFFIXES = (".yaml", ".yml")


def _display(path):
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def _profile_path(name, profile_dir):
    """A path as given; a bare name is a profile of profile_dir."""
    if name.endswith(PROFILE_SUFFIXES) or os.sep in name:
        return name
    return os.path.join(profile_dir, f"{name}.yaml")


def _profile_paths(names, profile_dir):
    if not names:
        paths = sorted(glob.glob(os.path.join(profile_dir, "*.yaml")))
        return [p for p in paths if not yaml_lines.load(p).get("abstract", False)]
    return [_profile_path(name, profile_dir) for name in names]


def _load_api(args):
    header = header_model.load(args.header, args.define, args.include_dir, args.prelude)
    api = spec_model.load(args.rules, header)
    newer = [name for name in api.unruled if name in spec_model.V30_FUNCTIONS]
    other = [name for name in api.unruled if name not in spec_model.V30_FUNCTIONS]
    if newer:
        print(f"note: the header is PKCS #11 v3.x; its {len(newer)} v3.0 function(s) are left out "
              f"({', '.join(newer)}): spec/rules.yaml describes v2.40, and a module built from this header offers "
              f"the v2.40 function list through C_GetFunctionList", file=sys.stderr)
    if other:
        print(f"note: {len(other)} header function(s) without a rule left out: {', '.join(other)}", file=sys.stderr)
    return header, api


def _shared_sources(args):
    """The inputs each generated file names in its banner: the header with the
    options it was read with (so a --verify without them shows which to give),
    and the rules."""
    options = ([f"--prelude {_display(args.prelude)}"] if args.prelude else []) + \
        [f"--define {d}" for d in args.define] + [f"--include-dir {_display(d)}" for d in args.include_dir]
    return [_display(h) for h in args.header] + options + [_display(args.rules)]


def _search_dirs(args):
    """Where extends and provisioning look after the profile's own folder:
    --profile-dir, then the built-in profiles (reachable from any folder)."""
    builtin = os.path.join(ROOT, "spec", "profiles")
    return [args.profile_dir] + ([builtin] if os.path.abspath(args.profile_dir) != builtin else [])


def _load_profile(path, api, args):
    profile = profile_module.load(path, api, _search_dirs(args))
    return profile, _shared_sources(args) + [_display(p) for p in profile.chain]


def _write(folder, files):
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    return folder


def _writes_all(args):
    """No --profile and no --only-shared: every profile and the shared folder."""
    return not args.profile and not args.only_shared


def generate(args, out_dir):
    """Writes what the options select below out_dir; returns the folders written."""
    header, api = _load_api(args)
    written = []
    if not args.only_shared:
        catalog = profile_checks.load_catalog(args.backend_mechanisms)
        for path in _profile_paths(args.profile, args.profile_dir):
            profile, sources = _load_profile(path, api, args)
            # A module is built on the wolfSSL backend: only what it implements.
            profile_checks.check_backend(profile, catalog, _display(args.backend_mechanisms))
            written.append(_write(os.path.join(out_dir, profile.name), render.render(api, profile, sources)))
    if args.only_shared or _writes_all(args):
        returns = plan.return_values(args.return_values, header)
        meanings = plan.return_value_meanings(args.return_values, header)
        files = render.render_shared(api, header, _shared_sources(args) + [_display(args.return_values)], returns,
                                     meanings)
        written.append(_write(os.path.join(out_dir, render.SHARED_FOLDER), files))
    return written


def resolve(args):
    """Prints one profile's resolved text (what conformance_profile.txt holds)."""
    _, api = _load_api(args)
    profile, sources = _load_profile(_profile_path(args.resolve, args.profile_dir), api, args)
    sys.stdout.write(render.render_profile_text(api, profile, sources))
    return 0


def lint(args):
    """Prints every setting of one profile and its origin (profile_lint.py)."""
    _, api = _load_api(args)
    for line in profile_lint.lint(_profile_path(args.lint, args.profile_dir), api, _search_dirs(args), os.getcwd()):
        print(line)
    return 0


def _diff_folder(fresh_folder, checked_in):
    """Prints a unified diff per differing file (extra files included); returns their count."""
    fresh_names = set(os.listdir(fresh_folder))
    if not os.path.isdir(checked_in):
        print(f"{_display(checked_in)}/: missing: the inputs generate {len(fresh_names)} file(s) there")
        return 1
    old_names = set(os.listdir(checked_in))
    differences = 0
    for file_name in sorted(fresh_names | old_names):
        fresh = _read(os.path.join(fresh_folder, file_name))
        old = _read(os.path.join(checked_in, file_name))
        shown = _display(os.path.join(checked_in, file_name))
        if file_name not in fresh_names:
            differences += 1
            print(f"{shown}: extra: the inputs do not generate it")
        elif file_name not in old_names:
            differences += 1
            print(f"{shown}: missing: the inputs generate it")
        elif fresh != old:
            differences += 1
            sys.stdout.writelines(difflib.unified_diff(old, fresh, f"a/{shown}", f"b/{shown} (regenerated)"))
    return differences


def verify(args):
    """Regenerates into a temporary folder; prints a unified diff; 1 when different."""
    with tempfile.TemporaryDirectory(prefix="p11gen-verify-") as scratch:
        folders = generate(args, scratch)
        differences = 0
        for folder in folders:
            differences += _diff_folder(folder, os.path.join(args.out, os.path.basename(folder)))
        if _writes_all(args) and os.path.isdir(args.out):
            # A folder of a removed or renamed profile is stale too.
            fresh = {os.path.basename(f) for f in folders}
            for name in sorted(os.listdir(args.out)):
                if name not in fresh and os.path.isdir(os.path.join(args.out, name)):
                    differences += 1
                    print(f"{_display(os.path.join(args.out, name))}/: stale, no profile generates it")
        if differences:
            print(f"generate.py --verify: {differences} generated file(s) differ from their inputs; "
                  f"run codegen/generate.py and commit generated/", file=sys.stderr)
            return 1
        print(f"generate.py --verify: {len(folders)} folder(s) match their inputs")
        return 0


def _read(path):
    if not os.path.isfile(path):
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
    parser.add_argument("--backend-mechanisms", default=os.path.join(ROOT, "spec", "backend_mechanisms.yaml"),
                        help="what the wolfSSL backend implements: a module's profile may offer only that")
    parser.add_argument("--return-values", default=os.path.join(ROOT, "spec", "return_values.yaml"),
                        help="each function's v2.40 return values, for the runner's check")
    parser.add_argument("--profile-dir", default=os.path.join(ROOT, "spec", "profiles"),
                        help="where profile names are found; also searched by extends and provisioning "
                             "after the profile's own folder, and before the built-in spec/profiles "
                             "(default spec/profiles)")
    selection = parser.add_mutually_exclusive_group()
    selection.add_argument("--profile", action="append",
                           help="profile name or .yaml path; only these profiles, not generated/conformance/ "
                                "(default: every concrete profile and generated/conformance/)")
    selection.add_argument("--only-shared", action="store_true",
                           help="only <out>/conformance/, the runner's sources shared by every profile")
    selection.add_argument("--resolve", metavar="NAME_OR_PATH",
                           help="print the profile's resolved text (conformance_profile.txt) and exit")
    selection.add_argument("--lint", metavar="NAME_OR_PATH",
                           help="print every setting of the profile and where it comes from (a file:line, or the "
                                "default it relies on and what that means) and exit")
    parser.add_argument("--out", default=os.path.join(ROOT, "generated"), help="output folder (default generated/)")
    parser.add_argument("--verify", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    args.header = args.header or [DEFAULT_HEADER]
    if (args.resolve or args.lint) and args.verify:
        parser.error("--resolve and --lint write nothing to verify")
    try:
        if args.resolve:
            return resolve(args)
        if args.lint:
            return lint(args)
        if args.verify:
            return verify(args)
        for folder in generate(args, args.out):
            print(f"generated {_display(folder)}")
        return 0
    except (SpecError, header_model.HeaderError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
