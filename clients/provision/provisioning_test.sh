#!/usr/bin/env bash
# Provisioning as a device does it, with real clients from Debian, on a fresh
# store: p11forge-provision generates the P-256 "Device Priv TLS Key" pair in
# the token; OpenSSL's pkcs11 engine (libp11) makes a CSR with it; a test CA
# made here signs it; the certificate goes into the token as "Device Cert";
# a new process reads it back byte for byte, and pkcs11-tool and p11tool see
# it beside the key whose public half it certifies.
#   provisioning_test.sh TOOL MODULE TOKEN_LABEL USER_PIN [SO_PIN]
# With SO_PIN the token is blank: pkcs11-tool initializes it first. MODULE
# may be another vendor's; SoftHSMv2 gets a configuration in the temp folder.
set -euo pipefail
tool=$(realpath "$1")
module=$(realpath "$2") # p11-kit resolves relative paths in its own folder
token=$3
pin=$4
so_pin=${5:-}

. "$(dirname "$0")/test_env.sh"
prov() { "$tool" --module "$module" --token "$token" --pin "$pin" "$@"; }
ptool() { client pkcs11-tool --module "$module" --token-label "$token" "$@"; }
engine() { PKCS11_MODULE_PATH=$module client openssl "$@" -engine pkcs11 -keyform engine; }
key_uri="pkcs11:token=$token;object=Device%20Priv%20TLS%20Key;type=private;pin-value=$pin"

if [ "$(basename "$module")" = libsofthsm2.so ]; then
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$store" >softhsm2.conf
  export SOFTHSM2_CONF=$work/softhsm2.conf
fi
if [ -n "$so_pin" ]; then
  client pkcs11-tool --module "$module" --init-token --label "$token" --so-pin "$so_pin"
  ptool --login --login-type so --so-pin "$so_pin" --init-pin --pin "$pin"
fi

# A public key without CKA_ID already on the token (a device's "Code Verify
# Key"): the engine pairs the private key with a public key of the same
# CKA_ID, so keys without an ID could be paired with this one.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out verify.key
openssl pkey -in verify.key -pubout -out verify.pub
prov import-pubkey verify.pub

echo "== keygen"
prov keygen
objects=$(ptool --login --pin "$pin" --list-objects)
echo "$objects"
device_point=$(token_point "$objects" "Device Pub TLS Key")
[ ${#device_point} = 130 ] || fail "no P-256 point on the Device Pub TLS Key: '$device_point'"
grep -q 'label: *Device Priv TLS Key' <<<"$objects" || fail "no private key"
grep -q 'label: *Device Pub TLS Key' <<<"$objects" || fail "no public key"
# Both halves carry the one CKA_ID the engine pairs them by.
id_of() { awk -v l="$1" '/label:/ {hit = ($0 ~ "label: *" l "$")} hit && /ID:/ {print $2; exit}' <<<"$objects"; }
key_id=$(id_of "Device Priv TLS Key")
[ -n "$key_id" ] && [ "$key_id" = "$(id_of "Device Pub TLS Key")" ] || fail "key halves without one common CKA_ID"

echo "== CSR with the token key (OpenSSL pkcs11 engine)"
engine req -new -key "$key_uri" -subj "/CN=p11forge-device" -out device.csr
openssl req -in device.csr -noout -verify
openssl req -in device.csr -noout -pubkey >csr-pub.pem
[ "$(spki_point csr-pub.pem)" = "$device_point" ] || fail "the CSR carries another key than the token's Device Pub TLS Key"
# A key the token does not hold gives no CSR (libp11 may crash on exit: any
# non-zero status).
rc=0
engine req -new -key "pkcs11:token=$token;object=No%20Such%20Key;type=private;pin-value=$pin" \
  -subj "/CN=x" -out missing.csr </dev/null >/dev/null 2>&1 || rc=$?
[ "$rc" != 0 ] || fail "a CSR was made with a key that does not exist"

echo "== test CA signs it"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
  -subj "/CN=p11forge test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign"
printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' >device.ext
openssl x509 -req -in device.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -sha256 -extfile device.ext \
  -out device.pem
openssl verify -CAfile ca.pem device.pem

echo "== import-cert, then read-cert in a new process"
prov import-cert device.pem
prov read-cert token-cert.der
openssl x509 -in device.pem -outform DER -out device.der
cmp device.der token-cert.der || fail "the certificate read back differs from the one imported"
# Importing again replaces it: still one "Device Cert".
prov import-cert device.der
listing=$(ptool --list-objects --type cert)
echo "$listing"
[ "$(grep -c 'label: *Device Cert' <<<"$listing")" = 1 ] || fail "not exactly one Device Cert"
grep -q "ID: *$key_id" <<<"$listing" || fail "the certificate does not carry the key's CKA_ID $key_id"
certs=$(client p11tool --provider "$module" --list-all-certs "pkcs11:token=$token" </dev/null)
echo "$certs"
grep -q 'Label: Device Cert' <<<"$certs" || fail "p11tool does not list the Device Cert"
grep -q "object=Device%20Cert;type=cert" <<<"$certs" || fail "p11tool gives no URI for the Device Cert"
rc=0
prov read-cert none.der --label "No Such Cert" || rc=$?
[ "$rc" = 1 ] || fail "read-cert of a missing certificate gave status $rc, not 1"

echo "== the certificate's key is the token's key"
openssl x509 -in device.pem -noout -pubkey >cert-pub.pem
[ "$(spki_point cert-pub.pem)" = "$device_point" ] || fail "the certificate certifies another key than the token's"

echo "== RSA-2048 key pair, CSR"
prov keygen --key-type rsa --label "RSA Priv Key" --public-label "RSA Pub Key" --id 0a0b
engine req -new -key "pkcs11:token=$token;object=RSA%20Priv%20Key;type=private;pin-value=$pin" \
  -subj "/CN=p11forge-device-rsa" -out rsa.csr
openssl req -in rsa.csr -noout -verify
openssl req -in rsa.csr -noout -text | grep -q "Public-Key: (2048 bit)" || fail "the RSA CSR is not 2048-bit"
echo "provisioning passed"
