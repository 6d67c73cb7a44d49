"""Stage 2b: a profile YAML resolved into one Profile object.

`extends` is followed (cycles rejected), families are expanded to functions,
every name is checked against the API model, and the templates receive only
the resolved result: they never ask "is this in the profile?" of the YAML.
A profile named by `extends` or `provisioning` is looked up beside the
profile first, then in the search folders (the built-in spec/profiles), so a
vendor profile kept elsewhere can build on the shipped ones.
"""
from dataclasses import dataclass, field
import os
import re

from . import profile_checks, spec_model, yaml_lines
from .errors import SpecError

PROFILE_KEYS = {"description", "extends", "abstract", "families", "functions", "mechanisms",
                "limits", "token", "storage", "tests", "provisioning", "firmware", "deviations", "remove",
                "backend"}
# What `remove` can take away from the bases (docs/profiles.md): functions or
# families, mechanisms, test groups, deviations. A mechanism can also be
# removed in place: `CKM_X: remove` (or null) under `mechanisms`.
REMOVABLE_KEYS = ("functions", "mechanisms", "tests", "deviations")
MECHANISM_KEYS = {"flags", "key_size"}
LIMIT_KEYS = {"sessions", "rw_sessions", "objects", "label_length", "pin_length", "pin_tries", "pin_iterations"}
TOKEN_KEYS = {"initialized", "label", "so_pin", "user_pin"}
STORAGE_KEYS = {"labels", "secrets"}
FIRMWARE_KEYS = {"budgets", "sp_math"}
# firmware.sp_math: wolfCrypt's SP math on the device. minimal (default):
# RSA through sp_int.c's any-size code, loop-form SHA-1 and SHA-512 (the
# least flash); small: WOLFSSL_SP_SMALL fixed-size code for every size the
# profile names; cortex-m-asm: wolfSSL's Cortex-M assembly
# (WOLFSSL_SP_ARM_CORTEX_M_ASM, sp_cortexm.c: faster signatures, more flash).
SP_MATH_CHOICES = ("minimal", "small", "cortex-m-asm")
# Declared departures from v2.40 that FreeRTOS's corePKCS11 makes and its
# qualification tests rely on (runtime/p11_profile.h P11_DEVIATION_*); the
# conformance runner checks the declared behaviour and names each in its report.
DEVIATIONS = ("digest_ignores_parameters", "sign_length_query_ends_operation")
# Firmware budgets (firmware/size_report.py), bytes: flash of our layer
# (entry points, runtime, backend), of the PAL and of the whole self-test
# image; RAM (data + bss) of the image; stack high-water and peak heap of the
# self-test run. login_instructions: instructions of one C_Login on the
# target (10,000,000 is 0.1 s at 100 MHz, one instruction per cycle);
# sign_instructions: one ECDSA P-256 C_Sign; rsa_sign_instructions and
# p384_sign_instructions: one RSA-2048 (SHA-256, PKCS #1 v1.5) and one P-384
# ECDSA C_Sign; keygen_instructions: one P-256 C_GenerateKeyPair, stored.
BUDGET_KEYS = ("layer_flash", "pal_flash", "image_flash", "image_ram", "stack", "heap", "login_instructions",
               "sign_instructions", "rsa_sign_instructions", "p384_sign_instructions", "keygen_instructions")
# backend: which backend a module of the profile links. wolfssl: the full
# one (backend_wolfssl/); lean: the verify-only one (backend_wolfssl/lean/,
# profile_checks.LEAN_FUNCTIONS), for devices that only check signatures.
BACKENDS = ("wolfssl", "lean")
SECRET_BINDINGS = ("pin", "device")   # runtime/p11_profile.h P11_SECRETS_*
TEST_GROUPS = ("skeleton", "general", "slot_token", "session", "login", "pin", "init_token", "digest", "random",
               "objects", "keys", "cipher", "key_management", "threads")
# A module cannot be loaded without C_GetFunctionList; C_GetFunctionStatus and
# C_CancelFunction answer CKR_FUNCTION_NOT_PARALLEL in every module (v2.40
# §5.16 names that code for them, not CKR_FUNCTION_NOT_SUPPORTED).
ALWAYS_PRESENT = ("C_GetFunctionList", "C_GetFunctionStatus", "C_CancelFunction")
TOKEN_RECORD_LABEL = "p11forge token"   # backend_wolfssl/token_record.h kTokenRecordLabel
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass
class Mechanism:
    name: str
    flags: list
    min_key_size: int
    max_key_size: int
    path: str = ""                   # where it was named (the profile or a base)
    line: int = 0


@dataclass
class Profile:
    name: str
    path: str
    description: str
    functions: list                  # resolved, in the header's order
    families: dict                   # profile family -> resolved functions (header order), file order
    mechanisms: list                 # Mechanism, in the file's order
    limits: dict
    token: dict
    storage_labels: list = None      # None: any label
    storage_secrets: str = "pin"     # what seals private objects' secret values at rest
    tests: list = field(default_factory=list)
    chain: list = field(default_factory=list)   # files read, child last
    provisioning: str = ""           # profile whose module creates this one's objects
    firmware_budgets: dict = field(default_factory=dict)   # BUDGET_KEYS -> bytes, those set
    firmware_sp_math: str = "small"                         # SP_MATH_CHOICES
    deviations: list = field(default_factory=list)         # DEVIATIONS declared, in that order
    backend: str = "wolfssl"                                # BACKENDS
    functions_line: int = 0          # of 'functions' in the profile's own file (or its first base's)
    tests_lines: dict = field(default_factory=dict)        # test group -> (path, line)

    def has(self, function):
        return function in self.functions


def _unknown_keys(mapping, allowed, what):
    for key in mapping:
        if key not in allowed:
            raise SpecError(mapping.path, mapping.line_of(key), f"unknown {what} key '{key}'")


def _mapping(data, key):
    value = data.get(key)
    if value is None:
        return yaml_lines.LocatedDict()
    if not isinstance(value, dict):
        raise SpecError(data.path, data.line_of(key), f"'{key}' must be a mapping")
    return value


def _list(data, key):
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise SpecError(data.path, data.line_of(key), f"'{key}' must be a list")
    return value


def _find(name, path, search_dirs):
    """The file of the profile `name` named in `path`; None when there is none."""
    if not NAME_RE.match(str(name)):
        return None
    for folder in [os.path.dirname(path), *search_dirs]:
        candidate = os.path.join(folder, f"{name}.yaml")
        if os.path.exists(candidate):
            return candidate
    return None


def _load_chain(path, stack, search_dirs, extends_line=0):
    """The merged raw data of a profile and its bases, with each value's origin kept.

    `extends_line`: the line of the `extends` that named this file in the
    last file of `stack` (where a cycle closes)."""
    path = os.path.abspath(path)
    if path in stack:
        cycle = " -> ".join(os.path.basename(p) for p in stack + [path])
        raise SpecError(stack[-1], extends_line, f"cycle in extends: {cycle}")
    data = yaml_lines.load(path)
    _unknown_keys(data, PROFILE_KEYS, "profile")
    merged = {"families": {}, "functions": [], "mechanisms": {}, "limits": {}, "token": {},
              "storage": {}, "firmware": {}, "tests": [], "deviations": [], "chain": [], "backend": None}
    for parent in _list(data, "extends"):
        parent_path = _find(parent, path, search_dirs)
        if parent_path is None:
            raise SpecError(path, data.line_of("extends"), f"extends unknown profile '{parent}'")
        base = _load_chain(parent_path, stack + [path], search_dirs, data.line_of("extends"))
        for key in ("families", "mechanisms", "limits", "token", "storage", "firmware"):
            merged[key].update(base[key])
        for key in ("functions", "tests", "deviations", "chain"):
            merged[key] += [v for v in base[key] if v not in merged[key]]
        merged["backend"] = base["backend"] or merged["backend"]
    _remove_inherited(data, merged)
    for key in ("families", "mechanisms", "limits", "token", "storage", "firmware"):
        section = _mapping(data, key)
        for sub_key, value in section.items():
            if key == "mechanisms" and (value is None or value == "remove"):
                _remove_mechanism(merged, sub_key, section.path, section.line_of(sub_key))
                continue
            merged[key][sub_key] = (value, section.path, section.line_of(sub_key))
    for key in ("functions", "tests", "deviations"):
        items = _list(data, key)
        for index, value in enumerate(items):
            line = items.line_of(index) if hasattr(items, "line_of") else data.line_of(key)
            merged[key].append((value, data.path, line) + ((False,) if key == "functions" else ()))
    merged["chain"].append(path)
    merged["description"] = data.get("description", "")
    merged["provisioning"] = (data.get("provisioning", ""), path, data.line_of("provisioning"))
    if "backend" in data:
        merged["backend"] = (data["backend"], path, data.line_of("backend"))
    merged["abstract"] = bool(data.get("abstract", False))
    merged["root"] = data
    return merged


def _remove_mechanism(merged, name, path, line):
    if not isinstance(name, str) or name not in merged["mechanisms"]:
        raise SpecError(path, line, f"cannot remove {name}: no base profile offers it")
    del merged["mechanisms"][name]


def _remove_inherited(data, merged):
    """Applies the profile's `remove` to what its bases gave (before its own entries)."""
    removal = _mapping(data, "remove")
    for key, items in removal.items():
        line = removal.line_of(key)
        if key not in REMOVABLE_KEYS:
            raise SpecError(removal.path, line, f"remove takes {', '.join(REMOVABLE_KEYS)}, not '{key}'")
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            raise SpecError(removal.path, line, f"remove.{key} must be a list")
        for value in items:
            if key == "mechanisms":
                _remove_mechanism(merged, value, removal.path, line)
            elif key == "functions":
                # Order matters: a later entry (this profile's own) may add it back.
                merged["functions"].append((value, removal.path, line, True))
            else:
                if not any(entry[0] == value for entry in merged[key]):
                    raise SpecError(removal.path, line, f"cannot remove {key} entry '{value}': no base profile has it")
                merged[key] = [entry for entry in merged[key] if entry[0] != value]


def load_chain(path, search_dirs=()):
    """The merged raw data of a profile and its bases, each value with the
    (path, line) it came from (for --lint); load() resolves and checks it."""
    return _load_chain(os.path.abspath(path), [], [str(d) for d in search_dirs])


def _expand(name, path, line, api, families, seen):
    if not isinstance(name, str):
        raise SpecError(path, line, f"a function or family is named by a string, not {name!r}")
    if name in api.functions:
        return [name]
    if name in families:
        if name in seen:
            raise SpecError(path, line, f"family '{name}' contains itself")
        members, member_path, member_line = families[name]
        if not isinstance(members, list):
            raise SpecError(member_path, member_line, f"family '{name}' must be a list")
        result = []
        for index, member in enumerate(members):
            member_at = members.line_of(index) if hasattr(members, "line_of") else member_line
            result += _expand(member, member_path, member_at, api, families, seen | {name})
        return result
    if name in api.families:
        return list(api.families[name])
    if name in spec_model.V30_FUNCTIONS:
        raise SpecError(path, line, f"{name} is a PKCS #11 v3.0 function: a profile selects from the v2.40 "
                                    "functions of spec/rules.yaml")
    raise SpecError(path, line, f"unknown function or family '{name}'")


def _int(value, path, line, what, low=0):
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SpecError(path, line, f"{what} must be an integer >= {low}")
    return value


def _mechanism(name, spec, path, line, api):
    if not api.is_constant(str(name), "CKM_"):
        raise SpecError(path, line, f"unknown mechanism '{name}'")
    if not isinstance(spec, dict):
        raise SpecError(path, line, f"mechanism {name} must be a mapping")
    _unknown_keys(spec, MECHANISM_KEYS, "mechanism")
    flags = _list(spec, "flags")
    if not flags:
        raise SpecError(path, line, f"mechanism {name} needs at least one flag")
    for flag in flags:
        if not api.is_constant(str(flag), "CKF_"):
            raise SpecError(path, spec.line_of("flags"), f"unknown flag '{flag}'")
    sizes = spec.get("key_size", [0, 0])
    if not isinstance(sizes, list) or len(sizes) != 2:
        raise SpecError(path, spec.line_of("key_size"), "key_size must be [min, max]")
    low = _int(sizes[0], path, spec.line_of("key_size"), "key_size min")
    high = _int(sizes[1], path, spec.line_of("key_size"), "key_size max")
    if low > high:
        raise SpecError(path, spec.line_of("key_size"), "key_size min is above max")
    return Mechanism(str(name), list(flags), low, high, str(path), line)


# pin_tries: wrong PINs in a row before a PIN locks (0: never).
# pin_iterations: PBKDF2 iterations of a new PIN verifier (about 50 ms on a
# desktop core at the default; a device whose firmware logs in at every boot
# with a built-in PIN may lower it).
LIMIT_DEFAULTS = {"sessions": 0, "rw_sessions": 0, "objects": 0, "label_length": 32, "pin_length": [4, 64],
                  "pin_tries": 10, "pin_iterations": 100000}


def _limits(raw):
    limits = {key: list(value) if isinstance(value, list) else value for key, value in LIMIT_DEFAULTS.items()}
    for key, (value, path, line) in raw.items():
        if key not in LIMIT_KEYS:
            raise SpecError(path, line, f"unknown limits key '{key}'")
        if key == "pin_length":
            if not isinstance(value, list) or len(value) != 2:
                raise SpecError(path, line, "pin_length must be [min, max]")
            low, high = (_int(v, path, line, "pin_length", 1) for v in value)
            if low > high:
                raise SpecError(path, line, "pin_length min is above max")
            limits[key] = [low, high]
        elif key == "pin_iterations":
            limits[key] = _int(value, path, line, key, 1000)
        else:
            limits[key] = _int(value, path, line, key)
    return limits


def _firmware_sp_math(raw):
    if "sp_math" not in raw:
        return "minimal"
    value, path, line = raw["sp_math"]
    if value not in SP_MATH_CHOICES:
        raise SpecError(path, line, f"firmware.sp_math must be one of {', '.join(SP_MATH_CHOICES)}")
    return value


def _firmware_budgets(raw):
    budgets = {}
    for key, (value, path, line) in raw.items():
        if key not in FIRMWARE_KEYS:
            raise SpecError(path, line, f"unknown firmware key '{key}'")
        if key != "budgets":
            continue
        if not isinstance(value, dict):
            raise SpecError(path, line, "firmware.budgets must be a mapping")
        for name, amount in value.items():
            if name not in BUDGET_KEYS:
                raise SpecError(path, line, f"unknown firmware budget '{name}' (known: {', '.join(BUDGET_KEYS)})")
            budgets[name] = _int(amount, path, line, f"firmware budget {name}", 1)
    return {name: budgets[name] for name in BUDGET_KEYS if name in budgets}


def _token(raw, limits):
    token = {"initialized": False, "label": "", "so_pin": None, "user_pin": None}
    for key, (value, path, line) in raw.items():
        if key not in TOKEN_KEYS:
            raise SpecError(path, line, f"unknown token key '{key}'")
        if key == "initialized":
            if not isinstance(value, bool):
                raise SpecError(path, line, "token.initialized must be true or false")
        elif not isinstance(value, str) or not value.isprintable() or '"' in value or "\\" in value:
            raise SpecError(path, line, f"token.{key} must be a printable string without quotes or backslashes")
        elif key == "label" and len(value.encode()) > 32:
            raise SpecError(path, line, "token.label is longer than 32 bytes")
        elif key.endswith("_pin") and not limits["pin_length"][0] <= len(value) <= limits["pin_length"][1]:
            raise SpecError(path, line, f"token.{key} is outside limits.pin_length")
        token[key] = value
    if token["initialized"] and not (token["so_pin"] and token["user_pin"] and token["label"]):
        origin = next(iter(raw.values()))
        raise SpecError(origin[1], origin[2], "an initialized token needs label, so_pin and user_pin")
    return token


def _secrets(raw):
    if "secrets" not in raw:
        return "pin"
    value, path, line = raw["secrets"]
    if value not in SECRET_BINDINGS:
        raise SpecError(path, line, "storage.secrets must be 'pin' or 'device'")
    return value


def _backend(entry):
    if entry is None:
        return "wolfssl"
    value, path, line = entry
    if value not in BACKENDS:
        raise SpecError(path, line, f"backend must be one of {', '.join(BACKENDS)}")
    return value


def _storage(raw):
    for key, (_, path, line) in raw.items():
        if key not in STORAGE_KEYS:
            raise SpecError(path, line, f"unknown storage key '{key}'")
    if "labels" not in raw:
        return None
    value, path, line = raw["labels"]
    if value == "any":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise SpecError(path, line, "storage.labels must be 'any' or a list of labels")
    for label in value:
        if not label.isprintable() or '"' in label or "\\" in label:
            raise SpecError(path, line, f"storage label '{label}' must be printable, without quotes or backslashes")
        if value.count(label) > 1:
            raise SpecError(path, line, f"storage label '{label}' is listed twice")
    # The backend keeps the token record (PIN verifiers, token label) under
    # this PAL label; a fixed-label port must accept it like the others.
    if TOKEN_RECORD_LABEL not in value:
        raise SpecError(path, line, f"a fixed storage.labels list must include '{TOKEN_RECORD_LABEL}', the PAL label "
                                    "of the token record (PIN verifiers, token label, flags)")
    return list(value)


def _provisioning(entry, api, own_name, search_dirs):
    """A profile that cannot create objects names one whose module can, over the same store."""
    value, path, line = entry
    if not value:
        return ""
    if value == own_name:
        raise SpecError(path, line, "a profile cannot provision itself")
    provider_path = _find(value, path, search_dirs)
    if provider_path is None:
        raise SpecError(path, line, f"provisioning names unknown profile '{value}'")
    provider = load(provider_path, api, search_dirs)
    if not provider.has("C_CreateObject"):
        raise SpecError(path, line, f"provisioning profile '{value}' cannot create objects")
    return str(value)


def _family_name(family, path, line, api):
    """A family name is one word: the resolved text (conformance_profile.txt)
    separates it from its members by spaces."""
    if not isinstance(family, str) or not family or any(c.isspace() for c in family):
        raise SpecError(path, line, f"family name '{family}' must be one word (no whitespace)")
    if family in api.functions or family in api.families:
        raise SpecError(path, line, f"family '{family}' shadows an API name")


def load(path, api, search_dirs=()):
    """Resolves the profile file at `path` against an ApiModel.

    `search_dirs` are where `extends` and `provisioning` look after the
    profile's own folder.
    """
    path = str(path)
    search_dirs = [str(d) for d in search_dirs]
    name = os.path.splitext(os.path.basename(path))[0]
    if not NAME_RE.match(name):
        raise SpecError(path, 0, f"profile name '{name}' must match {NAME_RE.pattern}")
    raw = _load_chain(path, [], search_dirs)
    if raw["abstract"]:
        raise SpecError(path, raw["root"].line_of("abstract"), "an abstract profile is only a base for others")
    families = raw["families"]
    wanted = set()
    for value, vpath, line, removed in raw["functions"]:
        expanded = _expand(value, vpath, line, api, families, set())
        if removed:
            if not wanted & set(expanded):
                raise SpecError(vpath, line, f"cannot remove '{value}': the bases select none of its functions")
            wanted -= set(expanded)
        else:
            wanted.update(expanded)
    wanted.update(ALWAYS_PRESENT)
    if not any(not removed for *_, removed in raw["functions"]):
        raise SpecError(path, 0, "the profile selects no functions")
    resolved_families = {}
    for family, (members, fpath, fline) in families.items():
        _family_name(family, fpath, fline, api)
        expanded = set(_expand(family, fpath, fline, api, families, set()))
        resolved_families[family] = [f for f in api.functions if f in expanded]
    mechanisms = [_mechanism(n, spec, p, line, api) for n, (spec, p, line) in raw["mechanisms"].items()]
    limits = _limits(raw["limits"])
    tests = []
    tests_lines = {}
    for value, tpath, line in raw["tests"]:
        if value not in TEST_GROUPS:
            raise SpecError(tpath, line, f"unknown test group '{value}' (known: {', '.join(TEST_GROUPS)})")
        if value not in tests:
            tests.append(value)
        tests_lines[value] = (tpath, line)
    provisioning = _provisioning(raw["provisioning"], api, name, search_dirs)
    declared = set()
    for value, dpath, line in raw["deviations"]:
        if value not in DEVIATIONS:
            raise SpecError(dpath, line, f"unknown deviation '{value}' (known: {', '.join(DEVIATIONS)})")
        declared.add(value)
    own = [line for _, fpath, line, _ in raw["functions"] if os.path.abspath(fpath) == os.path.abspath(path)]
    profile = Profile(name=name, path=path, description=str(raw["description"]).strip(), provisioning=provisioning,
                   functions=[f for f in api.functions if f in wanted], families=resolved_families,
                   mechanisms=mechanisms, limits=limits, token=_token(raw["token"], limits),
                   storage_labels=_storage(raw["storage"]), storage_secrets=_secrets(raw["storage"]), tests=tests,
                   chain=raw["chain"], firmware_budgets=_firmware_budgets(raw["firmware"]),
                   firmware_sp_math=_firmware_sp_math(raw["firmware"]),
                   deviations=[d for d in DEVIATIONS if d in declared], backend=_backend(raw["backend"]),
                   functions_line=own[0] if own else raw["root"].line_of("extends"), tests_lines=tests_lines)
    profile_checks.check(profile)
    return profile
