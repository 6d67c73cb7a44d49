/* POSIX PAL: the device key (core_pkcs11_pal_device_key.h) in its own file.
 *
 * The file is $P11FORGE_DEVICE_KEY_FILE, else "<store folder>.device-key"
 * beside the store folder (not inside it): 32 random bytes, mode 0600, made
 * on first use. What that protects against: a copy of the store folder alone
 * (a backup, a synced or shared folder, a store mailed for debugging) gives
 * up no value sealed under the device key. What it does not: anyone who can
 * read both files as this user (root, the user's own processes), or a copy
 * of the whole home folder. A key file that another user owns, that group
 * or others may read, or of the wrong size is refused, never replaced: the
 * values sealed under it would be lost. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* explicit_bzero */

#include "core_pkcs11_pal_device_key.h"
#include "core_pkcs11_pal_lock.h"
#include "pal_posix_internal.h"
#include "pal_posix_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_SUFFIX ".device-key"

static pthread_mutex_t path_lock = PTHREAD_MUTEX_INITIALIZER;
static char key_file[PATH_MAX]; /* empty: no store, no key */

void p11_pal_posix_device_key_init(const char *store_dir)
{
    char path[PATH_MAX] = "";
    const char *named = getenv("P11FORGE_DEVICE_KEY_FILE");
    if (named != NULL && named[0] != '\0') {
        if ((size_t)snprintf(path, sizeof(path), "%s", named) >= sizeof(path)) {
            path[0] = '\0';
        }
    } else if (store_dir[0] != '\0') {
        size_t len = strlen(store_dir);
        while (len > 1 && store_dir[len - 1] == '/') {
            len--;
        }
        if ((size_t)snprintf(path, sizeof(path), "%.*s" KEY_SUFFIX, (int)len, store_dir) >= sizeof(path)) {
            path[0] = '\0';
        }
    }
    pthread_mutex_lock(&path_lock);
    memcpy(key_file, path, sizeof key_file); /* both PATH_MAX, path NUL terminated */
    pthread_mutex_unlock(&path_lock);
}

static int key_path(char *out, size_t size)
{
    pthread_mutex_lock(&path_lock);
    size_t len = strlen(key_file);
    int ok = len != 0 && len < size;
    if (ok) {
        memcpy(out, key_file, len + 1);
    }
    pthread_mutex_unlock(&path_lock);
    return ok ? 0 : -1;
}

static int read_all(int fd, unsigned char *out, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, out + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        done += (size_t)n;
    }
    unsigned char extra;
    return read(fd, &extra, 1) == 0 ? 0 : -1; /* exactly len bytes */
}

/* 0: read; 1: no such file; -1: refused (reported). */
static int read_key(const char *path, unsigned char *key, size_t len)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return 1;
        }
        p11_pal_posix_warn("cannot open the device key %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        p11_pal_posix_warn("device key %s is not a file", path);
    } else if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        p11_pal_posix_warn("device key %s must be owned by uid %lu and mode 0600", path, (unsigned long)geteuid());
    } else if (read_all(fd, key, len) != 0) {
        p11_pal_posix_warn("device key %s is not %u bytes", path, (unsigned)len);
    } else {
        rc = 0;
    }
    close(fd);
    return rc;
}

static int random_bytes(unsigned char *out, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

/* A new key file, whole or not at all: written and synced under a temporary
 * name, then linked to the final name, which fails if another process made
 * it first (then its key is read). */
static int make_key(const char *path, unsigned char *key, size_t len)
{
    char temp[PATH_MAX];
    if ((size_t)snprintf(temp, sizeof(temp), "%s.tmp-XXXXXX", path) >= sizeof(temp)) {
        return -1;
    }
    int fd = mkstemp(temp); /* 0600 */
    if (fd < 0) {
        p11_pal_posix_warn("cannot make the device key %s: %s", path, strerror(errno));
        return -1;
    }
    int ok = random_bytes(key, len) == 0 && p11_pal_posix_write_all(fd, key, len) == 0 && fsync(fd) == 0;
    close(fd);
    int linked = ok && link(temp, path) == 0;
    int err = errno;
    unlink(temp);
    if (linked) {
        return 0;
    }
    explicit_bzero(key, len);
    if (ok && err == EEXIST) {
        return read_key(path, key, len) == 0 ? 0 : -1;
    }
    p11_pal_posix_warn("cannot make the device key %s", path);
    return -1;
}

CK_RV PKCS11_PAL_GetDeviceKey(CK_BYTE_PTR key, CK_ULONG key_len)
{
    if (key == NULL || key_len != P11_PAL_DEVICE_KEY_SIZE) {
        return CKR_ARGUMENTS_BAD;
    }
    char path[PATH_MAX];
    if (key_path(path, sizeof(path)) != 0) {
        return CKR_DEVICE_ERROR;
    }
    int rc = read_key(path, key, key_len);
    if (rc == 1) {
        rc = make_key(path, key, key_len);
    }
    if (rc != 0) {
        explicit_bzero(key, key_len);
        return CKR_DEVICE_ERROR;
    }
    return CKR_OK;
}
