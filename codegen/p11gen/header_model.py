"""Stage 1: the PKCS #11 header as data, read with libclang.

Functions (C_*) with their parameters (header name, type as spelled and its
canonical type), the members of CK_FUNCTION_LIST and the names of the CK*
macro constants. Values of the constants are deliberately not evaluated:
generated C names them and lets the compiler decide (`~0UL` differs by
platform).
"""
from dataclasses import dataclass, field
import os
import re

import clang.cindex as ci

LIBCLANG = "/usr/lib/llvm-14/lib/libclang-14.so.1"
CONSTANT_PREFIXES = ("CK", "CRYPTOKI_")


@dataclass(frozen=True)
class HeaderParam:
    name: str            # as the header spells it (may differ from the spec name)
    type: str            # e.g. "CK_SLOT_ID *"
    canonical: str       # e.g. "unsigned long *"
    is_pointer: bool
    pointee: str         # the pointed-to type as spelled, "" when not a pointer


@dataclass(frozen=True)
class HeaderFunction:
    name: str
    return_type: str
    params: tuple
    file: str
    line: int


@dataclass
class HeaderModel:
    headers: tuple
    functions: dict = field(default_factory=dict)   # name -> HeaderFunction, header order
    constants: dict = field(default_factory=dict)   # name -> replacement text
    function_list: tuple = ()                       # C_ members of CK_FUNCTION_LIST, in struct order


_configured = False


def _index():
    global _configured
    if not _configured:
        if os.path.exists(LIBCLANG):
            ci.Config.set_library_file(LIBCLANG)
        _configured = True
    return ci.Index.create()


def _param(cursor):
    ctype = cursor.type
    canonical = ctype.get_canonical()
    is_pointer = canonical.kind == ci.TypeKind.POINTER
    pointee = ""
    if is_pointer:
        # A typedef of a pointer (CK_SLOT_ID_PTR) is unwrapped to its
        # declaration so the pointee keeps its typedef name (CK_SLOT_ID).
        spelled = ctype
        while spelled.kind == ci.TypeKind.TYPEDEF:
            spelled = spelled.get_declaration().underlying_typedef_type
        if spelled.kind == ci.TypeKind.POINTER:
            pointee = spelled.get_pointee().spelling
        else:
            pointee = canonical.get_pointee().spelling
    return HeaderParam(cursor.spelling, ctype.spelling, canonical.spelling, is_pointer, pointee)


def _function_like(tokens):
    """A macro is function-like when '(' follows its name with no space."""
    name, nxt = tokens[0].extent.end, tokens[1].extent.start
    return tokens[1].spelling == "(" and name.line == nxt.line and name.column == nxt.column


def _function_list_members(cursor):
    """The C_ fields of the struct the typedef CK_FUNCTION_LIST names (v2.40's list, also in v3.0 headers)."""
    struct = cursor.underlying_typedef_type.get_canonical().get_declaration().get_definition()
    if struct is None:
        return ()
    return tuple(f.spelling for f in struct.get_children()
                 if f.kind == ci.CursorKind.FIELD_DECL and f.spelling.startswith("C_"))


def load(headers, defines=(), include_dirs=(), prelude=None):
    """Parses the header(s); returns a HeaderModel.

    `defines` are NAME or NAME=VALUE strings and `prelude` a header included
    first: the OASIS headers need the platform macros (CK_PTR,
    CK_DECLARE_FUNCTION, ...) defined before they are included.
    """
    headers = tuple(str(h) for h in headers)
    args = ["-x", "c", "-std=c11"]
    args += [f"-D{d}" for d in defines]
    args += [f"-I{d}" for d in include_dirs]
    args += [f"-I{os.path.dirname(os.path.abspath(h))}" for h in headers]
    if prelude:
        args += ["-include", str(prelude)]
    source = "".join(f'#include "{os.path.abspath(h)}"\n' for h in headers)
    tu = _index().parse("p11gen_model.c", args=args, unsaved_files=[("p11gen_model.c", source)],
                        options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD |
                        ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES)
    errors = [d for d in tu.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        first = errors[0]
        where = f"{first.location.file}:{first.location.line}" if first.location.file else "header"
        hint = ""
        if not prelude and _uses_platform_macros(list(headers) + [str(first.location.file or "")]):
            hint = (" (an OASIS-style header: its platform macros CK_PTR, CK_DECLARE_FUNCTION, ... come from the "
                    "includer; give --prelude spec/oasis_prelude.h, see docs/profiles.md)")
        raise HeaderError(f"{where}: {first.spelling}{hint}")
    model = HeaderModel(headers=headers)
    for cursor in tu.cursor.get_children():
        if cursor.kind == ci.CursorKind.FUNCTION_DECL and cursor.spelling.startswith("C_"):
            if cursor.spelling in model.functions:
                continue
            params = tuple(_param(p) for p in cursor.get_arguments())
            model.functions[cursor.spelling] = HeaderFunction(
                cursor.spelling, cursor.result_type.spelling, params,
                str(cursor.location.file), cursor.location.line)
        elif cursor.kind == ci.CursorKind.TYPEDEF_DECL and cursor.spelling == "CK_FUNCTION_LIST":
            model.function_list = _function_list_members(cursor)
        elif cursor.kind == ci.CursorKind.MACRO_DEFINITION and cursor.spelling.startswith(CONSTANT_PREFIXES):
            tokens = list(cursor.get_tokens())
            if len(tokens) < 2 or _function_like(tokens):
                continue
            model.constants.setdefault(cursor.spelling, " ".join(t.spelling for t in tokens[1:]))
    if not model.functions:
        raise HeaderError(f"{', '.join(headers)}: no C_ functions declared (missing platform macros?)")
    return model


def _uses_platform_macros(paths):
    """A file the parse failed in uses the OASIS platform macros without defining them."""
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as stream:
                text = stream.read()
        except OSError:
            continue
        if re.search(r"\bCK_(PTR|DECLARE_FUNCTION)\b", text) and not re.search(r"#\s*define\s+CK_PTR\b", text):
            return True
    return False


class HeaderError(Exception):
    """The header could not be parsed into a model."""
