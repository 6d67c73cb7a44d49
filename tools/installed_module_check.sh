#!/usr/bin/env bash
# What every client of an installed p11forge-full sees (tools/install_test.sh,
# tools/package_test.sh): from an empty folder with a fresh store,
# pkcs11-tool lists its slot and the installed p11conform passes the
# module's full profile; and when the module
# is registered with p11-kit under NAME as MODULE_AS_LISTED (its path, or its
# bare name in p11-kit's module folder), `p11-kit list-modules` shows it and
# `p11tool --list-tokens` lists its token with no path given.
#   tools/installed_module_check.sh P11CONFORM MODULE SCRATCH [NAME MODULE_AS_LISTED]
set -euo pipefail
p11conform=$1 module=$2 scratch=$3 name=${4:-} listed=${5:-}
mkdir "$scratch/empty"
mkdir -m 700 "$scratch/store" # the module refuses a store others can read
cd "$scratch/empty"
export P11FORGE_STORE_DIR="$scratch/store"
pkcs11-tool --module "$module" --list-slots | grep -i "p11forge\|slot"
"$p11conform" --module "$module" --profile full --init-token | tail -1
if [ -n "$name" ]; then
  p11-kit list-modules | grep -A1 "^$name: $listed"
  p11tool --list-tokens | grep "Module: $listed" # listed once the token is initialized
fi
