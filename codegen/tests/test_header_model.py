"""Stage 1: the header model read with libclang."""
import os
import unittest

from p11gen import header_model
from tests import support

NSS_OASIS_HEADER = "/usr/include/nss/pkcs11.h"


class P11KitHeaderTest(unittest.TestCase):
    def test_declares_the_68_functions_of_v2_40(self):
        self.assertEqual(len(support.p11kit_header().functions), 68)

    def test_function_list_members_in_struct_order(self):
        members = support.p11kit_header().function_list
        self.assertEqual(len(members), 68)
        self.assertEqual(members[:4], ("C_Initialize", "C_Finalize", "C_GetInfo", "C_GetFunctionList"))
        self.assertEqual(set(members), set(support.p11kit_header().functions))

    def test_a_header_without_the_struct_has_no_members(self):
        self.assertEqual(header_model.load([os.path.join(support.FIXTURES, "tiny_pkcs11.h")]).function_list, ())

    def test_parameters_keep_typedef_and_canonical_types(self):
        params = support.p11kit_header().functions["C_GetSlotList"].params
        self.assertEqual([p.type for p in params], ["unsigned char", "CK_SLOT_ID *", "unsigned long *"])
        self.assertEqual(params[1].canonical, "unsigned long *")
        self.assertEqual(params[1].pointee, "CK_SLOT_ID")
        self.assertEqual([p.is_pointer for p in params], [False, True, True])

    def test_function_pointer_typedef_is_a_pointer(self):
        notify = support.p11kit_header().functions["C_OpenSession"].params[3]
        self.assertEqual(notify.type, "CK_NOTIFY")
        self.assertTrue(notify.is_pointer)

    def test_constants_are_names_not_evaluated_values(self):
        constants = support.p11kit_header().constants
        self.assertIn("CKM_SHA256", constants)
        self.assertIn("CKR_PIN_INCORRECT", constants)
        self.assertIn("CK_UNAVAILABLE_INFORMATION", constants)

    def test_function_like_macros_are_not_constants(self):
        self.assertNotIn("CK_DECLARE", header_model.load([os.path.join(support.FIXTURES, "tiny_pkcs11.h")]).constants)

    def test_header_without_functions_is_an_error(self):
        with self.assertRaises(header_model.HeaderError):
            header_model.load([os.path.join(support.ROOT, "spec", "oasis_prelude.h")])


class PlatformMacrosTest(unittest.TestCase):
    """OASIS-style headers need CK_PTR, CK_DECLARE_FUNCTION, ... from the includer."""

    HEADER = os.path.join(support.FIXTURES, "oasis_style.h")

    def test_without_platform_macros_the_header_is_rejected(self):
        with self.assertRaises(header_model.HeaderError) as caught:
            header_model.load([self.HEADER])
        self.assertIn("oasis_style.h", str(caught.exception))
        self.assertIn("give --prelude spec/oasis_prelude.h", str(caught.exception), "the error says what to do")

    def test_prelude_supplies_the_platform_macros(self):
        model = header_model.load([self.HEADER], prelude=os.path.join(support.ROOT, "spec", "oasis_prelude.h"))
        params = model.functions["C_GetSlotList"].params
        self.assertEqual([p.type for p in params], ["CK_BBOOL", "CK_SLOT_ID_PTR", "CK_ULONG_PTR"])
        self.assertEqual(params[2].pointee, "CK_ULONG")

    def test_defines_supply_the_platform_macros(self):
        model = header_model.load([self.HEADER], defines=[
            "CK_PTR=*", "CK_DECLARE_FUNCTION(r,n)=r n"])
        self.assertEqual(model.functions["C_Initialize"].params[0].type, "CK_VOID_PTR")


@unittest.skipUnless(os.path.exists(NSS_OASIS_HEADER), "libnss3-dev (OASIS-style pkcs11.h) not installed")
class OasisHeaderTest(unittest.TestCase):
    """The OASIS headers as Debian ships them (NSS's copy, v3.0, platform macros set by NSS)."""

    def load(self):
        return header_model.load([NSS_OASIS_HEADER], include_dirs=["/usr/include/nspr"])

    def test_with_platform_macros_every_v2_40_function_is_read(self):
        model = self.load()
        for name, function in support.p11kit_header().functions.items():
            self.assertIn(name, model.functions)
            self.assertEqual(len(model.functions[name].params), len(function.params), name)

    def test_the_v3_0_header_keeps_the_v2_40_function_list(self):
        model = self.load()
        self.assertGreater(len(model.functions), 68)
        self.assertEqual(model.function_list, support.p11kit_header().function_list)

    def test_oasis_names_and_pointer_typedefs(self):
        params = self.load().functions["C_GetSlotList"].params
        self.assertEqual([p.name for p in params], ["tokenPresent", "pSlotList", "pulCount"])
        self.assertEqual(params[1].type, "CK_SLOT_ID_PTR")
        self.assertEqual(params[1].pointee, "CK_SLOT_ID")
        self.assertTrue(params[1].is_pointer)


if __name__ == "__main__":
    unittest.main()
