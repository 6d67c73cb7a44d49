#!/usr/bin/python3
"""The Markdown summary of a mechanical mutation run and its survivors' triage.

  mechanical_report.py --run docs/mutation/mechanical-run.jsonl
                       --triage docs/mutation/mechanical-triage.yaml [--check]

Every survivor of the run is explained in the triage file, under one class:
  equivalent   no program behaviour changes (e.g. a bound that cannot be reached)
  invisible    behaviour changes, but no PKCS #11 call can observe it: memory
               freed later or never (a leak), a key kept in RAM longer, a
               cache, a log line
  unspecified  behaviour changes where v2.40 leaves the choice to the module
               (e.g. whether a search returns an object changed after
               C_FindObjectsInit): no conformance case may require either
  unreachable  the mutated line runs only when the heap, the PAL, the store's
               files or wolfCrypt fail, or on a store written by an older
               version: a client of a module cannot bring that about (the
               backend's own unit tests inject those faults)
  open         a gap of the suite not yet closed (the reason says which case
               would kill it)
A mutant killed by a case added after the run is recorded killed in the run
file (rerun with run_mechanical.py --only ID --rerun).

Rows may also carry "units": the verdict of the project's own tests (the
backend's unit and storage tests, run_mechanical.py --unit-tests) on a
survivor of the suite. The report gives the suite's score alone and the
score of the suite and the unit tests together; the triage still says why
the suite alone cannot see each of its survivors.

--check exits 1 when a survivor has no triage entry, or the triage names a
mutant the run does not have or that was killed.
"""
import argparse
import collections
import json
import sys

import yaml

CLASSES = ("equivalent", "invisible", "unspecified", "unreachable", "open")


def load(run_path, triage_path):
    with open(run_path, encoding="utf-8") as stream:
        rows = [json.loads(line) for line in stream if line.strip()]
    with open(triage_path, encoding="utf-8") as stream:
        triage = (yaml.safe_load(stream) or {}).get("survivors") or {}
    return rows, triage


def problems(rows, triage):
    verdicts = {row["id"]: row["verdict"] for row in rows}
    found = []
    for row in rows:
        if row["verdict"] == "survived" and row["id"] not in triage:
            found.append(f"survivor {row['id']} has no triage entry")
    for mutant, entry in triage.items():
        if verdicts.get(mutant) != "survived":
            found.append(f"triage names {mutant}, which the run has as {verdicts.get(mutant, 'absent')}")
        if not isinstance(entry, dict) or entry.get("class") not in CLASSES or not entry.get("reason"):
            found.append(f"triage of {mutant}: needs class ({', '.join(CLASSES)}) and reason")
    for row in rows:
        if row.get("units") == "killed" and triage.get(row["id"], {}).get("class") == "equivalent":
            found.append(f"triage has {row['id']} as equivalent, but the unit tests kill it "
                         f"({row.get('units_detail', '')})")
    return found


def percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "-"


def report(rows, triage):
    counted = [r for r in rows if r["verdict"] != "stillborn"]
    killed = [r for r in counted if r["verdict"] == "killed"]
    survivors = [r for r in counted if r["verdict"] == "survived"]
    by_class = collections.Counter(triage.get(r["id"], {}).get("class", "untriaged") for r in survivors)
    equivalent = by_class["equivalent"]
    lines = []
    non_equivalent = len(counted) - equivalent
    lines.append(f"- mutants run: {len(rows)}; stillborn (do not compile, not counted): {len(rows) - len(counted)}")
    lines.append(f"- killed: {len(killed)} of {len(counted)} ({percent(len(killed), len(counted))})")
    lines.append(f"- **score over non-equivalent mutants: {len(killed)}/{non_equivalent} "
                 f"({percent(len(killed), non_equivalent)})**")
    reachable = non_equivalent - by_class["invisible"] - by_class["unspecified"] - by_class["unreachable"]
    lines.append(f"- over the mutants a conformance case can observe (without invisible, unspecified and unreachable): "
                 f"{len(killed)}/{reachable} ({percent(len(killed), reachable)})")
    lines.append("- survivors of the suite by class: " + ", ".join(f"{name} {by_class[name]}"
                                                                for name in (*CLASSES, "untriaged") if by_class[name]))
    by_units = [r for r in survivors if r.get("units") == "killed"]
    if any("units" in r for r in survivors):
        both = len(killed) + len(by_units)
        lines.append(f"- **with the project's unit and storage tests as a second killer: {both}/{non_equivalent} "
                     f"({percent(both, non_equivalent)})** — the units kill {len(by_units)} of the suite's "
                     f"{len(survivors) - equivalent} non-equivalent survivors")
        left = collections.Counter(triage.get(r["id"], {}).get("class", "untriaged") for r in survivors
                                   if r.get("units") != "killed" and triage.get(r["id"], {}).get("class") != "equivalent")
        lines.append("- surviving both, by class: " + ", ".join(f"{name} {left[name]}" for name in CLASSES if left[name]))
    lines.append("")
    lines.append("| operator | run | killed | survived |")
    lines.append("|---|---|---|---|")
    per_operator = collections.defaultdict(collections.Counter)
    for row in counted:
        per_operator[row["operator"]][row["verdict"]] += 1
    for name in sorted(per_operator):
        counts = per_operator[name]
        total = counts["killed"] + counts["survived"]
        lines.append(f"| {name} | {total} | {counts['killed']} ({percent(counts['killed'], total)}) "
                     f"| {counts['survived']} |")
    lines.append("")
    lines.append("| survivor | change | class | why the suite cannot see it | unit tests |")
    lines.append("|---|---|---|---|---|")
    order = {name: index for index, name in enumerate(CLASSES)}
    for row in sorted(survivors, key=lambda r: (order.get(triage.get(r["id"], {}).get("class"), 9), r["id"])):
        entry = triage.get(row["id"], {})
        change = f"`{row['original'][:50]}` → `{row['replacement'][:50] or '(nothing)'}`".replace("|", "\\|")
        where = f"{row['id']} ({row['file']}:{row['line']})"
        units = row.get("units", "not run")
        if units == "killed":
            units = f"killed by {row.get('units_detail', '')}"
        lines.append(f"| {where} | {change} | {entry.get('class', '**untriaged**')} "
                     f"| {str(entry.get('reason', '')).replace('|', '/')} | {units} |")
    return "\n".join(lines) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", required=True)
    parser.add_argument("--triage", required=True)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    rows, triage = load(args.run, args.triage)
    found = problems(rows, triage)
    if args.check:
        for problem in found:
            print(problem)
        return 1 if found else 0
    sys.stdout.write(report(rows, triage))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
