/* Writes the seed corpus of the fuzz targets: well-formed records of every
 * kind the store holds (fuzz/corpus/store_records/) and flash images with a
 * few objects, replaced and destroyed ones among them (fuzz/corpus/flash_image/).
 * The seeds are checked in; run this again only when a format changes:
 *
 *   build/fuzz/fuzz/p11fuzz_make_seeds fuzz/corpus
 */
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "core_pkcs11_pal.h"
#include "objects/index_records.h"
#include "objects/index_v1.h"
#include "pal_flash_sim.h"
#include "store_fuzz_keys.h"
#include "token_record.h"
#include "wolfcrypt.h"

using namespace p11;

namespace {

constexpr flash_geometry kGeometry = {512, 4, 8, 256}; // as flash_image_fuzz.cpp

void Write(const std::string &path, std::uint8_t selector, const std::vector<std::uint8_t> &bytes, bool with_selector)
{
    std::ofstream out(path, std::ios::binary);
    if (with_selector) {
        out.put(static_cast<char>(selector));
    }
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void StoreRecords(const std::string &dir)
{
    WC_RNG rng;
    if (wc_InitRng(&rng) != 0) {
        std::fprintf(stderr, "no RNG\n");
        return;
    }
    AttributeSet data;
    data.set_ulong(CKA_CLASS, CKO_DATA);
    data.set_bool(CKA_TOKEN, true);
    data.set_bool(CKA_PRIVATE, false);
    data.set(CKA_LABEL, "seed data", 9);
    data.set(CKA_VALUE, "\x00\x01\x02", 3);
    AttributeSet key;
    key.set_ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    key.set_ulong(CKA_KEY_TYPE, CKK_EC);
    key.set_bool(CKA_TOKEN, true);
    key.set_bool(CKA_PRIVATE, true);
    key.set_bool(CKA_SIGN, true);
    key.set(CKA_LABEL, "Device Priv TLS Key", 19);
    const std::uint8_t p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    key.set(CKA_EC_PARAMS, p256, sizeof p256);
    std::vector<std::uint8_t> scalar(32, 0x5A);
    key.set(CKA_VALUE, scalar.data(), scalar.size());
    int n = 0;
    for (const AttributeSet *attrs : {&data, &key}) {
        Bytes record;
        if (object_record_encode(*attrs, StoreFuzzKeys(), rng, &record) == CKR_OK) {
            Write(dir + "/object-" + std::to_string(n++), 0, std::vector<std::uint8_t>(record.begin(), record.end()),
                  true);
        }
    }
    TokenRecord token;
    token.token_initialized = true;
    token.user_pin_initialized = true;
    std::memcpy(token.label, "FreeRTOS                        ", sizeof token.label);
    token.user_pin.present = true;
    token.user_pin.iterations = 1000;
    token.so_pin.present = true;
    token.so_pin.iterations = 1000;
    std::vector<std::uint8_t> token_bytes(token_record_size());
    if (token_record_encode(token, token_bytes.data())) {
        Write(dir + "/token", 1, token_bytes, true);
    }
    IndexHead head;
    head.end_page = 1;
    Write(dir + "/index-head", 2, index_head_encode(head), true);
    IndexPage page;
    page.used = 3;
    page.live.set(0);
    page.live.set(2);
    Write(dir + "/index-page", 3, index_page_encode(page), true);
    IndexV1 v1;
    v1.next_id = 3;
    v1.labels = {object_record_label(1), object_record_label(2)};
    Write(dir + "/index-v1", 4, index_v1_encode(v1), true);
    wc_FreeRng(&rng);
}

CK_OBJECT_HANDLE Save(const char *label, const std::string &value)
{
    CK_ATTRIBUTE attribute = {CKA_LABEL, const_cast<char *>(label), static_cast<CK_ULONG>(std::strlen(label))};
    return PKCS11_PAL_SaveObject(&attribute, reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>(value.data())),
                                 value.size());
}

void Image(const std::string &path)
{
    std::vector<std::uint8_t> image(flash_sim_image_size());
    if (flash_sim_image_save(image.data(), image.size()) == FLASH_OK) {
        Write(path, 0, image, false);
    }
}

void FlashImages(const std::string &dir)
{
    flash_sim_reset(&kGeometry);
    PKCS11_PAL_Initialize();
    Image(dir + "/blank");
    Save("p11forge token", std::string(120, 'T'));
    Save("a", "first");
    Save("Device Cert", std::string(300, 'C'));
    Image(dir + "/three-objects");
    Save("a", "second, replacing the first");
    PKCS11_PAL_DestroyObject(PKCS11_PAL_FindObject(reinterpret_cast<CK_BYTE_PTR>(const_cast<char *>("Device Cert")),
                                                   11));
    Save("b", std::string(200, 'b'));
    for (int i = 0; i < 6; ++i) {
        Save("p11forge obj 00000001", std::string(150 + i, static_cast<char>('0' + i))); // forces compaction
    }
    Image(dir + "/replaced-destroyed-compacted");
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR (with store_records/ and flash_image/)\n", argv[0]);
        return 2;
    }
    const std::string root = argv[1];
    StoreRecords(root + "/store_records");
    FlashImages(root + "/flash_image");
    return 0;
}
