#!/usr/bin/env bash
# TLS client authentication with GnuTLS: gnutls-cli loads our module
# (--provider) and signs with the token key named by an RFC 7512 URI, against
# openssl s_server requiring a client certificate. Checks the negotiated
# version and the server's own view (its -www page): the client certificate it
# received (the same PEM we issued) and the signature type used.
#   tls_gnutls_test.sh MODULE full|freertos
# full: TLS 1.2 and 1.3 with EC P-256 and RSA-2048 (RSA-PSS), and a key of
# another token object fails at the server ("bad signature": GnuTLS, unlike
# OpenSSL, does not compare the key with the certificate first). freertos: EC
# in 1.2 and 1.3; RSA in 1.2 with PKCS #1 v1.5 (GnuTLS uses PSS only when
# C_GetMechanismInfo reports CKM_RSA_PKCS_PSS, so this checks the module's
# answer too).
set -euo pipefail
. "$(dirname "$0")/tls_fixture.sh"
fixture_init "$1" "$2"
fixture_keys
fixture_certs

# handshake VERSION KIND KEY_URI [s_server args...]: 0 if gnutls-cli succeeded.
handshake() {
  local ver=$1 kind=$2 uri=$3
  shift 3
  start_server -num_tickets 0 "$@"
  local rc=0
  printf 'GET / HTTP/1.0\r\n\r\n' | timeout 30 gnutls-cli 127.0.0.1 -p "$PORT" \
    --x509cafile "$T/ca.pem" --priority "NORMAL:-VERS-ALL:+VERS-${ver^^}" --provider "$module" \
    --x509keyfile "$uri" --x509certfile "$T/client-$kind.pem" \
    >"$T/client.out" 2>"$T/client.err" || rc=$?
  stop_server
  return $rc
}

# expect_ok VERSION KIND KEY_URI SIGNATURE_TYPE [s_server args...]
expect_ok() {
  local ver=$1 kind=$2 uri=$3 sigtype=$4 label="gnutls $1 $2"
  shift 4
  handshake "$ver" "$kind" "$uri" "$@" || fail "$label: gnutls-cli failed"
  grep -q "^- Handshake was completed" "$T/client.out" || fail "$label: no handshake"
  grep -q "^- Description: (${ver^^}-X.509)" "$T/client.out" || fail "$label: not ${ver^^}"
  server_saw "$kind" "$sigtype" "$label"
  echo "ok: $label ($sigtype)"
}

case $profile in
  full)
    for ver in tls1.2 tls1.3; do
      expect_ok $ver ec "$ec_uri" ECDSA
      expect_ok $ver rsa "$rsa_uri" RSA-PSS
    done
    # The EC certificate with the key of another token object: the server
    # receives the certificate and rejects the CertificateVerify signature.
    if handshake tls1.3 ec "$wrong_uri"; then fail "a mismatched key was accepted"; fi
    grep -q "^depth=0 CN = device-ec\$" "$T/server.log" || fail "the server got no client certificate"
    grep -q "bad signature" "$T/server.log" || fail "the server did not reject the signature"
    echo "ok: a key of another token object fails at the server"
    ;;
  freertos)
    for ver in tls1.2 tls1.3; do
      expect_ok $ver ec "$ec_uri" ECDSA
    done
    expect_ok tls1.2 rsa "$rsa_uri" RSA
    ;;
  *) echo "unknown profile $profile"; exit 1 ;;
esac
echo "TLS client authentication with gnutls-cli passed ($profile)"
