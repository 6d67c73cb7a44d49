"""Stage 2a: spec/rules.yaml joined onto the header model, and checked.

Every rule needs a header function (header functions without a rule, such as
v3.0 additions, are left out and listed in `unruled`); the rule
lists the parameters in the header's order (a count mismatch is an error) and
a role's pointer-ness must match the header's type. The result is the one API
model the profile resolver and the templates read.
"""
from dataclasses import dataclass, field

from . import yaml_lines
from .errors import SpecError

RULE_KEYS = {"section", "family", "params", "needs", "destructive", "before_initialize", "error_ends"}
# The functions PKCS #11 v3.0 added to v2.40's (base v3.0 §5): interfaces,
# C_LoginUser, C_SessionCancel and message-based operations. spec/rules.yaml
# describes v2.40; these are named as such when a header declares them.
V30_FUNCTIONS = ("C_GetInterfaceList", "C_GetInterface", "C_LoginUser", "C_SessionCancel",
                 "C_MessageEncryptInit", "C_EncryptMessage", "C_EncryptMessageBegin", "C_EncryptMessageNext",
                 "C_MessageEncryptFinal", "C_MessageDecryptInit", "C_DecryptMessage", "C_DecryptMessageBegin",
                 "C_DecryptMessageNext", "C_MessageDecryptFinal", "C_MessageSignInit", "C_SignMessage",
                 "C_SignMessageBegin", "C_SignMessageNext", "C_MessageSignFinal", "C_MessageVerifyInit",
                 "C_VerifyMessage", "C_VerifyMessageBegin", "C_VerifyMessageNext", "C_MessageVerifyFinal")

# Operations a failing call ends (v2.40 §5.8-§5.13); runtime/p11_backend_core.h p11_operation.
OPERATIONS = ("digest", "sign", "verify", "encrypt", "decrypt", "sign_recover", "verify_recover")
PARAM_KEYS = {"name", "role", "length", "allowed", "required", "rv_missing", "cite_missing",
              "example", "values", "rv", "cite", "flag"}
LENGTH_ROLES = {"in_buffer": {"in_len"}, "out_buffer": {"inout_len"}, "out_array": {"inout_count"},
                "out_fixed": {"in_len"}, "out_handles": {"count"}, "template": {"count"}}


@dataclass
class Param:
    name: str                 # the spec's name (pPin, hSession, ...)
    role: str
    type: str                 # as the header spells it
    canonical: str
    is_pointer: bool
    pointee: str
    length: str = ""          # name of the paired length parameter
    props: dict = field(default_factory=dict)


@dataclass
class Function:
    name: str
    section: str
    family: str
    return_type: str
    params: list
    needs: list
    destructive: bool
    before_initialize: bool
    error_ends: str = ""      # the operation an error of this call ends, if any

    @property
    def session_param(self):
        return next((p for p in self.params if p.role == "session"), None)

    def param(self, name):
        return next(p for p in self.params if p.name == name)


@dataclass
class ApiModel:
    functions: dict           # name -> Function, header order
    families: dict            # family -> [function names]
    roles: dict
    check_order: list
    also_applicable: dict
    constants: dict           # CK* macro name -> replacement text
    rules_path: str = ""
    unruled: list = field(default_factory=list)   # header functions beyond v2.40, left out

    def is_constant(self, name, prefix):
        return name.startswith(prefix) and name in self.constants


def _require_constant(constants, name, prefix, where, line):
    if not isinstance(name, str) or not name.startswith(prefix) or name not in constants:
        raise SpecError(where, line, f"'{name}' is not a {prefix}* constant of the header")


def _join_param(rule, header_param, roles, constants, path):
    line = rule.line if hasattr(rule, "line") else 0
    if not isinstance(rule, dict):
        raise SpecError(path, line, "a parameter rule must be a mapping")
    unknown = set(rule) - PARAM_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise SpecError(path, rule.line_of(key), f"unknown parameter key '{key}'")
    name, role = rule.get("name"), rule.get("role")
    if not name or not role:
        raise SpecError(path, line, "a parameter needs 'name' and 'role'")
    if role not in roles:
        raise SpecError(path, rule.line_of("role"), f"unknown role '{role}'")
    wants_pointer = roles[role].get("pointer")
    if wants_pointer != header_param.is_pointer:
        kind = "a pointer" if wants_pointer else "a value"
        raise SpecError(path, rule.line_of("role"),
                        f"role '{role}' needs {kind} but the header declares '{header_param.type}' for {name}")
    for key in ("allowed", "required", "values"):
        for value in rule.get(key, []):
            prefix = "CKU_" if key == "values" else "CKF_"
            _require_constant(constants, value, prefix, path, rule.line_of(key))
    for key in ("rv", "rv_missing"):
        if key in rule:
            _require_constant(constants, rule[key], "CKR_", path, rule.line_of(key))
    if "flag" in rule:
        _require_constant(constants, rule["flag"], "CKF_", path, rule.line_of("flag"))
    props = {k: v for k, v in rule.items() if k not in ("name", "role", "length")}
    return Param(name, role, header_param.type, header_param.canonical, header_param.is_pointer,
                 header_param.pointee, rule.get("length", ""), props)


def _check_lengths(function, rule_params, path):
    by_name = {p.name: p for p in function.params}
    if len(by_name) != len(function.params):
        raise SpecError(path, rule_params.line, f"{function.name}: two parameters share a name")
    for index, param in enumerate(function.params):
        wanted = LENGTH_ROLES.get(param.role)
        line = rule_params.line_of(index)
        if wanted is None:
            if param.length:
                raise SpecError(path, line, f"{function.name}.{param.name}: role '{param.role}' takes no 'length'")
            continue
        partner = by_name.get(param.length)
        if partner is None:
            raise SpecError(path, line, f"{function.name}.{param.name}: 'length' must name a parameter of {function.name}")
        if partner.role not in wanted:
            raise SpecError(path, line, f"{function.name}.{param.name}: its length {partner.name} has role "
                                        f"'{partner.role}', expected {' or '.join(sorted(wanted))}")


def load(rules_path, header):
    """Joins spec/rules.yaml onto a HeaderModel; returns an ApiModel."""
    data = yaml_lines.load(rules_path)
    path = str(rules_path)
    for key in ("check_order", "roles", "functions", "also_applicable"):
        if key not in data:
            raise SpecError(path, 1, f"missing top-level key '{key}'")
    roles = data["roles"]
    rules = data["functions"]
    for name in rules:
        if name in V30_FUNCTIONS:
            # Its entry point would need v3.0's CK_FUNCTION_LIST_3_0 and
            # C_GetInterface, which the generator does not write.
            raise SpecError(path, rules.line_of(name),
                            f"rule for {name}, a PKCS #11 v3.0 function: the generator writes the v2.40 function "
                            f"list (CK_FUNCTION_LIST) only, and v3.0 interfaces are not supported yet")
        if name not in header.functions:
            raise SpecError(path, rules.line_of(name), f"rule for {name}, which the header does not declare")
    functions, families, unruled = {}, {}, []
    for name, hfunc in header.functions.items():
        if name not in rules:
            # A newer header (v3.0's C_LoginUser, ...): outside what the rules describe.
            unruled.append(name)
            continue
        rule = rules[name]
        unknown = set(rule) - RULE_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise SpecError(path, rule.line_of(key), f"{name}: unknown key '{key}'")
        for key in ("section", "family", "params"):
            if key not in rule:
                raise SpecError(path, rule.line, f"{name}: missing '{key}'")
        rule_params = rule["params"]
        if len(rule_params) > len(hfunc.params):
            extra = rule_params[len(hfunc.params)]
            extra_name = extra.get("name", "?") if isinstance(extra, dict) else extra
            raise SpecError(path, rule_params.line_of(len(hfunc.params)),
                            f"{name}: rule for parameter {extra_name}, which the header lacks "
                            f"({len(rule_params)} parameter rules but the header declares {len(hfunc.params)})")
        if len(rule_params) < len(hfunc.params):
            raise SpecError(path, rule.line_of("params"),
                            f"{name}: {len(rule_params)} parameter rules but the header declares {len(hfunc.params)}")
        params = [_join_param(r, h, roles, header.constants, path) for r, h in zip(rule_params, hfunc.params)]
        needs = list(rule.get("needs", []))
        for need in needs:
            if need not in data["also_applicable"]:
                raise SpecError(path, rule.line_of("needs"), f"{name}: unknown need '{need}'")
        error_ends = str(rule.get("error_ends", ""))
        if error_ends and error_ends not in OPERATIONS:
            raise SpecError(path, rule.line_of("error_ends"),
                            f"{name}: error_ends must be one of {', '.join(OPERATIONS)}")
        function = Function(name, str(rule["section"]), rule["family"], hfunc.return_type, params, needs,
                            bool(rule.get("destructive", False)), bool(rule.get("before_initialize", False)),
                            error_ends)
        _check_lengths(function, rule_params, path)
        functions[name] = function
        families.setdefault(function.family, []).append(name)
    for codes in data["also_applicable"].values():
        for code in codes:
            _require_constant(header.constants, code, "CKR_", path, data["also_applicable"].line)
    return ApiModel(functions, families, dict(roles), list(data["check_order"]),
                    {k: list(v) for k, v in data["also_applicable"].items()}, header.constants, path, unruled)
