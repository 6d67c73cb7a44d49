"""generate.py --lint: every setting of a resolved profile, and where it
comes from — the file and line that set it, or the default it relies on and
what that default means. A profile author sees what they did not write."""
import os

from . import profile as profile_module

# What each default means, for the settings a profile may leave out.
DEFAULT_MEANING = {
    "limits.sessions": "no maximum number of sessions",
    "limits.rw_sessions": "no maximum number of read/write sessions",
    "limits.objects": "no maximum number of objects",
    "limits.label_length": "CKA_LABEL up to 32 bytes",
    "limits.pin_length": "PINs of 4 to 64 bytes",
    "limits.pin_tries": "a PIN locks after 10 wrong ones in a row",
    "limits.pin_iterations": "100,000 PBKDF2-HMAC-SHA256 iterations per PIN check (about 50 ms on a desktop core)",
    "token.initialized": "the token starts blank: C_InitToken sets the SO PIN and label, C_InitPIN the user PIN",
    "token.label": "no label until C_InitToken",
    "token.so_pin": "no SO PIN until C_InitToken",
    "token.user_pin": "no user PIN until C_InitPIN",
    "storage.labels": "the store takes any label (an index record lists the objects)",
    "storage.secrets": "private values sealed under a key bound to the PINs",
    "firmware.sp_math": "wolfCrypt's small SP math on a device",
    "firmware.budgets": "no size budgets: the firmware size report checks nothing",
    "tests": "no conformance group selected: p11conform runs no case",
    "deviations": "none: the module follows v2.40 where corePKCS11 departs from it",
    "provisioning": "none: the conformance run makes its objects with C_CreateObject",
    "backend": "wolfssl: the full backend",
}


def _where(path, line, root):
    shown = os.path.relpath(path, root) if os.path.isabs(path) else path
    return f"{shown}:{line}" if line else shown


def lint(path, api, search_dirs=(), root="."):
    """The lines --lint prints for the profile at `path` (loading checks it first)."""
    resolved = profile_module.load(path, api, search_dirs)
    raw = profile_module.load_chain(path, search_dirs)
    lines = [f"profile {resolved.name}: read from " + ", then ".join(_where(p, 0, root) for p in resolved.chain)]

    def setting(name, value, entry):
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif value == "":
            value = "(empty)"
        if entry is None:
            lines.append(f"  {name} = {value}  [default: {DEFAULT_MEANING.get(name, 'not set')}]")
        elif isinstance(entry, list):  # a list key: every place that added to it
            places = []
            for item in entry:
                place = _where(item[1], item[2], root)
                if place not in places:
                    places.append(place)
            lines.append(f"  {name} = {value}  [{', '.join(places)}]")
        else:
            lines.append(f"  {name} = {value}  [{_where(entry[1], entry[2], root)}]")

    for key, value in resolved.limits.items():
        setting(f"limits.{key}", value, raw["limits"].get(key))
    for key, value in resolved.token.items():
        setting(f"token.{key}", value if value is not None else "(none)", raw["token"].get(key))
    setting("storage.labels", resolved.storage_labels or "any", raw["storage"].get("labels"))
    setting("storage.secrets", resolved.storage_secrets, raw["storage"].get("secrets"))
    setting("firmware.sp_math", resolved.firmware_sp_math, raw["firmware"].get("sp_math"))
    setting("firmware.budgets", resolved.firmware_budgets or "(none)", raw["firmware"].get("budgets"))
    setting("tests", ", ".join(resolved.tests) or "(none)", raw["tests"] or None)
    setting("deviations", ", ".join(resolved.deviations) or "(none)", raw["deviations"] or None)
    setting("backend", resolved.backend, raw["backend"])
    provisioning = raw["provisioning"]
    setting("provisioning", resolved.provisioning or "(none)", provisioning if provisioning[0] else None)
    lines.append(f"  functions: {len(resolved.functions)} ({', '.join(resolved.functions)})")
    for mechanism in resolved.mechanisms:
        size = (f"key_size [{mechanism.min_key_size}, {mechanism.max_key_size}]" if mechanism.max_key_size
                else "no key size (default [0, 0]: CK_MECHANISM_INFO reports 0, 0)")
        lines.append(f"  mechanism {mechanism.name}: {', '.join(mechanism.flags)}; {size}  "
                     f"[{_where(mechanism.path, mechanism.line, root)}]")
    return lines
