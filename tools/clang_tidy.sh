#!/usr/bin/env bash
# clang-tidy (.clang-tidy: bugprone, cert, performance, clang-analyzer) over
# the hand-written C and C++ that ships: the backend, the PALs, the port, the
# runtime, the conformance runner and its cases, the clients and the fuzz
# targets (unit tests, benchmarks, generated/ and wolfSSL are left to
# cppcheck or are not ours). Needs a configured build folder for its
# compile_commands.json. Exit 1 on any finding; a finding that is right as
# written is suppressed where it stands with the reason
# (// NOLINT(<check>): <why>).
# --shallow runs the static analyzer's path-sensitive checks in its quick
# mode (mode=shallow: less inlining across calls, fewer paths; about a third
# of the time): CI's choice. Without it the analysis is the full one, to run
# by hand after larger changes (docs/fuzzing.md records the last clean run).
#   tools/clang_tidy.sh [--shallow] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
analyzer=() mode=full
if [ "${1:-}" = --shallow ]; then
  mode=shallow
  analyzer=(-extra-arg=-Xclang -extra-arg=-analyzer-config -extra-arg=-Xclang -extra-arg=mode=shallow)
  shift
fi
build=${1:-build/default}
mapfile -t files < <(/usr/bin/python3 - "$build" <<'PY'
import json, os, sys
shipped = ("backend_wolfssl", "pal", "port", "runtime", "conformance", "clients", "fuzz")
paths = set()
for entry in json.load(open(os.path.join(sys.argv[1], "compile_commands.json"))):
    path = os.path.relpath(os.path.join(entry["directory"], entry["file"]))
    top = path.split("/")[0]
    unit_test = "/self_tests/" in path or (top != "conformance" and ("/tests/" in path or path.endswith("_test.cpp")))
    if top in shipped and not unit_test:
        paths.add(path)
print("\n".join(sorted(paths)))
PY
)
echo "clang-tidy: ${#files[@]} files, analyzer mode $mode"
# Every finding is an error (.clang-tidy WarningsAsErrors): run-clang-tidy
# then exits non-zero, as it does when a file cannot be analysed at all.
log=$(mktemp /tmp/clang-tidy.XXXXXX)
if run-clang-tidy-14 -quiet -p "$build" -j "$(nproc)" "${analyzer[@]}" "${files[@]/#/^$PWD/}" >"$log" 2>&1; then
  rm -f "$log"
  echo "clang-tidy: no finding"
  exit 0
fi
sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "(warning|error): " | sort -u || tail -20 "$log"
rm -f "$log"
echo "clang-tidy: findings above (or it could not analyse a file)"
exit 1
