/* CURVE key files (include/earshot/publisher.h): one Z85 key of 40
 * characters and a newline per file. The secret key file is created with
 * mode 0600 and O_EXCL in the same open(2), so no other user can ever open
 * it and an existing key is never overwritten. Buffers that held a secret
 * key are cleared before they go out of scope. */
#include "earshot/publisher.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "config_internal.h" /* cfg_read_regular_file: config files are read alike */

/* The key, a newline and one byte more, so a longer file is seen as such. */
#define KEY_FILE_READ_MAX (ES_CURVE_KEY_Z85_LEN + 2)

int es_curve_key_from_z85(const char *z85, size_t len, unsigned char key[ES_CURVE_KEY_BYTES])
{
    char text[ES_CURVE_KEY_Z85_LEN + 1], back[ES_CURVE_KEY_Z85_LEN + 1];
    if (z85 == NULL || len != ES_CURVE_KEY_Z85_LEN || memchr(z85, '\0', len) != NULL)
        return ES_EINVAL;
    memcpy(text, z85, len);
    text[len] = '\0';
    /* zmq_z85_decode takes 5 characters past 2^32 - 1 too: re-encoding
     * tells the one true spelling from such aliases. */
    int ok = zmq_z85_decode(key, text) != NULL && zmq_z85_encode(back, key, ES_CURVE_KEY_BYTES) != NULL
             && memcmp(back, text, len) == 0;
    explicit_bzero(text, sizeof text);
    explicit_bzero(back, sizeof back);
    return ok ? ES_OK : ES_EINVAL;
}

int es_curve_key_file_read(const char *path, unsigned char key[ES_CURVE_KEY_BYTES],
                           unsigned *mode_out, es_error *err)
{
    if (path == NULL || key == NULL)
        return es_error_set(err, ES_EINVAL, "es_curve_key_file_read: NULL %s",
                            path == NULL ? "path" : "key");
    char buf[KEY_FILE_READ_MAX];
    size_t len = 0;
    int rc = cfg_read_regular_file(path, "key file", buf, sizeof buf, &len, NULL, mode_out, err);
    if (rc == ES_OK) {
        size_t key_len = len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
        if (key_len != ES_CURVE_KEY_Z85_LEN)
            rc = es_error_set(err, ES_EINVAL,
                              "%s: %s%zu bytes; a key file holds one %d-character Z85 key and "
                              "a newline",
                              path, len == sizeof buf ? "at least " : "", len,
                              ES_CURVE_KEY_Z85_LEN);
        else if (es_curve_key_from_z85(buf, key_len, key) != ES_OK)
            rc = es_error_set(err, ES_EINVAL, "%s: not a %d-character Z85 key", path,
                              ES_CURVE_KEY_Z85_LEN);
    }
    explicit_bzero(buf, sizeof buf);
    return rc;
}

/* Existing files and missing directories are the user's to fix (exit 2);
 * anything else is a failure at run time. */
static int create_status(int e)
{
    return e == EEXIST || e == ENOENT || e == ENOTDIR || e == EISDIR || e == ENAMETOOLONG
               ? ES_EINVAL
               : ES_EIO;
}

/* O_EXCL: never follows a planted symlink and never replaces a key. */
static int create_exclusive(const char *path, mode_t mode, int *fd_out, es_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        int e = errno;
        if (e == EEXIST)
            return es_error_set(err, ES_EINVAL, "%s: already exists; not overwritten", path);
        return es_error_set(err, create_status(e), "%s: cannot create: %s", path, strerror(e));
    }
    *fd_out = fd;
    return ES_OK;
}

/* The key and a newline, the exact mode whatever the umask (it may only
 * have narrowed it), on disk before the file is closed. Closes fd. */
static int write_key_line(int fd, const char *path, const char *z85, mode_t mode, es_error *err)
{
    char line[ES_CURVE_KEY_Z85_LEN + 1];
    memcpy(line, z85, ES_CURVE_KEY_Z85_LEN);
    line[ES_CURVE_KEY_Z85_LEN] = '\n';
    size_t done = 0;
    int rc = ES_OK;
    while (done < sizeof line && rc == ES_OK) {
        ssize_t n = write(fd, line + done, sizeof line - done);
        if (n < 0 && errno != EINTR)
            rc = es_error_set(err, ES_EIO, "%s: cannot write: %s", path, strerror(errno));
        else if (n > 0)
            done += (size_t)n;
    }
    explicit_bzero(line, sizeof line);
    if (rc == ES_OK && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
        rc = es_error_set(err, ES_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) != 0 && rc == ES_OK)
        rc = es_error_set(err, ES_EIO, "%s: cannot write: %s", path, strerror(errno));
    return rc;
}

static int key_paths(const char *prefix, char *key_path, char *pub_path, size_t n, es_error *err)
{
    if (prefix == NULL || prefix[0] == '\0')
        return es_error_set(err, ES_EINVAL, "the key file prefix is empty");
    int a = snprintf(key_path, n, "%s.key", prefix);
    int b = snprintf(pub_path, n, "%s.pub", prefix);
    if (a < 0 || b < 0 || (size_t)a >= n || (size_t)b >= n)
        return es_error_set(err, ES_EINVAL, "%s.key: the path is too long", prefix);
    return ES_OK;
}

/* Creates both files before writing either, so an existing PREFIX.pub stops
 * the run before a secret key is written anywhere. */
static int write_pair(const char *key_path, const char *pub_path, const char *secret_z85,
                      const char *public_z85, es_error *err)
{
    int key_fd = -1, pub_fd = -1;
    int rc = create_exclusive(key_path, 0600, &key_fd, err);
    if (rc != ES_OK)
        return rc;
    rc = create_exclusive(pub_path, 0644, &pub_fd, err);
    if (rc != ES_OK) {
        close(key_fd);
        unlink(key_path);
        return rc;
    }
    rc = write_key_line(key_fd, key_path, secret_z85, 0600, err);
    int pub_rc = write_key_line(pub_fd, pub_path, public_z85, 0644, rc == ES_OK ? err : NULL);
    if (rc == ES_OK)
        rc = pub_rc;
    if (rc != ES_OK) {
        unlink(key_path);
        unlink(pub_path);
    }
    return rc;
}

int es_curve_keypair_write(const char *prefix, char public_z85[ES_CURVE_KEY_Z85_LEN + 1],
                           es_error *err)
{
    char key_path[PATH_MAX], pub_path[PATH_MAX];
    int rc = key_paths(prefix, key_path, pub_path, sizeof key_path, err);
    if (rc != ES_OK)
        return rc;
    char pub[ES_CURVE_KEY_Z85_LEN + 1], sec[ES_CURVE_KEY_Z85_LEN + 1];
    if (zmq_curve_keypair(pub, sec) != 0)
        return es_error_set(err, ES_EIO, "cannot make a CURVE key pair: %s",
                            zmq_strerror(zmq_errno()));
    rc = write_pair(key_path, pub_path, sec, pub, err);
    explicit_bzero(sec, sizeof sec);
    if (rc == ES_OK && public_z85 != NULL)
        memcpy(public_z85, pub, sizeof pub);
    return rc;
}
