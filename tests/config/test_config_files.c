/* es_site_config_parse / _load on every file of tests/config: each bad one
 * is refused with ES_EINVAL (ES_EIO for what cannot be read as a file) and
 * a message naming it; each good one loads. Then, on the good files, every
 * truncation is refused and thousands of seeded byte mutations never crash
 * (run under ASan+UBSan) and never yield a config that breaks the rules.
 *
 * usage: test_config_files CONFIG_TEST_DIR */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../dsp/check.h"
#include "earshot/config.h"

#define MAX_TEXT (64 * 1024)
#define MUTATIONS_PER_FILE 3000

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(MAX_TEXT);
    *len = buf != NULL ? fread(buf, 1, MAX_TEXT, f) : 0;
    fclose(f);
    return buf;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The rules a loaded config must obey, checked independently of the
 * loader: whatever a mutation produced, if it loads it is sane. */
static void check_invariants(const es_site_config *c, const char *what)
{
    CHECK(c->n_sensors >= 4 && c->n_sensors <= ES_MAX_SENSORS, "%s: n %zu", what, c->n_sensors);
    CHECK(c->sample_rate_hz >= 8000 && c->sample_rate_hz <= 384000, "%s: rate", what);
    CHECK(c->origin_lat_deg >= -90 && c->origin_lat_deg <= 90, "%s: lat", what);
    CHECK(c->detection.band_lo_hz > 0 && c->detection.band_lo_hz < c->detection.band_hi_hz &&
              c->detection.band_hi_hz < c->sample_rate_hz / 2.0, "%s: band", what);
    CHECK(c->endpoint[0] != '\0' && c->device[0] != '\0', "%s: strings", what);
    for (size_t i = 0; i < c->n_sensors && i < ES_MAX_SENSORS; i++) {
        const es_sensor_config *s = &c->sensors[i];
        CHECK(s->id[0] != '\0' && strlen(s->id) < ES_SENSOR_ID_MAX, "%s: id %zu", what, i);
        CHECK(s->channel >= 0 && s->channel <= 1023, "%s: channel %zu", what, i);
        for (size_t j = 0; j < i; j++) {
            CHECK(strcmp(s->id, c->sensors[j].id) != 0, "%s: ids %zu %zu", what, i, j);
            CHECK(s->channel != c->sensors[j].channel, "%s: channels %zu %zu", what, i, j);
        }
    }
}

/* Every file directly in `sub`: bad ones must fail, good ones load. */
static int check_dir(const char *root, const char *sub, int expect_ok)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", root, sub);
    DIR *d = opendir(dir);
    CHECK(d != NULL, "cannot open %s", dir);
    if (d == NULL)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        es_site_config cfg;
        es_error err = {{0}};
        n++;
        if (is_dir(path)) {
            int rc = es_site_config_load(path, &cfg, NULL, NULL, &err);
            CHECK(rc == ES_EIO && strstr(err.msg, path) == err.msg, "%s: rc %d %s", path, rc, err.msg);
            continue;
        }
        size_t len;
        char *text = read_file(path, &len);
        CHECK(text != NULL, "cannot read %s", path);
        if (text == NULL)
            continue;
        int rc = es_site_config_parse(text, len, path, &cfg, NULL, NULL, &err);
        if (expect_ok) {
            CHECK(rc == ES_OK, "%s: %s", path, err.msg);
            if (rc == ES_OK)
                check_invariants(&cfg, path);
        } else {
            CHECK(rc == ES_EINVAL, "%s: rc %d", path, rc);
            CHECK(strstr(err.msg, path) == err.msg && strlen(err.msg) > strlen(path) + 2,
                  "%s: message '%s' does not start with the file name", path, err.msg);
            /* Loading the file gives the same verdict and message. */
            es_error err2 = {{0}};
            CHECK(es_site_config_load(path, &cfg, NULL, NULL, &err2) == ES_EINVAL &&
                      strcmp(err.msg, err2.msg) == 0, "%s: load says '%s'", path, err2.msg);
        }
        free(text);
    }
    closedir(d);
    return n;
}

/* Any prefix that stops before the closing brace is not a JSON object. */
static void check_truncations(const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    CHECK(text != NULL, "cannot read %s", path);
    if (text == NULL)
        return;
    size_t last = len;
    while (last > 0 && text[last - 1] != '}')
        last--;
    CHECK(last > 0, "%s has no closing brace", path);
    for (size_t n = 0; n + 1 < last; n++) {
        es_site_config cfg;
        es_error err;
        int rc = es_site_config_parse(text, n, "cut.json", &cfg, NULL, NULL, &err);
        CHECK(rc == ES_EINVAL, "%s cut at %zu: rc %d", path, n, rc);
    }
    free(text);
}

static unsigned long long lcg(unsigned long long *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Seeded random edits: overwrite, delete or insert a byte, 1..4 times. */
static int fuzz(const char *path, unsigned long long seed)
{
    size_t len = 0;
    char *orig = read_file(path, &len);
    char *buf = malloc(MAX_TEXT);
    CHECK(orig != NULL && buf != NULL, "cannot read %s", path);
    int accepted = 0;
    static const char interesting[] = "{}[]\",:0123456789.eE-+ \\tnulfasNI\xff";
    for (int m = 0; orig != NULL && buf != NULL && m < MUTATIONS_PER_FILE; m++) {
        size_t n = len;
        memcpy(buf, orig, len);
        int edits = 1 + (int)(lcg(&seed) % 4);
        for (int k = 0; k < edits && n > 0; k++) {
            size_t at = lcg(&seed) % n;
            char c = (lcg(&seed) & 1) ? interesting[lcg(&seed) % (sizeof interesting - 1)]
                                      : (char)(lcg(&seed) & 0xff);
            switch (lcg(&seed) % 3) {
            case 0: buf[at] = c; break;
            case 1: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;
            default:
                if (n + 1 < MAX_TEXT) {
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = c;
                    n++;
                }
            }
        }
        es_site_config cfg;
        es_error err = {{0}};
        int rc = es_site_config_parse(buf, n, "fuzz.json", &cfg, NULL, NULL, &err);
        CHECK(rc == ES_OK || rc == ES_EINVAL, "%s mutation %d: rc %d", path, m, rc);
        if (rc == ES_OK) {
            accepted++;
            check_invariants(&cfg, "mutation");
        } else {
            CHECK(strncmp(err.msg, "fuzz.json: ", 11) == 0, "message '%s'", err.msg);
        }
    }
    free(orig);
    free(buf);
    return accepted;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFIG_TEST_DIR\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    int bad = check_dir(root, "bad", 0);
    int good = check_dir(root, "good", 1) + check_dir(root, "stream", 1);
    CHECK(bad >= 24, "only %d bad files", bad);
    printf("%d bad files refused, %d good files loaded\n", bad, good);
    static const char *const good_files[] = {"good/contract_example.json", "good/minimal.json",
                                             "stream/recording_44k1.json"};
    for (size_t i = 0; i < sizeof good_files / sizeof good_files[0]; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", root, good_files[i]);
        check_truncations(path);
        int accepted = fuzz(path, 0x5eed0000ULL + i);
        printf("%s: %d of %d mutations still valid (each checked)\n", good_files[i], accepted,
               MUTATIONS_PER_FILE);
    }
    return check_report("test_config_files");
}
