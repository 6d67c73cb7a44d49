#!/usr/bin/env bash
# RFC 7512 URIs against our token, as GnuTLS (p11tool) and OpenSSL's pkcs11
# engine (libp11) read them. For each URI attribute (manufacturer, model,
# serial, token, object, id, type) a URI built from the values the module
# reports selects exactly the intended objects (p11tool lists them; the
# engine signs a CSR with the intended key, its public key compared with the
# token's), and the same URI with one value changed selects nothing. A second
# store (another token, same label and objects) does not match a URI pinned to
# the first token's serial. PINs: pin-value, and pin-source (a file without
# trailing newline; libp11 reads "file:/p" and "/p", GnuTLS "/p").
#   uri_test.sh MODULE      (the full profile: a blank token initialized here)
set -euo pipefail
. "$(dirname "$0")/tls_fixture.sh"
fixture_init "$1" full
fixture_keys
store_a=$P11FORGE_STORE_DIR

# A certificate object beside key 01, for type=cert (any certificate will do).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/dummy.key" \
  -subj /CN=dummy -days 2 -outform DER -out "$T/dummy.der" 2>/dev/null
p11 --token-label "$TOKEN" --login --pin "$PIN" --write-object "$T/dummy.der" --type cert \
  --id 01 --label "Device Cert" >/dev/null

# Percent-encoding of a URI attribute value (RFC 7512 §2.3: all but unreserved).
pct() {
  local s=$1 out='' c h i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9._~-]) out+=$c ;;
      *) printf -v h '%%%02X' "'$c"; out+=$h ;;
    esac
  done
  echo "$out"
}

# The token's attributes as pkcs11-tool reads them from C_GetTokenInfo.
token_field() {
  p11 --list-token-slots | sed -n "s/^ *$1 *: \(.*\)\$/\1/p" | head -1 | sed 's/ *$//'
}
declare -A tok
tok[manufacturer]=$(token_field "token manufacturer")
tok[model]=$(token_field "token model")
tok[serial]=$(token_field "serial num")
tok[token]=$(token_field "token label")
for a in manufacturer model serial token; do
  [ -n "${tok[$a]}" ] || { echo "pkcs11-tool shows no token $a"; exit 1; }
done
[ "${tok[token]}" = "$TOKEN" ] || { echo "token label is '${tok[token]}'"; exit 1; }

# The objects p11tool selects with URI, as "id;object;type" lines, sorted.
selected() {
  GNUTLS_PIN=$PIN timeout 30 p11tool --provider "$module" --login --only-urls --list-all "$1" \
    </dev/null 2>/dev/null | sed -n 's/^pkcs11:.*;\(id=[^;]*;object=[^;]*;type=[^;]*\)$/\1/p' | sort || true
}
# The public key (DER) of the private key libp11 selects with URI, or nothing.
engine_pub() {
  rm -f "$T/u.csr"
  if engine_csr "$1" /CN=uri "$T/u.csr" >/dev/null 2>&1; then
    openssl req -in "$T/u.csr" -noout -pubkey | openssl pkey -pubin -outform DER
  fi
}
# The token's public key with CKA_ID $1 (hex), as hex dump of its DER. Not via
# pkcs11-tool --read-object: OpenSC 0.23 reads freed memory there for EC keys.
pub() {
  local id
  id=$(sed 's/../%&/g' <<<"$1")
  timeout 30 p11tool --provider "$module" --login --set-pin="$PIN" --export-pubkey "pkcs11:token=$TOKEN;id=$id;type=public" \
    </dev/null 2>/dev/null | openssl pkey -pubin -outform DER | od -An -tx1
}

fail() { echo "FAIL: $*"; exit 1; }
ec_obj="object=Device%20Priv%20TLS%20Key"
key01="id=%01;$ec_obj;type=private"
pub01="id=%01;$ec_obj;type=public"
cert01="id=%01;object=Device%20Cert;type=cert"
pub_ec=$(pub 01)
pub_rsa=$(pub 02)
[ -n "$pub_ec" ] && [ -n "$pub_rsa" ] || fail "public keys not read"

# check URI EXPECTED_LINES [ENGINE_PUBKEY]: p11tool selects exactly the
# EXPECTED objects; if a public key is given, libp11 loads that key (with
# type=private;pin-value appended).
check() {
  local uri=$1 want=$2 key=${3:-}
  local got
  got=$(selected "$uri")
  [ "$got" = "$(sort <<<"$want")" ] || fail "$uri selected [$got], expected [$want]"
  if [ -n "$key" ]; then
    [ "$(engine_pub "$uri;type=private;pin-value=$PIN" | od -An -tx1)" = "$key" ] ||
      fail "libp11 did not load the intended key with $uri"
  fi
  echo "ok: $uri -> $(wc -l <<<"$got") object(s)"
}
# nothing URI: neither client selects anything.
nothing() {
  [ -z "$(selected "$1")" ] || fail "$1 selected objects"
  [ -z "$(engine_pub "$1;type=private;pin-value=$PIN")" ] || fail "libp11 loaded a key with $1"
  echo "ok: $1 -> nothing"
}

# Token attributes, each alone beside the object label, then one changed.
for a in manufacturer model serial token; do
  v=$(pct "${tok[$a]}")
  check "pkcs11:$a=$v;$ec_obj" "$key01
$pub01" "$pub_ec"
  nothing "pkcs11:$a=${v}x;$ec_obj"
done
# All four together, as p11tool prints a token URL.
full="pkcs11:model=$(pct "${tok[model]}");manufacturer=$(pct "${tok[manufacturer]}");serial=$(pct "${tok[serial]}");token=$(pct "$TOKEN")"
check "$full;id=%02" "id=%02;object=rsa-key;type=private
id=%02;object=rsa-key;type=public" "$pub_rsa"
# Object label, id and type.
check "pkcs11:token=$TOKEN;object=wrong-key" "id=%03;object=wrong-key;type=private
id=%03;object=wrong-key;type=public" "$(pub 03)"
nothing "pkcs11:token=$TOKEN;object=wrong-key2"
nothing "pkcs11:token=$TOKEN;object=Device%20Priv%20TLS"
check "pkcs11:token=$TOKEN;id=%01" "$key01
$pub01
$cert01" "$pub_ec"
nothing "pkcs11:token=$TOKEN;id=%04"
nothing "pkcs11:token=$TOKEN;id=%01%00"
check "pkcs11:token=$TOKEN;id=%01;type=cert" "$cert01"
check "pkcs11:token=$TOKEN;id=%01;type=public" "$pub01"
check "pkcs11:token=$TOKEN;$ec_obj;type=private" "$key01"
[ -z "$(selected "pkcs11:token=$TOKEN;id=%01;type=secret-key")" ] || fail "type=secret-key selected objects"
# A label with URI delimiters in it and a two-byte id: the bytes stored are
# the bytes matched (p11tool prints the id in upper case).
odd="tls;key/2% x"
p11 --token-label "$TOKEN" --login --pin "$PIN" --keypairgen --key-type EC:prime256v1 --id a1b2 \
  --label "$odd" --usage-sign >/dev/null
odd_objs="id=%A1%B2;object=tls%3Bkey%2F2%25%20x;type=private
id=%A1%B2;object=tls%3Bkey%2F2%25%20x;type=public"
pub_odd=$(pub a1b2)
check "pkcs11:token=$TOKEN;object=$(pct "$odd")" "$odd_objs" "$pub_odd"
check "pkcs11:token=$TOKEN;id=%a1%b2" "$odd_objs" "$pub_odd"
nothing "pkcs11:token=$TOKEN;id=%a1"
nothing "pkcs11:token=$TOKEN;object=tls"

# A second token (another store) with the same label and objects: the first
# token's serial does not match it; its own serial selects its own key.
serial_a=$(pct "${tok[serial]}")
export P11FORGE_STORE_DIR=$T/store-b
mkdir -m 0700 "$P11FORGE_STORE_DIR"
p11 --init-token --label "$TOKEN" --so-pin 12345678 >/dev/null
p11 --token-label "$TOKEN" --login --login-type so --so-pin 12345678 --init-pin --pin "$PIN" >/dev/null
fixture_keys
serial_b=$(pct "$(token_field "serial num")")
[ "$serial_a" != "$serial_b" ] || fail "two tokens share the serial $serial_a"
nothing "pkcs11:serial=$serial_a;$ec_obj"
pub_ec_b=$(pub 01)
[ "$pub_ec_b" != "$pub_ec" ] || fail "two stores hold the same key"
check "pkcs11:serial=$serial_b;$ec_obj" "$key01
$pub01" "$pub_ec_b"
export P11FORGE_STORE_DIR=$store_a

# PINs. The file holds the PIN without a trailing newline (with one, both
# clients send the newline as part of the PIN).
printf '%s' "$PIN" >"$T/pin.txt"
key="pkcs11:token=$TOKEN;$ec_obj;type=private"
for p in "pin-value=$PIN" "pin-source=file:$T/pin.txt" "pin-source=$T/pin.txt"; do
  [ "$(engine_pub "$key;$p" | od -An -tx1)" = "$pub_ec" ] || fail "libp11 with $p"
  echo "ok: libp11 with ${p%%=*}=${p#*=}"
done
[ -z "$(engine_pub "$key;pin-value=9$PIN")" ] || fail "libp11 loaded a key with a wrong PIN"
for p in "pin-value=$PIN" "pin-source=$T/pin.txt"; do
  out=$(timeout 30 p11tool --provider "$module" --test-sign "$key;$p" </dev/null 2>&1) ||
    fail "p11tool --test-sign with $p: $out"
  grep -q "Verifying against public key in the token... ok" <<<"$out" || fail "p11tool with $p: $out"
  echo "ok: GnuTLS with ${p%%=*}=${p#*=}"
done
if timeout 30 p11tool --provider "$module" --test-sign "$key;pin-value=9$PIN" </dev/null >/dev/null 2>&1; then
  fail "p11tool signed with a wrong PIN"
fi
echo "RFC 7512 URIs passed"
