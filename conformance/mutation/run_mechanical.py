#!/usr/bin/python3
"""Builds mechanical mutants of a module and runs the conformance suite on each.

  run_mechanical.py --source-root DIR --build-dir DIR [--profile full]
                    [--provision-module MODULE]
                    [--sample N --seed S | --only ID,ID... | --all]
                    [--results FILE.jsonl] [--record FILE.jsonl] [--timeout 90]

The mutants are those of mechanical_mutants.py over backend_wolfssl/*.cpp
(backend_wolfssl/lean/*.cpp for a lean profile) and
generated/<profile>/entry_points.c, with the flags of the build's
compile_commands.json. Each mutant is written INTO the source tree, the
module target is rebuilt (one file recompiles, the module relinks), the
module is copied aside and the file is restored; so run it on a clone (the
CI checkout, or `git clone` of your tree): the files it mutates must be
unchanged from git, and they are restored on every exit, ^C included.

While the suite runs on one mutant (p11conform --profile <profile>
--strict-profile --init-token --fail-fast, a fresh store each), the next one
compiles. A mutant is
  killed     the suite failed a test, crashed, hung (timeout) or refused to
             start on it (exit 2: the module did not load, the token is not
             usable): a user of the module would have seen the defect;
  survived   every test passed;
  stillborn  it does not compile (not counted).
Before any mutant the suite must pass on the unmutated module (the control).

--results appends one JSON line per mutant and skips the ids already in it,
so a long run can be stopped and resumed. --record compares with a recorded
run (docs/mutation/mechanical-run.jsonl): a mutant recorded killed that now
survives is a regression of the suite, and the exit status is 1; new
survivors of mutants never recorded are listed. Exit 0 otherwise.

--unit-tests REGEX adds a second killer: every mutant the suite lets survive
is written into the tree again, the test programs of the ctest tests that
match REGEX (e.g. '^(backend|crypto|storage|secrets|clients)\\.') are rebuilt
with it and run. The row then also has "units" (killed / survived /
stillborn) and "units_detail" (the first test that failed). The suite's own
score stays the "verdict"; the units catch what no PKCS #11 call can show
(a fault of the heap, the PAL or a stored file, a leak a test counts).
--units-only skips the suite and runs the units on the survivors already in
--results.
"""
import argparse
import concurrent.futures
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mechanical_mutants  # noqa: E402
from run_mutants import read_junit  # noqa: E402


def profile_is_lean(source_root, profile):
    """Whether the profile's module links the lean backend (profile.h says so)."""
    with open(os.path.join(source_root, "generated", profile, "profile.h"), encoding="utf-8") as stream:
        return "#define P11_PROFILE_BACKEND_LEAN 1" in stream.read()


def module_sources(source_root, profile):
    """The backend's sources the profile's module links (the full backend's,
    or lean/ for a lean profile; the format code they share is mutated with
    the full backend), and the profile's entry points."""
    backend = os.path.join(source_root, "backend_wolfssl")
    files = []
    if profile_is_lean(source_root, profile):
        lean = os.path.join(backend, "lean")
        files = [os.path.join(lean, n) for n in sorted(os.listdir(lean)) if n.endswith(".cpp")]
    else:
        for folder, subfolders, names in os.walk(backend):
            # lean/ is the other backend (backend: lean profiles), not in the full module.
            subfolders[:] = sorted(d for d in subfolders if d not in ("tests", "lean"))
            files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".cpp")]
    files.append(os.path.join(source_root, "generated", profile, "entry_points.c"))
    return files


def enumerate_mutants(source_root, build_dir, profile):
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as stream:
        commands = json.load(stream)
    mutants = []
    for path in module_sources(source_root, profile):
        mutants += mechanical_mutants.mutants_of(path, source_root,
                                                 mechanical_mutants.compile_arguments(commands, path))
    return mutants


def read_jsonl(path):
    rows = []
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as stream:
            rows = [json.loads(line) for line in stream if line.strip()]
    return rows


class SourceTree:
    """Writes one mutant at a time into the tree and always puts the original back."""

    def __init__(self, root):
        self.root = root
        self.originals = {}       # relative path -> original bytes (files currently changed)

    def check_clean(self, files):
        if not os.path.isdir(os.path.join(self.root, ".git")):
            return
        relative = [os.path.relpath(f, self.root) for f in files]
        changed = subprocess.run(["git", "-C", self.root, "status", "--porcelain", "--", *relative],
                                 capture_output=True, text=True, check=True).stdout.strip()
        if changed:
            raise SystemExit("run_mechanical: these files differ from git; mutants would be built on them "
                             "and they would be overwritten:\n" + changed)

    def write(self, mutant):
        path = os.path.join(self.root, mutant.file)
        for other in list(self.originals):
            if other != mutant.file:
                self.restore(other)
        if mutant.file not in self.originals:
            with open(path, "rb") as stream:
                self.originals[mutant.file] = stream.read()
        mutated = mechanical_mutants.apply(self.originals[mutant.file], mutant)
        with open(path, "wb") as stream:
            stream.write(mutated)

    def restore(self, relative=None):
        for name in [relative] if relative else list(self.originals):
            with open(os.path.join(self.root, name), "wb") as stream:
                stream.write(self.originals.pop(name))


def build(build_dir, target, log, jobs=1):
    targets = [target] if isinstance(target, str) else list(target)
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.run(["cmake", "--build", build_dir, "--target", *targets, "-j", str(jobs)],
                              stdout=out, stderr=subprocess.STDOUT).returncode == 0


def unit_targets(build_dir, regex):
    """The programs (CMake targets named like their executables) of the ctest tests matching regex."""
    listing = subprocess.run(["ctest", "--test-dir", build_dir, "-R", regex, "--show-only=json-v1"],
                             capture_output=True, text=True, check=True).stdout
    tests = json.loads(listing).get("tests", [])
    programs = sorted({os.path.basename(t["command"][0]) for t in tests if t.get("command")})
    if not programs:
        raise SystemExit(f"run_mechanical: no ctest test matches {regex!r}")
    return programs


def run_unit_tests(args, targets, name):
    """(verdict, detail) of the project's own tests on the tree as it is now."""
    if not build(args.build_dir, targets, os.path.join(args.work_dir, name + ".units.build.log"), jobs=2):
        return "stillborn", "does not compile"
    log = os.path.join(args.work_dir, name + ".units.log")
    with open(log, "w", encoding="utf-8") as out:
        rc = subprocess.run(["ctest", "--test-dir", args.build_dir, "-R", args.unit_tests, "-j", "2",
                             "--timeout", str(args.timeout)], stdout=out, stderr=subprocess.STDOUT).returncode
    if rc == 0:
        return "survived", ""
    with open(log, encoding="utf-8", errors="replace") as stream:
        failed = first_failed_test(stream.read())
    return "killed", failed or f"ctest exit {rc}"


def first_failed_test(ctest_output):
    """The first name under ctest's "The following tests FAILED:" ("  12 - name (Failed)"), or ""."""
    _, found, listing = ctest_output.partition("The following tests FAILED:")
    for line in listing.splitlines() if found else []:
        number, dash, rest = line.strip().partition(" - ")
        if dash and number.isdigit() and rest:
            return rest.split()[0]
    return ""


def run_suite(args, module, name):
    """(verdict, detail, seconds) of the suite on one module."""
    report = os.path.join(args.work_dir, name + ".xml")
    log = os.path.join(args.work_dir, name + ".log")
    store = os.path.join(args.work_dir, name + ".store")
    shutil.rmtree(store, ignore_errors=True)
    os.makedirs(store, mode=0o700)
    command = [args.runner, "--module", module, "--profile", args.profile, "--strict-profile", "--init-token",
               "--fail-fast", "--report-junit", report]
    if args.provision_module:
        command += ["--provision-module", args.provision_module]
    start = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, P11FORGE_STORE_DIR=store), start_new_session=True)
        try:
            rc = process.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            rc = None
    seconds = time.monotonic() - start
    shutil.rmtree(store, ignore_errors=True)
    failing, _ = read_junit(report)
    if rc == 0:
        return "survived", "", seconds
    if rc == 1:
        return "killed", failing[0] if failing else "a test failed", seconds
    if rc is None:
        return "killed", f"timeout after {args.timeout} s", seconds
    if rc < 0:
        return "killed", f"crash (signal {-rc})", seconds
    with open(log, encoding="utf-8", errors="replace") as stream:
        said = [line.strip() for line in stream
                if line.strip() and not line.startswith("p11conform: module ")][:1] or [f"exit {rc}"]
    return "killed", f"runner exit {rc}: {said[0][:160]}", seconds


def save_row(path, row):
    """Replaces (or adds) the row of one mutant in a JSON-lines results file."""
    if not path:
        return
    kept = [r for r in read_jsonl(path) if r["id"] != row["id"]]
    with open(path + ".new", "w", encoding="utf-8") as stream:
        for old in kept + [row]:
            stream.write(json.dumps(old, sort_keys=True) + "\n")
    os.replace(path + ".new", path)


def run_units_on_survivors(args, tree, mutants, rows):
    """The second killer: the project's own tests on each survivor of the suite (row["units"])."""
    by_id = {m.id: m for m in mutants}
    todo = [r for r in rows if r["verdict"] == "survived" and (args.rerun or "units" not in r)]
    missing = [r["id"] for r in todo if r["id"] not in by_id]
    if missing:
        raise SystemExit(f"run_mechanical: no longer a mutant of these sources: {', '.join(missing)}")
    targets = unit_targets(args.build_dir, args.unit_tests)
    tree.restore()
    verdict, detail = run_unit_tests(args, targets, "control")
    if verdict != "survived":
        raise SystemExit(f"run_mechanical: the unit tests fail unmutated ({detail})")
    print(f"units control: passed; {len(todo)} survivors of the suite to run them on "
          f"({len(targets)} programs)", flush=True)
    for number, row in enumerate(todo):
        tree.write(by_id[row["id"]])
        start = time.monotonic()
        verdict, detail = run_unit_tests(args, targets, f"u{number:05d}")
        row.update(units=verdict, units_detail=detail, units_seconds=round(time.monotonic() - start, 1))
        save_row(args.results, row)
        print(f"  units [{number + 1}/{len(todo)}] {verdict:9} {row['id']}  {detail}", flush=True)
    tree.restore()


def select(mutants, args, done):
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {m.id for m in mutants}
        if unknown:
            raise SystemExit(f"run_mechanical: no mutant {', '.join(sorted(unknown))}")
        chosen = [m for m in mutants if m.id in wanted]
    elif args.sample:
        pool = mutants
        if args.record_rows:
            recorded = {row["id"] for row in args.record_rows}
            pool = [m for m in mutants if m.id in recorded]
        chosen = random.Random(args.seed).sample(pool, min(args.sample, len(pool)))
    else:
        chosen = list(mutants)
    if not args.rerun:
        chosen = [m for m in chosen if m.id not in done]
    # One file after another: a file switch costs a second compile.
    order = {m.id: index for index, m in enumerate(mutants)}
    return sorted(chosen, key=lambda m: (m.file, order[m.id]))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--profile", default="full")
    parser.add_argument("--runner", help="default: <build-dir>/p11conform")
    parser.add_argument("--work-dir", help="default: <build-dir>/mechanical-mutants")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", default="0")
    parser.add_argument("--only", default="")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--results", help="JSON lines, appended; ids already there are skipped")
    parser.add_argument("--rerun", action="store_true",
                        help="run mutants already in --results again; their new rows replace the old")
    parser.add_argument("--record", help="a recorded run to compare with")
    parser.add_argument("--timeout", type=int, default=90)
    parser.add_argument("--provision-module",
                        help="passed to p11conform: the module that provisions a profile without C_CreateObject "
                             "(freertos-ota: <build-dir>/p11forge-freertos.so)")
    parser.add_argument("--list", action="store_true", help="print the selected mutants and stop")
    parser.add_argument("--unit-tests", metavar="REGEX",
                        help="second killer: the ctest tests matching REGEX, on every survivor of the suite")
    parser.add_argument("--units-only", action="store_true",
                        help="with --results and --unit-tests: run only the units, on the survivors in --results")
    args = parser.parse_args(argv)
    if args.units_only and not (args.results and args.unit_tests):
        parser.error("--units-only needs --results and --unit-tests")
    if not (args.sample or args.only or args.all or args.list or args.units_only):
        parser.error("say which mutants: --sample N, --only IDS or --all")
    args.source_root = os.path.realpath(args.source_root)
    args.build_dir = os.path.realpath(args.build_dir)
    args.runner = args.runner or os.path.join(args.build_dir, "p11conform")
    args.work_dir = os.path.realpath(args.work_dir or os.path.join(args.build_dir, "mechanical-mutants"))
    os.makedirs(args.work_dir, exist_ok=True)
    args.record_rows = read_jsonl(args.record)
    target = f"p11forge-{args.profile}"
    module = os.path.join(args.build_dir, f"{target}.so")

    start = time.monotonic()
    mutants = enumerate_mutants(args.source_root, args.build_dir, args.profile)
    done = {row["id"] for row in read_jsonl(args.results)}
    chosen = [] if args.units_only else select(mutants, args, done)
    print(f"{len(mutants)} mechanical mutants of {target}; {len(chosen)} to run "
          f"({time.monotonic() - start:.0f} s to find them)", flush=True)
    if args.list:
        for mutant in chosen:
            print(f"  {mutant.id}  {mutant.file}:{mutant.line}  {mutant.original!r} -> {mutant.replacement!r}")
        return 0

    tree = SourceTree(args.source_root)
    tree.check_clean(module_sources(args.source_root, args.profile))

    def stop(signum, _frame):
        tree.restore()
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    results = []
    try:
        if args.units_only:
            run_units_on_survivors(args, tree, mutants, read_jsonl(args.results))
            return 0
        if not build(args.build_dir, target, os.path.join(args.work_dir, "control.build.log")):
            raise SystemExit(f"run_mechanical: {target} does not build unmutated")
        control = os.path.join(args.work_dir, "control.so")
        shutil.copy2(module, control)
        verdict, detail, seconds = run_suite(args, control, "control")
        if verdict != "survived":
            raise SystemExit(f"run_mechanical: the suite fails on the unmutated module ({detail}); "
                             "a score would mean nothing")
        print(f"control: passed ({seconds:.1f} s)", flush=True)

        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pending = None

            def finish(entry):
                mutant, future, build_seconds = entry
                verdict, detail, seconds = future.result()
                record(mutant, verdict, detail, build_seconds, seconds)

            def record(mutant, verdict, detail, build_seconds, seconds):
                row = dict(mutant.as_dict(), verdict=verdict, detail=detail,
                           build_seconds=round(build_seconds, 1), seconds=round(seconds, 1))
                results.append(row)
                save_row(args.results, row)
                print(f"  [{len(results)}/{len(chosen)}] {verdict:9} {mutant.id}  "
                      f"{mutant.original[:40]!r} -> {mutant.replacement[:40]!r}  {detail}", flush=True)

            for number, mutant in enumerate(chosen):
                built_at = time.monotonic()
                tree.write(mutant)
                name = f"m{number:05d}"
                built = build(args.build_dir, target, os.path.join(args.work_dir, name + ".build.log"))
                build_seconds = time.monotonic() - built_at
                if pending is not None:
                    finish(pending)
                    pending = None
                if not built:
                    record(mutant, "stillborn", "does not compile", build_seconds, 0.0)
                    continue
                copy = os.path.join(args.work_dir, name + ".so")
                shutil.copy2(module, copy)
                pending = (mutant, pool.submit(run_suite, args, copy, name), build_seconds)
            if pending is not None:
                finish(pending)
        if args.unit_tests:
            run_units_on_survivors(args, tree, mutants, results)
    finally:
        tree.restore()
        build(args.build_dir, target, os.path.join(args.work_dir, "restore.build.log"))
        for name in os.listdir(args.work_dir):
            if name.endswith(".so"):
                os.remove(os.path.join(args.work_dir, name))

    counted = [r for r in results if r["verdict"] != "stillborn"]
    killed = sum(1 for r in counted if r["verdict"] == "killed")
    print()
    print(f"time: {time.monotonic() - start:.0f} s; logs in {args.work_dir}")
    print(f"mechanical mutation score ({args.profile}): {killed}/{len(counted)} killed"
          f" ({100 * killed // len(counted) if counted else 0}%), "
          f"{len(results) - len(counted)} stillborn")
    status = 0
    if args.record_rows:
        recorded = {row["id"]: row for row in args.record_rows}
        for row in results:
            before = recorded.get(row["id"])
            if before is None:
                if row["verdict"] == "survived":
                    print(f"  new survivor (not in the record): {row['id']}")
                continue
            if before["verdict"] == "killed" and row["verdict"] == "survived":
                print(f"  REGRESSION: {row['id']} was killed ({before['detail']}) and now survives")
                status = 1
            elif before["verdict"] == "survived" and row["verdict"] == "killed":
                print(f"  now killed (update the record): {row['id']} by {row['detail']}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
