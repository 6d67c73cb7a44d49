"""mechanical_mutants.py on small files whose mutants are known by hand."""
import json
import os
import sys
import tempfile
import textwrap
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mechanical_mutants  # noqa: E402

PKCS11_INCLUDE = "/usr/include/p11-kit-1/p11-kit"

SOURCE = textwrap.dedent("""\
    #include "pkcs11.h"
    void p11_log_warning(const char *what, int value);
    static int table[3] = {1, 2, 3};
    static int helper(int value) { return value; }
    CK_RV check(CK_ULONG length, int ready)
    {
        if (length < 4 && !ready) {
            p11_log_warning("short", length == 2);
            return CKR_ARGUMENTS_BAD;
        }
        if (ready) {
            helper(1);
        }
        length += 1;
        return length == 8 ? CKR_OK : CKR_DATA_LEN_RANGE;
    }
    """)


def mutants_of(text, name="backend_wolfssl/sample.c"):
    with tempfile.TemporaryDirectory() as root:
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path))
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
        commands = [{"directory": root, "file": path,
                     "command": f"/usr/bin/cc -I{PKCS11_INCLUDE} -Werror -std=c11 -o sample.o -c {path}"}]
        arguments = mechanical_mutants.compile_arguments(commands, path)
        return mechanical_mutants.mutants_of(path, root, arguments)


class MechanicalMutantsTest(unittest.TestCase):
    def test_every_operator_at_its_place(self):
        found = {(m.line, m.operator, m.original, m.replacement) for m in mutants_of(SOURCE)}
        expected = {
            (7, "ror-negate", "<", ">="), (7, "ror-boundary", "<", "<="),
            (7, "lcr", "&&", "||"), (7, "not-drop", "!", ""),
            (7, "int-plus", "4", "5"), (7, "int-minus", "4", "3"),
            (9, "rv-ok", "CKR_ARGUMENTS_BAD", "CKR_OK"), (9, "rv-error", "CKR_ARGUMENTS_BAD", "CKR_GENERAL_ERROR"),
            (11, "cond-negate", "ready", "!(ready)"),
            (12, "stmt-drop", "helper(1)", "(void)0"),
            (14, "stmt-drop", "length += 1", "(void)0"),
            (14, "int-plus", "1", "2"), (14, "int-minus", "1", "0"),
            (15, "ror-negate", "==", "!="), (15, "int-plus", "8", "9"), (15, "int-minus", "8", "7"),
            (15, "rv-error", "CKR_OK", "CKR_GENERAL_ERROR"),
            (15, "rv-ok", "CKR_DATA_LEN_RANGE", "CKR_OK"),
            (15, "rv-error", "CKR_DATA_LEN_RANGE", "CKR_GENERAL_ERROR"),
        }
        self.assertEqual(expected, found)

    def test_log_arguments_tables_and_compile_time_code_are_not_mutated(self):
        lines = {m.line for m in mutants_of(SOURCE)}
        self.assertNotIn(8, lines)   # inside p11_log_warning(...)
        self.assertNotIn(3, lines)   # a table's initializer
        self.assertNotIn(4, lines)   # nothing to mutate in `return value;`

    def test_ids_name_file_function_operator_and_survive_edits_elsewhere(self):
        before = {m.id: m for m in mutants_of(SOURCE)}
        self.assertIn("sample/check/ror-negate/1", before)
        self.assertIn("sample/check/ror-negate/2", before)
        shifted = mutants_of("/* a comment\n   that moves everything */\n" + SOURCE)
        self.assertEqual(set(before), {m.id for m in shifted})
        for mutant in shifted:
            self.assertEqual(before[mutant.id].original, mutant.original)
            self.assertEqual(before[mutant.id].line + 2, mutant.line)

    def test_apply_changes_exactly_the_operator_and_refuses_a_changed_file(self):
        mutant = next(m for m in mutants_of(SOURCE) if m.id == "sample/check/lcr/1")
        source = SOURCE.encode()
        mutated = mechanical_mutants.apply(source, mutant).decode()
        self.assertIn("if (length < 4 || !ready)", mutated)
        self.assertEqual(SOURCE.replace("&& !ready", "|| !ready"), mutated)
        with self.assertRaisesRegex(ValueError, "no longer applies"):
            mechanical_mutants.apply(b"/* moved */" + source, mutant)

    def test_every_mutant_of_a_file_still_compiles_as_c(self):
        # The replacements are expressions of the same kind: a mutant that
        # does not compile is the tool's fault, not a defect of the code.
        import subprocess
        for mutant in mutants_of(SOURCE):
            text = mechanical_mutants.apply(SOURCE.encode(), mutant)
            result = subprocess.run(["cc", f"-I{PKCS11_INCLUDE}", "-std=c11", "-fsyntax-only", "-x", "c", "-"],
                                    input=text, capture_output=True)
            self.assertEqual(0, result.returncode, f"{mutant.id}: {result.stderr.decode()}")

    def test_round_trip_through_json(self):
        for mutant in mutants_of(SOURCE):
            again = mechanical_mutants.Mutant.from_dict(json.loads(json.dumps(mutant.as_dict())))
            self.assertEqual(mutant.as_dict(), again.as_dict())


class MechanicalReportTest(unittest.TestCase):
    """mechanical_report.py: every survivor explained, nothing explained that did not survive."""

    @staticmethod
    def row(mutant_id, verdict, operator="lcr"):
        return {"id": mutant_id, "verdict": verdict, "operator": operator, "file": "backend_wolfssl/x.cpp",
                "line": 1, "original": "&&", "replacement": "||", "detail": ""}

    def test_a_survivor_without_triage_and_a_triage_of_a_killed_mutant_are_problems(self):
        import mechanical_report
        rows = [self.row("a", "killed"), self.row("b", "survived"), self.row("c", "survived"),
                self.row("d", "stillborn")]
        triage = {"b": {"class": "equivalent", "reason": "checked earlier"},
                  "a": {"class": "open", "reason": "x"}}
        problems = mechanical_report.problems(rows, triage)
        self.assertIn("survivor c has no triage entry", problems)
        self.assertIn("triage names a, which the run has as killed", problems)
        self.assertEqual(2, len(problems))
        self.assertIn("triage of b: needs class",
                      " ".join(mechanical_report.problems(rows, {"b": {"class": "maybe", "reason": "x"}})))

    def test_scores_leave_out_stillborn_and_equivalent_and_say_which_are_observable(self):
        import mechanical_report
        rows = [self.row("k1", "killed"), self.row("k2", "killed"), self.row("s1", "survived"),
                self.row("s2", "survived"), self.row("s3", "survived"), self.row("x", "stillborn")]
        triage = {"s1": {"class": "equivalent", "reason": "r"}, "s2": {"class": "unreachable", "reason": "r"},
                  "s3": {"class": "open", "reason": "r"}}
        text = mechanical_report.report(rows, triage)
        self.assertIn("killed: 2 of 5 (40.0%)", text)
        self.assertIn("score over non-equivalent mutants: 2/4 (50.0%)", text)
        self.assertIn("2/3 (66.7%)", text)
        self.assertIn("| s3 (backend_wolfssl/x.cpp:1) |", text)

    def test_unit_tests_are_a_second_killer_and_cannot_kill_an_equivalent_mutant(self):
        import mechanical_report
        rows = [self.row("k1", "killed"), self.row("s1", "survived"), self.row("s2", "survived"),
                self.row("s3", "survived")]
        rows[1].update(units="killed", units_detail="backend.StorageTest.X")
        rows[2].update(units="survived", units_detail="")
        triage = {"s1": {"class": "unreachable", "reason": "r"}, "s2": {"class": "invisible", "reason": "r"},
                  "s3": {"class": "equivalent", "reason": "r"}}
        text = mechanical_report.report(rows, triage)
        self.assertIn("score over non-equivalent mutants: 1/3 (33.3%)", text)
        self.assertIn("second killer: 2/3 (66.7%)", text)
        self.assertIn("surviving both, by class: invisible 1", text)
        self.assertIn("killed by backend.StorageTest.X", text)
        self.assertEqual([], mechanical_report.problems(rows, triage))
        rows[3].update(units="killed", units_detail="backend.T.Y")
        self.assertIn("triage has s3 as equivalent, but the unit tests kill it (backend.T.Y)",
                      mechanical_report.problems(rows, triage))

    def test_a_lean_profile_mutates_the_lean_backend_and_the_full_one_the_rest(self):
        import run_mechanical
        root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
        relative = lambda profile: [os.path.relpath(f, root) for f in run_mechanical.module_sources(root, profile)]
        lean = relative("freertos-ota")
        self.assertIn("backend_wolfssl/lean/lean_api_verify.cpp", lean)
        self.assertEqual("generated/freertos-ota/entry_points.c", lean[-1])
        self.assertTrue(all(f.startswith("backend_wolfssl/lean/") for f in lean[:-1]), lean)
        full = relative("full")
        self.assertIn("backend_wolfssl/objects/object_store.cpp", full)
        self.assertFalse([f for f in full if "/lean/" in f or "/tests/" in f])
        self.assertEqual("generated/full/entry_points.c", full[-1])

    def test_the_first_failed_test_is_read_from_ctests_summary(self):
        import run_mechanical
        output = ("  3/414 Test  #12: backend.A.B ....***Failed    0.01 sec\n"
                  "99% tests passed, 2 tests failed out of 414\n\n"
                  "The following tests FAILED:\n"
                  "\t 12 - backend.A.B (Failed)\n"
                  "\t 40 - crypto.C.D (Timeout)\n")
        self.assertEqual("backend.A.B", run_mechanical.first_failed_test(output))
        self.assertEqual("", run_mechanical.first_failed_test("100% tests passed, 0 tests failed out of 4\n"))


if __name__ == "__main__":
    unittest.main()
