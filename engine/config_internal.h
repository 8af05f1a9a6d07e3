/* Earshot: helpers shared by the site-config loader's files (engine/config*.c).
 * Not a public header: include/earshot/config.h is the interface.
 *
 * Every check names the file and the JSON path of the value it rejects, so
 * each helper takes the path of the enclosing object and the key. */
#ifndef EARSHOT_ENGINE_CONFIG_INTERNAL_H
#define EARSHOT_ENGINE_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "earshot/config.h"

/* Largest config text read or parsed: a real site config is a few kB, and
 * the cap keeps a wrong path (a recording, /dev/zero) from being slurped. */
#define ES_CONFIG_MAX_BYTES ((size_t)1 << 20)

/* Returns from the calling function when `call` fails: the first problem
 * found is the one reported. */
#define TRY(call)                   \
    do {                            \
        int try_rc_ = (call);       \
        if (try_rc_ != ES_OK)       \
            return try_rc_;         \
    } while (0)

/* Long enough for "sensors[127].channel" and a shortened unknown key. */
#define CFG_PATH_MAX 160

typedef struct {
    const char *name;       /* the file name as the user gave it */
    es_warn_fn warn;
    void *warn_ctx;
    es_error *err;
} cfg_ctx;

/* "parent.key" ("key" at the top level); unusual bytes in the key are
 * escaped and a long key is shortened, so the path is safe to print. */
void cfg_path_key(char *dst, size_t n, const char *parent, const char *key);
/* "parent[i]". */
void cfg_path_index(char *dst, size_t n, const char *parent, size_t i);
/* A string for a message: in double quotes, control and non-ASCII bytes as
 * \xNN, cut to about 64 bytes with "..." after. */
void cfg_quote(char *dst, size_t n, const char *s);

/* Sets ctx->err to "<file>: <path>: <detail>" and returns ES_EINVAL. */
int cfg_fail(const cfg_ctx *ctx, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Passes "<file>: <detail>" to the warning callback, if any. */
void cfg_warn(const cfg_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Warns about each key of `obj` not in the NULL-terminated `known`. */
void cfg_warn_unknown_keys(const cfg_ctx *ctx, json_t *obj, const char *path,
                           const char *const *known);

/* Typed getters. Each looks up `key` in `obj` (whose path is `parent`).
 * Absent: a required key is an error, an optional one leaves *out alone and
 * sets *given (if not NULL) to false. Present: the value is checked and
 * stored. They return ES_OK or ES_EINVAL with the reason in ctx->err. */
int cfg_get_object(const cfg_ctx *ctx, json_t *obj, const char *parent,
                   const char *key, bool required, json_t **out);
int cfg_get_array(const cfg_ctx *ctx, json_t *obj, const char *parent,
                  const char *key, json_t **out);

typedef struct {
    bool required;
    double lo, hi;          /* inclusive bounds */
    bool lo_exclusive;      /* lo itself is not allowed (used with lo = 0) */
} cfg_num_rule;

int cfg_get_number(const cfg_ctx *ctx, json_t *obj, const char *parent,
                   const char *key, const cfg_num_rule *rule, double *out,
                   bool *given);
/* A whole number in [lo, hi]; 48000.0 counts, 48000.5 does not. */
int cfg_get_int(const cfg_ctx *ctx, json_t *obj, const char *parent,
                const char *key, bool required, long long lo, long long hi,
                int *out);

typedef struct {
    bool required;
    size_t max_bytes;       /* longest allowed, without the terminator */
    bool printable_ascii;   /* only bytes 0x20..0x7e */
    bool may_be_empty;
} cfg_str_rule;

/* Copies the string into dst (dst_size > rule->max_bytes). */
int cfg_get_string(const cfg_ctx *ctx, json_t *obj, const char *parent,
                   const char *key, const cfg_str_rule *rule, char *dst,
                   size_t dst_size, bool *given);

/* "an object", "a string", "true", ...: for "must be X, not Y". */
const char *cfg_type_name(const json_t *v);

/* Reads up to cap bytes of the file `path`, opened without blocking (a
 * FIFO would wait for a writer forever) and only if it is a regular file;
 * `what` names what it should be ("config file"). *size_bytes and *mode
 * (NULL: not wanted) get its size and permission bits. ES_OK, or ES_EIO
 * with "<path>: <reason>". Shared with the key files (curve_keys.c). */
int cfg_read_regular_file(const char *path, const char *what, char *buf, size_t cap,
                          size_t *len, long long *size_bytes, unsigned *mode, es_error *err);

/* Parses the text into a JSON object (the caller owns it) or fails with a
 * message that gives the line and column. */
int cfg_parse_text(const cfg_ctx *ctx, const char *text, size_t len,
                   json_t **root);

/* publish.endpoint: tcp://HOST:PORT, ipc://PATH or inproc://NAME. */
int cfg_check_endpoint(const cfg_ctx *ctx, const char *path,
                       const char *endpoint);
/* Sensor layout: no two closer than 0.01 m (error); all on one line
 * (warning). */
int cfg_check_sensor_layout(const cfg_ctx *ctx, const es_site_config *cfg);
/* publish.curve, optional (engine/config_curve.c): reads and checks the
 * secret key file (relative to the config's directory) and the client
 * keys; leaves *curve alone when the key is absent. */
int cfg_parse_publish_curve(const cfg_ctx *ctx, json_t *publish, es_curve_config *curve);

#endif
