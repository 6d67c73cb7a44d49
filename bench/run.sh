#!/usr/bin/env bash
# Builds p11bench and p11bench-wolfcrypt, runs them on our `full` profile
# module (fresh store: a blank token p11bench initializes, no object limit),
# on SoftHSMv2 when installed (fresh token) and on raw wolfCrypt, and prints
# one Markdown table (table.py).
#   run.sh [--quick] [--smoke] [--no-build] [--build-dir DIR] [--out DIR]
# --quick: short runs, for CI; SoftHSMv2 stops at 1,000 stored objects (its
# store slows with each object: 10,000 take it many minutes), ours still
# fills 100,000 (about 20 s). --smoke: a few fast benchmarks only (with
# --init-token and a find among 100 objects), just to keep everything
# building and running (the bench.smoke test); it fails when one of our
# benchmarks is skipped, never on timings.
# Stores live on /dev/shm when it is there (BENCH_TMPDIR overrides): the
# table compares software, not the disk's fsync time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build/bench
out=""
min_time=0.5
repetitions=3 # the table shows the median: one short run moves by several percent
softhsm_max_objects=10000
filter=""
build_it=1
strict=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) min_time=0.05 softhsm_max_objects=1000 ;;
    --smoke) min_time=0.01 repetitions=1 filter='EcdsaP256Sign|Sha256Small|Random32|OpenCloseSession|HeapPerSession|FindByLabel/100/' strict=(--strict) ;;
    --no-build) build_it=0 ;;
    --build-dir) build=$2; shift ;;
    --out) out=$2; shift ;;
    *) echo "usage: run.sh [--quick] [--smoke] [--no-build] [--build-dir DIR] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-$build/bench-results}
mkdir -p "$out"

if [ "$build_it" = 1 ]; then
  # Release: the timings are meant to say something.
  [ -f "$build/CMakeCache.txt" ] ||
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DP11_MUTATION_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" --target p11bench p11bench-wolfcrypt p11forge-full >/dev/null
fi

tmp_root=${BENCH_TMPDIR:-/dev/shm}
[ -d "$tmp_root" ] && [ -w "$tmp_root" ] || tmp_root=${TMPDIR:-/tmp}
work=$(mktemp -d "$tmp_root/p11bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

flags=(--benchmark_min_time="$min_time" --benchmark_repetitions="$repetitions" --benchmark_format=json)
[ -z "$filter" ] || flags+=(--benchmark_filter="$filter")

echo "== raw wolfCrypt" >&2
"$build/bench/p11bench-wolfcrypt" "${flags[@]}" >"$out/wolfcrypt.json"

# The full profile's token starts blank (spec/profiles/full.yaml): p11bench
# initializes it with the same PINs as SoftHSMv2's below.
echo "== ours (p11forge-full)" >&2
mkdir -m 700 "$work/store" # the module refuses a store others can read
P11FORGE_STORE_DIR=$work/store "$build/bench/p11bench" --module "$build/p11forge-full.so" --init-token 12345678 \
  --user-pin 123456 "${flags[@]}" >"$out/ours.json"

softhsm_args=()
softhsm=/usr/lib/softhsm/libsofthsm2.so
if [ -f "$softhsm" ] && command -v softhsm2-util >/dev/null; then
  echo "== SoftHSMv2" >&2
  mkdir -p "$work/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" \
    >"$work/softhsm2.conf"
  export SOFTHSM2_CONF=$work/softhsm2.conf
  softhsm2-util --init-token --free --label p11bench --so-pin 12345678 --pin 123456 >/dev/null
  "$build/bench/p11bench" --module "$softhsm" --user-pin 123456 --max-objects "$softhsm_max_objects" \
    "${flags[@]}" >"$out/softhsm2.json"
  softhsm_args=(--softhsm "$out/softhsm2.json")
fi

/usr/bin/python3 "$here/table.py" --ours "$out/ours.json" --wolfcrypt "$out/wolfcrypt.json" "${softhsm_args[@]}" "${strict[@]}"
echo
echo "Stores on $tmp_root; JSON in $out."
