# shellcheck shell=bash
# Shared set-up of the provisioning and code-signing tests (sourced, not run):
# a work folder and a fresh token store (0700: the module refuses a store
# open to others), both removed on exit; an OpenSSL configuration without the
# engine (file-key commands fail while it is loaded); and helpers.
work=$(mktemp -d)
store=$(mktemp -d)
trap 'rm -rf "$work" "$store"' EXIT
export P11FORGE_STORE_DIR=$store
cd "$work"
printf '[req]\ndistinguished_name = req_dn\n[req_dn]\n' >plain.cnf
export OPENSSL_CONF=$work/plain.cnf

fail() { echo "FAIL: $*" >&2; exit 1; }
# In the sanitizer build CTest sets P11_CLIENT_PRELOAD: an unsanitized client
# that loads the sanitized module needs the ASan runtime loaded first (and
# its own leaks are not ours to report). Other commands run as they are.
client() {
  if [ -n "${P11_CLIENT_PRELOAD:-}" ]; then
    LD_PRELOAD=$P11_CLIENT_PRELOAD ASAN_OPTIONS=detect_leaks=0 "$@"
  else
    "$@"
  fi
}
# pkcs11-tool --read-object of an EC public key reads freed memory in OpenSC
# 0.23 (ASan shows it), so points are compared from --list-objects instead:
# the uncompressed point of a P-256 SubjectPublicKeyInfo (its last 65 bytes),
spki_point() { openssl pkey -pubin -in "$1" -outform DER | tail -c 65 | od -An -tx1 | tr -d ' \n'; }
# and CKA_EC_POINT of the public key labelled $2 in listing $1, without its
# DER OCTET STRING header (04 41).
token_point() {
  awk -v l="$2" '/^[A-Z]/ {pt = ""} /EC_POINT:/ {pt = $2} $0 ~ "label: *" l "$" {print substr(pt, 5); exit}' <<<"$1"
}
