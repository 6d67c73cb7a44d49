#!/usr/bin/env bash
# The Debian package (debian/, docs/install.md): dpkg-buildpackage -b in a
# scratch copy of the tree, as the Release configuration with Debian's
# hardening flags and warnings as errors, offline with the wolfSSL source
# tree the default build already fetched, the whole ctest suite run on that
# build; lintian on the result (no error or warning left
# unexplained: debian/*.lintian-overrides say why). With CI=true and root,
# the packages are installed on the machine, the module must show in
# `p11-kit list-modules` and `p11tool --list-tokens` with no path given,
# pkcs11-tool must use it by its installed path, and the installed p11conform
# must pass it from an empty folder; then the packages are purged again.
#   tools/package_test.sh [WOLFSSL_SOURCE_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's wolfSSL source, as the default build fetched it (fetched now if not).
wolfssl=${1:-$(tools/fetch-wolfssl-source.sh "$PWD/build/default/_deps/wolfssl" | tail -1)}
[ -n "$wolfssl" ] || { echo "package test: no wolfSSL source tree"; exit 1; }
scratch=$(mktemp -d /tmp/p11package.XXXXXX)
installed=""
cleanup() {
  [ -z "$installed" ] || apt-get purge -y p11forge p11forge-tools p11forge-dev >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
mkdir "$scratch/src"
tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$scratch/src"
# Built as the Release configuration (-O3) with Debian's hardening flags and warnings as errors,
# and the whole ctest suite run on that build (dh_auto_test).
(cd "$scratch/src" && P11_WOLFSSL_SOURCE_DIR="${wolfssl%/}" P11_BUILD_TYPE=Release P11_WERROR=ON P11_PACKAGE_TESTS=all \
   dpkg-buildpackage -us -uc -b -j"$(nproc)" \
   >"$scratch/build.log" 2>&1) || { tail -40 "$scratch/build.log"; echo "package test: dpkg-buildpackage failed"; exit 1; }
grep -E "tests passed|tests failed" "$scratch/build.log" # the package build's own ctest run
ls "$scratch"/*.deb
changes=$(ls "$scratch"/*.changes)
lintian --fail-on error,warning "$changes"
# The packages' own source and build tree goes before they are used: nothing installed may need it.
rm -rf "$scratch/src"
if [ "${CI:-}" = true ] && [ "$(id -u)" = 0 ]; then
  installed=yes
  apt-get install -y "$scratch"/p11forge_*.deb "$scratch"/p11forge-tools_*.deb "$scratch"/p11forge-dev_*.deb >/dev/null
  module=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/pkcs11/p11forge-full.so
  # Registered by its bare name, in p11-kit's module folder.
  tools/installed_module_check.sh p11conform "$module" "$scratch" p11forge-full p11forge-full.so
fi
echo "package test: passed"
