# Object store sources (added to p11_backend_wolfssl) and their tests.
