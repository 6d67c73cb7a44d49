#!/usr/bin/env bash
# Real clients against a module: OpenSC's pkcs11-tool generates an EC P-256
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

tool --login --pin "$pin" --keypairgen --key-type EC:prime256v1 --id 01 --label "client-ec" --usage-sign
tool --login --pin "$pin" --keypairgen --key-type rsa:2048 --id 02 --label "client-rsa" --usage-sign
tool --login --pin "$pin" --list-objects
tool --login --pin "$pin" --test

# p11tool reaches the module directly (--provider), keys named by RFC 7512 URIs.
for label in client-ec client-rsa; do
  GNUTLS_PIN=$pin p11tool --provider "$module" --login --test-sign "pkcs11:object=$label;type=private"
done
echo "pkcs11-tool --test and p11tool --test-sign passed"
