"""Stage 2a: rules joined onto the header, with errors that say file:line."""
import os
import textwrap
import unittest

from p11gen import header_model, spec_model
from p11gen.errors import SpecError
from tests import support

TINY_RULES = """
check_order:
  - {check: initialized, rv: CKR_OK, cite: x}
roles:
  init_args: {pointer: true}
  session: {pointer: false}
  in_buffer: {pointer: true}
  in_len: {pointer: false}
  out_buffer: {pointer: true}
  inout_len: {pointer: true}
also_applicable:
  operation: [CKR_ARGUMENTS_BAD]
functions:
  C_Initialize:
    section: "5.4"
    family: Initialize
    params:
      - {name: pInitArgs, role: init_args}
  C_Digest:
    section: "5.10"
    family: Digest
    params:
      - {name: hSession, role: session}
      - {name: pData, role: in_buffer, length: ulDataLen}
      - {name: ulDataLen, role: in_len}
      - {name: pDigest, role: out_buffer, length: pulDigestLen}
      - {name: pulDigestLen, role: inout_len}
  C_CloseSession:
    section: "5.6"
    family: Session
    params:
      - {name: hSession, role: session}
"""


class RealRulesTest(unittest.TestCase):
    def test_every_v2_40_function_has_a_rule(self):
        api = support.api()
        self.assertEqual(len(api.functions), 68)
        self.assertEqual(api.unruled, [])

    def test_spec_names_replace_header_names(self):
        login = support.api().functions["C_Login"]
        self.assertEqual([p.name for p in login.params], ["hSession", "userType", "pPin", "ulPinLen"])
        self.assertEqual(login.param("pPin").length, "ulPinLen")

    def test_families_group_functions(self):
        self.assertEqual(support.api().families["Sign"], ["C_SignInit", "C_Sign", "C_SignUpdate", "C_SignFinal"])


class RuleErrorTest(support.TempDirMixin, unittest.TestCase):
    def load(self, rules_text):
        support.write_files(self.tmp, {"rules.yaml": rules_text})
        header = header_model.load([os.path.join(support.FIXTURES, "tiny_pkcs11.h")])
        return spec_model.load(os.path.join(self.tmp, "rules.yaml"), header)

    def assert_error(self, rules_text, marker, words, below=0):
        """The error names rules.yaml, the line holding `marker` (or `below` it), and says `words`."""
        lines = textwrap.dedent(rules_text).lstrip("\n").splitlines()
        line = next(i for i, text in enumerate(lines, 1) if marker in text) + below
        with self.assertRaises(SpecError) as caught:
            self.load(rules_text)
        self.assertTrue(caught.exception.path.endswith("rules.yaml"))
        self.assertEqual(caught.exception.line, line, str(caught.exception))
        self.assertIn(words, caught.exception.reason)

    def test_tiny_rules_join(self):
        api = self.load(TINY_RULES)
        self.assertEqual(list(api.functions), ["C_Initialize", "C_Digest", "C_CloseSession"])

    def test_rule_for_a_parameter_the_header_lacks(self):
        text = TINY_RULES.replace(
            "    family: Session\n    params:\n      - {name: hSession, role: session}\n",
            "    family: Session\n    params:\n      - {name: hSession, role: session}\n"
            "      - {name: pExtra, role: in_buffer}\n")
        self.assert_error(text, "pExtra", "rule for parameter pExtra, which the header lacks")

    def test_missing_parameter_rule(self):
        text = TINY_RULES.replace("      - {name: pDigest, role: out_buffer, length: pulDigestLen}\n", "")
        self.assert_error(text.replace("      - {name: pulDigestLen, role: inout_len}\n", ""),
                          "family: Digest", "3 parameter rules but the header declares 5", below=1)

    def test_rule_for_a_function_the_header_lacks(self):
        text = TINY_RULES + "  C_Bogus:\n    section: '5.4'\n    family: X\n    params: []\n"
        self.assert_error(text, "C_Bogus:", "C_Bogus, which the header does not declare")

    def test_rule_for_a_v30_function_is_refused_before_it_could_generate_code(self):
        text = TINY_RULES + "  C_SessionCancel:\n    section: '5.6'\n    family: Session\n    params: []\n"
        self.assert_error(text, "C_SessionCancel:", "C_SessionCancel, a PKCS #11 v3.0 function: the generator writes "
                                                    "the v2.40 function list (CK_FUNCTION_LIST) only")

    def test_pointer_role_on_a_value(self):
        text = TINY_RULES.replace("{name: ulDataLen, role: in_len}", "{name: ulDataLen, role: out_buffer}")
        self.assert_error(text, "name: ulDataLen", "role 'out_buffer' needs a pointer")

    def test_value_role_on_a_pointer(self):
        text = TINY_RULES.replace("{name: pDigest, role: out_buffer, length: pulDigestLen}",
                                  "{name: pDigest, role: session}")
        self.assert_error(text, "name: pDigest", "role 'session' needs a value")

    def test_unknown_role(self):
        text = TINY_RULES.replace("{name: pInitArgs, role: init_args}", "{name: pInitArgs, role: bogus}")
        self.assert_error(text, "role: bogus", "unknown role 'bogus'")

    def test_length_must_name_a_parameter_with_the_right_role(self):
        text = TINY_RULES.replace("length: ulDataLen", "length: pulDigestLen")
        self.assert_error(text, "name: pData", "expected in_len")

    def test_unknown_key_in_a_parameter(self):
        text = TINY_RULES.replace("{name: hSession, role: session}\n      - {name: pData",
                                  "{name: hSession, role: session, nullable: yes}\n      - {name: pData")
        self.assert_error(text, "nullable", "unknown parameter key 'nullable'")

    def test_yaml_syntax_error_has_a_line(self):
        self.assert_error(TINY_RULES.replace("  C_CloseSession:", "  C_CloseSession: [oops"), 'section: "5.6"', "expected")


if __name__ == "__main__":
    unittest.main()
