// The lean writer (freertos-keygen) with its heap failing at each allocation
// in turn, on a fresh in-memory store: a device's provisioning flow (a token
// key pair generated, a session pair, a certificate imported, an object
// destroyed) answers CKR_OK or CKR_HOST_MEMORY at every call, never anything
// else or a crash; the store is never left with half an object; and once the
// heap is back the same flow runs to the end on the same token. (No client
// can make the heap fail: these are paths the conformance suite cannot reach;
// the sanitizer build also finds what a failed path leaks.)
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "pal_memory.h"
#include "pkcs11.h"

extern "C" void *__real_p11_port_malloc(std::size_t size);
extern "C" void *__wrap_p11_port_malloc(std::size_t size);
extern "C" unsigned long __real_p11_port_heap_refusals(void);
extern "C" unsigned long __wrap_p11_port_heap_refusals(void);

namespace {

unsigned long g_calls = 0;
unsigned long g_fail_at = 0; // 0: never
bool g_refused = false;
unsigned long g_refusals = 0;

} // namespace

// A refusal is counted as the port counts its own (p11_port.h): the API lock
// turns a PAL or wolfCrypt failure that a refusal caused (a record's
// checksum not computed, say) into CKR_HOST_MEMORY.
extern "C" void *__wrap_p11_port_malloc(std::size_t size)
{
    if (++g_calls == g_fail_at) {
        g_refused = true;
        ++g_refusals;
        return nullptr;
    }
    return __real_p11_port_malloc(size);
}

extern "C" unsigned long __wrap_p11_port_heap_refusals(void)
{
    return __real_p11_port_heap_refusals() + g_refusals;
}

namespace {

const CK_BYTE kP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

class LeanKeygenHeap : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_EQ(CKR_OK, C_GetFunctionList(&fl_)); }

    CK_RV Generate(CK_SESSION_HANDLE session, CK_BBOOL token, CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
    {
        CK_MECHANISM mechanism = {CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        CK_BBOOL yes = CK_TRUE;
        CK_ATTRIBUTE pub_tmpl[] = {{CKA_EC_PARAMS, const_cast<CK_BYTE *>(kP256), sizeof kP256},
                                   {CKA_TOKEN, &token, sizeof token}};
        CK_ATTRIBUTE priv_tmpl[] = {{CKA_TOKEN, &token, sizeof token}, {CKA_PRIVATE, &yes, sizeof yes}};
        return fl_->C_GenerateKeyPair(session, &mechanism, pub_tmpl, 2, priv_tmpl, 2, pub, priv);
    }

    // How many token objects the store lists (a search without a login sees the public ones).
    CK_ULONG PublicTokenObjects(CK_SESSION_HANDLE session)
    {
        CK_BBOOL yes = CK_TRUE;
        CK_ATTRIBUTE query[] = {{CKA_TOKEN, &yes, sizeof yes}};
        CK_OBJECT_HANDLE found[16];
        CK_ULONG count = 0;
        EXPECT_EQ(CKR_OK, fl_->C_FindObjectsInit(session, query, 1));
        EXPECT_EQ(CKR_OK, fl_->C_FindObjects(session, found, 16, &count));
        EXPECT_EQ(CKR_OK, fl_->C_FindObjectsFinal(session));
        return count;
    }

    // The provisioning calls; the first that fails, after C_Finalize.
    CK_RV Flow()
    {
        CK_RV rv = fl_->C_Initialize(nullptr);
        if (rv != CKR_OK) {
            return rv;
        }
        CK_SLOT_ID slot = 0;
        CK_ULONG slots = 1;
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE session_pub = CK_INVALID_HANDLE, session_priv = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE data = CK_INVALID_HANDLE;
        CK_OBJECT_CLASS data_class = CKO_DATA;
        CK_BBOOL yes = CK_TRUE;
        std::string pin = "0000", label = "claim", value = "payload";
        CK_ATTRIBUTE data_tmpl[] = {{CKA_CLASS, &data_class, sizeof data_class},
                                    {CKA_TOKEN, &yes, sizeof yes},
                                    {CKA_LABEL, &label[0], label.size()},
                                    {CKA_VALUE, &value[0], value.size()}};
        rv = fl_->C_GetSlotList(CK_TRUE, &slot, &slots);
        rv = rv == CKR_OK ? fl_->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &session)
                          : rv;
        rv = rv == CKR_OK ? fl_->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size()) : rv;
        rv = rv == CKR_OK ? Generate(session, CK_TRUE, &pub, &priv) : rv;
        rv = rv == CKR_OK ? Generate(session, CK_FALSE, &session_pub, &session_priv) : rv;
        rv = rv == CKR_OK ? fl_->C_CreateObject(session, data_tmpl, 4, &data) : rv;
        rv = rv == CKR_OK ? fl_->C_DestroyObject(session, data) : rv;
        rv = rv == CKR_OK ? fl_->C_DestroyObject(session, session_priv) : rv;
        EXPECT_EQ(CKR_OK, fl_->C_Finalize(nullptr));
        return rv;
    }

    CK_FUNCTION_LIST *fl_ = nullptr;
};

TEST_F(LeanKeygenHeap, EveryRefusedAllocationIsHostMemoryAndLeavesNoHalfObject)
{
    unsigned long k = 1;
    for (; k < 500; ++k) {
        p11_pal_memory_reset();
        g_calls = 0;
        g_refused = false;
        g_fail_at = k;
        const CK_RV rv = Flow();
        g_fail_at = 0;
        if (!g_refused) {
            EXPECT_EQ(CKR_OK, rv) << "no allocation refused";
            break; // every allocation of the flow has been refused once
        }
        EXPECT_EQ(CKR_HOST_MEMORY, rv) << "allocation " << k << " refused";
        // The token pair is stored whole or not at all: its public half is
        // listed (alone: the private one needs a login) or nothing is.
        ASSERT_EQ(CKR_OK, fl_->C_Initialize(nullptr));
        CK_SLOT_ID slot = 0;
        CK_ULONG slots = 1;
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        ASSERT_EQ(CKR_OK, fl_->C_GetSlotList(CK_TRUE, &slot, &slots));
        ASSERT_EQ(CKR_OK, fl_->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session));
        EXPECT_LE(PublicTokenObjects(session), 2u) << "allocation " << k << ": the pair's public key and the data object";
        ASSERT_EQ(CKR_OK, fl_->C_Finalize(nullptr));
        EXPECT_EQ(CKR_OK, Flow()) << "the heap is back after allocation " << k << " was refused";
    }
    RecordProperty("allocations", static_cast<int>(k - 1));
    EXPECT_GT(k, 5u) << "the flow allocates (sessions, records, the key's integers, the session objects' table)";
    EXPECT_LT(k, 500u) << "the flow never ran without a refusal";
}

} // namespace
