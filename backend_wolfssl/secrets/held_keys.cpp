/* The process's held keys (see held_keys.h). */
#include "secrets/held_keys.h"

#include <atomic>

namespace p11 {

namespace {

KeyRef g_device_key;
KeyRef g_token_key;
WC_RNG g_rng;
bool g_rng_ready = false;

KeyRef copy_of(const SecretKey *key)
{
    return key != nullptr ? std::make_shared<const SecretKey>(*key) : KeyRef();
}

} // namespace

void held_device_key_set(const SecretKey *key)
{
    std::atomic_store(&g_device_key, copy_of(key));
}

KeyRef held_device_key()
{
    return std::atomic_load(&g_device_key);
}

void held_token_key_set(const SecretKey *key)
{
    std::atomic_store(&g_token_key, copy_of(key));
}

KeyRef held_token_key()
{
    return std::atomic_load(&g_token_key);
}

WC_RNG *sealing_rng()
{
    return g_rng_ready ? &g_rng : nullptr;
}

bool sealing_rng_start()
{
    if (!g_rng_ready) {
        g_rng_ready = wc_InitRng(&g_rng) == 0;
    }
    return g_rng_ready;
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
