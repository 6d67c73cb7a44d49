#!/usr/bin/python3
"""Mechanical mutants (issue 17): every place in a source file where a classic
mutation operator applies, found with libclang, as data.

Unlike mutants.yaml (defects written by hand, each with the tests that target
it), these are produced by rule, so nobody chooses which defects the suite
meets. Operators:

  ror-negate   a == b -> a != b, a < b -> a >= b, ... (the condition negated)
  ror-boundary a < b -> a <= b, a >= b -> a > b, ...  (off by one at the edge)
  lcr          && <-> ||
  not-drop     !x -> x
  cond-negate  if (x) / while (x) -> if (!(x)) when x is no comparison, && / ||
               or ! (those have their own operators)
  rv-ok        return / assign / pass CKR_<error> -> CKR_OK (accepts what it refused)
  rv-error     CKR_OK -> CKR_GENERAL_ERROR, CKR_<error> -> CKR_GENERAL_ERROR
               (CKR_GENERAL_ERROR -> CKR_FUNCTION_FAILED): the wrong code
  stmt-drop    a call, assignment or ++/-- statement -> (void)0
  int-plus     an integer literal in arithmetic, a comparison or an index -> N + 1
  int-minus    the same -> N - 1 (N > 0)

A mutant is (file, byte offset, original text, replacement); its id names the
file, the enclosing function, the operator and the how-many-th such mutant in
that function, so ids survive edits elsewhere in the file.

Not mutated, and why (the suite tests the PKCS #11 interface, not these):
arguments of the logging calls (P11_LOG*, p11_log*) and log.cpp itself;
headers (their code is compiled into many files; a mutant is one file);
code the preprocessor leaves out for the host build (firmware-only branches).

  mechanical_mutants.py list --compile-commands FILE --source-root DIR FILE...
      prints the mutants as JSON lines
  mechanical_mutants.py count ...   (same arguments) prints counts per operator

Needs Debian's /usr/bin/python3 with python3-clang-14.
"""
import argparse
import collections
import json
import os
import re
import shlex
import sys

import clang.cindex as ci

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# libclang is set up as the generator sets it up (codegen/p11gen/header_model.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "codegen"))
from p11gen.header_model import _index  # noqa: E402


RELATIONAL_NEGATION = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
RELATIONAL_BOUNDARY = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
LOGICAL = {"&&": "||", "||": "&&"}
ASSIGNMENTS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
ARITHMETIC = {"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"}
# Tokens after which a CKR_ code is a value the code produces (not compared).
RV_CONTEXT = {"return", "=", "?", ":", "(", ","}
LOG_CALL = re.compile(r"^(P11_LOG|p11_log|p11_warn|log_)")
SKIPPED_FILES = ("backend_wolfssl/log.cpp",)

class Mutant:
    __slots__ = ("id", "file", "line", "offset", "original", "replacement", "operator", "function")

    def __init__(self, file, line, offset, original, replacement, operator, function):
        self.file = file
        self.line = line
        self.offset = offset
        self.original = original
        self.replacement = replacement
        self.operator = operator
        self.function = function
        self.id = ""

    def as_dict(self):
        return {name: getattr(self, name) for name in self.__slots__}

    @staticmethod
    def from_dict(data):
        mutant = Mutant(data["file"], data["line"], data["offset"], data["original"],
                        data["replacement"], data["operator"], data["function"])
        mutant.id = data["id"]
        return mutant


def compile_arguments(compile_commands, path):
    """The compiler arguments (no compiler, -o, -c or source) for path.

    When several targets compile the file, the one whose object lands in the
    module's backend (p11_backend_wolfssl.dir) or the profile's objects wins:
    the flags of the module that is mutated."""
    candidates = []
    for entry in compile_commands:
        if os.path.realpath(entry["file"]) == os.path.realpath(path):
            candidates.append(entry)
    if not candidates:
        raise SystemExit(f"mechanical_mutants: {path} is not in the compile commands")
    candidates.sort(key=lambda e: 0 if "/p11_backend_wolfssl.dir/" in e.get("command", "") + e.get("output", "") else 1)
    entry = candidates[0]
    words = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    arguments = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
            continue
        if word in ("-o", "-c"):
            skip = word == "-o"
            continue
        if os.path.realpath(os.path.join(entry["directory"], word)) == os.path.realpath(path):
            continue
        if word.startswith("-W"):
            continue  # warnings do not change the syntax tree
        arguments.append(word)
    return arguments


class _Walker:
    def __init__(self, path, relative, source):
        self.path = path
        self.relative = relative
        self.source = source          # bytes
        self.mutants = []

    # --- helpers ------------------------------------------------------------
    def _in_file(self, cursor):
        location = cursor.extent.start
        return location.file is not None and os.path.realpath(location.file.name) == self.path

    def _text(self, start, end):
        return self.source[start:end].decode("utf-8", "replace")

    def _add(self, offset, original, replacement, operator, function, line):
        if self._text(offset, offset + len(original.encode())) != original:
            return  # a macro expansion or a token libclang placed elsewhere
        self.mutants.append(Mutant(self.relative, line, offset, original, replacement, operator, function))

    def _tokens(self, cursor):
        return [t for t in cursor.get_tokens()
                if t.location.file is not None and os.path.realpath(t.location.file.name) == self.path]

    def _operator_token(self, cursor, children):
        """The operator token of a binary expression: the first token after its left operand."""
        if len(children) != 2:
            return None
        lhs_end = children[0].extent.end.offset
        rhs_start = children[1].extent.start.offset
        for token in self._tokens(cursor):
            offset = token.extent.start.offset
            if lhs_end <= offset < rhs_start:
                return token
        return None

    # --- the walk -----------------------------------------------------------
    def walk(self, cursor, function="", in_log=False, parent_kind=None, parent_op=None):
        for child in cursor.get_children():
            if not self._in_file(child):
                continue
            self._visit(child, function, in_log, parent_kind, parent_op)

    def _visit(self, cursor, function, in_log, parent_kind, parent_op):
        kind = cursor.kind
        if kind in (ci.CursorKind.FUNCTION_DECL, ci.CursorKind.CXX_METHOD, ci.CursorKind.CONSTRUCTOR,
                    ci.CursorKind.DESTRUCTOR, ci.CursorKind.FUNCTION_TEMPLATE, ci.CursorKind.LAMBDA_EXPR):
            if kind != ci.CursorKind.LAMBDA_EXPR:
                parent = cursor.semantic_parent
                prefix = parent.spelling + "::" if parent is not None and parent.kind in (
                    ci.CursorKind.CLASS_DECL, ci.CursorKind.STRUCT_DECL, ci.CursorKind.CLASS_TEMPLATE) else ""
                function = prefix + cursor.spelling
        if kind in (ci.CursorKind.STATIC_ASSERT, ci.CursorKind.ENUM_DECL, ci.CursorKind.CASE_STMT):
            # Constants and labels: a changed case label or enumerator is a
            # different program text, not a defect a mutant stands for.
            if kind != ci.CursorKind.CASE_STMT:
                return
        if kind == ci.CursorKind.CALL_EXPR and LOG_CALL.match(cursor.spelling or ""):
            in_log = True
        if in_log:
            return
        line = cursor.extent.start.line
        children = list(cursor.get_children())
        op = None
        if kind in (ci.CursorKind.BINARY_OPERATOR, ci.CursorKind.COMPOUND_ASSIGNMENT_OPERATOR):
            token = self._operator_token(cursor, children)
            if token is not None:
                op = token.spelling
                offset = token.extent.start.offset
                if op in RELATIONAL_NEGATION:
                    self._add(offset, op, RELATIONAL_NEGATION[op], "ror-negate", function, line)
                if op in RELATIONAL_BOUNDARY:
                    self._add(offset, op, RELATIONAL_BOUNDARY[op], "ror-boundary", function, line)
                if op in LOGICAL:
                    self._add(offset, op, LOGICAL[op], "lcr", function, line)
        elif kind == ci.CursorKind.CALL_EXPR and (cursor.spelling or "").startswith("operator") and len(children) >= 2:
            # An overloaded comparison (std::string ==, iterator !=): the
            # children are the callee reference and the two operands.
            spelled = cursor.spelling[len("operator"):]
            if spelled in RELATIONAL_NEGATION:
                operands = [c for c in children if c.kind != ci.CursorKind.DECL_REF_EXPR
                            or c.spelling != cursor.spelling]
                token = self._operator_token(cursor, operands[-2:]) if len(operands) >= 2 else None
                if token is not None and token.spelling == spelled:
                    offset = token.extent.start.offset
                    self._add(offset, spelled, RELATIONAL_NEGATION[spelled], "ror-negate", function, line)
                    if spelled in RELATIONAL_BOUNDARY:
                        self._add(offset, spelled, RELATIONAL_BOUNDARY[spelled], "ror-boundary", function, line)
        elif kind == ci.CursorKind.UNARY_OPERATOR:
            tokens = self._tokens(cursor)
            if tokens and tokens[0].spelling == "!" and tokens[0].extent.start.offset == cursor.extent.start.offset:
                self._add(tokens[0].extent.start.offset, "!", "", "not-drop", function, line)
        elif kind == ci.CursorKind.INTEGER_LITERAL and parent_kind in (
                ci.CursorKind.BINARY_OPERATOR, ci.CursorKind.COMPOUND_ASSIGNMENT_OPERATOR,
                ci.CursorKind.ARRAY_SUBSCRIPT_EXPR) and (parent_op is None or parent_op not in LOGICAL):
            self._integer(cursor, function, line)
        if kind in (ci.CursorKind.IF_STMT, ci.CursorKind.WHILE_STMT, ci.CursorKind.DO_STMT):
            self._condition(cursor, children, function)
        if kind == ci.CursorKind.COMPOUND_STMT:
            for statement in children:
                if self._in_file(statement):
                    self._statement(statement, function)
        # Implicit conversions are transparent: `length < 4` compares with
        # an int literal converted to CK_ULONG.
        passed_kind, passed_op = (parent_kind, parent_op) if kind == ci.CursorKind.UNEXPOSED_EXPR else (kind, op)
        for child in children:
            if self._in_file(child):
                self._visit(child, function, in_log, passed_kind, passed_op)

    def _integer(self, cursor, function, line):
        tokens = self._tokens(cursor)
        if len(tokens) != 1:
            return
        spelling = tokens[0].spelling
        match = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)([uUlL]*)", spelling)
        if not match:
            return
        value = int(match.group(1), 0)
        suffix = match.group(2)
        offset = tokens[0].extent.start.offset
        self._add(offset, spelling, f"{value + 1}{suffix}", "int-plus", function, line)
        if value > 0:
            self._add(offset, spelling, f"{value - 1}{suffix}", "int-minus", function, line)

    def _condition(self, cursor, children, function):
        tokens = self._tokens(cursor)
        # if ( cond ) / while ( cond ) / do ... while ( cond ) ;
        if cursor.kind == ci.CursorKind.DO_STMT:
            opener = next((i for i, t in enumerate(tokens) if t.spelling == "while"), None)
            if opener is None:
                return
            tokens = tokens[opener:]
        if len(tokens) < 3 or tokens[1].spelling != "(":
            if not (len(tokens) > 3 and tokens[1].spelling == "constexpr"):
                return
            return  # if constexpr: compile-time, not a run-time decision
        start = tokens[2].extent.start.offset
        condition = next((c for c in children if c.extent.start.offset == start), None)
        if condition is None or condition.kind in (ci.CursorKind.VAR_DECL, ci.CursorKind.DECL_STMT):
            return
        end = condition.extent.end.offset
        close = next((t for t in tokens if t.extent.start.offset >= end), None)
        if close is None or close.spelling != ")":
            return  # an init-statement or a declaration: not a plain condition
        text = self._text(start, end)
        first = self._tokens(condition)
        if not first:
            return
        # Comparisons, && / || and ! have their own operators.
        if condition.kind == ci.CursorKind.UNARY_OPERATOR and first[0].spelling == "!":
            return
        if condition.kind == ci.CursorKind.BINARY_OPERATOR:
            token = self._operator_token(condition, list(condition.get_children()))
            if token is not None and (token.spelling in RELATIONAL_NEGATION or token.spelling in LOGICAL):
                return
        if condition.kind == ci.CursorKind.UNEXPOSED_EXPR or condition.kind == ci.CursorKind.PAREN_EXPR:
            inner = list(condition.get_children())
            if len(inner) == 1 and inner[0].kind == ci.CursorKind.BINARY_OPERATOR:
                token = self._operator_token(inner[0], list(inner[0].get_children()))
                if token is not None and (token.spelling in RELATIONAL_NEGATION or token.spelling in LOGICAL):
                    return
        self._add(start, text, f"!({text})", "cond-negate", function, condition.extent.start.line)

    def _statement(self, statement, function):
        kind = statement.kind
        tokens = self._tokens(statement)
        if not tokens:
            return
        drop = False
        if kind == ci.CursorKind.CALL_EXPR:
            drop = not LOG_CALL.match(statement.spelling or "")
        elif kind in (ci.CursorKind.BINARY_OPERATOR, ci.CursorKind.COMPOUND_ASSIGNMENT_OPERATOR):
            token = self._operator_token(statement, list(statement.get_children()))
            drop = token is not None and token.spelling in ASSIGNMENTS
        elif kind == ci.CursorKind.UNARY_OPERATOR:
            drop = any(t.spelling in ("++", "--") for t in tokens)
        elif kind == ci.CursorKind.UNEXPOSED_EXPR:
            inner = list(statement.get_children())
            drop = len(inner) == 1 and inner[0].kind == ci.CursorKind.CALL_EXPR and not LOG_CALL.match(
                inner[0].spelling or "")
        if not drop:
            return
        start = statement.extent.start.offset
        end = statement.extent.end.offset
        text = self._text(start, end)
        if LOG_CALL.match(text):
            return
        self._add(start, text, "(void)0", "stmt-drop", function, statement.extent.start.line)

    def rv_codes(self, tu):
        """CKR_ codes used as values (returned, assigned, passed), from the tokens."""
        tokens = [t for t in tu.get_tokens(extent=tu.cursor.extent)
                  if t.location.file is not None and os.path.realpath(t.location.file.name) == self.path]
        functions = self._function_spans(tu)
        for index, token in enumerate(tokens):
            name = token.spelling
            if not name.startswith("CKR_") or token.kind != ci.TokenKind.IDENTIFIER:
                continue
            before = tokens[index - 1].spelling if index else ""
            after = tokens[index + 1].spelling if index + 1 < len(tokens) else ""
            if before not in RV_CONTEXT or after in ("==", "!=") or before in ("==", "!="):
                continue
            if index >= 2 and tokens[index - 2].spelling == "case":
                continue
            if before == ":" and index >= 2 and tokens[index - 2].spelling in ("case", "default"):
                continue
            offset = token.extent.start.offset
            function = self._function_at(functions, offset)
            if not function:
                continue  # a table or a constant outside any function
            if self._inside_log(tokens, index):
                continue
            line = token.location.line
            if name == "CKR_OK":
                self._add(offset, name, "CKR_GENERAL_ERROR", "rv-error", function, line)
            else:
                self._add(offset, name, "CKR_OK", "rv-ok", function, line)
                wrong = "CKR_FUNCTION_FAILED" if name == "CKR_GENERAL_ERROR" else "CKR_GENERAL_ERROR"
                self._add(offset, name, wrong, "rv-error", function, line)

    @staticmethod
    def _inside_log(tokens, index):
        depth = 0
        for back in range(index - 1, max(-1, index - 40), -1):
            spelling = tokens[back].spelling
            if spelling == ")":
                depth += 1
            elif spelling == "(":
                if depth == 0:
                    return back > 0 and bool(LOG_CALL.match(tokens[back - 1].spelling))
                depth -= 1
            elif spelling in (";", "{", "}"):
                return False
        return False

    def _function_spans(self, tu):
        spans = []

        def visit(cursor, name_prefix=""):
            for child in cursor.get_children():
                if not self._in_file(child):
                    continue
                if child.kind in (ci.CursorKind.FUNCTION_DECL, ci.CursorKind.CXX_METHOD, ci.CursorKind.CONSTRUCTOR,
                                  ci.CursorKind.DESTRUCTOR, ci.CursorKind.FUNCTION_TEMPLATE):
                    if child.is_definition():
                        parent = child.semantic_parent
                        prefix = parent.spelling + "::" if parent is not None and parent.kind in (
                            ci.CursorKind.CLASS_DECL, ci.CursorKind.STRUCT_DECL,
                            ci.CursorKind.CLASS_TEMPLATE) else ""
                        spans.append((child.extent.start.offset, child.extent.end.offset, prefix + child.spelling))
                elif child.kind in (ci.CursorKind.NAMESPACE, ci.CursorKind.CLASS_DECL, ci.CursorKind.STRUCT_DECL,
                                    ci.CursorKind.CLASS_TEMPLATE, ci.CursorKind.UNEXPOSED_DECL,
                                    ci.CursorKind.LINKAGE_SPEC):
                    visit(child)
        visit(tu.cursor)
        return spans

    @staticmethod
    def _function_at(spans, offset):
        best = ""
        best_size = None
        for start, end, name in spans:
            if start <= offset < end and (best_size is None or end - start < best_size):
                best, best_size = name, end - start
        return best


def mutants_of(path, source_root, arguments):
    """The mutants of one file (relative path names), in source order, with ids."""
    absolute = os.path.realpath(path)
    relative = os.path.relpath(absolute, os.path.realpath(source_root))
    if relative in SKIPPED_FILES:
        return []
    with open(absolute, "rb") as stream:
        source = stream.read()
    translation_unit = _index().parse(absolute, args=arguments,
                                      options=ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD)
    errors = [d for d in translation_unit.diagnostics if d.severity >= ci.Diagnostic.Error]
    if errors:
        raise SystemExit(f"mechanical_mutants: {relative}: {errors[0]}")
    walker = _Walker(absolute, relative, source)
    walker.walk(translation_unit.cursor)
    walker.rv_codes(translation_unit)
    unique = {}
    for mutant in walker.mutants:
        if not mutant.function:
            continue  # outside any function: initializers of tables and constants
        unique.setdefault((mutant.offset, mutant.original, mutant.replacement), mutant)
    ordered = sorted(unique.values(), key=lambda m: (m.offset, m.operator, m.replacement))
    counters = collections.Counter()
    # backend_wolfssl/objects/api_find.cpp -> objects/api_find
    stem = os.path.splitext(relative)[0]
    if stem.startswith("backend_wolfssl/"):
        stem = stem[len("backend_wolfssl/"):]
    for mutant in ordered:
        function = re.sub(r"[^A-Za-z0-9_:~]+", "", mutant.function) or "global"
        key = (function, mutant.operator)
        counters[key] += 1
        mutant.id = f"{stem}/{function}/{mutant.operator}/{counters[key]}"
    return ordered


def apply(source_bytes, mutant):
    """The file's bytes with the mutant applied; ValueError when the original text is not where it was."""
    original = mutant.original.encode()
    end = mutant.offset + len(original)
    if source_bytes[mutant.offset:end] != original:
        raise ValueError(f"mutant {mutant.id} no longer applies: {mutant.file} has changed at offset {mutant.offset}")
    return source_bytes[:mutant.offset] + mutant.replacement.encode() + source_bytes[end:]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("list", "count"))
    parser.add_argument("--compile-commands", required=True)
    parser.add_argument("--source-root", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    with open(args.compile_commands, encoding="utf-8") as stream:
        commands = json.load(stream)
    everything = []
    for path in args.files:
        everything += mutants_of(path, args.source_root, compile_arguments(commands, path))
    if args.command == "list":
        for mutant in everything:
            print(json.dumps(mutant.as_dict(), sort_keys=True))
    else:
        per_operator = collections.Counter(m.operator for m in everything)
        per_file = collections.Counter(m.file for m in everything)
        for name, count in sorted(per_operator.items()):
            print(f"{name:14} {count}")
        for name, count in sorted(per_file.items()):
            print(f"{count:5} {name}")
        print(f"total {len(everything)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
