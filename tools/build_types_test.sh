#!/usr/bin/env bash
# Each CMake build type a packager may pick (docs/install.md), built as
# Debian builds packages: dpkg-buildflags with hardening=+all (-O2,
# -fstack-protector-strong, -D_FORTIFY_SOURCE=2, -Wformat
# -Werror=format-security, PIE, relro/now), warnings as errors, then the
# whole ctest suite. CI covers RelWithDebInfo (the default preset), Debug
# (the asan preset) and Release (the Debian package, tools/package_test.sh);
# this runs any of the four on its own, each in a fresh build folder.
#   tools/build_types_test.sh [BUILD_TYPE]...   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
types=("$@")
[ ${#types[@]} -gt 0 ] || types=(Release Debug RelWithDebInfo MinSizeRel)
# Debian's wolfSSL source, as the default build fetched it (fetched now if not).
wolfssl=${P11_WOLFSSL_SOURCE_DIR:-$(tools/fetch-wolfssl-source.sh "$PWD/build/default/_deps/wolfssl" | tail -1)}
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
# CMake reads no CPPFLAGS: the preprocessor flags (_FORTIFY_SOURCE) go with the compiler's, as debhelper does.
export CFLAGS="$CPPFLAGS $CFLAGS" CXXFLAGS="$CPPFLAGS $CXXFLAGS"
timings=()
for type in "${types[@]}"; do
  build="build/type-$type"
  rm -rf "$build"
  start=$SECONDS
  echo "== $type build ($build)"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="$type" -DP11_WERROR=ON \
    ${wolfssl:+-DP11_WOLFSSL_SOURCE_DIR="${wolfssl%/}"} >/dev/null
  grep -E '^CMAKE_(C|CXX)_FLAGS:' "$build/CMakeCache.txt"
  cmake --build "$build" -j "$(nproc)"
  built=$SECONDS
  (cd "$build" && ctest -j "$(nproc)" --timeout 600 --output-on-failure)
  timings+=("$type: build $((built - start)) s, tests $((SECONDS - built)) s")
done
echo "== build types"
printf '  %s\n' "${timings[@]}"
