/* The simulated NOR flash and its fault injector (see flash_device.h). */
#include "flash_device.h"

#include <stdlib.h>
#include <string.h>

static struct {
    struct flash_geometry geometry;
    unsigned char *bytes; /* NULL: no device */
    size_t size;
    int cut_armed;
    unsigned long ops_before_cut;
    int powered_off; /* the cut has been reached */
    struct flash_counters counters;
    unsigned char *weak; /* per block: erased by an erase cut near its end */
} dev;

static enum flash_status refuse(enum flash_status status)
{
    dev.counters.failed++;
    return status;
}

enum flash_status flash_device_create(const struct flash_geometry *geometry)
{
    if (geometry == NULL || geometry->write_unit == 0 || (geometry->write_unit & (geometry->write_unit - 1)) != 0 ||
        geometry->block_count < 2 ||
        geometry->block_size < 2 * geometry->write_unit || geometry->block_size % geometry->write_unit != 0 ||
        geometry->block_count > SIZE_MAX / geometry->block_size ||
        (geometry->page_size != 0 &&
         (geometry->page_size % geometry->write_unit != 0 || geometry->block_size % geometry->page_size != 0))) {
        return FLASH_ERR_RANGE;
    }
    flash_device_destroy();
    dev.size = geometry->block_size * geometry->block_count;
    dev.bytes = malloc(dev.size);
    dev.weak = calloc(geometry->block_count, 1);
    if (dev.bytes == NULL || dev.weak == NULL) {
        flash_device_destroy();
        return FLASH_ERR_NO_DEVICE;
    }
    memset(dev.bytes, 0xFF, dev.size);
    dev.geometry = *geometry;
    return FLASH_OK;
}

void flash_device_destroy(void)
{
    free(dev.bytes);
    free(dev.weak);
    memset(&dev, 0, sizeof dev);
}

const struct flash_geometry *flash_device_geometry(void)
{
    return dev.bytes == NULL ? NULL : &dev.geometry;
}

static int in_range(size_t offset, size_t len)
{
    return offset <= dev.size && len <= dev.size - offset;
}

/* Counts one write or erase against an armed cut. 1: this operation is the
 * one the cut tears. */
static int reaches_cut(void)
{
    if (!dev.cut_armed) {
        return 0;
    }
    if (dev.ops_before_cut == 0) {
        dev.powered_off = 1;
        return 1;
    }
    dev.ops_before_cut--;
    return 0;
}

enum flash_status flash_device_read(size_t offset, void *out, size_t len)
{
    if (dev.bytes == NULL) {
        return refuse(FLASH_ERR_NO_DEVICE);
    }
    if (dev.powered_off) {
        return refuse(FLASH_ERR_POWER);
    }
    if (!in_range(offset, len) || (out == NULL && len != 0)) {
        return refuse(FLASH_ERR_RANGE);
    }
    dev.counters.reads++;
    if (len != 0) {
        memcpy(out, dev.bytes + offset, len);
    }
    return FLASH_OK;
}

enum flash_status flash_device_write(size_t offset, const void *data, size_t len)
{
    const unsigned char *in = data;
    const size_t unit = dev.geometry.write_unit;

    if (dev.bytes == NULL) {
        return refuse(FLASH_ERR_NO_DEVICE);
    }
    if (dev.powered_off) {
        return refuse(FLASH_ERR_POWER);
    }
    if (!in_range(offset, len) || offset % unit != 0 || len % unit != 0 || (data == NULL && len != 0)) {
        return refuse(FLASH_ERR_RANGE);
    }
    if (dev.geometry.page_size != 0 && len != 0 &&
        offset / dev.geometry.page_size != (offset + len - 1) / dev.geometry.page_size) {
        return refuse(FLASH_ERR_RANGE); /* a program never crosses a page */
    }
    /* NOR programming only pulls bits down: a 1 over a 0 silently stays 0,
     * as on real parts (the PAL reads back what it wrote). */
    if (reaches_cut()) {
        size_t units = len / unit;
        size_t landed = (units / 2) * unit;
        if (units % 2 != 0 || units == 0) {
            landed += unit / 2; /* a unit cut mid-programming */
        }
        for (size_t i = 0; i < landed && i < len; i++) {
            dev.bytes[offset + i] &= in[i];
        }
        return refuse(FLASH_ERR_POWER);
    }
    dev.counters.writes++;
    for (size_t i = 0; i < len; i++) {
        dev.bytes[offset + i] &= in[i];
    }
    return FLASH_OK;
}

enum flash_status flash_device_erase(size_t block)
{
    if (dev.bytes == NULL) {
        return refuse(FLASH_ERR_NO_DEVICE);
    }
    if (dev.powered_off) {
        return refuse(FLASH_ERR_POWER);
    }
    if (block >= dev.geometry.block_count) {
        return refuse(FLASH_ERR_RANGE);
    }
    unsigned char *start = dev.bytes + block * dev.geometry.block_size;
    if (reaches_cut()) {
        memset(start, 0xFF, dev.geometry.block_size / 2);
        return refuse(FLASH_ERR_POWER);
    }
    dev.counters.erases++;
    memset(start, 0xFF, dev.geometry.block_size);
    dev.weak[block] = 0;
    return FLASH_OK;
}

void flash_sim_cut_after(unsigned long n)
{
    dev.cut_armed = 1;
    dev.ops_before_cut = n;
    dev.powered_off = 0;
}

int flash_sim_cut_reached(void)
{
    return dev.powered_off;
}

/* Weak cells lose what was programmed into them: every seventh byte of a weak
 * block reads erased again after the power comes back. */
static void weak_blocks_lose_charge(void)
{
    for (size_t b = 0; dev.weak != NULL && b < dev.geometry.block_count; b++) {
        for (size_t i = 0; dev.weak[b] && i < dev.geometry.block_size; i += 7) {
            dev.bytes[b * dev.geometry.block_size + i] = 0xFF;
        }
    }
}

enum flash_status flash_sim_weaken_block(size_t block)
{
    if (dev.bytes == NULL) {
        return FLASH_ERR_NO_DEVICE;
    }
    if (block >= dev.geometry.block_count) {
        return FLASH_ERR_RANGE;
    }
    memset(dev.bytes + block * dev.geometry.block_size, 0xFF, dev.geometry.block_size);
    dev.weak[block] = 1;
    return FLASH_OK;
}

void flash_sim_power_cycle(void)
{
    weak_blocks_lose_charge();
    dev.cut_armed = 0;
    dev.ops_before_cut = 0;
    dev.powered_off = 0;
}

enum flash_status flash_sim_flip_bit(size_t offset, unsigned bit)
{
    if (dev.bytes == NULL) {
        return FLASH_ERR_NO_DEVICE;
    }
    if (offset >= dev.size || bit > 7) {
        return FLASH_ERR_RANGE;
    }
    dev.bytes[offset] ^= (unsigned char)(1u << bit);
    return FLASH_OK;
}

void flash_sim_counters(struct flash_counters *out)
{
    if (out != NULL) {
        *out = dev.counters;
    }
}

size_t flash_sim_image_size(void)
{
    return dev.bytes == NULL ? 0 : dev.size;
}

enum flash_status flash_sim_image_save(void *out, size_t len)
{
    if (dev.bytes == NULL) {
        return FLASH_ERR_NO_DEVICE;
    }
    if (out == NULL || len != dev.size) {
        return FLASH_ERR_RANGE;
    }
    memcpy(out, dev.bytes, len);
    return FLASH_OK;
}

enum flash_status flash_sim_image_load(const void *in, size_t len)
{
    if (dev.bytes == NULL) {
        return FLASH_ERR_NO_DEVICE;
    }
    if (in == NULL || len != dev.size) {
        return FLASH_ERR_RANGE;
    }
    memcpy(dev.bytes, in, len);
    return FLASH_OK;
}
