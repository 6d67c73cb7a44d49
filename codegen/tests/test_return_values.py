"""spec/return_values.yaml: each function's v2.40 return values, for the runner's check."""
import os
import tempfile
import textwrap
import unittest

from p11gen import plan, render
from p11gen.errors import SpecError
from tests import support

RETURN_VALUES = os.path.join(support.ROOT, "spec", "return_values.yaml")


def load_text(text, loader=plan.return_values):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as stream:
        stream.write(textwrap.dedent(text))
    try:
        return loader(stream.name, support.p11kit_header())
    finally:
        os.remove(stream.name)


class ReturnValuesTest(unittest.TestCase):
    def test_every_v240_function_has_its_list(self):
        table = plan.return_values(RETURN_VALUES, support.p11kit_header())
        self.assertEqual(68, len(table))
        section, codes = table["C_InitToken"]
        self.assertEqual("5.5", section)
        self.assertIn("CKR_SESSION_EXISTS", codes)
        self.assertNotIn("CKR_PIN_LEN_RANGE", codes, "v2.40 lists no CKR_PIN_LEN_RANGE for C_InitToken")
        self.assertNotIn("CKR_OK", table["C_GetFunctionStatus"][1])

    def test_also_entries_extend_the_named_lists_only(self):
        table = plan.return_values(RETURN_VALUES, support.p11kit_header())
        self.assertIn("CKR_OPERATION_ACTIVE", table["C_Digest"][1])
        self.assertIn("CKR_ARGUMENTS_BAD", table["C_EncryptInit"][1])
        self.assertNotIn("CKR_OPERATION_ACTIVE", table["C_GetInfo"][1])

    def test_unknown_function_or_code_is_an_error_with_its_line(self):
        with self.assertRaisesRegex(SpecError, r":3: C_Nope: the header declares no such function"):
            load_text("""\
                functions:
                  C_GetInfo: {section: "5.4", return_values: [CKR_OK]}
                  C_Nope: {section: "5.4", return_values: [CKR_OK]}
                """)
        with self.assertRaisesRegex(SpecError, r":2: C_GetInfo: CKR_NOPE is not a constant of the header"):
            load_text("""\
                functions:
                  C_GetInfo: {section: "5.4", return_values: [CKR_OK, CKR_NOPE]}
                """)
        with self.assertRaisesRegex(SpecError, r"also: C_Sign has no return values above"):
            load_text("""\
                functions:
                  C_GetInfo: {section: "5.4", return_values: [CKR_OK]}
                also:
                  - {why: x, codes: [CKR_OK], functions: [C_Sign]}
                """)

    def test_every_code_of_v240_section_5_1_has_its_sentence(self):
        meanings = plan.return_value_meanings(RETURN_VALUES, support.p11kit_header())
        self.assertEqual(92, len(meanings))
        self.assertEqual(sorted(meanings), meanings)
        by_code = {code: (section, text) for code, section, text in meanings}
        self.assertEqual(("5.1.6", "The output of the function is too large to fit in the supplied buffer."),
                         by_code["CKR_BUFFER_TOO_SMALL"])
        self.assertEqual("5.1.2", by_code["CKR_SESSION_HANDLE_INVALID"][0])
        listed = {code for _, codes in plan.return_values(RETURN_VALUES, support.p11kit_header()).values()
                  for code in codes}
        self.assertEqual(set(), listed - set(by_code), "a code some function lists has no sentence")

    def test_meanings_are_checked_with_their_line(self):
        def meanings(text):
            return load_text(text, plan.return_value_meanings)
        with self.assertRaisesRegex(SpecError, r":3: CKR_NOPE is not a constant of the header"):
            meanings("""\
                meanings:
                  CKR_OK: {section: "5.1.1", text: "Fine."}
                  CKR_NOPE: {section: "5.1.6", text: "No."}
                """)
        with self.assertRaisesRegex(SpecError, r":2: CKR_OK: needs a 'section' of 5.1 and a non-empty 'text'"):
            meanings("""\
                meanings:
                  CKR_OK: {section: "5.2", text: "Fine."}
                """)
        with self.assertRaisesRegex(SpecError, r"expected a mapping 'meanings'"):
            meanings("functions: {}\n")

    def test_a_sentence_with_quotes_is_a_valid_c_string(self):
        text = render.render_shared(support.api(), support.p11kit_header(), ["test"], {},
                                    [("CKR_OK", "5.1.1", 'A "quoted" \\ word.')])["constant_names.cpp"]
        self.assertIn(r'{CKR_OK, "5.1.1", "A \"quoted\" \\ word."},', text)

    def test_each_wrapper_checks_its_functions_list(self):
        table = plan.return_values(RETURN_VALUES, support.p11kit_header())
        files = render.render_shared(support.api(), support.p11kit_header(), ["test"], table)
        guard = files["function_list_guard.cpp"]
        self.assertIn("CK_RV Checked_C_SignInit(", guard)
        self.assertIn('ReturnValuesOf("C_SignInit");', guard)
        self.assertIn("guarded->C_SignInit = &Checked_C_SignInit;", guard)
        lists = files["return_value_table.cpp"]
        self.assertIn('{"C_SignInit", "5.11", kC_SignInit, sizeof kC_SignInit / sizeof kC_SignInit[0]},', lists)
        block = lists.split("const CK_RV kC_SignInit[] = {")[1].split("};")[0]
        self.assertIn("CKR_KEY_HANDLE_INVALID", block)
        self.assertNotIn("CKR_OBJECT_HANDLE_INVALID", block)

    def test_a_function_without_a_list_has_an_empty_entry(self):
        files = render.render_shared(support.api(), support.p11kit_header(), ["test"], {})
        self.assertIn('{"C_SignInit", "", nullptr, 0},', files["return_value_table.cpp"])

if __name__ == "__main__":
    unittest.main()
