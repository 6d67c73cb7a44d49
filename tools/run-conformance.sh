#!/usr/bin/env bash
# The main job: generate and build the freertos profile's module and the
# conformance runner, run the suite on the module (fresh token store), print
# the Markdown report and keep it with the JUnit report in build/default/reports/.
#   tools/run-conformance.sh [profile]      (default: freertos)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-freertos}
tools/install-deps.sh
/usr/bin/python3 codegen/generate.py
cmake --preset default >/dev/null
# A profile that cannot create objects is provisioned by the module of the
# profile it names (same token store).
provider=$(sed -n 's/^provisioning //p' "generated/$profile/conformance_profile.txt")
extra=()
targets=("p11forge-$profile" p11conform)
if [ -n "$provider" ]; then
  targets+=("p11forge-$provider")
  extra=(--provision-module "$PWD/build/default/p11forge-$provider.so")
fi
cmake --build --preset default -j "$(nproc)" --target "${targets[@]}"
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
module=$PWD/build/default/p11forge-$profile.so
reports=$PWD/build/default/reports
mkdir -p "$reports"
status=0
P11FORGE_STORE_DIR=$store build/default/p11conform --module "$module" --profile "$profile" --strict-profile \
  --init-token --report-md "$reports/$profile.md" --report-junit "$reports/$profile.xml" "${extra[@]}" \
  --gtest_brief=1 || status=$?
echo
cat "$reports/$profile.md"
exit "$status"
