# shellcheck shell=bash
# Shared setup of the TLS and URI client tests (sourced, not run): a temp
# folder with its own token store, client keys generated on the token, a test
# CA with a server certificate (file keys), and client certificates the CA
# issued from CSRs that OpenSSL's pkcs11 engine (libp11) signed with the token
# keys. Every client gets stdin from /dev/null or a pipe, and a timeout.
#
#   fixture_init MODULE PROFILE      PROFILE: full (blank token, initialized
#                                    here) or freertos (token "FreeRTOS", PIN 0000)
#   fixture_keys                     EC P-256 id 01, RSA-2048 id 02, EC id 03
#   fixture_certs                    CA, server cert, client-ec.pem, client-rsa.pem
#   start_server ARGS...             s_server on a free 127.0.0.1 port
#   stop_server                      waits for it; its output is in $T/server.log
#   fail MESSAGE                     prints the client and server logs, exits 1
#   server_saw KIND SIGTYPE LABEL    the server verified device-KIND, got that
#                                    certificate and signature type

fixture_cleanup() {
  if [ -n "${SERVER_PID:-}" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$T"
}

fixture_init() {
  module=$(realpath "$1")
  profile=$2
  T=$(mktemp -d)
  trap fixture_cleanup EXIT
  # libp11 0.4.12 may crash at exit after a failed key lookup (OpenSC/libp11
  # #509, seen with other modules): no core files in the build tree.
  ulimit -c 0
  mkdir -m 0700 "$T/store"
  export P11FORGE_STORE_DIR=$T/store
  # Without the engine: with it loaded, OpenSSL 3.0 cannot use file keys
  # (req -key file, x509 -CAkey: "default_check:command not supported").
  printf '[req]\ndistinguished_name = req_dn\n[req_dn]\n' >"$T/plain.cnf"
  export OPENSSL_CONF=$T/plain.cnf
  case $profile in
    full)
      TOKEN=p11test PIN=1234 SO_PIN=12345678
      p11 --init-token --label "$TOKEN" --so-pin "$SO_PIN" >/dev/null
      p11 --token-label "$TOKEN" --login --login-type so --so-pin "$SO_PIN" --init-pin --pin "$PIN" >/dev/null
      ;;
    freertos) TOKEN=FreeRTOS PIN=0000 ;;
    *) echo "unknown profile $profile" >&2; return 1 ;;
  esac
}

p11() { pkcs11-tool --module "$module" "$@" </dev/null; }

# URI of a private key on this token (RFC 7512; the PIN in the URI).
key_uri() { echo "pkcs11:token=$TOKEN;$1;type=private;pin-value=$PIN"; }

fixture_keys() {
  local gen=(--token-label "$TOKEN" --login --pin "$PIN" --keypairgen --usage-sign)
  p11 "${gen[@]}" --key-type EC:prime256v1 --id 01 --label "Device Priv TLS Key" >/dev/null
  p11 "${gen[@]}" --key-type rsa:2048 --id 02 --label rsa-key >/dev/null
  p11 "${gen[@]}" --key-type EC:prime256v1 --id 03 --label wrong-key >/dev/null
  ec_uri=$(key_uri "object=Device%20Priv%20TLS%20Key")
  rsa_uri=$(key_uri "id=%02")
  wrong_uri=$(key_uri "object=wrong-key")
}

# The engine signs a CSR with the token key: engine_csr URI SUBJECT OUT
engine_csr() {
  PKCS11_MODULE_PATH=$module timeout 30 openssl req -new -engine pkcs11 -keyform engine \
    -key "$1" -subj "$2" -out "$3" </dev/null
}

fixture_certs() {
  local q=(-days 2 -sha256)
  (
    cd "$T" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
      -out ca.pem "${q[@]}" -subj /CN=TestCA 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key \
      -subj /CN=localhost -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "${q[@]}" \
      -extfile server.ext -out server.pem 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' >client.ext
  )
  local kind uri
  for kind in ec rsa; do
    if [ $kind = ec ]; then uri=$ec_uri; else uri=$rsa_uri; fi
    engine_csr "$uri" "/CN=device-$kind" "$T/$kind.csr"
    openssl req -in "$T/$kind.csr" -noout -verify
    openssl x509 -req -in "$T/$kind.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
      "${q[@]}" -extfile "$T/client.ext" -out "$T/client-$kind.pem"
  done
  openssl verify -CAfile "$T/ca.pem" "$T/client-ec.pem" "$T/client-rsa.pem"
}

# s_server requiring a client certificate (-Verify 1) for one connection
# (-naccept 1); -www answers "GET /" with the server's view of the session
# (peer signature type, client certificate), so it never reads stdin. Picks a
# free port and waits until the server listens (it prints ACCEPT then).
# Waits at most 10 s per try.
start_server() {
  local _try _i
  for _try in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 40000)) # a port in use: s_server exits, next try
    timeout 60 openssl s_server -accept "127.0.0.1:$PORT" -naccept 1 -www \
      -cert "$T/server.pem" -key "$T/server.key" -CAfile "$T/ca.pem" -Verify 1 "$@" \
      >"$T/server.log" 2>&1 </dev/null &
    SERVER_PID=$!
    for _i in $(seq 200); do
      if grep -q '^ACCEPT' "$T/server.log"; then return 0; fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
    stop_server
  done
  echo "s_server did not start:" >&2
  cat "$T/server.log" >&2
  return 1
}

# stop_server [SECONDS]: waits (default 10 s) for the server to finish its
# one connection, then stops it (a client that refused to connect leaves it
# waiting). s_server exits 0 even when the handshake failed: callers read
# server.log.
stop_server() {
  local _i
  for _i in $(seq $((${1:-10} * 20))); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

fail() {
  echo "FAIL: $*"
  echo "--- client"; cat "$T/client.err" "$T/client.out"
  echo "--- server"; cat "$T/server.log"
  exit 1
}

# server_saw KIND SIGNATURE_TYPE LABEL: the server verified the device-KIND
# certificate, and its -www page (at the end of $T/client.out) shows that
# very certificate and the signature type the client used.
server_saw() {
  local kind=$1 sigtype=$2 label=$3
  grep -q "^depth=0 CN = device-$kind\$" "$T/server.log" || fail "$label: server did not verify device-$kind"
  sed -n '/^HTTP\/1.0 200 ok/,/<\/pre>/p' "$T/client.out" >"$T/page"
  grep -q "^Peer signature type: $sigtype\$" "$T/page" || fail "$label: client signature is not $sigtype"
  sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$T/page" >"$T/seen.pem"
  openssl x509 -in "$T/client-$kind.pem" >"$T/sent.pem"
  cmp -s "$T/seen.pem" "$T/sent.pem" || fail "$label: the server saw another client certificate"
}
