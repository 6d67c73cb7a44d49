// Behaviour of the in-memory PAL: the same contract as the POSIX PAL, plus
// p11_pal_memory_reset and the tests' counts and faults.
#include "core_pkcs11_pal.h"
#include "core_pkcs11_pal_device_key.h"
#include "pal_memory.h"
#include "pal_test_helpers.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace std::string_literals;
using p11test::Find;
using p11test::Get;
using p11test::Save;

namespace {

class PalMemoryTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        p11_pal_memory_reset();
        ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    }
    void TearDown() override { p11_pal_memory_reset(); }
};

TEST_F(PalMemoryTest, SaveThenFindReturnsSameHandle)
{
    CK_OBJECT_HANDLE saved = Save("Device Cert", "cert bytes");
    ASSERT_NE(CK_INVALID_HANDLE, saved);
    EXPECT_EQ(saved, Find("Device Cert"));
}

TEST_F(PalMemoryTest, SaveThenGetReturnsValueMarkedPrivate)
{
    CK_OBJECT_HANDLE handle = Save("Device Priv TLS Key", "key\0bytes"s);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    std::string value;
    CK_BBOOL is_private = CK_FALSE;
    ASSERT_EQ(CKR_OK, Get(handle, &value, &is_private));
    EXPECT_EQ("key\0bytes"s, value);
    EXPECT_EQ(CK_TRUE, is_private);
}

TEST_F(PalMemoryTest, DifferentLabelsGetDifferentHandles)
{
    CK_OBJECT_HANDLE cert = Save("Device Cert", "c");
    CK_OBJECT_HANDLE key = Save("Device Priv TLS Key", "k");
    ASSERT_NE(CK_INVALID_HANDLE, cert);
    ASSERT_NE(CK_INVALID_HANDLE, key);
    EXPECT_NE(cert, key);
}

TEST_F(PalMemoryTest, ReplaceKeepsHandleAndNewValue)
{
    CK_OBJECT_HANDLE first = Save("Root Cert", "old value, longer than new");
    ASSERT_NE(CK_INVALID_HANDLE, first);
    EXPECT_EQ(first, Save("Root Cert", "new"));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(first, &value));
    EXPECT_EQ("new", value);
    EXPECT_EQ(first, Find("Root Cert"));
}

TEST_F(PalMemoryTest, MissingLabelIsNotFound)
{
    EXPECT_EQ(CK_INVALID_HANDLE, Find("JITP Cert"));
}

TEST_F(PalMemoryTest, UnknownHandleIsInvalid)
{
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(CK_INVALID_HANDLE, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(0x7fffffff, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(0x7fffffff));
}

TEST_F(PalMemoryTest, DestroyedObjectIsNotFound)
{
    CK_OBJECT_HANDLE handle = Save("Claim Key", "secret");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle));

    EXPECT_EQ(CK_INVALID_HANDLE, Find("Claim Key"));
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(handle, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(handle));
}

TEST_F(PalMemoryTest, ResaveAfterDestroyKeepsHandle)
{
    CK_OBJECT_HANDLE handle = Save("Claim Cert", "one");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(handle));
    EXPECT_EQ(handle, Save("Claim Cert", "two"));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("two", value);
}

TEST_F(PalMemoryTest, EmptyValueRoundTrips)
{
    CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>("HMAC Key"), 8};
    CK_OBJECT_HANDLE handle = PKCS11_PAL_SaveObject(&label, nullptr, 0);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    EXPECT_EQ(handle, Find("HMAC Key"));
    std::string value = "not cleared";
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("", value);
}

TEST_F(PalMemoryTest, SurvivesReinitialize)
{
    CK_OBJECT_HANDLE handle = Save("Code Verify Key", "pubkey");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    ASSERT_EQ(CKR_OK, PKCS11_PAL_Initialize());
    EXPECT_EQ(handle, Find("Code Verify Key"));
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("pubkey", value);
}

TEST_F(PalMemoryTest, LabelsWithArbitraryBytes)
{
    const std::vector<std::string> labels = {
        "../../etc/passwd"s, "a/b"s,  "\0"s,         "\0\0"s, "\xff\xfe\x80"s,
        "Device Cert"s,      "Device Cert\0"s, "Device"s, ""s,     " "s,
        std::string(4096, 'L')};
    std::set<CK_OBJECT_HANDLE> handles;
    for (size_t i = 0; i < labels.size(); i++) {
        CK_OBJECT_HANDLE handle = Save(labels[i], "value " + std::to_string(i));
        ASSERT_NE(CK_INVALID_HANDLE, handle) << i;
        handles.insert(handle);
    }
    EXPECT_EQ(labels.size(), handles.size());
    for (size_t i = 0; i < labels.size(); i++) {
        std::string value;
        ASSERT_EQ(CKR_OK, Get(Find(labels[i]), &value)) << i;
        EXPECT_EQ("value " + std::to_string(i), value) << i;
    }
}

TEST_F(PalMemoryTest, SaveCopiesTheCallersBuffer)
{
    std::string buffer = "original";
    CK_OBJECT_HANDLE handle = Save("Device Cert", buffer);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    buffer.assign("changed!");
    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("original", value);
}

TEST_F(PalMemoryTest, GetReturnsAnIndependentCopy)
{
    CK_OBJECT_HANDLE handle = Save("Device Cert", "stored");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    ASSERT_EQ(CKR_OK,
              PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private));
    ASSERT_EQ(6u, size);
    data[0] = 'X';
    PKCS11_PAL_GetObjectValueCleanup(data, size);

    std::string value;
    ASSERT_EQ(CKR_OK, Get(handle, &value));
    EXPECT_EQ("stored", value);
}

TEST_F(PalMemoryTest, ResetForgetsEverything)
{
    CK_OBJECT_HANDLE handle = Save("Device Cert", "c");
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    p11_pal_memory_reset();

    EXPECT_EQ(CK_INVALID_HANDLE, Find("Device Cert"));
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(handle, &value));
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_DestroyObject(handle));
}

TEST_F(PalMemoryTest, ResetStartsAFreshStore)
{
    // After a reset the store is empty, and a handle from before it never
    // reads what a new label holds.
    CK_OBJECT_HANDLE first = Save("Device Cert", "c");
    ASSERT_NE(CK_INVALID_HANDLE, first);
    ASSERT_NE(CK_INVALID_HANDLE, Save("Root Cert", "r"));
    p11_pal_memory_reset();

    CK_OBJECT_HANDLE claim = Save("Claim Key", "k");
    ASSERT_NE(CK_INVALID_HANDLE, claim);
    EXPECT_NE(first, claim);
    std::string value;
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, Get(first, &value));
    ASSERT_EQ(CKR_OK, Get(claim, &value));
    EXPECT_EQ("k", value);
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Root Cert"));
}

TEST_F(PalMemoryTest, NullArgumentsAreRejected)
{
    CK_BYTE data[] = {1, 2, 3};
    CK_ATTRIBUTE no_value = {CKA_LABEL, nullptr, 4};
    CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>("Root"), 4};
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(nullptr, data, 3));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(&no_value, data, 3));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_SaveObject(&label, nullptr, 3));
    EXPECT_EQ(CK_INVALID_HANDLE, PKCS11_PAL_FindObject(nullptr, 4));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Root"));

    CK_OBJECT_HANDLE handle = PKCS11_PAL_SaveObject(&label, data, 3);
    ASSERT_NE(CK_INVALID_HANDLE, handle);
    CK_BYTE_PTR out = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    EXPECT_EQ(CKR_ARGUMENTS_BAD,
              PKCS11_PAL_GetObjectValue(handle, nullptr, &size, &is_private));
    EXPECT_EQ(CKR_ARGUMENTS_BAD,
              PKCS11_PAL_GetObjectValue(handle, &out, nullptr, &is_private));
    EXPECT_EQ(CKR_ARGUMENTS_BAD,
              PKCS11_PAL_GetObjectValue(handle, &out, &size, nullptr));
    EXPECT_EQ(nullptr, out);
    PKCS11_PAL_GetObjectValueCleanup(nullptr, 0); // a no-op, not a crash
}

TEST_F(PalMemoryTest, ConcurrentSavesKeepOneHandlePerLabelAndWholeValues)
{
    constexpr int kThreads = 4;
    constexpr int kRounds = 200;
    std::vector<CK_OBJECT_HANDLE> own(kThreads), shared(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([t, &own, &shared] {
            std::string value(100 + 1000 * t, static_cast<char>('a' + t));
            for (int i = 0; i < kRounds; i++) {
                CK_OBJECT_HANDLE h = Save("own " + std::to_string(t), value);
                CK_OBJECT_HANDLE s = Save("shared", value);
                std::string read;
                if (h == CK_INVALID_HANDLE || s == CK_INVALID_HANDLE ||
                    (i > 0 && (h != own[t] || s != shared[t])) ||
                    Get(s, &read) != CKR_OK || read.empty() ||
                    read != std::string(read.size(), read[0])) {
                    own[t] = shared[t] = CK_INVALID_HANDLE;
                    return;
                }
                own[t] = h;
                shared[t] = s;
            }
        });
    }
    for (auto &thread : threads) {
        thread.join();
    }

    for (int t = 0; t < kThreads; t++) {
        ASSERT_NE(CK_INVALID_HANDLE, own[t]) << t;
        EXPECT_EQ(own[t], Find("own " + std::to_string(t)));
        EXPECT_EQ(shared[0], shared[t]);
    }
    std::string value;
    ASSERT_EQ(CKR_OK, Get(shared[0], &value));
    ASSERT_FALSE(value.empty());
    size_t t = static_cast<size_t>(value[0] - 'a');
    ASSERT_LT(t, static_cast<size_t>(kThreads));
    EXPECT_EQ(std::string(100 + 1000 * t, static_cast<char>('a' + t)), value);
}

TEST_F(PalMemoryTest, CountsStoredValuesAndValuesNotHandedBack)
{
    CK_OBJECT_HANDLE handle = Save("a", "one");
    Save("a", "two");
    EXPECT_EQ(2u, p11_pal_memory_counts().saves);
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    ASSERT_EQ(CKR_OK, PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private));
    EXPECT_EQ(1u, p11_pal_memory_counts().values_out);
    PKCS11_PAL_GetObjectValueCleanup(data, size);
    EXPECT_EQ(0u, p11_pal_memory_counts().values_out);
    EXPECT_EQ(CKR_OBJECT_HANDLE_INVALID, PKCS11_PAL_GetObjectValue(handle + 100, &data, &size, &is_private));
    EXPECT_EQ(0u, p11_pal_memory_counts().values_out) << "a failed read hands out nothing";
    p11_pal_memory_reset();
    EXPECT_EQ(0u, p11_pal_memory_counts().saves);
}

TEST_F(PalMemoryTest, InitializeFailsWhileAskedTo)
{
    p11_pal_memory_fail_initialize(CKR_DEVICE_ERROR);
    EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_Initialize());
    p11_pal_memory_reset();
    EXPECT_EQ(CKR_DEVICE_ERROR, PKCS11_PAL_Initialize()) << "a reset forgets the store, not the fault";
    p11_pal_memory_fail_initialize(CKR_OK);
    EXPECT_EQ(CKR_OK, PKCS11_PAL_Initialize());
}

} // namespace

namespace {

std::string DeviceKey()
{
    std::string key(P11_PAL_DEVICE_KEY_SIZE, '\0');
    EXPECT_EQ(CKR_OK, PKCS11_PAL_GetDeviceKey(reinterpret_cast<CK_BYTE_PTR>(key.data()), key.size()));
    return key;
}

TEST_F(PalMemoryTest, RestoreGivesBackTheSnapshotsValuesAndDeviceKey)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "cert"));
    ASSERT_NE(CK_INVALID_HANDLE, Save("Root Cert", "root\0bytes"s));
    CK_OBJECT_HANDLE gone = Save("Claim Key", "k");
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(gone));
    const std::string device_key = DeviceKey();
    ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot());

    // What happens after the snapshot is undone by a restore: a replaced,
    // a destroyed and a new label.
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "other"));
    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("Root Cert")));
    ASSERT_NE(CK_INVALID_HANDLE, Save("New Key", "n"));
    ASSERT_EQ(CKR_OK, p11_pal_memory_restore());

    std::string value;
    ASSERT_EQ(CKR_OK, Get(Find("Device Cert"), &value));
    EXPECT_EQ("cert", value);
    ASSERT_EQ(CKR_OK, Get(Find("Root Cert"), &value));
    EXPECT_EQ("root\0bytes"s, value);
    EXPECT_EQ(CK_INVALID_HANDLE, Find("New Key"));
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Claim Key")) << "destroyed before the snapshot";
    EXPECT_EQ(device_key, DeviceKey()) << "sealed records must still open";
}

TEST_F(PalMemoryTest, RestoreCanBeRepeatedFromOneSnapshot)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "cert"));
    ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot());
    for (int round = 0; round < 3; ++round) {
        ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("Device Cert")));
        ASSERT_EQ(CKR_OK, p11_pal_memory_restore());
        std::string value;
        ASSERT_EQ(CKR_OK, Get(Find("Device Cert"), &value));
        EXPECT_EQ("cert", value);
    }
    EXPECT_EQ(0UL, p11_pal_memory_counts().values_out);
}

} // namespace

namespace {

// Snapshot bytes written by one program (a provisioning module's) are read
// by another: here, written, the store and its device key wiped, read back.
TEST_F(PalMemoryTest, SnapshotBytesReadBackGiveTheSameStoreAndDeviceKey)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "cert"));
    ASSERT_NE(CK_INVALID_HANDLE, Save("Empty", ""));
    ASSERT_NE(CK_INVALID_HANDLE, Save("Root Cert", "root\0bytes"s));
    const std::string device_key = DeviceKey();
    ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot());
    size_t len = 0;
    unsigned char *bytes = p11_pal_memory_snapshot_bytes(&len);
    ASSERT_NE(nullptr, bytes);
    const std::vector<unsigned char> kept(bytes, bytes + len);
    free(bytes);

    p11_pal_memory_reset();
    ASSERT_NE(CK_INVALID_HANDLE, Save("Other", "o"));
    ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot()); // a snapshot the load replaces
    ASSERT_NE(device_key, DeviceKey()) << "a reset makes a new device key";
    ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot_load(kept.data(), kept.size()));
    ASSERT_EQ(CKR_OK, p11_pal_memory_restore());

    std::string value;
    ASSERT_EQ(CKR_OK, Get(Find("Device Cert"), &value));
    EXPECT_EQ("cert", value);
    ASSERT_EQ(CKR_OK, Get(Find("Empty"), &value));
    EXPECT_EQ("", value);
    ASSERT_EQ(CKR_OK, Get(Find("Root Cert"), &value));
    EXPECT_EQ("root\0bytes"s, value);
    EXPECT_EQ(CK_INVALID_HANDLE, Find("Other"));
    EXPECT_EQ(device_key, DeviceKey());
}

TEST_F(PalMemoryTest, SnapshotBytesNotWrittenByTheStoreAreRefusedAndChangeNothing)
{
    ASSERT_NE(CK_INVALID_HANDLE, Save("Device Cert", "cert"));
    ASSERT_EQ(CKR_OK, p11_pal_memory_snapshot());
    size_t len = 0;
    unsigned char *bytes = p11_pal_memory_snapshot_bytes(&len);
    ASSERT_NE(nullptr, bytes);
    std::vector<unsigned char> good(bytes, bytes + len);
    free(bytes);
    // Every shorter prefix, a byte too many, another magic.
    for (size_t cut = 0; cut < good.size(); ++cut) {
        EXPECT_EQ(CKR_ARGUMENTS_BAD, p11_pal_memory_snapshot_load(good.data(), cut)) << cut << " bytes";
    }
    std::vector<unsigned char> longer = good;
    longer.push_back(0);
    EXPECT_EQ(CKR_ARGUMENTS_BAD, p11_pal_memory_snapshot_load(longer.data(), longer.size()));
    std::vector<unsigned char> other = good;
    other[0] ^= 1;
    EXPECT_EQ(CKR_ARGUMENTS_BAD, p11_pal_memory_snapshot_load(other.data(), other.size()));
    EXPECT_EQ(CKR_ARGUMENTS_BAD, p11_pal_memory_snapshot_load(nullptr, 0));

    ASSERT_EQ(CKR_OK, PKCS11_PAL_DestroyObject(Find("Device Cert")));
    ASSERT_EQ(CKR_OK, p11_pal_memory_restore());
    std::string value;
    ASSERT_EQ(CKR_OK, Get(Find("Device Cert"), &value)) << "the refused loads kept the snapshot";
    EXPECT_EQ("cert", value);
}

} // namespace
