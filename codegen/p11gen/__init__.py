"""p11gen: PKCS #11 header + YAML rules + profile -> generated C and tests.

Three stages, each usable alone: header_model (libclang), spec_model (rules
joined onto the header, profile resolved), render (Jinja2 templates).
"""
