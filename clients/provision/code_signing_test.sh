#!/usr/bin/env bash
# Code-sign verification as FreeRTOS OTA does it, on a fresh store: a 4 MiB
# image signed by openssl with a P-256 key held outside the token; the public
# key stored as "Code Verify Key"; p11forge-provision verify-image checks the
# image with C_VerifyUpdate (CKM_ECDSA_SHA256) and with C_DigestUpdate +
# C_Verify (CKM_ECDSA). One flipped byte, and another signer's key, must be
# rejected with CKR_SIGNATURE_INVALID (exit status 3) by both methods.
#   code_signing_test.sh TOOL MODULE TOKEN_LABEL USER_PIN [OTA_MODULE]
# OTA_MODULE (verify only, e.g. the freertos-ota profile's) verifies too, over
# the same store, as a device's OTA agent would after provisioning.
set -euo pipefail
tool=$(realpath "$1")
module=$(realpath "$2")
token=$3
pin=$4
ota_module=${5:+$(realpath "$5")}

. "$(dirname "$0")/test_env.sh"
run_tool() { "$tool" --token "$token" --pin "$pin" "$@"; }
prov() { run_tool --module "$module" "$@"; }
# verify-image with the expected exit status: 0 valid, 3 signature invalid.
expect() {
  local want=$1 rc=0
  shift
  run_tool "$@" || rc=$?
  [ "$rc" = "$want" ] || fail "verify-image $* exited $rc, expected $want"
}

echo "== signer key outside the token, image, signature"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signer.key
openssl pkey -in signer.key -pubout -out signer.pub
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key
openssl pkey -in other.key -pubout -out other.pub
head -c 4194304 /dev/urandom >image.bin
openssl dgst -sha256 -sign signer.key -out image.sig image.bin
openssl dgst -sha256 -verify signer.pub -signature image.sig image.bin

# One byte in the middle changed (xor 0x01); openssl agrees it no longer verifies.
cp image.bin tampered.bin
offset=2097152
byte=$(od -An -tu1 -j $offset -N1 image.bin | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of=tampered.bin bs=1 seek=$offset conv=notrunc status=none
[ "$(cmp -l image.bin tampered.bin | wc -l)" = 1 ] || fail "the tampered image does not differ in exactly one byte"
if openssl dgst -sha256 -verify signer.pub -signature image.sig tampered.bin; then
  fail "openssl accepts the tampered image"
fi

echo "== import-pubkey"
prov import-pubkey signer.pub
listing=$(client pkcs11-tool --module "$module" --token-label "$token" --list-objects --type pubkey)
echo "$listing"
[ "$(token_point "$listing" "Code Verify Key")" = "$(spki_point signer.pub)" ] ||
  fail "the token's Code Verify Key is not the signer's key"

verify_all() { # MODULE: every check against the signer's key
  local m=$1
  out=$(run_tool --module "$m" verify-image image.bin image.sig)
  echo "$out"
  grep -q '^update: signature valid' <<<"$out" || fail "no valid C_VerifyUpdate result"
  grep -q '^digest: signature valid' <<<"$out" || fail "no valid C_Digest + C_Verify result"
  expect 0 --module "$m" verify-image image.bin image.sig --method update --block-size 1000
  expect 0 --module "$m" verify-image image.bin image.sig --method digest --block-size 65536
  for method in update digest; do
    expect 3 --module "$m" verify-image tampered.bin image.sig --method $method
  done
  expect 3 --module "$m" verify-image tampered.bin image.sig
  # Not a DER signature at all: an error (1), not a verdict.
  head -c 70 /dev/urandom >garbage.sig
  expect 1 --module "$m" verify-image image.bin garbage.sig
}
echo "== verify-image"
verify_all "$module"
if [ -n "$ota_module" ]; then
  echo "== verify-image through the OTA-only module"
  verify_all "$ota_module"
fi

echo "== another signer's key"
openssl dgst -sha256 -sign other.key -out other.sig image.bin
for method in update digest; do
  expect 3 --module "$module" verify-image image.bin other.sig --method $method
done
# The token's key replaced by the other signer's: the genuine signature fails.
prov import-pubkey other.pub
count=$(client pkcs11-tool --module "$module" --token-label "$token" --list-objects --type pubkey | grep -c 'label: *Code Verify Key')
[ "$count" = 1 ] || fail "$count Code Verify Keys after replacing it"
expect 3 --module "$module" verify-image image.bin image.sig
expect 0 --module "$module" verify-image image.bin other.sig
echo "code signing passed"
