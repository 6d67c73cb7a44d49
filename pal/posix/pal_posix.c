/* POSIX file PAL: the six FreeRTOS PAL functions on a host file system.
 *
 * One file per object, named hex(label) + ".obj", so any label bytes are a
 * safe file name. The store folder is $P11FORGE_STORE_DIR, else
 * ${XDG_DATA_HOME:-$HOME/.local/share}/p11forge/store, created 0700; files
 * are 0600. A save is atomic: temp file, fsync, rename, fsync of the folder,
 * so a reader (or a crash) sees the old value or the new one, never half.
 * Handles are per-label numbers kept in memory for the life of the process;
 * the files themselves are the truth about what exists, since another process
 * may change the folder.
 *
 * Processes sharing one store serialize their writes with flock on
 * "<store>/.lock"; PKCS11_PAL_LockStore (core_pkcs11_pal_lock.h) lets the
 * backend hold that lock across its read-change-write of the index record.
 * A store folder that another user owns, or that group or others may enter,
 * is refused: its keys would not be ours alone. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* explicit_bzero */

#include "core_pkcs11_pal.h"
#include "pal_posix_log.h"
#include "core_pkcs11_pal_lock.h"
#include "pal_label_index.h"
#include "pal_posix.h"
#include "pal_posix_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define OBJECT_SUFFIX ".obj"
#define TEMP_NAME "/.tmp-XXXXXX" /* not *.obj, so never taken for an object */
#define LOCK_NAME "/.lock"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct p11_label_index labels = P11_LABEL_INDEX_INIT;
static char store_dir[PATH_MAX]; /* empty until Initialize succeeds */

/* Copies a path into a PATH_MAX buffer: every path here is shorter by
 * construction, and a longer one is cut rather than overrun. */
static void copy_path(char *out, const char *in)
{
    size_t len = strnlen(in, PATH_MAX - 1);
    memcpy(out, in, len);
    out[len] = '\0';
}

/* The store lock: a recursive mutex orders this process's threads (flock
 * alone would not, since they share one descriptor), and flock on lock_fd
 * orders processes. lock_depth counts nested holds by the owning thread. */
static pthread_once_t store_mutex_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t store_mutex;
static int lock_fd = -1;
static unsigned lock_depth;

static CK_RV rv_from_errno(int err)
{
    switch (err) {
    case ENOSPC:
    case EDQUOT:
        return CKR_DEVICE_MEMORY;
    case ENOMEM:
        return CKR_HOST_MEMORY;
    default:
        return CKR_DEVICE_ERROR;
    }
}

/* Picks the store folder from the environment; 0 on success. */
static int resolve_store_dir(char *out, size_t size)
{
    const char *dir = getenv("P11FORGE_STORE_DIR");
    if (dir != NULL && dir[0] != '\0') {
        return (size_t)snprintf(out, size, "%s", dir) < size ? 0 : -1;
    }
    /* The XDG spec says to ignore a relative XDG_DATA_HOME. */
    const char *data = getenv("XDG_DATA_HOME");
    if (data != NULL && data[0] == '/') {
        return (size_t)snprintf(out, size, "%s/p11forge/store", data) < size
                   ? 0
                   : -1;
    }
    const char *home = getenv("HOME");
    if (home != NULL && home[0] != '\0') {
        return (size_t)snprintf(out, size, "%s/.local/share/p11forge/store",
                                home) < size
                   ? 0
                   : -1;
    }
    return -1;
}

/* mkdir -p with mode 0700 for every folder it creates; existing folders are
 * left as they are (the store may live in a folder we do not own). */
static int make_dirs(const char *path)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);

    if (len == 0 || len >= sizeof(buf)) {
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/') {
            continue;
        }
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            return -1;
        }
        *p = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
        return -1;
    }
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

/* Writes dir + "/" + hex(label) + ".obj" into out; 0 on success. */
static int object_path(char *out, size_t size, const char *dir,
                       const unsigned char *label, size_t label_len)
{
    static const char hex[] = "0123456789abcdef";

    if (label_len > P11_PAL_POSIX_MAX_LABEL_LEN) {
        return -1;
    }
    size_t dir_len = strlen(dir);
    if (dir_len + 1 + 2 * label_len + sizeof(OBJECT_SUFFIX) > size) {
        return -1;
    }
    char *p = out;
    memcpy(p, dir, dir_len); /* NOLINT(bugprone-not-null-terminated-result): the suffix's copy ends it */
    p += dir_len;
    *p++ = '/';
    for (size_t i = 0; i < label_len; i++) {
        *p++ = hex[label[i] >> 4];
        *p++ = hex[label[i] & 0x0f];
    }
    memcpy(p, OBJECT_SUFFIX, sizeof(OBJECT_SUFFIX));
    return 0;
}

/* Copies the store folder and the path of a known handle under the lock, so
 * the file work that follows runs unlocked. */
static CK_RV path_for_handle(CK_OBJECT_HANDLE handle, char *dir, char *path)
{
    CK_RV rv = CKR_OK;

    pthread_mutex_lock(&lock);
    const struct p11_label_entry *entry =
        p11_label_index_entry(&labels, handle);
    if (entry == NULL) {
        rv = CKR_OBJECT_HANDLE_INVALID;
    } else if (store_dir[0] == '\0') {
        rv = CKR_DEVICE_ERROR; /* the last Initialize failed */
    } else {
        copy_path(dir, store_dir);
        if (object_path(path, PATH_MAX, dir, entry->label,
                        entry->label_len) != 0) {
            rv = CKR_DEVICE_ERROR;
        }
    }
    pthread_mutex_unlock(&lock);
    return rv;
}

/* Makes a rename or unlink in the folder durable. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    int rc = fsync(fd);
    int err = errno;
    close(fd);
    errno = err;
    return rc;
}

int p11_pal_posix_write_all(int fd, const unsigned char *data, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

/* Temp file in the same folder (rename is atomic only within one file
 * system), then rename over the target. The old file stays on any failure
 * before the rename. */
static int replace_file(const char *dir, const char *path,
                        const unsigned char *data, size_t size)
{
    char temp[PATH_MAX];
    if ((size_t)snprintf(temp, sizeof(temp), "%s" TEMP_NAME, dir) >=
        sizeof(temp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    /* mkstemp opens with O_CREAT | O_EXCL and mode 0600. */
    int fd = mkstemp(temp);
    if (fd < 0) {
        return -1;
    }
    if (p11_pal_posix_write_all(fd, data, size) != 0 || fsync(fd) != 0) {
        int err = errno;
        close(fd);
        unlink(temp);
        errno = err;
        return -1;
    }
    if (close(fd) != 0 || rename(temp, path) != 0) {
        int err = errno;
        unlink(temp);
        errno = err;
        return -1;
    }
    /* The new value is in place; without this it might not survive a crash,
     * so the caller is told the save failed. */
    return sync_dir(dir);
}

static void make_store_mutex(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&store_mutex, &attr);
    pthread_mutexattr_destroy(&attr);
}

/* A forked child is a new process: it starts without the lock (the copied
 * mutex names a thread of the parent), and the inherited descriptor shares
 * the parent's flock, so it is dropped; the child's PKCS11_PAL_Initialize
 * opens its own, and until then its writes fail. */
static void reset_store_lock_in_child(void)
{
    make_store_mutex();
    lock_depth = 0;
    if (lock_fd >= 0) {
        close(lock_fd);
        lock_fd = -1;
    }
}

static void init_store_mutex(void)
{
    make_store_mutex();
    pthread_atfork(NULL, NULL, reset_store_lock_in_child);
}

/* The folder must be ours alone: owned by the effective uid, no group or
 * other bits. 0 when it is; otherwise says why on stderr. */
static int check_store_folder(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        p11_pal_posix_warn("store folder %s is not a folder", dir);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        p11_pal_posix_warn("store folder %s is owned by uid %lu, not by this "
                           "process's uid %lu; refused",
                           dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        p11_pal_posix_warn("store folder %s has mode %03o; group and others "
                           "must have no access (chmod 700); refused",
                           dir, (unsigned)(st.st_mode & 0777));
        return -1;
    }
    return 0;
}

/* Opens the store's lock file (0600, never through a symlink). */
static int open_lock_file(const char *dir)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s" LOCK_NAME, dir) >=
        sizeof(path)) {
        return -1;
    }
    return open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

CK_RV PKCS11_PAL_LockStore(void)
{
    pthread_once(&store_mutex_once, init_store_mutex);
    pthread_mutex_lock(&store_mutex);
    if (lock_depth == 0) {
        int rc = -1;
        if (lock_fd >= 0) {
            do {
                rc = flock(lock_fd, LOCK_EX);
            } while (rc != 0 && errno == EINTR);
        }
        if (rc != 0) {
            pthread_mutex_unlock(&store_mutex);
            return CKR_DEVICE_ERROR;
        }
    }
    lock_depth++;
    return CKR_OK;
}

void PKCS11_PAL_UnlockStore(void)
{
    pthread_once(&store_mutex_once, init_store_mutex);
    if (lock_depth > 0 && --lock_depth == 0 && lock_fd >= 0) {
        (void)flock(lock_fd, LOCK_UN);
    }
    pthread_mutex_unlock(&store_mutex);
}

CK_RV PKCS11_PAL_Initialize(void)
{
    char dir[PATH_MAX];
    CK_RV rv = CKR_OK;

    /* Read each time: the environment may name another folder by now. */
    if (resolve_store_dir(dir, sizeof(dir)) != 0 || make_dirs(dir) != 0) {
        p11_pal_posix_warn("no usable store folder (set P11FORGE_STORE_DIR)");
        rv = CKR_DEVICE_ERROR;
    } else if (check_store_folder(dir) != 0) {
        rv = CKR_DEVICE_ERROR;
    }
    /* A fresh descriptor every time: one inherited over fork() shares its
     * flock with the parent, so it would not keep the two apart. */
    int fd = rv == CKR_OK ? open_lock_file(dir) : -1;
    if (rv == CKR_OK && fd < 0) {
        p11_pal_posix_warn("cannot open the lock file in %s", dir);
        rv = CKR_DEVICE_ERROR;
    }
    if (rv != CKR_OK) {
        dir[0] = '\0';
    }
    pthread_once(&store_mutex_once, init_store_mutex);
    pthread_mutex_lock(&store_mutex);
    if (lock_fd >= 0) {
        close(lock_fd);
    }
    lock_fd = fd;
    lock_depth = 0;
    pthread_mutex_lock(&lock);
    copy_path(store_dir, dir);
    pthread_mutex_unlock(&lock);
    p11_pal_posix_device_key_init(dir);
    if (p11_pal_posix_journal_open(fd) != 0) {
        p11_pal_posix_journal_close(); /* no change count: other processes' changes show at the next C_Initialize */
    }
    pthread_mutex_unlock(&store_mutex);
    return rv;
}

CK_OBJECT_HANDLE PKCS11_PAL_SaveObject(CK_ATTRIBUTE_PTR pxLabel,
                                       CK_BYTE_PTR pucData,
                                       CK_ULONG ulDataSize)
{
    char dir[PATH_MAX];
    char path[PATH_MAX];

    if (pxLabel == NULL || pxLabel->pValue == NULL ||
        (pucData == NULL && ulDataSize != 0)) {
        return CK_INVALID_HANDLE;
    }
    const unsigned char *label = pxLabel->pValue;
    size_t label_len = pxLabel->ulValueLen;

    /* The label gets its handle first, so a save that succeeds on disk can
     * no longer fail for lack of memory afterwards. */
    pthread_mutex_lock(&lock);
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    if (store_dir[0] != '\0' &&
        object_path(path, sizeof(path), store_dir, label, label_len) == 0) {
        copy_path(dir, store_dir);
        handle = p11_label_index_intern(&labels, label, label_len);
    }
    pthread_mutex_unlock(&lock);

    if (handle == CK_INVALID_HANDLE || PKCS11_PAL_LockStore() != CKR_OK) {
        return CK_INVALID_HANDLE;
    }
    int rc = replace_file(dir, path, pucData, ulDataSize);
    if (rc == 0) {
        p11_pal_posix_journal_note(label, label_len);
    }
    PKCS11_PAL_UnlockStore();
    return rc == 0 ? handle : CK_INVALID_HANDLE;
}

CK_OBJECT_HANDLE PKCS11_PAL_FindObject(CK_BYTE_PTR pxLabel, CK_ULONG usLength)
{
    char path[PATH_MAX];
    struct stat st;

    if (pxLabel == NULL) {
        return CK_INVALID_HANDLE;
    }
    pthread_mutex_lock(&lock);
    int ok = store_dir[0] != '\0' &&
             object_path(path, sizeof(path), store_dir, pxLabel, usLength) == 0;
    pthread_mutex_unlock(&lock);

    /* Ask the folder, not the index: another process may have saved or
     * removed the object. */
    if (!ok || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        return CK_INVALID_HANDLE;
    }
    pthread_mutex_lock(&lock);
    CK_OBJECT_HANDLE handle = p11_label_index_intern(&labels, pxLabel, usLength);
    pthread_mutex_unlock(&lock);
    return handle;
}

CK_RV PKCS11_PAL_GetObjectValue(CK_OBJECT_HANDLE xHandle,
                                CK_BYTE_PTR *ppucData,
                                CK_ULONG_PTR pulDataSize,
                                CK_BBOOL *pIsPrivate)
{
    char dir[PATH_MAX];
    char path[PATH_MAX];
    struct stat st;

    if (ppucData == NULL || pulDataSize == NULL || pIsPrivate == NULL) {
        return CKR_ARGUMENTS_BAD;
    }
    *ppucData = NULL;
    *pulDataSize = 0;

    CK_RV rv = path_for_handle(xHandle, dir, path);
    if (rv != CKR_OK) {
        return rv;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? CKR_OBJECT_HANDLE_INVALID
                               : rv_from_errno(errno);
    }
    /* The open descriptor pins this version of the file; a concurrent
     * replace renames a new file in and does not touch it. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uintmax_t)st.st_size > SIZE_MAX ||
        (uintmax_t)st.st_size > (CK_ULONG)-1) {
        close(fd);
        return CKR_DEVICE_ERROR;
    }
    size_t size = (size_t)st.st_size;
    unsigned char *data = malloc(size ? size : 1);
    if (data == NULL) {
        close(fd);
        return CKR_HOST_MEMORY;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = read(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) { /* error, or the file shrank under us */
            rv = n < 0 ? rv_from_errno(errno) : CKR_DEVICE_ERROR;
            break;
        }
        done += (size_t)n;
    }
    close(fd);
    if (rv != CKR_OK) {
        PKCS11_PAL_GetObjectValueCleanup(data, (CK_ULONG)size);
        return rv;
    }
    *ppucData = data;
    *pulDataSize = (CK_ULONG)size;
    /* The PAL cannot tell a key from a certificate, so every value is
     * treated as secret and wiped on cleanup. */
    *pIsPrivate = CK_TRUE;
    return CKR_OK;
}

void PKCS11_PAL_GetObjectValueCleanup(CK_BYTE_PTR pucData, CK_ULONG ulDataSize)
{
    if (pucData == NULL) {
        return;
    }
    /* explicit_bzero is not removed by the optimizer as a dead store. */
    explicit_bzero(pucData, ulDataSize);
    free(pucData);
}

CK_RV PKCS11_PAL_DestroyObject(CK_OBJECT_HANDLE xHandle)
{
    char dir[PATH_MAX];
    char path[PATH_MAX];

    CK_RV rv = path_for_handle(xHandle, dir, path);
    if (rv != CKR_OK) {
        return rv;
    }
    unsigned char label[P11_PAL_POSIX_MAX_LABEL_LEN];
    size_t label_len = 0;
    pthread_mutex_lock(&lock);
    const struct p11_label_entry *entry = p11_label_index_entry(&labels, xHandle);
    if (entry != NULL && entry->label_len <= sizeof(label)) {
        label_len = entry->label_len;
        memcpy(label, entry->label, label_len);
    }
    pthread_mutex_unlock(&lock);
    rv = PKCS11_PAL_LockStore();
    if (rv != CKR_OK) {
        return rv;
    }
    if (unlink(path) != 0) {
        rv = errno == ENOENT ? CKR_OBJECT_HANDLE_INVALID : rv_from_errno(errno);
    } else {
        /* Gone from the folder even if the sync below fails: other processes hear of it. */
        p11_pal_posix_journal_note(label, label_len);
        if (sync_dir(dir) != 0) {
            rv = rv_from_errno(errno);
        }
    }
    PKCS11_PAL_UnlockStore();
    return rv;
}
