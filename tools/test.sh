#!/usr/bin/env bash
# Every test: the generator's unit tests and drift check, the PAL, the
# backend, the conformance runs of every profile and the real clients, in the
# normal build and in the AddressSanitizer + UndefinedBehaviorSanitizer build;
# then the multi-thread tests under ThreadSanitizer; then the FreeRTOS
# profiles cross-built for a Cortex-M4, their self-tests under QEMU and their
# size report (firmware-cm4: it reads a flash image the default build provisions);
# then each fuzz target for a bounded time (fuzz: docs/fuzzing.md).
#   tools/test.sh [default|asan|tsan|firmware-cm4|fuzz]...     (default: all five)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
# Before any build: the build itself regenerates generated/ when its inputs
# look newer, which would hide a stale checked-in tree.
/usr/bin/python3 codegen/generate.py --verify
# Static analysis of the hand-written C and C++ (docs/fuzzing.md): no finding
# left unexplained. cppcheck here; clang-tidy once the default build is configured.
begin=$SECONDS
tools/cppcheck.sh
echo "== cppcheck: $((SECONDS - begin)) s"
# A sample of the mechanical mutants of the full module, compared with the
# recorded run (conformance/mutation/README.md): a mutant the record says the
# suite kills must still be killed. The mutants are written into the source
# tree and put back, so only when the module's sources are as committed
# (always in CI; a tree without .git is a clean checkout).
mutation_sample() {
  if [ -d .git ] && ! git diff --quiet HEAD -- backend_wolfssl generated; then
    echo "== mechanical mutant sample skipped: uncommitted changes in backend_wolfssl/ or generated/"
    return
  fi
  local seed=0 begin=$SECONDS
  [ ! -d .git ] || seed=$(git rev-parse HEAD)
  echo "== mechanical mutant sample (seed $seed)"
  /usr/bin/python3 conformance/mutation/run_mechanical.py --source-root . --build-dir build/default \
    --sample 12 --seed "$seed" --record docs/mutation/mechanical-run.jsonl
  timings+=("mechanical mutant sample: $((SECONDS - begin)) s")
}
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(default asan tsan firmware-cm4 fuzz)
# Seconds each fuzz target runs in the fuzz stage: eight targets, one per core at a time (3 minutes on two).
fuzz_seconds=${P11_FUZZ_SECONDS:-45}
timings=()
for preset in "${presets[@]}"; do
  echo "== $preset build"
  start=$SECONDS
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
  built=$SECONDS
  if [ "$preset" = fuzz ]; then
    fuzz/run_fuzz.sh "$fuzz_seconds"
    timings+=("$preset: build $((built - start)) s, fuzzing $((SECONDS - built)) s")
    echo "== $preset done in $((SECONDS - start)) s"
    continue
  fi
  ctest --preset "$preset"
  # What the suite's own checks found (CTest shows test output only on failure).
  grep -h -E "mutation score:|explained in KNOWN_FAILURES" "build/$preset/Testing/Temporary/LastTest.log" || true
  # The firmware size tables, with their budgets.
  [ "$preset" != firmware-cm4 ] || cat build/firmware-cm4/firmware/size-*.md
  timings+=("$preset: build $((built - start)) s, tests $((SECONDS - built)) s")
  if [ "$preset" = default ]; then
    mutation_sample
    # clang-tidy reads the default build's compile_commands.json; the analyzer in its quick mode (docs/fuzzing.md).
    begin=$SECONDS
    tools/clang_tidy.sh --shallow build/default
    timings+=("clang-tidy: $((SECONDS - begin)) s")
    # cmake --install, and the installed tools and module used from an empty folder (docs/install.md).
    begin=$SECONDS
    tools/install_test.sh build/default
    timings+=("install test: $((SECONDS - begin)) s")
    # The Debian package, built as the Release configuration; installed and used in CI (docs/install.md).
    begin=$SECONDS
    tools/package_test.sh
    timings+=("Debian package (Release build): $((SECONDS - begin)) s")
  fi
  echo "== $preset done in $((SECONDS - start)) s"
done
echo "== stage times"
printf '  %s\n' "${timings[@]}"
