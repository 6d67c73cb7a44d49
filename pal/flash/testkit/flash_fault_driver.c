/* The fault layer of the PAL test kit (see flash_fault_driver.h). */
#include "flash_fault_driver.h"

#include <string.h>

#include "p11_port.h"

#define MAX_FLIPS 8

static const struct p11_flash_driver *target;
static struct p11_flash_driver faulty;
static struct {
    int armed;
    unsigned long ops_before_cut;
    int off; /* the cut was reached */
    int silent_armed;
    unsigned long ops_before_silent;
    uint32_t random;
    unsigned long operations;
    size_t flip_offset[MAX_FLIPS];
    unsigned char flip_mask[MAX_FLIPS];
    size_t flips;
} state;

/* xorshift32: the tears' bits, reproducible from the seed. */
static uint32_t next_random(void)
{
    uint32_t x = state.random ? state.random : 0x9E3779B9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    state.random = x;
    return x;
}

/* 1 when this program/erase is the one the cut tears. */
static int reaches_cut(void)
{
    state.operations++;
    if (!state.armed) {
        return 0;
    }
    if (state.ops_before_cut == 0) {
        state.off = 1;
        state.armed = 0;
        return 1;
    }
    state.ops_before_cut--;
    return 0;
}

static int faulty_read(size_t offset, void *out, size_t len)
{
    if (state.off) {
        return -1;
    }
    if (target->read(offset, out, len) != 0) {
        return -1;
    }
    for (size_t i = 0; i < state.flips; i++) {
        if (state.flip_offset[i] >= offset && state.flip_offset[i] - offset < len) {
            ((unsigned char *)out)[state.flip_offset[i] - offset] ^= state.flip_mask[i];
        }
    }
    return 0;
}

/* Programs a random subset of the bits data clears (NOR only clears). */
static void program_torn(size_t offset, const unsigned char *data, size_t len)
{
    unsigned char chunk[64];
    for (size_t done = 0; done < len; done += sizeof chunk) {
        size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
        for (size_t i = 0; i < n; i++) {
            chunk[i] = (unsigned char)(data[done + i] | next_random());
        }
        (void)target->program(offset + done, chunk, n);
    }
}

/* 1 when this program is the one that silently drops bits. */
static int reaches_silent(void)
{
    if (!state.silent_armed) {
        return 0;
    }
    if (state.ops_before_silent == 0) {
        state.silent_armed = 0;
        return 1;
    }
    state.ops_before_silent--;
    return 0;
}

static int faulty_program(size_t offset, const void *data, size_t len)
{
    if (state.off) {
        return -1;
    }
    const int silent = reaches_silent();
    if (reaches_cut()) {
        program_torn(offset, data, len);
        return -1;
    }
    if (silent) {
        program_torn(offset, data, len);
        return 0;
    }
    return target->program(offset, data, len);
}

static int faulty_erase(size_t sector)
{
    if (state.off) {
        return -1;
    }
    (void)reaches_silent(); /* counts operations, as a cut does */
    if (reaches_cut()) {
        /* Neither erased nor as it was: erased, then random bits cleared
         * over a random part of it, one program unit at a time. */
        (void)target->erase(sector);
        unsigned char unit[256];
        const size_t u = target->program_unit;
        const size_t base = sector * target->sector_size;
        for (size_t at = (next_random() % (target->sector_size / u)) * u; at < target->sector_size; at += u) {
            for (size_t i = 0; i < u; i++) {
                unit[i] = (unsigned char)(next_random() | next_random());
            }
            (void)target->program(base + at, unit, u);
        }
        return -1;
    }
    return target->erase(sector);
}

void flash_faults_attach(const struct p11_flash_driver *t)
{
    target = t;
    faulty = *t;
    faulty.read = faulty_read;
    faulty.program = faulty_program;
    faulty.erase = faulty_erase;
    memset(&state, 0, sizeof state);
}

const struct p11_flash_driver *flash_faults_driver(void)
{
    return target == NULL ? NULL : &faulty;
}

void flash_faults_cut_after(unsigned long n, uint32_t seed)
{
    state.armed = 1;
    state.ops_before_cut = n;
    state.off = 0;
    state.random = seed;
}

void flash_faults_silent_program_after(unsigned long n, uint32_t seed)
{
    state.silent_armed = 1;
    state.ops_before_silent = n;
    state.random = seed;
}

int flash_faults_cut_reached(void)
{
    return state.off;
}

void flash_faults_power_cycle(void)
{
    state.silent_armed = 0;
    state.armed = 0;
    state.off = 0;
}

int flash_faults_flip_on_read(size_t offset, unsigned bit)
{
    if (state.flips == MAX_FLIPS || bit > 7) {
        return 0;
    }
    state.flip_offset[state.flips] = offset;
    state.flip_mask[state.flips] = (unsigned char)(1u << bit);
    state.flips++;
    return 1;
}

void flash_faults_clear_flips(void)
{
    state.flips = 0;
}

unsigned long flash_faults_operations(void)
{
    return state.operations;
}

size_t flash_faults_size(void)
{
    return target == NULL ? 0 : target->sector_size * target->sector_count;
}

int flash_faults_snapshot(unsigned char *out)
{
    return target->read(0, out, flash_faults_size());
}

static int all_erased(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] != 0xFF) {
            return 0;
        }
    }
    return 1;
}

int flash_faults_restore(const unsigned char *in)
{
    const size_t u = target->program_unit;
    for (size_t s = 0; s < target->sector_count; s++) {
        if (target->erase(s) != 0) {
            return -1;
        }
        for (size_t at = 0; at < target->sector_size; at += u) {
            const size_t offset = s * target->sector_size + at;
            if (!all_erased(in + offset, u) && target->program(offset, in + offset, u) != 0) {
                return -1;
            }
        }
    }
    return 0;
}
