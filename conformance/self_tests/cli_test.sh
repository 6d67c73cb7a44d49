#!/usr/bin/env bash
# The runner's command line: profiles by name, file and YAML, --list, exit
# codes, and both reports from a short run on our module.
#   cli_test.sh P11CONFORM MODULE
set -euo pipefail
runner=$1
module=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_status() { # expected command...
  local expected=$1 status=0
  shift
  "$@" >"$work/out" 2>&1 || status=$?
  [ "$status" -eq "$expected" ] || { cat "$work/out"; fail "$* exited $status, expected $expected"; }
}

expect_status 0 "$runner" --help
head -1 "$work/out" | grep -q '^usage: p11conform' || fail "--help does not begin with the runner's own usage"
if grep -q 'gtest_repeat' "$work/out"; then fail "--help prints Google Test's flags"; fi
expect_status 0 "$runner" --help-gtest
grep -q 'gtest_repeat' "$work/out" || fail "--help-gtest does not print Google Test's flags"

expect_status 0 "$runner" --list-profiles
grep -qx freertos "$work/out" || fail "--list-profiles does not name freertos"

expect_status 0 "$runner" --profile freertos --list
grep -q '^selected .*Skeleton_C_Sign\.' "$work/out" || fail "--list does not select the C_Sign skeletons"
grep -q '^not selected .*OutsideProfile.*--strict-profile' "$work/out" || fail "--list does not explain strict cases"
expect_status 0 "$runner" --profile freertos --strict-profile --list
grep -q '^selected .*OutsideProfile\.C_EncryptInit' "$work/out" || fail "--strict-profile does not select outside cases"

expect_status 2 "$runner" --profile no-such-profile --module "$module"
grep -q 'built-in: ' "$work/out" || fail "an unknown profile does not list the built-in ones"
expect_status 2 "$runner" --profile freertos
expect_status 2 "$runner" --profile freertos --module "$work/missing.so"
expect_status 2 "$runner" --profile freertos --module "$module" --filter 'NoSuchCase.*'

# A resolved profile file, as a vendor without Python would pass it.
cp "$root/generated/freertos/conformance_profile.txt" "$work/mine.txt"
expect_status 0 "$runner" --profile "$work/mine.txt" --print-profile
grep -q '^profile freertos' "$work/out" || fail "--print-profile of a resolved file"

# A vendor's YAML profile in its own folder, extending a built-in one.
if /usr/bin/python3 -c 'import yaml, jinja2, clang.cindex' 2>/dev/null; then
  printf 'description: A vendor profile.\nextends: freertos\ntests: [skeleton, general]\n' >"$work/vendor.yaml"
  expect_status 0 "$runner" --profile "$work/vendor.yaml" --print-profile
  grep -q '^profile vendor' "$work/out" || fail "a YAML profile is not resolved"
  printf 'functions: [NoSuchFunction]\n' >"$work/broken.yaml"
  expect_status 2 "$runner" --profile "$work/broken.yaml" --print-profile
  grep -q 'broken.yaml:1' "$work/out" || fail "a bad YAML profile does not name file and line"
fi

# A short run on our module writes both reports and exits 0.
mkdir -m 700 "$work/store"
P11FORGE_STORE_DIR=$work/store expect_status 0 "$runner" --module "$module" --profile freertos \
  --filter 'General.*:Skeleton_C_GetInfo.*' --report-md "$work/r.md" --report-junit "$work/r.xml"
grep -q '^| Verdict | \*\*PASSED\*\*' "$work/r.md" || fail "the Markdown report has no PASSED verdict"
grep -q '<testsuites name="p11conform freertos"' "$work/r.xml" || fail "the JUnit report is missing"
/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$work/r.xml" ||
  fail "the JUnit report is not well-formed XML"
# Never start wrong, never harm the token: a label that names no token, a wrong
# user PIN and a wrong SO PIN each exit 2 before any case, and the PINs stay.
P11FORGE_STORE_DIR=$work/store expect_status 2 "$runner" --module "$module" --profile freertos --token-label NoSuch
grep -q 'no token labelled "NoSuch"; no case ran' "$work/out" || fail "a wrong label does not stop the run"
P11FORGE_STORE_DIR=$work/store expect_status 2 "$runner" --module "$module" --profile freertos --user-pin 9999
grep -q 'the token refused the user PIN.*--user-pin. No case ran' "$work/out" || fail "a wrong user PIN ran cases"
P11FORGE_STORE_DIR=$work/store expect_status 2 "$runner" --module "$module" --profile freertos --so-pin 11111111
grep -q 'the token refused the SO PIN.*--so-pin. No case ran' "$work/out" || fail "a wrong SO PIN ran cases"
if grep -q 'passed,' "$work/out"; then fail "cases ran after a wrong PIN"; fi
# The PIN-changing cases need --init-token; the token's own PINs still work.
P11FORGE_STORE_DIR=$work/store expect_status 0 "$runner" --module "$module" --profile freertos --list
grep -q '^not selected .*PinManagement.SetPinReplacesTheUserPin.*--init-token' "$work/out" ||
  fail "a PIN-changing case is selected without --init-token"
P11FORGE_STORE_DIR=$work/store expect_status 0 "$runner" --module "$module" --profile freertos \
  --filter 'Login.*' --user-pin 0000 --so-pin 00000000
echo "cli_test: all checks passed"
