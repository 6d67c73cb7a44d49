#!/usr/bin/python3
"""Runs the conformance suite on the unmutated module and on every mutant.

  run_mutants.py --manifest mutants.json --mutants mutants.yaml --runner RUNNER
                 --work-dir DIR [--jobs 2] [--timeout 300]
                 [--report-option=--report-junit] [--filter-option=--filter]
                 [--only ID,ID...] -- RUNNER-ARGS...

The runner is called as RUNNER --module MODULE RUNNER-ARGS REPORT-OPTION FILE,
with P11FORGE_STORE_DIR set to a new empty folder (0700) for every run. An
option ending in '=' or ':' takes its value in the same argument
("--gtest_output=xml:" for a plain GoogleTest runner).

First the control: the suite on the unmutated module must pass, or the score
would mean nothing. Then every mutant. A mutant is killed when the runner
exits 1 (tests failed) AND a test the mutant names in mutants.yaml (the tests
that target its defect) is among the failures: if the first failure is
another test, the targeted tests are run alone to confirm. Exit 2 (a load or
usage error), a crash or a timeout is an error: not killed (a mutant that
crashes the runner shows the suite is fragile). Prints a table and
"mutation score: N/M killed (P%)"; exits 0 only at 100%.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutate  # noqa: E402  (the mutants.yaml loader)


class Run:
    """One runner invocation: exit status, time, failing tests, log."""

    def __init__(self, rc, seconds, log, report, failing, executed, note=""):
        self.rc = rc
        self.seconds = seconds
        self.log = log
        self.report = report
        self.failing = failing      # Suite.Test of failed tests, in report order
        self.executed = executed    # Suite.Test -> "passed" / "failed" / "skipped"
        self.note = note            # "timeout" etc.

    @property
    def first_failure(self):
        return self.failing[0] if self.failing else None


def option_args(option, value):
    if option.endswith("=") or option.endswith(":"):
        return [option + value]
    return [option, value]


def read_junit(path):
    """(failing tests in order, {test: status}) of a JUnit XML report; ([], {}) if unreadable."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return [], {}
    failing = []
    executed = {}
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}.{case.get('name', '')}"
        children = {child.tag for child in case}
        if children & {"failure", "error"}:
            failing.append(name)
            executed[name] = "failed"
        elif "skipped" in children or case.get("result") == "skipped" or case.get("status") == "notrun":
            executed[name] = "skipped"
        else:
            executed[name] = "passed"
    return failing, executed


def run_suite(args, module, name, extra=()):
    """Runs the suite once on `module` with a fresh store; returns a Run."""
    log = os.path.join(args.work_dir, f"{name}.log")
    report = os.path.join(args.work_dir, f"{name}.xml")
    if os.path.exists(report):
        os.remove(report)
    store = tempfile.mkdtemp(prefix=f"store-{name}-", dir=args.work_dir)  # new, empty, 0700
    os.chmod(store, 0o700)
    command = [args.runner, "--module", module, *args.runner_args, *extra,
               *option_args(args.report_option, report)]
    env = dict(os.environ, P11FORGE_STORE_DIR=store)
    note = ""
    start = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        out.write("$ P11FORGE_STORE_DIR=" + store + " " + " ".join(command) + "\n")
        out.flush()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
        try:
            rc = process.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            rc = None
            note = f"timeout after {args.timeout} s"
    seconds = time.monotonic() - start
    shutil.rmtree(store, ignore_errors=True)
    failing, executed = read_junit(report)
    return Run(rc, seconds, log, report, failing, executed, note)


def describe_error(run):
    if run.rc is None:
        return run.note
    if run.rc < 0:
        try:
            return f"crash ({signal.Signals(-run.rc).name})"
        except ValueError:
            return f"crash (signal {-run.rc})"
    if run.rc == 2:
        return "load/usage error (exit 2)"
    return f"exit {run.rc}"


class Outcome:
    def __init__(self, mutant, result, killed, first, seconds, detail=""):
        self.mutant = mutant
        self.result = result      # killed / survived / untargeted / error: ...
        self.killed = killed
        self.first = first        # first failing test, or "-"
        self.seconds = seconds
        self.detail = detail


def test_mutant(args, mutant, module, known):
    """Runs the suite on one mutant and decides whether a targeted test killed it."""
    tests = mutant["tests"]
    unknown = [t for t in tests if known.get(t) != "passed"]
    run = run_suite(args, module, mutant["id"])
    first = run.first_failure or "-"
    if run.rc == 0:
        detail = "no test failed"
        if unknown:
            detail += "; not in the suite (or not passed in the control): " + ", ".join(unknown)
        return Outcome(mutant, "survived", False, first, run.seconds, detail)
    if run.rc != 1:
        return Outcome(mutant, "error: " + describe_error(run), False, first, run.seconds,
                       f"see {run.log}")
    if run.first_failure in tests:
        return Outcome(mutant, "killed", True, first, run.seconds)
    # Killed, but first by another test: do the targeted tests fail on their own?
    runnable = [t for t in tests if t not in unknown]
    if not runnable:
        return Outcome(mutant, "untargeted", False, first, run.seconds,
                       "its tests are not in the suite (or did not run in the control): " + ", ".join(unknown))
    confirm = run_suite(args, module, mutant["id"] + ".targeted",
                        option_args(args.filter_option, ":".join(runnable)))
    seconds = run.seconds + confirm.seconds
    if confirm.rc == 1 and any(t in tests for t in confirm.failing):
        return Outcome(mutant, "killed", True, first, seconds,
                       "first failure is another test; targeted, run alone, fails too: "
                       + ", ".join(t for t in confirm.failing if t in tests))
    if confirm.rc not in (0, 1):
        return Outcome(mutant, "error: targeted run: " + describe_error(confirm), False, first, seconds,
                       f"see {confirm.log}")
    return Outcome(mutant, "untargeted", False, first, seconds,
                   f"{', '.join(runnable)} pass on it: only an unrelated test failed")


def print_table(outcomes):
    rows = [("mutant", "result", "first failing test", "time", "defect")]
    for o in outcomes:
        rows.append((o.mutant["id"], o.result, o.first, f"{o.seconds:.1f} s", o.mutant["description"]))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
        if index == 0:
            print("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    for o in outcomes:
        if o.detail:
            print(f"  {o.mutant['id']}: {o.detail}")


def parse_args(argv):
    if "--" in argv:
        split = argv.index("--")
        own, runner_args = argv[:split], argv[split + 1:]
    else:
        own, runner_args = argv, []
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", required=True, help="JSON: control module and id -> mutant module")
    parser.add_argument("--mutants", required=True, help="mutants.yaml")
    parser.add_argument("--runner", required=True, help="the conformance runner")
    parser.add_argument("--work-dir", required=True, help="logs, reports and stores of the runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per run")
    parser.add_argument("--report-option", default="--report-junit")
    parser.add_argument("--filter-option", default="--filter")
    parser.add_argument("--only", default="", help="comma-separated mutant ids")
    args = parser.parse_args(own)
    args.runner_args = runner_args
    return args


def main(argv):
    args = parse_args(argv)
    try:
        with open(args.manifest, encoding="utf-8") as stream:
            manifest = json.load(stream)
        mutants = mutate.load_mutants(args.mutants)
    except (OSError, ValueError, mutate.MutantError) as error:
        print(f"error: {error}")
        return 2
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {m["id"] for m in mutants}
        if unknown:
            print(f"--only: no mutant {', '.join(sorted(unknown))} in {args.mutants}")
            return 2
        mutants = [m for m in mutants if m["id"] in wanted]
    os.makedirs(args.work_dir, exist_ok=True)
    total_start = time.monotonic()

    print(f"control: {manifest['control']}", flush=True)
    control = run_suite(args, manifest["control"], "control")
    if control.rc != 0:
        print(f"FAIL: the suite does not pass on the unmutated module ({describe_error(control)}; "
              f"failing: {', '.join(control.failing) or '-'}; log {control.log}); "
              "a mutation score would mean nothing")
        return 1
    passed = sum(1 for status in control.executed.values() if status == "passed")
    print(f"control: passed ({passed} tests run, {control.seconds:.1f} s)", flush=True)

    outcomes = {}
    missing = [m["id"] for m in mutants if m["id"] not in manifest["mutants"]]
    for mutant in mutants:
        if mutant["id"] in missing:
            outcomes[mutant["id"]] = Outcome(mutant, "error: not built", False, "-", 0.0,
                                             "not in the manifest: reconfigure the build")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(test_mutant, args, m, manifest["mutants"][m["id"]], control.executed): m
                   for m in mutants if m["id"] not in missing}
        for future in concurrent.futures.as_completed(futures):
            outcome = future.result()
            outcomes[outcome.mutant["id"]] = outcome
            print(f"  {outcome.mutant['id']}: {outcome.result} ({outcome.seconds:.1f} s)", flush=True)

    ordered = [outcomes[m["id"]] for m in mutants]
    print()
    print_table(ordered)
    killed = sum(1 for o in ordered if o.killed)
    total = len(ordered)
    percent = 100 * killed // total if total else 0  # never rounds up to 100
    elapsed = time.monotonic() - total_start
    mean = sum(o.seconds for o in ordered) / total if total else 0.0
    print()
    print(f"time: {elapsed:.1f} s in all, {mean:.1f} s per mutant (control {control.seconds:.1f} s); "
          f"logs in {args.work_dir}")
    print(f"mutation score: {killed}/{total} killed ({percent}%)")
    return 0 if total and killed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
