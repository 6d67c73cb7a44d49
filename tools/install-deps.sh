#!/usr/bin/env bash
# Installs the Debian 12 packages p11forge needs to build, generate, test and
# demonstrate (idempotent; needs root or sudo).
set -euo pipefail
packages=(
  cmake g++ make pkg-config dpkg-dev debian-archive-keyring
  libp11-kit-dev libwolfssl-dev
  python3 python3-jinja2 python3-yaml python3-clang-14 libclang1-14
  googletest libgtest-dev libbenchmark-dev
  opensc gnutls-bin softhsm2 libnss3-dev libssl-dev
  openssl libengine-pkcs11-openssl p11-kit util-linux
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
  clang-14 libclang-rt-14-dev cppcheck clang-tidy-14 debhelper lintian man-db
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
