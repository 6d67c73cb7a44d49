#!/usr/bin/python3
"""Mutants of the freertos module: one injected defect each (issue 5).

mutants.yaml describes every mutant as data; this script checks and applies
them. Subcommands:

  list        --mutants YAML --source-root DIR
              check the file (schema, files exist) and print "id file" lines
              for CMake.
  apply       --mutants YAML --source-root DIR --id ID --out FILE
              write the mutated copy of the mutant's file to FILE; fails with
              "mutant <id> no longer applies: ..." unless `find` occurs
              exactly once in the file.
  check       --mutants YAML --source-root DIR
              apply every mutant in memory and report the ones that no longer
              apply (no build needed).
  table       --mutants YAML
              print the Markdown table of README.md (id, defect, file, tests).
  check-link  --map FILE --require TEXT... --forbid TEXT...
              check a GNU ld link map: every --require text occurs (the map is
              what we think it is) and no --forbid text does (the original
              object of the mutated file was not linked in).

Needs Debian's /usr/bin/python3 (python3-yaml).
"""
import argparse
import os
import re
import sys

import yaml

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TEST_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
FIELDS = ("id", "description", "file", "find", "replace", "tests")


class MutantError(Exception):
    pass


def _allowed_file(path):
    """The translation units of the module a mutant may change."""
    if path.startswith("backend_wolfssl/") and path.endswith(".cpp"):
        return "/tests/" not in path
    if path.startswith("pal/") and path.endswith(".c"):
        return "/tests/" not in path and not path.endswith("_test.c")
    return path in ("generated/freertos/entry_points.c", "generated/freertos/profile.c")


def load_mutants(yaml_path, source_root=None):
    """The mutants of yaml_path as a list of dicts, checked; raises MutantError."""
    try:
        with open(yaml_path, encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except (OSError, yaml.YAMLError) as error:
        raise MutantError(f"{yaml_path}: {error}")
    if not isinstance(data, dict) or not isinstance(data.get("mutants"), list):
        raise MutantError(f"{yaml_path}: expected a mapping with a list 'mutants'")
    seen = set()
    mutants = []
    for index, mutant in enumerate(data["mutants"]):
        where = f"{yaml_path}: mutant #{index + 1}"
        if not isinstance(mutant, dict):
            raise MutantError(f"{where}: not a mapping")
        if isinstance(mutant.get("id"), str):
            where = f"{yaml_path}: mutant {mutant['id']}"
        unknown = set(mutant) - set(FIELDS)
        if unknown:
            raise MutantError(f"{where}: unknown keys {sorted(unknown)}")
        for field in FIELDS:
            if field not in mutant:
                raise MutantError(f"{where}: '{field}' is missing")
        for field in ("id", "description", "file", "find", "replace"):
            if not isinstance(mutant[field], str):
                raise MutantError(f"{where}: '{field}' must be a string")
        if not ID_PATTERN.match(mutant["id"]):
            raise MutantError(f"{where}: id must match {ID_PATTERN.pattern}")
        if mutant["id"] in seen:
            raise MutantError(f"{where}: id used twice")
        seen.add(mutant["id"])
        if "\n" in mutant["description"].strip():
            raise MutantError(f"{where}: the description is one line")
        if not mutant["find"]:
            raise MutantError(f"{where}: 'find' is empty")
        if mutant["find"] == mutant["replace"]:
            raise MutantError(f"{where}: 'replace' equals 'find': no defect")
        if not _allowed_file(mutant["file"]):
            raise MutantError(
                f"{where}: file {mutant['file']} is not a translation unit of the module "
                "(backend_wolfssl/**/*.cpp, pal/**/*.c, generated/freertos/entry_points.c or profile.c)")
        tests = mutant["tests"]
        if not isinstance(tests, list) or not tests:
            raise MutantError(f"{where}: 'tests' must list the tests that target the defect")
        for test in tests:
            if not isinstance(test, str) or not TEST_PATTERN.match(test):
                raise MutantError(f"{where}: test {test!r} is not Suite.Test")
        if source_root is not None and not os.path.isfile(os.path.join(source_root, mutant["file"])):
            raise MutantError(f"{where}: {mutant['file']} does not exist")
        mutant["description"] = mutant["description"].strip()
        mutants.append(mutant)
    return mutants


def mutated_text(mutant, source_root):
    """The mutated content of the mutant's file; raises MutantError when it no longer applies."""
    path = os.path.join(source_root, mutant["file"])
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            text = stream.read()
    except OSError as error:
        raise MutantError(f"mutant {mutant['id']} no longer applies: {error}")
    count = text.count(mutant["find"])
    if count != 1:
        first_line = mutant["find"].strip().splitlines()[0] if mutant["find"].strip() else mutant["find"]
        raise MutantError(
            f"mutant {mutant['id']} no longer applies: its find text occurs {count} times in "
            f"{mutant['file']} (must be exactly once); it starts with: {first_line!r}. "
            "Update conformance/mutation/mutants.yaml to the current code.")
    return text.replace(mutant["find"], mutant["replace"], 1)


def _write(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # Always rewrite: the build rule's output must be newer than its inputs.
    temp = path + ".tmp"
    with open(temp, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    os.replace(temp, path)


def command_list(args):
    for mutant in load_mutants(args.mutants, args.source_root):
        print(f"{mutant['id']} {mutant['file']}")
    return 0


def command_apply(args):
    mutants = {m["id"]: m for m in load_mutants(args.mutants, args.source_root)}
    if args.id not in mutants:
        raise MutantError(f"mutant {args.id} is not in {args.mutants}")
    _write(args.out, mutated_text(mutants[args.id], args.source_root))
    return 0


def command_check(args):
    failures = 0
    mutants = load_mutants(args.mutants, args.source_root)
    for mutant in mutants:
        try:
            mutated_text(mutant, args.source_root)
        except MutantError as error:
            print(error, file=sys.stderr)
            failures += 1
    print(f"{len(mutants) - failures}/{len(mutants)} mutants apply")
    return 1 if failures else 0


def command_table(args):
    print("| mutant | defect | file | killed by |")
    print("|---|---|---|---|")
    for mutant in load_mutants(args.mutants):
        tests = ", ".join(f"`{test}`" for test in mutant["tests"])
        description = mutant["description"].replace("|", "\\|")
        print(f"| `{mutant['id']}` | {description} | `{mutant['file']}` | {tests} |")
    return 0


def command_check_link(args):
    try:
        with open(args.map, encoding="utf-8", errors="replace") as stream:
            text = stream.read()
    except OSError as error:
        raise MutantError(f"cannot read the link map: {error}")
    for required in args.require:
        if required not in text:
            raise MutantError(
                f"{args.map}: '{required}' does not occur; not the GNU ld map this check understands "
                "(or the mutated object was not linked)")
    for forbidden in args.forbid:
        if forbidden in text:
            raise MutantError(
                f"{args.map}: '{forbidden}' was linked: the original of the mutated file is in the "
                "mutant module, so the mutant would not test its defect")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "apply", "check"):
        command = sub.add_parser(name)
        command.add_argument("--mutants", required=True)
        command.add_argument("--source-root", required=True)
        if name == "apply":
            command.add_argument("--id", required=True)
            command.add_argument("--out", required=True)
    table = sub.add_parser("table")
    table.add_argument("--mutants", required=True)
    link = sub.add_parser("check-link")
    link.add_argument("--map", required=True)
    link.add_argument("--require", action="append", default=[])
    link.add_argument("--forbid", action="append", default=[])
    args = parser.parse_args(argv)
    handlers = {"list": command_list, "apply": command_apply, "check": command_check,
                "table": command_table, "check-link": command_check_link}
    try:
        return handlers[args.command](args)
    except MutantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
