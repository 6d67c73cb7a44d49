/* The process's held keys (see held_keys.h). */
#include "secrets/held_keys.h"

#include <atomic>

#include "crypto/wolfcrypt_failure.h"

namespace p11 {

namespace {

KeyRef g_device_key;
KeyRef g_token_key;
// Guards the two references for a pointer copy or swap (a reader's count
// must rise before a setter can drop the last one); the allocation, the wipe
// and the free happen outside it. Firmware runs one call at a time, so it
// never spins there.
std::atomic_flag g_keys_busy = ATOMIC_FLAG_INIT;
WC_RNG g_rng;
bool g_rng_ready = false;

class KeysGuard {
  public:
    KeysGuard()
    {
        while (g_keys_busy.test_and_set(std::memory_order_acquire)) {
        }
    }
    ~KeysGuard() { g_keys_busy.clear(std::memory_order_release); }
    KeysGuard(const KeysGuard &) = delete;
    KeysGuard &operator=(const KeysGuard &) = delete;
};

void replace(KeyRef *held, const SecretKey *key)
{
    KeyRef fresh = key != nullptr ? KeyRef(make_ref<SecretKey>(*key)) : KeyRef();
    {
        KeysGuard guard;
        held->swap(fresh);
    }
    // fresh now holds the old key: wiped here if no reader still has it.
}

KeyRef snapshot(const KeyRef &held)
{
    KeysGuard guard;
    return held;
}

} // namespace

void held_device_key_set(const SecretKey *key)
{
    replace(&g_device_key, key);
}

KeyRef held_device_key()
{
    return snapshot(g_device_key);
}

void held_token_key_set(const SecretKey *key)
{
    replace(&g_token_key, key);
}

KeyRef held_token_key()
{
    return snapshot(g_token_key);
}

WC_RNG *sealing_rng()
{
    return g_rng_ready ? &g_rng : nullptr;
}

CK_RV sealing_rng_start()
{
    if (!g_rng_ready) {
        const int rc = wc_InitRng(&g_rng);
        if (rc != 0) {
            return wolfcrypt_failure(rc);
        }
        g_rng_ready = true;
    }
    return CKR_OK;
}

void held_keys_stop()
{
    held_device_key_set(nullptr);
    held_token_key_set(nullptr);
    if (g_rng_ready) {
        wc_FreeRng(&g_rng);
        g_rng_ready = false;
    }
}

} // namespace p11
