#!/usr/bin/env bash
# Fetches Debian's wolfssl source package (the version of the libwolfssl-dev
# apt would install here) into DEST and extracts it with Debian's patches
# applied, so the wolfCrypt built from it is the code Debian ships.
#
#   fetch-wolfssl-source.sh DEST [VERSION]
#
# apt reads a private sources.list and keeps its lists and cache under DEST:
# the machine's apt configuration is neither read for sources nor changed,
# and no root is needed. Prints the extracted tree's path on its last line.
# Re-running with a tree already in DEST prints it without downloading.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 DEST [VERSION]" >&2
  exit 2
fi
dest=$(mkdir -p "$1" && cd "$1" && pwd)
version=${2:-}
if [ -z "$version" ]; then
  # The installed libwolfssl-dev, else apt's candidate: the source matches the system build.
  version=$(dpkg-query -W -f='${Version}' libwolfssl-dev 2>/dev/null || true)
  if [ -z "$version" ]; then
    version=$(apt-cache policy libwolfssl-dev | awk '/Candidate:/ {print $2}')
  fi
fi
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  echo "$0: no libwolfssl-dev version known; pass VERSION (e.g. 5.5.4-2+deb12u3)" >&2
  exit 1
fi

upstream=${version#*:}
upstream=${upstream%-*}
tree="$dest/wolfssl-$upstream"
stamp="$dest/.extracted-$version"
if [ -f "$stamp" ] && [ -f "$tree/wolfcrypt/src/ecc.c" ]; then
  echo "$tree"
  exit 0
fi

for tool in apt-get dpkg-source; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool is missing (Debian package: ${tool/dpkg-source/dpkg-dev}; see tools/install-deps.sh)" >&2
    exit 1
  fi
done

mkdir -p "$dest/lists/partial" "$dest/cache/archives/partial" "$dest/download"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$dest/sources.list" <<EOF
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
deb-src [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
EOF
apt_options=(
  -o "Dir::Etc::SourceList=$dest/sources.list"
  -o Dir::Etc::SourceParts=/nonexistent
  -o "Dir::State::Lists=$dest/lists"
  -o "Dir::Cache=$dest/cache"
  # Running as root, apt would drop to the _apt user, who cannot write DEST.
  -o APT::Sandbox::User=root
)
apt-get "${apt_options[@]}" -qq update
# The .dsc is checked against the signed Release file; dpkg-source checks the tarballs against the .dsc.
(cd "$dest/download" && apt-get "${apt_options[@]}" -qq source --download-only "wolfssl=$version")

dsc=$(ls "$dest/download"/wolfssl_*.dsc | head -n 1)
rm -rf "$tree"
# Applies debian/patches (format 3.0 quilt) while extracting.
dpkg-source --no-copy -x "$dsc" "$tree" >/dev/null
touch "$stamp"
echo "$tree"
