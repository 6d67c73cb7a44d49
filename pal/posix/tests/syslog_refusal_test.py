"""A store the module refuses is reported to the system log, not only to stderr.

Inside ssh-agent, gpg-agent or a browser the module's stderr goes nowhere
(issue 20): the refusal must reach syslog/journald. The test stands in for the
log daemon by binding /dev/log itself, so it runs only as root on a machine
without a log socket (CI's); elsewhere it is skipped (exit 77).
  syslog_refusal_test.py MODULE
"""
import os
import socket
import subprocess
import sys
import tempfile

SKIP = 77


def main():
    module = sys.argv[1]
    if os.geteuid() != 0 or os.path.exists("/dev/log"):
        print("skipped: needs root and no /dev/log (a running log daemon owns it)")
        return SKIP
    log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    log.bind("/dev/log")
    log.settimeout(5)
    try:
        with tempfile.TemporaryDirectory() as store:
            os.chmod(store, 0o755)  # open to others: refused at C_Initialize
            env = dict(os.environ, P11FORGE_STORE_DIR=store)
            subprocess.run(["pkcs11-tool", "--module", module, "--list-slots"], env=env, capture_output=True,
                           check=False)
            lines = []
            try:
                while True:
                    lines.append(log.recv(4096).decode(errors="replace"))
                    if any("refused" in line for line in lines):
                        break
            except socket.timeout:
                pass
    finally:
        log.close()
        os.unlink("/dev/log")
    for line in lines:
        print(line)
        # <12>: LOG_USER | LOG_WARNING; the store path names what to fix.
        if line.startswith("<12>") and store in line and "mode 755" in line and "refused" in line:
            return 0
    print("no syslog line about the refused store folder %s" % store)
    return 1


if __name__ == "__main__":
    sys.exit(main())
