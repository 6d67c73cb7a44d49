#!/usr/bin/env bash
# p11-kit registration: a .module file in a test-only user configuration
# ("user-config: only", so no system module takes part). `p11-kit
# list-modules` shows our module with the token as C_GetTokenInfo reports it
# (compared with pkcs11-tool's view, not with fixed values); p11tool and
# OpenSSL's pkcs11 engine, neither told which module to load, list the
# token's objects with their URIs and sign with its keys.
#   p11kit_test.sh MODULE
# p11-kit ignores user configuration in programs running as root: then the
# clients run as nobody (65534), on a copy of the module in a temp folder
# they own.
set -euo pipefail
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -m 0700 "$T/store"
mkdir -p "$T/lib" "$T/home/.config/pkcs11/modules"
module=$T/lib/$(basename "$1")
cp "$1" "$module"
echo 'user-config: only' >"$T/home/.config/pkcs11/pkcs11.conf"
printf 'module: %s\ncritical: yes\n' "$module" >"$T/home/.config/pkcs11/modules/p11forge.module"
printf '[req]\ndistinguished_name = req_dn\n[req_dn]\n' >"$T/plain.cnf"
run=()
if [ "$(id -u)" = 0 ]; then
  chown -R 65534:65534 "$T"
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
# Every client runs with the test configuration and nothing on stdin.
as_user() {
  "${run[@]}" env HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" P11FORGE_STORE_DIR="$T/store" \
    OPENSSL_CONF="$T/plain.cnf" timeout 60 "$@" </dev/null
}
TOKEN=p11kit-test PIN=1234

p11() { as_user pkcs11-tool --module "$module" "$@"; }
p11 --init-token --label "$TOKEN" --so-pin 12345678 >/dev/null
p11 --token-label "$TOKEN" --login --login-type so --so-pin 12345678 --init-pin --pin "$PIN" >/dev/null
p11 --token-label "$TOKEN" --login --pin "$PIN" --keypairgen --key-type EC:prime256v1 --id 01 \
  --label "Device Priv TLS Key" --usage-sign >/dev/null
p11 --token-label "$TOKEN" --login --pin "$PIN" --keypairgen --key-type rsa:2048 --id 02 \
  --label rsa-key --usage-sign >/dev/null

# The token as pkcs11-tool reads it from C_GetTokenInfo.
slots=$(p11 --list-token-slots)
field() { sed -n "s/^ *$1 *: \(.*\)\$/\1/p" <<<"$slots" | head -1 | sed 's/ *$//'; }
label=$(field "token label") manufacturer=$(field "token manufacturer")
model=$(field "token model") serial=$(field "serial num")
[ "$label" = "$TOKEN" ] || { echo "pkcs11-tool shows token '$label'"; exit 1; }
for v in "$manufacturer" "$model" "$serial"; do [ -n "$v" ] || { echo "empty token field"; exit 1; }; done

modules=$(as_user p11-kit list-modules)
echo "$modules"
# Exactly one module (ours, named after its .module file), its token fields
# as pkcs11-tool showed them.
[ "$(grep -c '^[^ ]' <<<"$modules")" = 1 ] || { echo "other modules are loaded"; exit 1; }
grep -qx "p11forge: $module" <<<"$modules" || { echo "p11forge.module not listed"; exit 1; }
for pair in "token: $label" "manufacturer: $manufacturer" "model: $model" "serial-number: $serial"; do
  grep -qx " *$pair" <<<"$modules" || { echo "list-modules lacks '$pair'"; exit 1; }
done
grep -qx " *token-initialized" <<<"$modules" || { echo "token not shown as initialized"; exit 1; }

# p11tool through p11-kit (no --provider).
tokens=$(as_user p11tool --list-tokens)
echo "$tokens"
grep -q "URL: pkcs11:.*serial=$serial;token=$TOKEN\$" <<<"$tokens" || { echo "token URL not listed"; exit 1; }
grep -q "Module: $module\$" <<<"$tokens" || { echo "module path not listed"; exit 1; }
all=$(as_user env GNUTLS_PIN="$PIN" p11tool --login --list-all "pkcs11:token=$TOKEN")
echo "$all"
# Four objects, as pkcs11-tool counts them, each with a URL naming it.
want=$(p11 --token-label "$TOKEN" --login --pin "$PIN" --list-objects | grep -c "Key Object")
[ "$(grep -c '^Object [0-9]*:' <<<"$all")" = "$want" ] || { echo "p11tool lists another count than $want"; exit 1; }
for obj in "id=%01;object=Device%20Priv%20TLS%20Key;type=private" "id=%01;object=Device%20Priv%20TLS%20Key;type=public" \
  "id=%02;object=rsa-key;type=private" "id=%02;object=rsa-key;type=public"; do
  grep -q "URL: pkcs11:.*serial=$serial;token=$TOKEN;$obj\$" <<<"$all" || { echo "no URL for $obj"; exit 1; }
done
for obj in "Device%20Priv%20TLS%20Key" rsa-key; do
  out=$(as_user p11tool --test-sign "pkcs11:token=$TOKEN;object=$obj;type=private;pin-value=$PIN" 2>&1)
  echo "$out"
  grep -q "Verifying against public key in the token... ok" <<<"$out" || { echo "test-sign $obj failed"; exit 1; }
done

# OpenSSL's pkcs11 engine with no module given loads p11-kit-proxy, so it
# finds our token the same way: a CSR signed by the token's EC key holds
# that key's public key.
as_user openssl req -new -engine pkcs11 -keyform engine -subj /CN=p11kit \
  -key "pkcs11:token=$TOKEN;object=Device%20Priv%20TLS%20Key;type=private;pin-value=$PIN" -out "$T/p11kit.csr"
as_user openssl req -in "$T/p11kit.csr" -noout -verify
as_user p11tool --login --set-pin="$PIN" --export-pubkey "pkcs11:token=$TOKEN;id=%01;type=public" | openssl pkey -pubin -outform DER -out "$T/ec-pub.der"
as_user openssl req -in "$T/p11kit.csr" -noout -pubkey | openssl pkey -pubin -outform DER -out "$T/csr-pub.der"
cmp "$T/ec-pub.der" "$T/csr-pub.der" || { echo "the CSR holds another key"; exit 1; }
echo "p11-kit registration passed"
