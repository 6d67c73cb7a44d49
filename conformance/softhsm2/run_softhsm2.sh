#!/usr/bin/env bash
# SoftHSMv2 (Debian's softhsm2) through the conformance suite, five times,
# each on a fresh token in a temporary folder: with the freertos profile, with
# freertos-softhsm2.yaml (the same without CKM_ECDSA_SHA256, which SoftHSMv2
# lacks), with softhsm2-crypto.yaml (AES encryption, key generation, key
# wrap and ECDH derivation), and with softhsm2-ota.yaml and softhsm2-tls.yaml
# (no function creates objects: the suite provisions its keys, private ones
# for signing too, through SoftHSMv2's own library, --provision-module).
# All reports are kept, and each run's failures must be exactly the ones
# KNOWN_FAILURES.md lists and explains with the specification text that
# shows SoftHSMv2, not the test, is wrong.
#   run_softhsm2.sh P11CONFORM REPORT_DIR [SOFTHSM_MODULE]
set -euo pipefail
runner=$1
reports=$2
module=${3:-/usr/lib/softhsm/libsofthsm2.so}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$reports"
result=0
for profile in freertos "$here/freertos-softhsm2.yaml" "$here/softhsm2-crypto.yaml" "$here/softhsm2-ota.yaml" \
  "$here/softhsm2-tls.yaml"; do
  name=$(basename "$profile" .yaml)
  provisioning=()
  if [ "$name" = softhsm2-ota ] || [ "$name" = softhsm2-tls ]; then
    provisioning=(--provision-module "$module")
  fi
  rm -rf "$work/tokens" && mkdir -p "$work/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" \
    >"$work/softhsm2.conf"
  export SOFTHSM2_CONF=$work/softhsm2.conf
  softhsm2-util --init-token --free --label conformance --so-pin 12345678 --pin 123456 >/dev/null
  echo "== SoftHSMv2, profile $name"
  status=0
  "$runner" --module "$module" --profile "$profile" --token-label conformance --user-pin 123456 \
    --so-pin 12345678 --init-token --report-md "$reports/softhsm2-$name.md" \
    --report-junit "$reports/softhsm2-$name.xml" "${provisioning[@]}" --gtest_brief=1 || status=$?
  # 0 or 1 is a finished run; anything else means the run itself broke.
  [ "$status" -le 1 ] || exit "$status"
  /usr/bin/python3 "$here/check_known_failures.py" "$reports/softhsm2-$name.xml" "$here/KNOWN_FAILURES.md" ||
    result=1
done
exit "$result"
