#!/usr/bin/python3
"""Prints the Markdown table of bench/run.sh from Google Benchmark JSON files.

  table.py --ours F [--wolfcrypt F] [--softhsm F] [--strict]

Rows are operations (items per second, higher is better) and heap costs
(bytes, lower is better); ratios are ours divided by the other column.
Only the standard library: run.sh must work on a bare CI machine.
"""
import argparse
import json
import re

# Benchmark name (without /real_time, /iterations:1, /threads:1) -> row label.
LABELS = {
    "EcdsaP256Sign": "ECDSA P-256 sign (CKM_ECDSA, 32-byte hash)",
    "EcdsaP256Sign/threads:2": "ECDSA P-256 sign, 2 threads on 2 sessions",
    "EcdsaP256Verify": "ECDSA P-256 verify",
    "Rsa2048Sign": "RSA-2048 sign (CKM_RSA_PKCS, DigestInfo)",
    "Rsa2048Sign/threads:2": "RSA-2048 sign, 2 threads on 2 sessions",
    "Rsa2048Verify": "RSA-2048 verify",
    "Sha256Small": "SHA-256, 64 B (C_DigestInit+C_Digest)",
    "Sha256Large": "SHA-256, 1 MiB",
    "Random32": "C_GenerateRandom(32)",
    "OpenCloseSession": "C_OpenSession+C_CloseSession",
    "CreateTokenObject": "create a token data object",
    "LoginLogout": "C_Login+C_Logout (user)",
    "CreateAmong/10000": "create a token data object, 10,000 stored",
    "CreateAmong/100000": "create a token data object, 100,000 stored",
    "FindByLabel/100": "find by label among 100 token objects",
    "FindByLabel/1000": "find by label among 1,000",
    "FindByLabel/10000": "find by label among 10,000",
    "FindByLabel/100000": "find by label among 100,000",
    "FindSameLabel/100000": "find by label among 100,000, the same label each time",
    "InitializeFinalize/10000": "C_Initialize+C_Finalize, 10,000 stored objects",
    "HeapPerSession": "heap per open session (bytes)",
    "HeapPerTokenObject": "heap per token object created (bytes)",
    "HeapPerLoadedObject/10000": "heap per token object loaded by C_Initialize (bytes)",
}
MEMORY = {"HeapPerSession", "HeapPerTokenObject", "HeapPerLoadedObject/10000"}


def key_of(name):
    key = re.sub(r"/(real_time|iterations:\d+|threads:1$)", "", name)
    return key


def load(path):
    """Maps row key -> (value, error) from one JSON file; None if absent."""
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = {}
    # With --benchmark_repetitions the median of the repetitions stands for
    # the row (one short run alone moves by several percent).
    medians = {b["run_name"]: b for b in data.get("benchmarks", [])
               if b.get("run_type") == "aggregate" and b.get("aggregate_name") == "median"}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration":
            continue
        b = medians.get(b.get("run_name"), b)
        key = key_of(b["run_name"] if "run_name" in b else b["name"])
        if b.get("error_occurred"):
            rows[key] = (None, b.get("error_message", "error"), 0)
        elif key in MEMORY:
            rows[key] = (b.get("bytes_per_item"), None, int(b.get("measured_items", 0)))
        else:
            rows[key] = (b.get("items_per_second"), None, 0)
    return rows


def number(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ours", required=True)
    parser.add_argument("--wolfcrypt")
    parser.add_argument("--softhsm")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a benchmark of ours was skipped")
    args = parser.parse_args()
    ours, wolf, soft = load(args.ours), load(args.wolfcrypt), load(args.softhsm)
    keys = list(LABELS) + [k for k in ours if k not in LABELS]
    notes = []

    def cell(rows, key, column):
        if rows is None or key not in rows:
            return None, "—" if rows is not None or column != "SoftHSMv2" else "not installed"
        value, error, measured = rows[key]
        if error:
            notes.append(f"{LABELS.get(key, key)}, {column}: {error}")
            return None, f"skipped [{len(notes)}]"
        # A session or object limit may cut the sample short: say how big it was.
        return value, number(value) + (f" (n={measured})" if measured else "")

    print("| operation | ours | raw wolfCrypt | SoftHSMv2 | ours/wolfCrypt | ours/SoftHSMv2 |")
    print("|---|---:|---:|---:|---:|---:|")
    for key in keys:
        if key not in ours and (wolf is None or key not in wolf) and (soft is None or key not in soft):
            continue
        o, o_text = cell(ours, key, "ours")
        w, w_text = cell(wolf, key, "wolfCrypt")
        s, s_text = cell(soft, key, "SoftHSMv2")
        print(f"| {LABELS.get(key, key)} | {o_text} | {w_text} | {s_text} | {ratio(o, w)} | {ratio(o, s)} |")
    print()
    print("Operations in items/s (higher is better); heap rows in bytes (lower is better),")
    print("n = sessions or objects the heap delta was divided by.")
    for i, note in enumerate(notes, 1):
        print(f"[{i}] {note}")
    if args.strict and any(row[1] for row in ours.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
