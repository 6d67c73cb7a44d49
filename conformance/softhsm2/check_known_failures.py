#!/usr/bin/python3
"""Compares the failed cases of a JUnit report with a KNOWN_FAILURES.md table.

  check_known_failures.py REPORT.xml KNOWN_FAILURES.md

A table row `| `Suite.Case` | runs | why |` lists a known failure; `runs` is
`all` (every run whose profile selects the case: a profile without the
case's function does not run it) or the profile names (comma separated) whose
runs it applies to, which must run it. Exit 0 only when the run's failures are
exactly the listed ones: a new failure is unexplained, and a listed case that
passes, or that a named run does not run, is a stale explanation. A `runs`
cell that also says `sometimes` (e.g. `all, sometimes`) lists a race the
module loses now and then: the case may fail or pass in those runs.
"""
import os
import re
import sys
import xml.etree.ElementTree as ElementTree

ROW = re.compile(r"^\|\s*`([A-Za-z0-9_]+\.[A-Za-z0-9_]+)`\s*\|\s*([^|]+?)\s*\|")


def run_of(report_path):
    """(profile name, failed cases, cases that ran) of a p11conform JUnit report."""
    root = ElementTree.parse(report_path).getroot()
    profile = root.get("name", "").removeprefix("p11conform ").strip()
    failed, ran = set(), set()
    for case in root.iter("testcase"):
        name = f"{case.get('classname')}.{case.get('name')}"
        ran.add(name)
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(name)
    return profile, failed, ran


def known_cases(table_path, profile, ran):
    """(cases the table lists as failing in this profile's run, those of them that may also pass)."""
    known, sometimes = set(), set()
    with open(table_path, encoding="utf-8") as stream:
        for line in stream:
            match = ROW.match(line)
            if match:
                runs = {run.strip() for run in match.group(2).split(",")}
                if profile in runs or ("all" in runs and match.group(1) in ran):
                    known.add(match.group(1))
                    if "sometimes" in runs:
                        sometimes.add(match.group(1))
    return known, sometimes


def main(report_path, table_path):
    if not os.path.exists(table_path):
        print(f"{table_path} is missing", file=sys.stderr)
        return 2
    profile, failed, ran = run_of(report_path)
    known, sometimes = known_cases(table_path, profile, ran)
    unexplained = sorted(failed - known)
    stale = sorted(name for name in known - failed if name not in sometimes or name not in ran)
    for name in unexplained:
        print(f"unexplained failure: {name} (explain it in {table_path} or fix the test)")
    for name in stale:
        state = "passes now" if name in ran else "did not run"
        print(f"stale entry: {name} {state}; remove it from {table_path}")
    print(f"profile {profile}: {len(failed)} failure(s), {len(failed & known)} explained in "
          f"{os.path.basename(table_path)}")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
