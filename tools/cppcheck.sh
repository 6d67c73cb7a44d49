#!/usr/bin/env bash
# cppcheck over the hand-written C and C++ (backend, PALs, port, runtime, the
# conformance runner, fuzz targets; generated/ and wolfSSL are not ours to
# judge): warnings, performance and portability. Exit 1 on any finding; a
# finding that is right as written is suppressed where it stands, with the
# reason on the line above (// cppcheck-suppress <id>).
set -euo pipefail
cd "$(dirname "$0")/.."
cppcheck --quiet --enable=warning,performance,portability --std=c++17 --library=googletest --inline-suppr \
  --error-exitcode=1 -j "$(nproc)" \
  -I backend_wolfssl -I runtime -I port -I pal -I conformance -I generated/full \
  --suppress=missingIncludeSystem \
  backend_wolfssl pal port runtime conformance fuzz
echo "cppcheck: no finding"
