#!/usr/bin/python3
"""A verify-only image holds no signing or private-key code.

For profiles whose generated wolfCrypt settings are verify-only
(WOLFSSL_RSA_VERIFY_ONLY: codegen/p11gen/wolfcrypt_settings.py): lists the
image's symbols with nm and fails when any function that signs, makes keys or
uses a private key is linked in.
"""
import argparse
import subprocess
import sys

# wolfCrypt's signing and key-making entry points, and the backend's.
FORBIDDEN = ("wc_ecc_sign_hash", "wc_ecc_sign_hash_ex", "wc_ecc_make_key", "wc_ecc_make_key_ex", "wc_ecc_make_pub_ex",
             "wc_RsaSSL_Sign", "wc_RsaPSS_Sign", "wc_RsaPSS_Sign_ex", "wc_MakeRsaKey", "wc_RsaPrivateKeyDecode")
BACKEND_HELPERS = ("rsa_private_consistent", "sign_pkcs1", "point_matches_scalar")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nm", required=True)
    parser.add_argument("--image", required=True)
    args = parser.parse_args()
    # Demangled, so the backend's C++ helpers are found by name too.
    output = subprocess.run([args.nm, "-C", args.image], check=True, capture_output=True, text=True).stdout
    symbols = [line.split(None, 2)[-1] for line in output.splitlines() if len(line.split(None, 2)) == 3]
    found = sorted({name for name in symbols if name in FORBIDDEN or
                    any(helper in name for helper in BACKEND_HELPERS)})
    if found:
        sys.exit(f"check_no_signing: {args.image} links signing or private-key code: {', '.join(found)}")
    print(f"check_no_signing: {args.image}: no signing or private-key code ({len(symbols)} symbols)")


if __name__ == "__main__":
    main()
