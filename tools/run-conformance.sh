#!/usr/bin/env bash
# The main job: generate and build the freertos profile's module, run the
# conformance suite on it (fresh token store) and print the result.
#   tools/run-conformance.sh [profile]      (default: freertos)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-freertos}
tools/install-deps.sh
/usr/bin/python3 codegen/generate.py --profile "$profile"
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target "p11forge-$profile" "p11conform-$profile"
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
module=$PWD/build/default/p11forge-$profile.so
echo "module: $module"
P11FORGE_STORE_DIR=$store build/default/p11conform-"$profile" --module "$module" --strict-profile --init-token \
  --gtest_brief=1
