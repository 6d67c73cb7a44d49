/* Fuzz target: the flash PAL (pal/flash/) scanning an arbitrary flash image —
 * a power cut, worn cells, or a device written by something else — then
 * reading, saving and scanning again after a reboot.
 *
 * Input: the image of a small simulated NOR flash (4 blocks of 512 bytes;
 * shorter inputs are padded with erased bytes). Invariants beyond "no crash,
 * no sanitizer report": a value read once reads the same after a save of
 * another label and a reboot (a damaged record loses at most itself, never
 * another), and a save the PAL accepted reads back, before and after the
 * reboot. */
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core_pkcs11_pal.h"
#include "pal_flash_sim.h"

namespace {

constexpr flash_geometry kGeometry = {512, 4, 8, 256};

// The labels a token stores (objects/record_labels.h) and a few short ones;
// the seed images hold records under them (fuzz/make_seeds.cpp).
const char *const kLabels[] = {"p11forge token", "p11forge index", "p11forge index copy", "p11forge page 00000000",
                               "p11forge obj 00000001", "p11forge obj 00000002", "Device Priv TLS Key",
                               "Device Cert", "a", "b"};
const char kProbe[] = "fuzz probe";

void Require(bool holds)
{
    if (!holds) {
        std::abort();
    }
}

// The label's current value; false when it has none or cannot be read.
bool Read(const char *label, std::string *value)
{
    CK_OBJECT_HANDLE handle =
        PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(label)), std::strlen(label));
    if (handle == CK_INVALID_HANDLE) {
        return false;
    }
    CK_BYTE_PTR data = nullptr;
    CK_ULONG size = 0;
    CK_BBOOL is_private = CK_FALSE;
    if (PKCS11_PAL_GetObjectValue(handle, &data, &size, &is_private) != CKR_OK) {
        Require(data == nullptr); // a failed read hands out nothing
        return false;
    }
    value->assign(reinterpret_cast<const char *>(data), size);
    PKCS11_PAL_GetObjectValueCleanup(data, size);
    return true;
}

std::map<std::string, std::string> ReadAll()
{
    std::map<std::string, std::string> values;
    for (const char *label : kLabels) {
        std::string value;
        if (Read(label, &value)) {
            values[label] = value;
        }
    }
    return values;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    Require(flash_sim_reset(&kGeometry) == 0);
    std::vector<std::uint8_t> image(flash_sim_image_size(), 0xFF);
    std::memcpy(image.data(), data, size < image.size() ? size : image.size());
    Require(flash_sim_image_load(image.data(), image.size()) == FLASH_OK);
    if (PKCS11_PAL_Initialize() != CKR_OK) {
        return 0; // refused as a whole: nothing was read, nothing to keep
    }
    const std::map<std::string, std::string> before = ReadAll();

    const std::string probe(40, 'P');
    CK_ATTRIBUTE label = {CKA_LABEL, const_cast<char *>(kProbe), sizeof kProbe - 1};
    const bool saved = PKCS11_PAL_SaveObject(&label, reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(probe.data())),
                                             probe.size()) != CK_INVALID_HANDLE;
    std::string value;
    if (saved) {
        Require(Read(kProbe, &value) && value == probe);
    }
    Require(ReadAll() == before);

    flash_sim_power_cycle();
    p11_flash_pal_forget();
    Require(PKCS11_PAL_Initialize() == CKR_OK);
    if (saved) {
        Require(Read(kProbe, &value) && value == probe);
    }
    Require(ReadAll() == before);
    return 0;
}
