#!/usr/bin/env bash
# TLS client authentication with OpenSSL: s_server (file key, client
# certificate required) and s_client whose private key stays in our token,
# reached through the pkcs11 engine (libp11) by an RFC 7512 URI. Checks, per
# case, the negotiated version, "Verification: OK" on the client, and the
# server's own view (its -www page): the client certificate it received (the
# same PEM as the one we issued) and the signature type the client used.
#   tls_openssl_test.sh MODULE full|freertos
# full: TLS 1.2 and 1.3 with EC P-256 and RSA-2048 (RSA-PSS: TLS 1.3 requires
# it; OpenSSL prefers it in 1.2 too), and a key of another token object is
# refused. freertos (CKM_RSA_PKCS, no PSS): EC in 1.2 and 1.3, RSA in 1.2 with
# PKCS #1 v1.5, and RSA in TLS 1.3 fails.
set -euo pipefail
. "$(dirname "$0")/tls_fixture.sh"
fixture_init "$1" "$2"
fixture_keys
fixture_certs

# handshake VERSION KIND KEY_URI [s_server args...]: 0 if s_client succeeded.
# Output: $T/client.out (the server's page at the end), $T/server.log.
handshake() {
  local ver=$1 kind=$2 uri=$3
  shift 3
  start_server "-$ver" "$@"
  local rc=0
  printf 'GET / HTTP/1.0\r\n\r\n' | PKCS11_MODULE_PATH=$module timeout 30 \
    openssl s_client -connect "127.0.0.1:$PORT" "-$ver" -CAfile "$T/ca.pem" -verify_return_error \
    -ign_eof -engine pkcs11 -keyform engine -key "$uri" -cert "$T/client-$kind.pem" \
    >"$T/client.out" 2>"$T/client.err" || rc=$?
  # A client that gave up before connecting leaves the server waiting.
  if [ $rc = 0 ]; then stop_server; else stop_server 2; fi
  return $rc
}

# expect_ok VERSION KIND KEY_URI SIGNATURE_TYPE [s_server args...]
expect_ok() {
  local ver=$1 kind=$2 uri=$3 sigtype=$4 label="$1 $2"
  shift 4
  handshake "$ver" "$kind" "$uri" -num_tickets 0 "$@" || fail "$label: s_client failed"
  local want=${ver/tls1_/TLSv1.}
  grep -q "^New, $want, Cipher is" "$T/client.out" || fail "$label: not $want"
  grep -q "^Verification: OK" "$T/client.out" || fail "$label: server certificate not verified"
  server_saw "$kind" "$sigtype" "$label"
  echo "ok: $label ($sigtype)"
}

case $profile in
  full)
    for ver in tls1_2 tls1_3; do
      expect_ok $ver ec "$ec_uri" ECDSA
      expect_ok $ver rsa "$rsa_uri" RSA-PSS
    done
    # The key of another object with the EC certificate: libp11 loads the
    # object's public key, so OpenSSL refuses before connecting (a server-side
    # failure is in the GnuTLS test, which does not check the key).
    if handshake tls1_3 ec "$wrong_uri"; then fail "a mismatched key was accepted"; fi
    grep -q "key values mismatch" "$T/client.err" || fail "no key mismatch reported"
    if grep -q "^depth=0" "$T/server.log"; then fail "the server saw a client certificate"; fi
    echo "ok: a key of another token object is refused"
    ;;
  freertos)
    for ver in tls1_2 tls1_3; do
      expect_ok $ver ec "$ec_uri" ECDSA
    done
    # PKCS #1 v1.5 signatures exist only up to TLS 1.2, and only if the server
    # asks for them (OpenSSL 3 otherwise picks RSA-PSS in 1.2 as well).
    expect_ok tls1_2 rsa "$rsa_uri" RSA -client_sigalgs RSA+SHA256
    # TLS 1.3 allows only RSA-PSS; without CKM_RSA_PKCS_PSS (or raw RSA
    # signing, libp11's fallback) the handshake cannot complete.
    if handshake tls1_3 rsa "$rsa_uri"; then fail "RSA in TLS 1.3 without CKM_RSA_PKCS_PSS succeeded"; fi
    grep -q "Mechanism invalid" "$T/client.err" || fail "RSA in TLS 1.3: not refused by the token"
    grep -q "^ *0 server accepts that finished" "$T/server.log" || fail "the server finished a handshake"
    echo "ok: RSA in TLS 1.3 needs CKM_RSA_PKCS_PSS, which this profile lacks"
    ;;
  *) echo "unknown profile $profile"; exit 1 ;;
esac
echo "TLS client authentication with s_client passed ($profile)"
