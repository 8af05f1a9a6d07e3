/* publish.curve in the site config (engine/config_curve.c) and the key
 * files (engine/curve_keys.c), on files made here: the keys loaded equal
 * what zmq_z85_decode makes of the texts written; a relative key path is
 * read from the config's directory whatever the working directory; a
 * secret key open to others is a warning naming it and its mode; Z85 texts
 * that are not one key's canonical spelling are refused. The error cases
 * with their messages are rows of cases.tsv (run through `earshot check`).
 *
 * usage: test_config_curve */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "../dsp/check.h"
#include "earshot/config.h"
#include "earshot/publisher.h"
#include "warnings.h"


static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "cannot write %s", path);
    if (f == NULL)
        return;
    fputs(text, f);
    CHECK(fclose(f) == 0, "closing %s", path);
}

/* The four-sensor minimal config with the given publish.curve object. */
static void write_config(const char *path, const char *curve_json)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"site\": {\"origin\": {\"lat\": -33.5, \"lon\": 151.25}},\n"
             " \"audio\": {\"sample_rate\": 8000},\n"
             " \"sensors\": [{\"id\": \"N1\", \"channel\": 0, \"e_m\": 0, \"n_m\": 250},\n"
             "             {\"id\": \"E1\", \"channel\": 1, \"e_m\": 240, \"n_m\": 10},\n"
             "             {\"id\": \"S1\", \"channel\": 2, \"e_m\": -20, \"n_m\": -230},\n"
             "             {\"id\": \"W1\", \"channel\": 3, \"e_m\": -250, \"n_m\": 5}],\n"
             " \"publish\": {\"endpoint\": \"tcp://127.0.0.1:5556\"%s%s}}\n",
             curve_json != NULL ? ", \"curve\": " : "", curve_json != NULL ? curve_json : "");
    write_text(path, text);
}

/* The 32 bytes zmq_z85_decode makes of the first 40 characters of a file. */
static void decode_file(const char *path, unsigned char key[32])
{
    char text[64] = {0};
    FILE *f = fopen(path, "r");
    CHECK(f != NULL && fread(text, 1, 40, f) == 40, "reading %s", path);
    if (f != NULL)
        fclose(f);
    CHECK(zmq_z85_decode(key, text) != NULL, "%s holds Z85", path);
}

typedef struct {
    char dir[64];                /* a fresh directory: the site's */
    char config[96];             /* dir/site.json */
    char prefix[96];             /* dir/engine: .key and .pub */
    char client_a[41], client_b[41];
} site_files;

static void make_site(site_files *s, const char *curve_fmt)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/earshot-curve-XXXXXX");
    CHECK(mkdtemp(s->dir) != NULL, "mkdtemp");
    snprintf(s->config, sizeof s->config, "%s/site.json", s->dir);
    snprintf(s->prefix, sizeof s->prefix, "%s/engine", s->dir);
    es_error err = {{0}};
    CHECK(es_curve_keypair_write(s->prefix, NULL, &err) == ES_OK, "keypair: %s", err.msg);
    char secret[41];
    CHECK(zmq_curve_keypair(s->client_a, secret) == 0 && zmq_curve_keypair(s->client_b, secret) == 0,
          "client keys");
    char curve[1024];
    snprintf(curve, sizeof curve, curve_fmt, s->client_a, s->client_b);
    write_config(s->config, curve);
}

static void remove_site(const site_files *s)
{
    char path[128];
    static const char *const names[] = {"site.json", "engine.key", "engine.pub"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", s->dir, names[i]);
        unlink(path);
    }
    CHECK(rmdir(s->dir) == 0, "rmdir %s", s->dir);
}

/* Loaded from another working directory: the keys are the files' and the
 * list's, in order; no warning for a 0600 key; one naming the mode for a
 * key the group can read. */
static void test_load_relative(void)
{
    site_files s;
    make_site(&s, "{\"secret_key_file\": \"engine.key\", \"client_public_keys\": [\"%s\", \"%s\"]}");
    CHECK(chdir("/") == 0, "chdir /");
    static es_site_config cfg;
    warnings w = {0};
    es_error err = {{0}};
    int rc = es_site_config_load(s.config, &cfg, collect, &w, &err);
    CHECK(rc == ES_OK, "load: %s", err.msg);
    CHECK(w.n == 0, "no warning for a 0600 key: %s", w.msg[0]);
    char key_path[128];
    snprintf(key_path, sizeof key_path, "%s.key", s.prefix);
    unsigned char want[32], a[32], b[32];
    decode_file(key_path, want);
    CHECK(zmq_z85_decode(a, s.client_a) != NULL && zmq_z85_decode(b, s.client_b) != NULL, "Z85");
    CHECK(cfg.curve.enabled == 1 && strcmp(cfg.curve.secret_key_file, key_path) == 0,
          "secret_key_file %s", cfg.curve.secret_key_file);
    CHECK(memcmp(cfg.curve.secret_key, want, 32) == 0, "the secret key is the file's");
    CHECK(cfg.curve.n_client_keys == 2 && memcmp(cfg.curve.client_keys[0], a, 32) == 0 &&
              memcmp(cfg.curve.client_keys[1], b, 32) == 0, "client keys in order");

    CHECK(chmod(key_path, 0640) == 0, "chmod");
    w.n = 0;
    CHECK(es_site_config_load(s.config, &cfg, collect, &w, &err) == ES_OK, "load: %s", err.msg);
    char expect[512];
    snprintf(expect, sizeof expect, "%s: publish.curve.secret_key_file: %s is open to group or "
             "others (mode 0640); chmod 600 it", s.config, key_path);
    CHECK(w.n == 1 && strcmp(w.msg[0], expect) == 0, "warning '%s'", w.n ? w.msg[0] : "");
    remove_site(&s);
}

/* From memory, a name without '/': the working directory; an absolute
 * path as written. Without publish.curve nothing is enabled. */
static void test_parse_paths(void)
{
    site_files s;
    make_site(&s, "{\"secret_key_file\": \"engine.key\", \"client_public_keys\": [\"%s\"]}");
    static es_site_config cfg;
    char text[4096], abs_curve[256];
    es_error err = {{0}};
    FILE *f = fopen(s.config, "r");
    size_t len = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f != NULL)
        fclose(f);
    CHECK(chdir(s.dir) == 0, "chdir %s", s.dir);
    CHECK(es_site_config_parse(text, len, "site.json", &cfg, NULL, NULL, &err) == ES_OK &&
              strcmp(cfg.curve.secret_key_file, "engine.key") == 0, "parse: %s", err.msg);
    CHECK(chdir("/") == 0, "chdir /");
    CHECK(es_site_config_parse(text, len, "site.json", &cfg, NULL, NULL, &err) == ES_EINVAL &&
              strstr(err.msg, "publish.curve.secret_key_file: engine.key: cannot open") != NULL,
          "from /: %s", err.msg);
    snprintf(abs_curve, sizeof abs_curve,
             "{\"secret_key_file\": \"%s.key\", \"client_public_keys\": []}", s.prefix);
    write_config(s.config, abs_curve);
    CHECK(es_site_config_load(s.config, &cfg, NULL, NULL, &err) == ES_OK &&
              cfg.curve.enabled && cfg.curve.n_client_keys == 0, "absolute: %s", err.msg);
    write_config(s.config, NULL);
    CHECK(es_site_config_load(s.config, &cfg, NULL, NULL, &err) == ES_OK && !cfg.curve.enabled,
          "no curve: %s", err.msg);
    if (geteuid() != 0) { /* root reads any file */
        char key_path[128];
        snprintf(key_path, sizeof key_path, "%s.key", s.prefix);
        write_config(s.config, abs_curve);
        CHECK(chmod(key_path, 0) == 0, "chmod");
        CHECK(es_site_config_load(s.config, &cfg, NULL, NULL, &err) == ES_EINVAL &&
                  strstr(err.msg, "cannot open: Permission denied") != NULL, "0000: %s", err.msg);
    }
    remove_site(&s);
}

/* 85^5 - 1 = 4437053124 does not fit 32 bits: "#####" is no group of a
 * key, whatever zmq_z85_decode makes of it. */
static void test_z85(void)
{
    unsigned char key[32], back[32];
    char pub[41], sec[41];
    CHECK(zmq_curve_keypair(pub, sec) == 0, "keypair");
    CHECK(es_curve_key_from_z85(pub, 40, key) == ES_OK && zmq_z85_decode(back, pub) != NULL &&
              memcmp(key, back, 32) == 0, "a real key");
    CHECK(es_curve_key_from_z85(pub, 39, key) == ES_EINVAL, "39 characters");
    char alias[41];
    memcpy(alias, pub, 41);
    memcpy(alias + 5, "#####", 5);
    CHECK(es_curve_key_from_z85(alias, 40, key) == ES_EINVAL, "an overflowing group");
    alias[5] = '\0';
    CHECK(es_curve_key_from_z85(alias, 40, key) == ES_EINVAL, "a NUL inside");
    memcpy(alias, pub, 41);
    alias[7] = '~';
    CHECK(es_curve_key_from_z85(alias, 40, key) == ES_EINVAL, "'~' is not Z85");
}

int main(void)
{
    if (!zmq_has("curve")) {
        printf("test_config_curve: libzmq without CURVE, skipped\n");
        return 77;
    }
    test_load_relative();
    test_parse_paths();
    test_z85();
    return check_report("test_config_curve");
}
