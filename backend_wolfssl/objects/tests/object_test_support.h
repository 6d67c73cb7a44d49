/* Helpers for the object tests: a template builder that owns its values,
 * the FreeRTOS-style key and certificate templates, and a fixture that calls
 * the object functions the way a generated entry point does. */
#ifndef P11_OBJECTS_OBJECT_TEST_SUPPORT_H
#define P11_OBJECTS_OBJECT_TEST_SUPPORT_H

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "backend_test_support.h"
#include "test_keys.h"

namespace p11test {

using ByteVec = std::vector<std::uint8_t>;

// A template whose values live as long as it does (a copy points at its own values).
class Tmpl {
  public:
    Tmpl() = default;
    Tmpl(const Tmpl &other);
    Tmpl &operator=(const Tmpl &other);
    Tmpl(Tmpl &&) = default; // a moved deque keeps its elements where they are
    Tmpl &operator=(Tmpl &&) = default;

    Tmpl &Ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
    Tmpl &Bool(CK_ATTRIBUTE_TYPE type, bool value);
    Tmpl &Bytes(CK_ATTRIBUTE_TYPE type, const ByteVec &value);
    Tmpl &Str(CK_ATTRIBUTE_TYPE type, const std::string &value);
    Tmpl &Raw(CK_ATTRIBUTE_TYPE type, void *value, CK_ULONG len); // any pointer, any length
    CK_ATTRIBUTE *data() { return attrs_.empty() ? nullptr : attrs_.data(); }
    CK_ULONG size() const { return static_cast<CK_ULONG>(attrs_.size()); }

  private:
    void Rebind();
    std::deque<ByteVec> values_;
    std::vector<CK_ATTRIBUTE> attrs_;
    std::vector<long> owner_; // per attribute: its index in values_, or -1 (Raw)
};

// DER OIDs and points: RawPoint(32) / RawPoint(48) are real P-256 / P-384 points (test_keys.h), other sizes
// arbitrary bytes (for malformed-point tests).
extern const ByteVec kP256Params;
extern const ByteVec kP384Params;
ByteVec RawPoint(std::size_t coordinate_size); // 04 || X || Y
ByteVec DerPoint(std::size_t coordinate_size); // 04 len 04 || X || Y
ByteVec DerOctetString(const ByteVec &raw);    // 04 len raw
ByteVec Filled(std::size_t size, std::uint8_t first);

Tmpl EcPrivateTemplate(const std::string &label, bool token);
Tmpl EcPublicTemplate(const std::string &label, bool token);
Tmpl RsaPrivateTemplate(const std::string &label, bool token);
Tmpl RsaPublicTemplate(const std::string &label, bool token);
Tmpl CertificateTemplate(const std::string &label, bool token);
Tmpl DataTemplate(const std::string &label, bool token);
Tmpl SecretTemplate(const std::string &label, bool sensitive, bool extractable);

class ObjectTest : public BackendTest {
  protected:
    CK_RV Create(CK_SESSION_HANDLE h, Tmpl &t, CK_OBJECT_HANDLE *object);
    CK_OBJECT_HANDLE CreateOk(CK_SESSION_HANDLE h, Tmpl t); // adds a failure unless CKR_OK
    CK_RV Destroy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object);
    // One CKM_ECDSA signature with `key` over a fixed 32-byte hash.
    CK_RV SignOnce(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE key);
    CK_RV GetAttrs(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE *attrs, CK_ULONG count);
    CK_RV Set(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, Tmpl t);
    CK_RV Copy(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, Tmpl t, CK_OBJECT_HANDLE *copy);
    // One attribute's value; empty and a failure unless CKR_OK.
    ByteVec Get(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    CK_ULONG GetUlong(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    bool GetBool(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    // Init, FindObjects in batches of `batch` until 0, Final.
    std::vector<CK_OBJECT_HANDLE> Find(CK_SESSION_HANDLE h, Tmpl t, CK_ULONG batch = 16);
    CK_RV FindInit(CK_SESSION_HANDLE h, Tmpl &t);
    CK_RV FindNext(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE *out, CK_ULONG max, CK_ULONG *count);
    CK_RV FindFinal(CK_SESSION_HANDLE h);
};

// A test that starts with an R/W session `h`, the user logged in (both test
// profiles' user PIN is "1234"). Inline: the flash tests link this file
// without BackendTest.
class UserSessionTest : public ObjectTest {
  protected:
    void SetUp() override
    {
        ObjectTest::SetUp();
        Reopen();
    }
    // A new session `h` with the user logged in (after a restart, say).
    void Reopen()
    {
        h = Open(true);
        ASSERT_EQ(CKR_OK, Login(h, CKU_USER, "1234"));
    }
    CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
};

// PAL access for storage tests: records by label, as the backend sees them.
bool PalHas(const std::string &label);
ByteVec PalRead(const std::string &label); // empty when there is none
void PalWrite(const std::string &label, ByteVec bytes);
void PalDestroy(const std::string &label); // a failure unless it was there and went
// Rewrites an any-label store as format 1 of the index would have left it:
// pages 0 .. pages-1 removed, one index record listing the labels.
void RewriteAsFormat1(std::uint64_t next_id, const std::set<std::string> &labels, std::uint64_t pages);

} // namespace p11test

#endif // P11_OBJECTS_OBJECT_TEST_SUPPORT_H
