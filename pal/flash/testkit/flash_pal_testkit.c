/* The flash PAL test kit (see flash_pal_testkit.h). */
#include "flash_pal_testkit.h"

#include <string.h>

#include "core_pkcs11_pal.h"
#include "flash_fault_driver.h"
#include "flash_pal.h"
#include "flash_record.h"
#ifdef P11_FLASH_TESTKIT_ALLOC_FAULTS
#include "flash_testkit_alloc.h"
#endif
#include "p11_log_text.h"
#include "p11_port.h"

#define LABELS 6
#define MAX_VALUE 160

static struct p11_flash_testkit_result *res;
static uint32_t rng;

static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* "flash testkit: <test>: <what> (<n>)". */
static void fail(const char *test, const char *what, unsigned long n)
{
    char number[P11_DECIMAL_SIZE];
    (void)p11_decimal(number, n);
    const char *parts[] = {"flash testkit: ", test, ": ", what, " (", number, ")"};
    p11_log_parts(parts, 7);
    res->failures++;
}

/* Counts a check; logs and counts a failure. Returns cond. */
static int check(int cond, const char *test, const char *what, unsigned long n)
{
    res->checks++;
    if (!cond) {
        fail(test, what, n);
    }
    return cond;
}

/* PAL calls with C strings as labels. */

static CK_OBJECT_HANDLE save(const char *label, const unsigned char *value, size_t len)
{
    CK_ATTRIBUTE attr = {CKA_LABEL, (void *)label, strlen(label)};
    return PKCS11_PAL_SaveObject(&attr, (CK_BYTE_PTR)value, len);
}

static CK_OBJECT_HANDLE find(const char *label)
{
    return PKCS11_PAL_FindObject((CK_BYTE_PTR)label, strlen(label));
}

/* The label's value length, or -1 when it has none that reads. */
static long value_of(const char *label, unsigned char *out, size_t cap)
{
    CK_OBJECT_HANDLE handle = find(label);
    CK_BYTE_PTR data = NULL;
    CK_ULONG len = 0;
    CK_BBOOL is_private = CK_FALSE;
    if (handle == CK_INVALID_HANDLE || PKCS11_PAL_GetObjectValue(handle, &data, &len, &is_private) != CKR_OK) {
        return -1;
    }
    long got = len <= cap ? (long)len : -1;
    if (got >= 0 && len != 0) {
        memcpy(out, data, len);
    }
    PKCS11_PAL_GetObjectValueCleanup(data, len);
    return got;
}

static int holds(const char *label, const unsigned char *value, size_t len)
{
    unsigned char got[MAX_VALUE + 64];
    long n = value_of(label, got, sizeof got);
    return n == (long)len && (len == 0 || memcmp(got, value, len) == 0);
}

static CK_RV reboot(void)
{
    flash_faults_power_cycle();
    p11_flash_pal_forget();
    return PKCS11_PAL_Initialize();
}

/* An erased partition and a PAL that has just scanned it. */
static void fresh(void)
{
    const struct p11_flash_driver *d = flash_faults_driver();
    flash_faults_power_cycle();
    flash_faults_clear_flips();
    for (size_t s = 0; s < d->sector_count; s++) {
        (void)d->erase(s);
    }
    (void)reboot();
}

/* A model of the store: up to LABELS labels "kit 0".."kit 5". */
struct model {
    int present[LABELS];
    size_t len[LABELS];
    unsigned char value[LABELS][MAX_VALUE];
};

static const char *kit_label(int i)
{
    static const char *names[LABELS] = {"kit 0", "kit 1", "kit 2", "kit 3", "kit 4", "kit 5"};
    return names[i];
}

static void fill_value(unsigned char *out, size_t len, uint32_t tag)
{
    for (size_t i = 0; i < len; i++) {
        out[i] = (unsigned char)((size_t)tag * 31u + i * 7u);
    }
}

/* Every label but `except` holds what the model says (absent ones too). */
static void expect_model(const struct model *m, int except, const char *test, unsigned long n)
{
    for (int i = 0; i < LABELS; i++) {
        if (i == except) {
            continue;
        }
        if (m->present[i]) {
            check(holds(kit_label(i), m->value[i], m->len[i]), test, "an object not being changed was lost or changed",
                  n);
        } else {
            check(find(kit_label(i)) == CK_INVALID_HANDLE, test, "an absent object came back", n);
        }
    }
}

/* --- contract --- */

static void contract_basics(void)
{
    const char *t = "contract basics";
    fresh();
    const unsigned char alpha[] = "alpha";
    const unsigned char beta[] = "a longer value for beta";
    CK_OBJECT_HANDLE a = save("a", alpha, sizeof alpha);
    check(a != CK_INVALID_HANDLE && find("a") == a, t, "save then find", 1);
    check(holds("a", alpha, sizeof alpha), t, "read back", 2);
    check(save("a", beta, sizeof beta) == a, t, "a replace keeps the handle", 3);
    check(holds("a", beta, sizeof beta), t, "a replace reads the new value", 4);
    CK_OBJECT_HANDLE b = save("b", NULL, 0);
    check(b != CK_INVALID_HANDLE && b != a && holds("b", NULL, 0), t, "an empty value", 5);
    check(PKCS11_PAL_DestroyObject(a) == CKR_OK && find("a") == CK_INVALID_HANDLE, t, "destroy", 6);
    CK_BYTE_PTR data = NULL;
    CK_ULONG len = 0;
    CK_BBOOL is_private = CK_FALSE;
    check(PKCS11_PAL_GetObjectValue(a, &data, &len, &is_private) == CKR_OBJECT_HANDLE_INVALID, t,
          "a destroyed object's handle reads nothing", 7);
    check(PKCS11_PAL_DestroyObject(a) == CKR_OBJECT_HANDLE_INVALID, t, "a second destroy", 8);
    PKCS11_PAL_GetObjectValueCleanup(NULL, 0);
    check(reboot() == CKR_OK && find("a") == CK_INVALID_HANDLE && holds("b", NULL, 0), t, "after a reboot", 9);
}

static void contract_labels(void)
{
    const char *t = "contract labels";
    fresh();
    char longest[P11_FLASH_PAL_MAX_LABEL + 2];
    memset(longest, 'L', sizeof longest);
    longest[P11_FLASH_PAL_MAX_LABEL] = '\0';
    const unsigned char v[] = "v";
    check(save(longest, v, 1) != CK_INVALID_HANDLE && holds(longest, v, 1), t, "the longest label", 1);
    longest[P11_FLASH_PAL_MAX_LABEL] = 'L';
    longest[P11_FLASH_PAL_MAX_LABEL + 1] = '\0';
    check(save(longest, v, 1) == CK_INVALID_HANDLE, t, "a label one byte too long is refused", 2);
    /* Labels are bytes: one with a NUL inside is not the one before it. */
    CK_ATTRIBUTE with_nul = {CKA_LABEL, "k\0x", 3};
    check(PKCS11_PAL_SaveObject(&with_nul, (CK_BYTE_PTR)v, 1) != CK_INVALID_HANDLE &&
              PKCS11_PAL_FindObject((CK_BYTE_PTR) "k\0x", 3) != find("k"),
          t, "a NUL inside a label", 3);
    /* Thousands of distinct labels over time (a port once stopped at 64). */
    char label[24] = "many 0000";
    unsigned long refused = 0;
    for (unsigned long i = 0; i < 3000; i++) {
        for (int d = 0; d < 4; d++) {
            label[8 - d] = (char)('0' + (i >> (4 * d) & 15));
        }
        CK_OBJECT_HANDLE h = save(label, v, 1);
        refused += h == CK_INVALID_HANDLE || find(label) != h || PKCS11_PAL_DestroyObject(h) != CKR_OK;
    }
    check(refused == 0, t, "distinct labels saved and destroyed one after another", refused);
    check(reboot() == CKR_OK && holds("k", NULL, 0) == 0 && save("after", v, 1) != CK_INVALID_HANDLE, t,
          "the store still works", 4);
}

/* "fill 0000" .. "fill 9999". */
static void fill_label(char *label, int i)
{
    memcpy(label, "fill ", 5);
    for (int d = 3; d >= 0; d--) {
        label[5 + d] = (char)('0' + i % 10);
        i /= 10;
    }
    label[9] = '\0';
}

static void contract_full_store(void)
{
    const char *t = "contract full store";
    const int limit = 9999;
    fresh();
    unsigned char value[100];
    char label[10];
    int stored = 0;
    while (stored < limit) {
        fill_label(label, stored);
        fill_value(value, sizeof value, (uint32_t)stored);
        if (save(label, value, sizeof value) == CK_INVALID_HANDLE) {
            break;
        }
        stored++;
    }
    check(stored >= 2 && stored < limit, t, "the store fills up", (unsigned long)stored);
    check(find(label) == CK_INVALID_HANDLE, t, "a refused save leaves nothing", 1);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < stored; i++) {
            fill_label(label, i);
            fill_value(value, sizeof value, (uint32_t)(1000 * (round + 1) + i));
            check(save(label, value, sizeof value) != CK_INVALID_HANDLE, t, "a full store replaces a same-size value",
                  (unsigned long)i);
        }
    }
    check(reboot() == CKR_OK, t, "reboot", 2);
    for (int i = 0; i < stored; i++) {
        fill_label(label, i);
        fill_value(value, sizeof value, (uint32_t)(2000 + i));
        check(holds(label, value, sizeof value), t, "every value after the replaces", (unsigned long)i);
        check(PKCS11_PAL_DestroyObject(find(label)) == CKR_OK, t, "a full store destroys", (unsigned long)i);
    }
    check(save("again", value, sizeof value) != CK_INVALID_HANDLE, t, "room again after destroys", 3);
}

/* --- campaign --- */

enum op { OP_SAVE, OP_DESTROY };

/* Saves value under label i, or destroys label i; whether the PAL answered success. */
static int run_op(enum op op, int i, const unsigned char *value, size_t len)
{
    return op == OP_SAVE ? save(kit_label(i), value, len) != CK_INVALID_HANDLE
                         : PKCS11_PAL_DestroyObject(find(kit_label(i))) == CKR_OK;
}

/* After (op, label i, value) and a reboot: the label holds its old or its
 * new state, its new one when the call answered success (`ok`), and every
 * other label what the model says. With `learn`, the model takes what the
 * label now holds. */
static void judge(const char *t, struct model *m, enum op op, int i, const unsigned char *value, size_t len, int ok,
                  int learn, unsigned long n)
{
    const int is_new = op == OP_SAVE ? holds(kit_label(i), value, len) : find(kit_label(i)) == CK_INVALID_HANDLE;
    const int is_old = m->present[i] ? holds(kit_label(i), m->value[i], m->len[i])
                                     : find(kit_label(i)) == CK_INVALID_HANDLE;
    check(is_old || is_new, t, "the object is neither its old nor its new state", n);
    if (ok) {
        check(is_new, t, "an operation that answered success was lost", n);
    }
    if (learn && is_new && !is_old) {
        m->present[i] = op == OP_SAVE;
        m->len[i] = len;
        memcpy(m->value[i], value, len);
    }
    expect_model(m, i, t, n);
}

/* From the snapshot, cuts the power after n = 0, 1, ... operations of
 * (op, label i, value) until it completes uncut; after each cut and a
 * reboot the label is old or new, the rest is as the model says, and a
 * probe saves. With `second_cut`, the reboot itself (and a probe save) are
 * cut too, at each of their first few operations. */
static void cut_everywhere(const char *t, const unsigned char *image, struct model *m, enum op op, int i,
                           const unsigned char *value, size_t len, int second_cut)
{
    const unsigned char probe[] = "probe";
    for (unsigned long n = 0; n < 400; n++) {
        for (unsigned long second = 0; second < (second_cut ? 4u : 1u); second++) {
            flash_faults_power_cycle();
            if (flash_faults_restore(image) != 0 || reboot() != CKR_OK) {
                check(0, t, "restoring the snapshot", n);
                return;
            }
            flash_faults_cut_after(n, (uint32_t)(n * 7919u + second + 1));
            const int ok = run_op(op, i, value, len);
            const int cut = flash_faults_cut_reached();
            res->cuts += (unsigned long)cut;
            if (second_cut) {
                flash_faults_power_cycle();
                flash_faults_cut_after(second, (uint32_t)(n + 17u * second));
                p11_flash_pal_forget();
                (void)PKCS11_PAL_Initialize();
                (void)save("probe", probe, sizeof probe);
                res->cuts += (unsigned long)flash_faults_cut_reached();
            }
            check(reboot() == CKR_OK, t, "Initialize after a cut", n);
            judge(t, m, op, i, value, len, ok && !second_cut, 0, n);
            check(save("probe", probe, sizeof probe) != CK_INVALID_HANDLE, t, "the store takes a save after a cut", n);
            if (!cut) {
                return;
            }
        }
    }
    check(0, t, "the operation never completed", 400);
}

static void campaign_cuts(int second_cut)
{
    const char *t = second_cut ? "two cuts in a row" : "a cut at every operation";
    const size_t size = flash_faults_size();
    unsigned char *image = p11_port_malloc(size);
    if (!check(image != NULL, t, "no memory for a snapshot", size)) {
        return;
    }
    struct model m;
    memset(&m, 0, sizeof m);
    fresh();
    for (int i = 0; i < 3; i++) {
        m.present[i] = 1;
        m.len[i] = 40 + 10 * (size_t)i;
        fill_value(m.value[i], m.len[i], (uint32_t)i);
        check(save(kit_label(i), m.value[i], m.len[i]) != CK_INVALID_HANDLE, t, "setting up", (unsigned long)i);
    }
    unsigned char value[MAX_VALUE];
    /* A new object, a replace, a destroy, then replaces of growing size
     * until some compact (the store is small in sector terms). */
    for (int step = 0; step < 12; step++) {
        const int i = step == 0 ? 3 : step == 2 ? 1 : 0;
        const enum op op = step == 2 ? OP_DESTROY : OP_SAVE;
        const size_t len = op == OP_DESTROY ? 0 : (size_t)(60 + 8 * step);
        fill_value(value, len, (uint32_t)(100 + step));
        if (flash_faults_snapshot(image) != 0) {
            check(0, t, "snapshot", (unsigned long)step);
            break;
        }
        cut_everywhere(t, image, &m, op, i, value, len, second_cut);
        /* Carry on from the completed operation. */
        flash_faults_power_cycle();
        (void)flash_faults_restore(image);
        (void)reboot();
        check(run_op(op, i, value, len), t, "the operation without a cut", (unsigned long)step);
        m.present[i] = op == OP_SAVE;
        m.len[i] = len;
        memcpy(m.value[i], value, len);
    }
    p11_port_free(image);
}

/* A program that silently lands only some of its bits, at each operation
 * of saves and destroys: a call that answered success reads its new state
 * after a reboot; one that failed left the old one or the new one. */
static void campaign_silent_programs(void)
{
    const char *t = "a program that does not land";
    struct model m;
    memset(&m, 0, sizeof m);
    fresh();
    for (unsigned long step = 0; step < 400; step++) {
        const int i = (int)(step % LABELS);
        const enum op op = m.present[i] && step % 5 == 4 ? OP_DESTROY : OP_SAVE;
        unsigned char value[MAX_VALUE];
        const size_t len = op == OP_SAVE ? 30 + step % 100 : 0;
        fill_value(value, len, (uint32_t)(9000 + step));
        flash_faults_silent_program_after(step % 6, (uint32_t)(step + 1));
        const int ok = run_op(op, i, value, len);
        check(reboot() == CKR_OK, t, "Initialize", step);
        judge(t, &m, op, i, value, len, ok, 1, step);
    }
}

/* Random saves, replaces and destroys, a third of them cut at a random
 * operation with random bits, checked against a model after each reboot. */
static void campaign_random(void)
{
    const char *t = "random operations and cuts";
    struct model m;
    memset(&m, 0, sizeof m);
    fresh();
    for (unsigned long step = 0; step < 3000; step++) {
        const int i = (int)(next_random() % LABELS);
        const enum op op = m.present[i] && next_random() % 4 == 0 ? OP_DESTROY : OP_SAVE;
        unsigned char value[MAX_VALUE];
        const size_t len = op == OP_SAVE ? next_random() % MAX_VALUE : 0;
        fill_value(value, len, (uint32_t)step);
        const int cut = next_random() % 3 == 0;
        if (cut) {
            flash_faults_cut_after(next_random() % 8, next_random());
        }
        const int ok = run_op(op, i, value, len);
        res->cuts += (unsigned long)flash_faults_cut_reached();
        if (cut) {
            check(reboot() == CKR_OK, t, "Initialize after a cut", step);
        }
        judge(t, &m, op, i, value, len, ok, 1, step);
    }
}

/* One flipped bit in every byte of every block header and of every
 * record's header copies: nothing lost, nothing destroyed comes back. */
static void campaign_flips(void)
{
    const char *t = "a flipped bit in every header byte";
    const struct p11_flash_driver *d = flash_faults_driver();
    const size_t slot = flash_slot_size(d->program_unit);
    struct model m;
    memset(&m, 0, sizeof m);
    fresh();
    for (int i = 0; i < LABELS; i++) {
        m.len[i] = 30 + 5 * (size_t)i;
        fill_value(m.value[i], m.len[i], (uint32_t)i);
        (void)save(kit_label(i), m.value[i], m.len[i]);
        m.present[i] = 1;
    }
    (void)PKCS11_PAL_DestroyObject(find(kit_label(4)));
    m.present[4] = 0;
    fill_value(m.value[1], m.len[1], 77u);
    (void)save(kit_label(1), m.value[1], m.len[1]);
    expect_model(&m, -1, t, 0);

    /* Header bytes: the first bytes of each sector in use, and of each
     * label's current record. */
    size_t targets[64];
    size_t lens[64];
    size_t count = 0;
    unsigned char head[4];
    for (size_t s = 0; s < d->sector_count && count < 64; s++) {
        if (d->read(s * d->sector_size, head, sizeof head) == 0 && head[0] != 0xFF) {
            targets[count] = s * d->sector_size;
            lens[count++] = flash_block_header_size(slot);
        }
    }
    for (int i = 0; i < LABELS && count < 64; i++) {
        size_t offset = 0;
        size_t size = 0;
        if (p11_flash_pal_record_span((const unsigned char *)kit_label(i), strlen(kit_label(i)), &offset, &size)) {
            targets[count] = offset;
            lens[count++] = FLASH_RECORD_HEADER_BYTES;
        }
    }
    check(count >= 1 + LABELS, t, "headers found", count);
    for (size_t k = 0; k < count; k++) {
        for (size_t b = 0; b < lens[k]; b++) {
            flash_faults_clear_flips();
            (void)flash_faults_flip_on_read(targets[k] + b, (unsigned)((k + b) % 8));
            res->flips++;
            check(reboot() == CKR_OK, t, "Initialize with a flipped bit", targets[k] + b);
            expect_model(&m, -1, t, targets[k] + b);
        }
    }
    /* Every byte of each label's whole record: that label reads its value or
     * is refused (never an older value, never back once destroyed); every
     * other label is untouched. */
    const char *tr = "a flipped bit in every record byte";
    for (int i = 0; i < LABELS; i++) {
        size_t offset = 0;
        size_t size = 0;
        if (!p11_flash_pal_record_span((const unsigned char *)kit_label(i), strlen(kit_label(i)), &offset, &size)) {
            continue;
        }
        for (size_t b = 0; b < size; b++) {
            flash_faults_clear_flips();
            (void)flash_faults_flip_on_read(offset + b, (unsigned)(b % 8));
            res->flips++;
            check(reboot() == CKR_OK, tr, "Initialize with a flipped bit", offset + b);
            unsigned char got[MAX_VALUE + 64];
            const long n = value_of(kit_label(i), got, sizeof got);
            if (m.present[i]) {
                check(n < 0 || holds(kit_label(i), m.value[i], m.len[i]), tr, "a label read a wrong value", offset + b);
            } else {
                check(n < 0, tr, "a destroyed object came back", offset + b);
            }
            expect_model(&m, i, tr, offset + b);
        }
    }
    flash_faults_clear_flips();
}

#ifdef P11_FLASH_TESTKIT_ALLOC_FAULTS
/* The k-th allocation fails, for every k, while the PAL scans the flash and
 * while it saves (with compaction) and destroys: Initialize fails or indexes
 * everything, a failed call changes nothing, and once memory is back every
 * object is as the model says. */
static void campaign_allocation(void)
{
    const char *t = "allocation failures";
    struct model m;
    memset(&m, 0, sizeof m);
    fresh();
    for (int i = 0; i < LABELS; i++) {
        m.present[i] = 1;
        m.len[i] = 20 + 4 * (size_t)i;
        fill_value(m.value[i], m.len[i], (uint32_t)i);
        check(save(kit_label(i), m.value[i], m.len[i]) != CK_INVALID_HANDLE, t, "setting up", (unsigned long)i);
    }
    unsigned long failures_seen = 0;
    for (long k = 0; k < 200; k++) {
        /* While scanning. */
        flash_faults_power_cycle();
        p11_flash_pal_forget();
        flash_testkit_fail_allocation(k);
        CK_RV rv = PKCS11_PAL_Initialize();
        int failed = flash_testkit_allocation_failed();
        flash_testkit_fail_allocation(-1);
        failures_seen += (unsigned long)failed;
        check(rv == CKR_OK || failed, t, "Initialize failed without a failed allocation", (unsigned long)k);
        if (rv == CKR_OK) {
            expect_model(&m, -1, t, (unsigned long)k);
        }
        check(reboot() == CKR_OK, t, "Initialize once memory is back", (unsigned long)k);
        expect_model(&m, -1, t, (unsigned long)k);
        /* While saving (replaces that compact now and then) or destroying. */
        const int i = (int)(k % LABELS);
        unsigned char value[MAX_VALUE];
        const size_t len = 20 + (size_t)(k % 40); /* small: the store never fills up here */
        fill_value(value, len, (uint32_t)(500 + k));
        const int destroy = k % 7 == 3 && m.present[i];
        flash_testkit_fail_allocation(k % 12);
        int ok = destroy ? PKCS11_PAL_DestroyObject(find(kit_label(i))) == CKR_OK
                         : save(kit_label(i), value, len) != CK_INVALID_HANDLE;
        failed = flash_testkit_allocation_failed();
        flash_testkit_fail_allocation(-1);
        failures_seen += (unsigned long)failed;
        if (ok) {
            m.present[i] = !destroy;
            m.len[i] = destroy ? 0 : len;
            memcpy(m.value[i], value, m.len[i]);
        } else {
            check(failed, t, "a call failed without a failed allocation", (unsigned long)k);
        }
        expect_model(&m, -1, t, (unsigned long)k);
        check(reboot() == CKR_OK, t, "reboot", (unsigned long)k);
        expect_model(&m, -1, t, (unsigned long)k);
    }
    check(failures_seen > 50, t, "allocations that failed", failures_seen);
}
#endif

void p11_flash_testkit_run(uint32_t seed, struct p11_flash_testkit_result *result)
{
    memset(result, 0, sizeof *result);
    res = result;
    rng = seed != 0 ? seed : 1;
    contract_basics();
    contract_labels();
    contract_full_store();
    campaign_cuts(0);
    campaign_cuts(1);
    campaign_random();
    campaign_silent_programs();
    campaign_flips();
#ifdef P11_FLASH_TESTKIT_ALLOC_FAULTS
    campaign_allocation();
#endif
    fresh();
}
