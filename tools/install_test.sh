#!/usr/bin/env bash
# The installed tree works without the build tree (docs/install.md):
# cmake --install into a scratch prefix, the man pages read without a
# warning, the example project (docs/examples/cmake-consumer) builds against
# the installed CMake package, links p11forge::freertos and signs with a key
# it generates, and tools/installed_module_check.sh passes: pkcs11-tool and
# the installed p11conform use the installed module from an empty folder.
# With CI=true and root, the module's p11-kit registration is put where
# p11-kit reads it (/etc/pkcs11/modules) for that check, so `p11-kit
# list-modules` and `p11tool --list-tokens` must show the token with no path
# given; the registration is removed again.
#   tools/install_test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source_root=$PWD
build=${1:-build/default}
scratch=$(mktemp -d /tmp/p11install.XXXXXX)
registered=""
cleanup() {
  [ -z "$registered" ] || rm -f "$registered"
  rm -rf "$scratch"
}
trap cleanup EXIT
prefix="$scratch/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
module=$(find "$prefix" -name p11forge-full.so | head -1)
[ -n "$module" ] || { echo "install test: no p11forge-full.so installed"; exit 1; }
for page in "$prefix"/share/man/man1/*.1; do
  warnings=$(man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || { echo "install test: $page: $warnings"; exit 1; }
done
cmake -S "$source_root/docs/examples/cmake-consumer" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$scratch/consumer" >/dev/null
mkdir -m 700 "$scratch/consumer-store"
P11FORGE_STORE_DIR="$scratch/consumer-store" "$scratch/consumer/sign_with_generated_key"
if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
  mkdir -p /etc/pkcs11/modules
  registered=/etc/pkcs11/modules/p11forge-install-test.module
  cp "$prefix/share/p11-kit/modules/p11forge-full.module" "$registered"
  tools/installed_module_check.sh "$prefix/bin/p11conform" "$module" "$scratch" p11forge-install-test "$module"
else
  tools/installed_module_check.sh "$prefix/bin/p11conform" "$module" "$scratch"
fi
echo "install test: passed"
