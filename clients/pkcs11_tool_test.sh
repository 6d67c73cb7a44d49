#!/usr/bin/env bash
# Real clients against a module: OpenSC's pkcs11-tool shows the module's
# info and logs in (a wrong PIN is CKR_PIN_INCORRECT), generates an EC P-256
# and an RSA-2048 key pair on a fresh token and runs its self test (--test),
# then GnuTLS's p11tool signs with each key (--test-sign).
#   pkcs11_tool_test.sh MODULE USER_PIN
set -euo pipefail
module=$(realpath "$1")  # p11-kit resolves relative paths in its own folder
pin=$2
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
export P11FORGE_STORE_DIR=$store/store

tool() { pkcs11-tool --module "$module" "$@"; }

# Information, token and mechanisms as the module reports them; a login; a
# wrong PIN refused with the spec's code.
info=$(tool --show-info --list-slots --list-token-slots --list-mechanisms)
echo "$info"
grep -q "Cryptoki version 2.40" <<<"$info"
grep -q "token initialized" <<<"$info"
grep -q "SHA256, digest" <<<"$info"
tool --login --pin "$pin" --list-objects
if wrong=$(tool --login --pin "9$pin" --list-objects 2>&1); then
  echo "a wrong PIN was accepted"; exit 1
fi
grep -q "CKR_PIN_INCORRECT" <<<"$wrong"

tool --login --pin "$pin" --keypairgen --key-type EC:prime256v1 --id 01 --label "client-ec" --usage-sign
tool --login --pin "$pin" --keypairgen --key-type rsa:2048 --id 02 --label "client-rsa" --usage-sign
tool --login --pin "$pin" --list-objects
tool --login --pin "$pin" --test

# p11tool reaches the module directly (--provider), keys named by RFC 7512 URIs.
for label in client-ec client-rsa; do
  GNUTLS_PIN=$pin p11tool --provider "$module" --login --test-sign "pkcs11:object=$label;type=private"
done
echo "pkcs11-tool --test and p11tool --test-sign passed"
