"""What the templates render, computed once from the API model (and a profile).

Entry points (per profile): the ordered checks of each function (C condition
that is true when the argument is bad, the return value, the rule cited).
Skeletons (shared by every profile): for each function, valid-shaped local
arguments and the single faults to inject; what depends on the profile
(which mechanism is valid) is asked of the runner at run time. Templates
only loop over these lists.
"""
from dataclasses import dataclass, field

from . import yaml_lines
from .errors import SpecError

NULL_NEVER = {"out_value", "label32", "mechanism", "inout_len", "inout_count"}
NULL_WHEN_EMPTY = {"in_buffer", "out_fixed", "out_handles", "template"}
BUFFER_SIZES = {"in_buffer": 8, "out_fixed": 16, "out_handles": 4, "template": 1}
INVALID_VALUE = "0x7FFFFFFFUL"                      # no CKU_/CKF_ value uses it
OUTSIDE_MECHANISM = "kOutsideMechanism"             # module_fixture.h: a vendor mechanism no profile names
OUTSIDE_CITE = "v2.40 §5.4 C_GetFunctionList"       # an unsupported function returns CKR_FUNCTION_NOT_SUPPORTED


@dataclass
class Check:
    kind: str          # one of rules.yaml check_order
    condition: str     # C expression, true when the argument is bad
    rv: str
    cite: str


@dataclass
class FaultTest:
    name: str                      # GoogleTest name, says the behaviour
    overrides: list                # C++ statements that inject the fault
    expected: list                 # first is what our entry points return
    cite: str
    needs_session: bool = True
    needs_initialize: bool = True
    # Our generator's policy where v2.40 names no code (unknown flag bits):
    # checked only on modules built for the profile (--strict-profile).
    policy: bool = False


@dataclass
class FunctionPlan:
    function: object
    in_profile: bool
    checks: list = field(default_factory=list)
    backend_args: list = field(default_factory=list)
    needs_session: bool = False

    @property
    def name(self):
        return self.function.name

    @property
    def params_decl(self):
        return ", ".join(declare(p.type, p.name) for p in self.function.params) or "void"

    @property
    def backend_decl(self):
        parts = ["p11_session *session" if p.role == "session" else declare(p.type, p.name)
                 for p in self.function.params]
        return ", ".join(parts) or "void"


@dataclass
class SkeletonPlan:
    function: object
    locals: list                   # C++ statements declaring valid arguments
    call_args: list
    tests: list                    # FaultTest
    outside_case: bool             # gets an OutsideProfile case (not C_GetFunctionList)

    @property
    def name(self):
        return self.function.name


@dataclass
class GuardEntry:
    name: str
    param_types: str               # the stub's parameter list, unnamed: "CK_SESSION_HANDLE, CK_BYTE *"
    params: str = ""               # the checking wrapper's parameter list, named
    args: str = ""                 # its call of the module's entry: "hSession, pData"
    section: str = ""              # v2.40 section of the function ("5.11"); "" when the spec lists nothing
    return_values: tuple = ()      # the CKR_ names of its v2.40 "Return values" paragraph
    use_args: str = ""             # NoteUse's arguments (session, mechanism, key) when it takes a mechanism

    @property
    def arg_list(self):
        return [name.strip() for name in self.args.split(",") if name.strip()]


def declare(ctype, name):
    return f"{ctype}{name}" if ctype.endswith("*") else f"{ctype} {name}"


def camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.replace("_", " ").split())


def cite_of(function):
    return f"v2.40 §{function.section} {function.name}"


def _argument_checks(function):
    checks = []
    for p in function.params:
        where = cite_of(function)
        if p.role == "init_args":
            checks.append(Check("arguments", f"p11_check_init_args({p.name}) != CKR_OK", "CKR_ARGUMENTS_BAD", where))
        elif p.role == "reserved":
            checks.append(Check("arguments", f"{p.name} != NULL", "CKR_ARGUMENTS_BAD", where))
        elif p.role in NULL_NEVER:
            checks.append(Check("arguments", f"{p.name} == NULL", "CKR_ARGUMENTS_BAD", "v2.40 §5.1.6"))
        elif p.role in NULL_WHEN_EMPTY:
            checks.append(Check("arguments", f"!p11_buffer_ok({p.name}, {p.length})", "CKR_ARGUMENTS_BAD",
                                "v2.40 §5.1.6"))
        elif p.role == "flags":
            allowed = " | ".join(p.props.get("allowed", [])) or "0"
            checks.append(Check("flags", f"!p11_flags_known({p.name}, {allowed})", "CKR_ARGUMENTS_BAD", where))
            if p.props.get("required"):
                required = " | ".join(p.props["required"])
                checks.append(Check("flags", f"!p11_flags_present({p.name}, {required})", p.props["rv_missing"],
                                    p.props.get("cite_missing", where)))
        elif p.role == "enum":
            condition = " && ".join(f"{p.name} != {v}" for v in p.props["values"])
            checks.append(Check("enum", condition, p.props["rv"], p.props.get("cite", where)))
        elif p.role == "mechanism_type":
            checks.append(Check("mechanism", f"!p11_profile_allows_mechanism({p.name}, 0)",
                                "CKR_MECHANISM_INVALID", "v2.40 §5.1.6"))
    for p in function.params:
        if p.role == "mechanism":
            flag = p.props.get("flag", "0")
            checks.append(Check("mechanism", f"!p11_profile_allows_mechanism({p.name}->mechanism, {flag})",
                                "CKR_MECHANISM_INVALID", "v2.40 §5.1.6"))
    return checks


def _order(checks, api):
    rank = {entry["check"]: index for index, entry in enumerate(api.check_order)}
    return sorted(checks, key=lambda c: rank[c.kind])


def _mechanism_for(flag):
    """A mechanism of the run's profile with the function's flag, chosen at run time."""
    return f"ProfileMechanismFor({flag or 0})"


def _locals(function):
    """Valid-shaped arguments, one C++ declaration each, and the call's argument names."""
    lengths = {p.length: p for p in function.params if p.length}
    lines = []
    for p in function.params:
        n, role, t = p.name, p.role, p.type
        if role == "session":
            lines.append(f"{declare(t, n)} = session_;")
        elif role == "slot":
            lines.append(f"{declare(t, n)} = slot_;")
        elif role == "bool":
            lines.append(f"{declare(t, n)} = CK_FALSE;")
        elif role == "flags":
            lines.append(f"{declare(t, n)} = {p.props.get('example', '0')};")
        elif role == "enum":
            lines.append(f"{declare(t, n)} = {p.props['values'][0]};")
        elif role in ("in_len", "count"):
            owner = lengths.get(n)
            size = BUFFER_SIZES.get(owner.role, 0) if owner else 0
            lines.append(f"{declare(t, n)} = {size};")
        elif role == "in_value":
            lines.append(f"{declare(t, n)} = 0;")
        elif role == "mechanism_type":
            lines.append(f"{declare(t, n)} = {_mechanism_for(None)};")
        elif role in ("object", "key"):
            lines.append(f"{declare(t, n)} = CK_INVALID_HANDLE;")
        elif role == "out_value":
            lines.append(f"{declare(p.pointee, n + '_value')}{{}};")
            lines.append(f"{declare(t, n)} = &{n}_value;")
        elif role in ("in_buffer", "out_fixed"):
            lines.append(f"CK_BYTE {n}_bytes[{BUFFER_SIZES[role]}] = {{0}};")
            lines.append(f"{declare(t, n)} = {n}_bytes;")
        elif role == "label32":
            lines.append(f"CK_UTF8CHAR {n}_bytes[33] = \"{' ' * 32}\";")
            lines.append(f"{declare(t, n)} = {n}_bytes;")
        elif role in ("out_buffer", "out_array", "application", "callback", "reserved", "init_args"):
            lines.append(f"{declare(t, n)} = NULL;")
        elif role in ("inout_len", "inout_count"):
            lines.append(f"CK_ULONG {n}_value = 0;")
            lines.append(f"{declare(t, n)} = &{n}_value;")
        elif role == "out_handles":
            lines.append(f"CK_OBJECT_HANDLE {n}_values[{BUFFER_SIZES[role]}] = {{0}};")
            lines.append(f"{declare(t, n)} = {n}_values;")
        elif role == "template":
            lines.append(f"CK_BYTE {n}_label[] = {{'p', '1', '1'}};")
            lines.append(f"CK_ATTRIBUTE {n}_attrs[1] = {{{{CKA_LABEL, {n}_label, sizeof({n}_label)}}}};")
            lines.append(f"{declare(t, n)} = {n}_attrs;")
        elif role == "mechanism":
            mech = _mechanism_for(p.props.get("flag"))
            lines.append(f"CK_MECHANISM {n}_value = {{{mech}, NULL, 0}};")
            lines.append(f"{declare(t, n)} = &{n}_value;")
        else:
            raise AssertionError(f"no skeleton value for role {role}")
    return lines, [p.name for p in function.params]


def _also(function, api):
    codes = []
    for need in function.needs:
        codes += api.also_applicable[need]
    for p in function.params:
        if p.role in ("key", "object"):
            codes += api.also_applicable[p.role]
    return list(dict.fromkeys(codes))


def _set(values):
    return [f"{name} = {value};" for name, value in values.items()]


def _fault_tests(function, api):
    tests = []
    session = function.session_param
    also = _also(function, api)
    if not function.before_initialize:
        tests.append(FaultTest("NotInitializedIsCryptokiNotInitialized", [], ["CKR_CRYPTOKI_NOT_INITIALIZED"],
                               "v2.40 §5.1.6", needs_session=False, needs_initialize=False))
    nullable = [p for p in function.params if p.role in NULL_NEVER or p.role in NULL_WHEN_EMPTY]
    if session:
        tests.append(FaultTest("InvalidSessionHandleIsSessionHandleInvalid", _set({session.name: "CK_INVALID_HANDLE"}),
                               ["CKR_SESSION_HANDLE_INVALID"], "v2.40 §5.1.2", needs_session=False))
        if nullable:
            overrides = {session.name: "CK_INVALID_HANDLE"}
            overrides.update({p.name: "NULL" for p in nullable})
            tests.append(FaultTest("SessionErrorOutranksArgumentErrors", _set(overrides),
                                   ["CKR_SESSION_HANDLE_INVALID"], "v2.40 §5.1.7", needs_session=False))
    for p in nullable:
        tests.append(FaultTest(f"Null{camel(p.name)}IsArgumentsBad", _set({p.name: "NULL"}),
                               ["CKR_ARGUMENTS_BAD"] + also, "v2.40 §5.1.6"))
    for p in function.params:
        if p.role == "init_args":
            base = [f"CK_C_INITIALIZE_ARGS {p.name}_args{{}};", f"{p.name} = &{p.name}_args;"]
            tests.append(FaultTest("InitArgsWithReservedIsArgumentsBad",
                                   base + [f"{p.name}_args.pReserved = &{p.name}_args;"],
                                   ["CKR_ARGUMENTS_BAD"], cite_of(function), needs_initialize=False))
            tests.append(FaultTest("InitArgsWithSomeMutexCallbacksIsArgumentsBad",
                                   base + [f"{p.name}_args.CreateMutex = &FakeCreateMutex;"],
                                   ["CKR_ARGUMENTS_BAD"], cite_of(function), needs_initialize=False))
        elif p.role == "reserved":
            tests.append(FaultTest(f"NonNull{camel(p.name)}IsArgumentsBad",
                                   _set({p.name: "static_cast<void *>(&slot_)"}),
                                   ["CKR_ARGUMENTS_BAD"] + also, cite_of(function)))
        elif p.role == "flags":
            valid = p.props.get("example", "0")
            tests.append(FaultTest("UnknownFlagBitsAreArgumentsBad", _set({p.name: f"({valid}) | 0x40000000UL"}),
                                   ["CKR_ARGUMENTS_BAD"] + also, cite_of(function), policy=True))
            for flag in p.props.get("required", []):
                name = f"Missing{camel(flag.lower())}Is{camel(p.props['rv_missing'][4:].lower())}"
                tests.append(FaultTest(name, _set({p.name: f"({valid}) & ~static_cast<CK_FLAGS>({flag})"}),
                                       [p.props["rv_missing"]] + also, p.props.get("cite_missing", cite_of(function))))
        elif p.role == "enum":
            tests.append(FaultTest(f"Unknown{camel(p.name)}Is{camel(p.props['rv'][4:].lower())}",
                                   _set({p.name: INVALID_VALUE}), [p.props["rv"]] + also,
                                   p.props.get("cite", cite_of(function))))
        elif p.role == "mechanism":
            tests.append(FaultTest("MechanismOutsideProfileIsMechanismInvalid",
                                   [f"{p.name}_value.mechanism = {OUTSIDE_MECHANISM};"],
                                   ["CKR_MECHANISM_INVALID"] + also, "v2.40 §5.1.6"))
        elif p.role == "mechanism_type":
            tests.append(FaultTest("MechanismOutsideProfileIsMechanismInvalid", _set({p.name: OUTSIDE_MECHANISM}),
                                   ["CKR_MECHANISM_INVALID"] + also, "v2.40 §5.1.6"))
    for test in tests:
        if not session:
            test.needs_session = False
    return tests


def build(api, profile):
    """One FunctionPlan per header function, in header order, for a profile's entry points."""
    plans = []
    for function in api.functions.values():
        plan = FunctionPlan(function, profile.has(function.name))
        plan.needs_session = function.session_param is not None
        if plan.in_profile:
            checks = []
            if not function.before_initialize:
                checks.append(Check("initialized", "!p11be_initialized()", "CKR_CRYPTOKI_NOT_INITIALIZED",
                                    "v2.40 §5.1.6"))
            checks += _argument_checks(function)
            plan.checks = _order(checks, api)
            plan.backend_args = ["session" if p.role == "session" else p.name for p in function.params]
        plans.append(plan)
    return plans


def skeletons(api):
    """One SkeletonPlan per function of the API model, in header order, for every profile."""
    plans = []
    for function in api.functions.values():
        locals_, call_args = _locals(function)
        # A loaded module always has C_GetFunctionList: it is never outside a profile.
        plans.append(SkeletonPlan(function, locals_, call_args, _fault_tests(function, api),
                                  function.name != "C_GetFunctionList"))
    return plans


def return_values(path, header):
    """spec/return_values.yaml as {function: (section, (CKR_ names...))}, checked against the header."""
    data = yaml_lines.load(path)
    functions = data.get("functions") if hasattr(data, "get") else None
    if not functions:
        raise SpecError(path, 1, "expected a mapping 'functions'")
    table = {}
    for name, entry in functions.items():
        line = functions.line_of(name)
        if name not in header.functions:
            raise SpecError(path, line, f"{name}: the header declares no such function")
        if not hasattr(entry, "get") or not isinstance(entry.get("return_values"), list) or "section" not in entry:
            raise SpecError(path, line, f"{name}: needs 'section' and a list 'return_values'")
        for code in entry["return_values"]:
            if code not in header.constants:
                raise SpecError(path, line, f"{name}: {code} is not a constant of the header")
        table[name] = (str(entry["section"]), tuple(entry["return_values"]))
    # Codes the lists lack though the specification's rules call for them.
    also = data.get("also") or []
    for index, extra in enumerate(also):
        line = also.line_of(index) if hasattr(also, "line_of") else 1
        if not hasattr(extra, "get") or not extra.get("why") or not isinstance(extra.get("codes"), list) \
                or not isinstance(extra.get("functions"), list):
            raise SpecError(path, line, "an 'also' entry needs 'why', a list 'codes' and a list 'functions'")
        for name in extra["functions"]:
            if name not in table:
                raise SpecError(path, line, f"also: {name} has no return values above")
            for code in extra["codes"]:
                if code not in header.constants:
                    raise SpecError(path, line, f"also: {code} is not a constant of the header")
            section, codes = table[name]
            table[name] = (section, codes + tuple(c for c in extra["codes"] if c not in codes))
    return table


def guard_entries(header, api, returns=None):
    """The function pointers of CK_FUNCTION_LIST, each with its stub's parameter types
    and, for the checking wrapper, its named parameters and v2.40 return values.

    A header whose struct libclang cannot see falls back to the ruled
    functions, which are exactly the v2.40 list.
    """
    entries = []
    for name in header.function_list or list(api.functions):
        params = header.functions[name].params
        names = [p.name or f"arg{index}" for index, p in enumerate(params)]
        section, codes = (returns or {}).get(name, ("", ()))
        entries.append(GuardEntry(name, ", ".join(p.type for p in params) or "void",
                                  ", ".join(declare(p.type, n) for p, n in zip(params, names)) or "void",
                                  ", ".join(names), section, codes,
                                  _use_args([p.type for p in params], names)))
    return entries


_MECHANISM_TYPES = {"struct _CK_MECHANISM *", "CK_MECHANISM *", "CK_MECHANISM_PTR"}
_HANDLE_POINTER_TYPES = {"CK_OBJECT_HANDLE *", "CK_OBJECT_HANDLE_PTR"}


def _use_args(types, names):
    """What the runner notes of a call that takes a mechanism (call_trace.h NoteUse):
    the session, the mechanism, and the key it ran with: the first key handle
    given (the key of an *Init, the wrapping, unwrapping or base key), else the
    last one made (C_GenerateKey's key, C_GenerateKeyPair's private key).
    Found by type, so any header's parameter names do."""
    mechanism = next((n for t, n in zip(types, names) if t in _MECHANISM_TYPES), None)
    if mechanism is None or not types or types[0] != "CK_SESSION_HANDLE":
        return ""
    given = next((n for t, n in zip(types, names) if t == "CK_OBJECT_HANDLE"), None)
    made = [n for t, n in zip(types, names) if t in _HANDLE_POINTER_TYPES]
    if given is not None:
        key = given
    elif made:
        key = f"{made[-1]} != nullptr ? *{made[-1]} : CK_INVALID_HANDLE"
    else:
        key = "CK_INVALID_HANDLE"
    return f"{names[0]}, {mechanism}, {key}"


def return_value_meanings(path, header):
    """The 'meanings' of spec/return_values.yaml as [(CKR_ name, section, sentence)], sorted by name,
    checked against the header: §5.1's sentence for each code, which a failed check quotes."""
    data = yaml_lines.load(path)
    meanings = data.get("meanings") if hasattr(data, "get") else None
    if not meanings:
        raise SpecError(path, 1, "expected a mapping 'meanings' (v2.40 §5.1: what each code means)")
    table = []
    for code, entry in meanings.items():
        line = meanings.line_of(code)
        if code not in header.constants:
            raise SpecError(path, line, f"{code} is not a constant of the header")
        if not hasattr(entry, "get") or not isinstance(entry.get("text"), str) or not entry["text"].strip() \
                or not str(entry.get("section", "")).startswith("5.1"):
            raise SpecError(path, line, f"{code}: needs a 'section' of 5.1 and a non-empty 'text'")
        table.append((code, str(entry["section"]), " ".join(entry["text"].split())))
    return sorted(table)


def constant_table(constants, prefix):
    """The header's `prefix` constants, sorted by name, for the runner's name tables.

    Names only: the compiler evaluates them. A replacement that cannot be an
    integer (empty, a string) is left out.
    """
    return [name for name in sorted(constants)
            if name.startswith(prefix) and constants[name] and not any(c in constants[name] for c in "\"'{")]
