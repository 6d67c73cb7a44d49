// The lean signer (freertos-tls) with its heap failing at each allocation in
// turn, over the store the freertos module provisions (the call-sequence
// fuzz targets' store, fuzz/provision_store_main.cpp): every call of a TLS
// client's flow answers CKR_OK or CKR_HOST_MEMORY, never anything else or a
// crash, and once the heap is back the same token signs what it verifies.
// (No PKCS #11 client can make the heap fail: these are the paths the
// conformance suite cannot reach; the sanitizer build also finds what a
// failed path leaks.)
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "pal_memory.h"
#include "pkcs11.h"

extern "C" void *__real_p11_port_malloc(std::size_t size);
extern "C" void *__wrap_p11_port_malloc(std::size_t size);

namespace {

unsigned long g_calls = 0;
unsigned long g_fail_at = 0; // 0: never
bool g_refused = false;

} // namespace

extern "C" void *__wrap_p11_port_malloc(std::size_t size)
{
    if (++g_calls == g_fail_at) {
        g_refused = true;
        return nullptr;
    }
    return __real_p11_port_malloc(size);
}

namespace {

class LeanSignHeap : public ::testing::Test {
  protected:
    void SetUp() override
    {
        std::ifstream in(P11_PROVISIONED_STORE, std::ios::binary);
        store_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        ASSERT_FALSE(store_.empty()) << P11_PROVISIONED_STORE;
        ASSERT_EQ(CKR_OK, C_GetFunctionList(&fl_));
    }

    void Reload()
    {
        ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot_load(reinterpret_cast<const unsigned char *>(store_.data()),
                                                       store_.size()));
        ASSERT_EQ(CKR_OK, p11_pal_memory_restore());
    }

    // The first object of the class and key type.
    CK_RV FindKey(CK_SESSION_HANDLE session, CK_OBJECT_CLASS klass, CK_OBJECT_HANDLE *out)
    {
        CK_KEY_TYPE ec = CKK_EC;
        CK_ATTRIBUTE query[] = {{CKA_CLASS, &klass, sizeof klass}, {CKA_KEY_TYPE, &ec, sizeof ec}};
        CK_RV rv = fl_->C_FindObjectsInit(session, query, 2);
        CK_ULONG count = 0;
        rv = rv == CKR_OK ? fl_->C_FindObjects(session, out, 1, &count) : rv;
        const CK_RV final_rv = fl_->C_FindObjectsFinal(session);
        rv = rv == CKR_OK ? final_rv : rv;
        return rv == CKR_OK && count != 1 ? CKR_GENERAL_ERROR : rv;
    }

    // A TLS client's calls; the first that fails, after C_Finalize. Each
    // call may only succeed or find the heap full.
    CK_RV Flow()
    {
        CK_RV rv = fl_->C_Initialize(nullptr);
        if (rv != CKR_OK) {
            return rv;
        }
        CK_SLOT_ID slot = 0;
        CK_ULONG slots = 1;
        CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
        CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE, pub = CK_INVALID_HANDLE;
        CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, nullptr, 0};
        std::string pin = "0000", data = "handshake transcript";
        auto *bytes = reinterpret_cast<CK_BYTE *>(&data[0]);
        CK_BYTE signature[64];
        CK_ULONG signature_len = sizeof signature;
        CK_BYTE random[16];
        rv = fl_->C_GetSlotList(CK_TRUE, &slot, &slots);
        rv = rv == CKR_OK ? fl_->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session) : rv;
        rv = rv == CKR_OK ? fl_->C_Login(session, CKU_USER, reinterpret_cast<CK_UTF8CHAR *>(&pin[0]), pin.size()) : rv;
        rv = rv == CKR_OK ? FindKey(session, CKO_PRIVATE_KEY, &priv) : rv;
        rv = rv == CKR_OK ? FindKey(session, CKO_PUBLIC_KEY, &pub) : rv;
        rv = rv == CKR_OK ? fl_->C_SignInit(session, &mechanism, priv) : rv;
        rv = rv == CKR_OK ? fl_->C_Sign(session, bytes, data.size(), signature, &signature_len) : rv;
        rv = rv == CKR_OK ? fl_->C_VerifyInit(session, &mechanism, pub) : rv;
        rv = rv == CKR_OK ? fl_->C_Verify(session, bytes, data.size(), signature, signature_len) : rv;
        rv = rv == CKR_OK ? fl_->C_GenerateRandom(session, random, sizeof random) : rv;
        EXPECT_EQ(CKR_OK, fl_->C_Finalize(nullptr));
        return rv;
    }

    std::vector<char> store_;
    CK_FUNCTION_LIST *fl_ = nullptr;
};

TEST_F(LeanSignHeap, EveryRefusedAllocationIsHostMemoryAndTheTokenSignsAfterwards)
{
    unsigned long k = 1;
    for (; k < 500; ++k) {
        ASSERT_NO_FATAL_FAILURE(Reload());
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
        ASSERT_NO_FATAL_FAILURE(Reload());
        EXPECT_EQ(CKR_OK, Flow()) << "the heap is back after allocation " << k << " was refused";
    }
    RecordProperty("allocations", static_cast<int>(k - 1));
    EXPECT_GT(k, 5u) << "the flow allocates (sessions, the search, the scalar's box, the signature's integers)";
    EXPECT_LT(k, 500u) << "the flow never ran without a refusal";
}

} // namespace
