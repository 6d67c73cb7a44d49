#!/usr/bin/env bash
# Runs every fuzz target of build/fuzz for a bounded time each, from a copy
# of its checked-in seed corpus (the run's new inputs stay in the scratch
# folder, never in the tree), with its dictionary. Fails when a target finds
# a crash, a leak, a sanitizer report or a broken invariant: libFuzzer then
# writes the input as SCRATCH/<target>/crash-* — copy it to
# fuzz/regressions/<corpus>/ once fixed.
#   fuzz/run_fuzz.sh SECONDS_PER_TARGET [BUILD_DIR] [SCRATCH]
# The call-sequence targets (one per profile, p11fuzz_calls_<profile>) share
# the corpus and dictionary "calls".
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?seconds per target}
build=${2:-build/fuzz}
scratch=${3:-$(mktemp -d /tmp/p11fuzz.XXXXXX)}
targets=(store_records flash_image)
for program in "$build"/fuzz/p11fuzz_calls_*; do
  [ -x "$program" ] && targets+=("$(basename "$program" | sed 's/^p11fuzz_//')")
done
# One target per core at a time; each reports when all are done, in order.
jobs=${P11_FUZZ_JOBS:-$(nproc)}
fuzz_one() {
  local target=$1 corpus=$1 work="$scratch/$1"
  local options=(-close_fd_mask=2) # the store and flash PALs report every damaged record on stderr
  if [[ $target == calls_* ]]; then
    corpus=calls
    options=() # a broken invariant is told on stderr
  fi
  mkdir -p "$work/corpus"
  cp fuzz/corpus/"$corpus"/* "$work/corpus/"
  "$build/fuzz/p11fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 "${options[@]}" \
    -dict="fuzz/dict/$corpus.dict" -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
}
echo "== fuzz: ${targets[*]}: $seconds s each, $jobs at a time (scratch $scratch)"
pids=()
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n || true # each target's own status is read below
  done
  fuzz_one "$target" &
  pids+=($!)
done
status=0
for i in "${!targets[@]}"; do
  target=${targets[$i]} work="$scratch/${targets[$i]}"
  echo "== fuzz $target"
  if ! wait "${pids[$i]}"; then
    status=1
    echo "== fuzz $target FAILED: $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | tr '\n' ' ')"
    grep -E "invariant broken" "$work/log" || true
  fi
  # The figures docs/fuzzing.md records: executions, coverage (edges), corpus.
  grep -E "^(#[0-9]+\s+DONE|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)" "$work/log" || true
  grep -E "^==[0-9]+==ERROR|^SUMMARY|Test unit written" "$work/log" || true
done
exit $status
