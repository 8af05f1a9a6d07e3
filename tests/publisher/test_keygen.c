/* `earshot keygen PREFIX` (engine/cmd_keygen.c, engine/curve_keys.c), run
 * as a separate process: PREFIX.key and PREFIX.pub are 41 bytes each (40
 * Z85 characters and a newline), modes 0600 and 0644 whatever the umask,
 * both valid Z85, and the public key is zmq_curve_public of the secret one;
 * two runs give different keys. An existing PREFIX.key or PREFIX.pub, or a
 * symlink planted in its place, is refused with exit 2 and a line naming
 * it, and nothing is written or left behind. Usage errors exit 2, --help 0.
 *
 * usage: test_keygen EARSHOT */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include <string.h>

#include "../dsp/check.h"

static const char *earshot;
static char dir[64];
static char out[4096], err[4096];

static void slurp(const char *path, char *buf, size_t cap)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return;
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Runs earshot with up to 3 arguments under `mask`; stdout and stderr land
 * in out and err. Returns the exit status (-1: did not exit). */
static int run(mode_t mask, const char *a1, const char *a2, const char *a3)
{
    char out_path[128], err_path[128];
    snprintf(out_path, sizeof out_path, "%s/stdout", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", dir);
    pid_t pid = fork();
    if (pid == 0) {
        umask(mask);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(126);
        execl(earshot, earshot, a1, a2, a3, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork/wait");
    slurp(out_path, out, sizeof out);
    slurp(err_path, err, sizeof err);
    unlink(out_path);
    unlink(err_path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s != '\0'; s++)
        n += *s == '\n';
    return n;
}

/* A key file: 41 bytes, the given mode, 40 valid Z85 characters and '\n'.
 * Fills z85 (NUL-terminated). */
static void check_key_file(const char *path, unsigned mode, char z85[41])
{
    struct stat st;
    char text[64];
    CHECK(stat(path, &st) == 0, "%s exists", path);
    CHECK(st.st_size == 41, "%s: %lld bytes, want 41", path, (long long)st.st_size);
    CHECK((st.st_mode & 07777) == mode, "%s: mode %04o, want %04o", path,
          (unsigned)(st.st_mode & 07777), mode);
    slurp(path, text, sizeof text);
    CHECK(strlen(text) == 41 && text[40] == '\n', "%s: 40 characters and a newline", path);
    memcpy(z85, text, 40);
    z85[40] = '\0';
    unsigned char key[32];
    char again[41];
    CHECK(zmq_z85_decode(key, z85) != NULL && zmq_z85_encode(again, key, 32) != NULL &&
              strcmp(again, z85) == 0, "%s: valid Z85", path);
}

static void path_of(char *dst, size_t n, const char *name)
{
    snprintf(dst, n, "%s/%s", dir, name);
}

static void check_pair(const char *prefix_name, mode_t mask, char pub_out[41])
{
    char prefix[128], key_path[160], pub_path[160], sec[41], pub[41], derived[41];
    path_of(prefix, sizeof prefix, prefix_name);
    snprintf(key_path, sizeof key_path, "%s.key", prefix);
    snprintf(pub_path, sizeof pub_path, "%s.pub", prefix);
    int rc = run(mask, "keygen", prefix, NULL);
    CHECK(rc == 0, "keygen %s (umask %03o): exit %d: %s", prefix, (unsigned)mask, rc, err);
    check_key_file(key_path, 0600, sec);
    check_key_file(pub_path, 0644, pub);
    CHECK(zmq_curve_public(derived, sec) == 0 && strcmp(derived, pub) == 0,
          "%s.pub is the public key of %s.key", prefix, prefix);
    CHECK(strstr(out, pub) != NULL && err[0] == '\0', "the public key is printed: %s", out);
    memcpy(pub_out, pub, 41);
}

/* Exit 2, one line on stderr holding `frag`, nothing on stdout. */
static void check_refused(const char *frag, const char *a1, const char *a2, const char *a3)
{
    int rc = run(022, a1, a2, a3);
    CHECK(rc == 2, "%s %s: exit %d, want 2", a1, a2 ? a2 : "", rc);
    CHECK(strstr(err, frag) != NULL && strncmp(err, "earshot: keygen: ", 17) == 0,
          "stderr lacks '%s': %s", frag, err);
    CHECK(out[0] == '\0', "stdout must be empty: %s", out);
}

static void test_pairs(void)
{
    char pub_a[41], pub_b[41], pub_c[41];
    check_pair("a", 022, pub_a);
    check_pair("b", 077, pub_b); /* the umask narrows nothing */
    check_pair("c", 0, pub_c);   /* nor widens the secret key */
    CHECK(strcmp(pub_a, pub_b) != 0 && strcmp(pub_b, pub_c) != 0, "fresh keys each run");
}

static void test_existing(void)
{
    char prefix[128], path[160], before[64], after[64];
    path_of(prefix, sizeof prefix, "a");
    snprintf(path, sizeof path, "%s.key", prefix);
    slurp(path, before, sizeof before);
    check_refused("a.key: already exists; not overwritten", "keygen", prefix, NULL);
    CHECK(lines(err) == 1, "one line: %s", err);
    slurp(path, after, sizeof after);
    CHECK(strcmp(before, after) == 0, "the existing key is untouched");

    /* Only PREFIX.pub exists: refused before any secret key is written. */
    path_of(prefix, sizeof prefix, "d");
    snprintf(path, sizeof path, "%s.pub", prefix);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL && fputs("old\n", f) >= 0 && fclose(f) == 0, "write %s", path);
    check_refused("d.pub: already exists; not overwritten", "keygen", prefix, NULL);
    slurp(path, after, sizeof after);
    CHECK(strcmp(after, "old\n") == 0, "d.pub untouched");
    snprintf(path, sizeof path, "%s.key", prefix);
    CHECK(access(path, F_OK) != 0, "no d.key left behind");

    /* A symlink planted where the secret key goes is not followed. */
    char target[160];
    path_of(prefix, sizeof prefix, "e");
    path_of(target, sizeof target, "target");
    snprintf(path, sizeof path, "%s.key", prefix);
    CHECK(symlink(target, path) == 0, "symlink");
    check_refused("e.key: already exists", "keygen", prefix, NULL);
    CHECK(access(target, F_OK) != 0, "the link's target was not created");
    unlink(path);
    snprintf(path, sizeof path, "%s.pub", prefix);
    CHECK(access(path, F_OK) != 0, "no e.pub left behind");
}

static void test_usage(void)
{
    char missing[128];
    path_of(missing, sizeof missing, "no/such/dir/k");
    check_refused("no/such/dir/k.key: cannot create: No such file or directory", "keygen",
                  missing, NULL);
    check_refused("PREFIX is required", "keygen", NULL, NULL);
    check_refused("unexpected argument 'y'", "keygen", "x", "y");
    check_refused("unknown option '--bogus'", "keygen", "--bogus", NULL);
    check_refused("PREFIX is empty", "keygen", "", NULL);
    CHECK(run(022, "keygen", "--help", NULL) == 0 && strstr(out, "usage: earshot keygen PREFIX"),
          "keygen --help: %s", out);
    CHECK(run(022, "--help", NULL, NULL) == 0 && strstr(out, "  keygen PREFIX\n"),
          "earshot --help lists keygen");
    CHECK(access("x.key", F_OK) != 0, "no key made on a usage error");
}

static void clean_dir(void)
{
    static const char *const names[] = {"a.key", "a.pub", "b.key", "b.pub", "c.key",
                                        "c.pub", "d.pub", "d.key", "e.key", "e.pub"};
    char path[160];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        path_of(path, sizeof path, names[i]);
        unlink(path);
    }
    CHECK(rmdir(dir) == 0, "rmdir %s", dir);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s EARSHOT\n", argv[0]);
        return 2;
    }
    if (!zmq_has("curve")) {
        printf("test_keygen: libzmq without CURVE, skipped\n");
        return 77;
    }
    earshot = argv[1];
    snprintf(dir, sizeof dir, "/tmp/earshot-keygen-XXXXXX");
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    test_pairs();
    test_existing();
    test_usage();
    clean_dir();
    return check_report("test_keygen");
}
