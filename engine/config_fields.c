/* Earshot site config: typed access to JSON values with messages that name
 * the file and the JSON path ("site.json: sensors[3].channel: -1 is
 * negative"). Everything the user wrote is escaped before it is printed. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

enum { CFG_QUOTE_MAX_SRC = 64, CFG_KEY_MAX_SRC = 48 };

static bool is_printable_ascii(unsigned char c)
{
    return c >= 0x20 && c <= 0x7e;
}

/* Appends src to dst (escaping anything unprintable) up to max_src source
 * bytes; returns the new length. `quoted` also escapes '"' and '\\'. */
static size_t append_escaped(char *dst, size_t n, size_t len, const char *src,
                             size_t max_src, bool quoted)
{
    size_t i;
    for (i = 0; src[i] != '\0' && i < max_src; i++) {
        unsigned char c = (unsigned char)src[i];
        char piece[8];
        if (quoted && (c == '"' || c == '\\'))
            snprintf(piece, sizeof piece, "\\%c", c);
        else if (is_printable_ascii(c))
            snprintf(piece, sizeof piece, "%c", c);
        else
            snprintf(piece, sizeof piece, "\\x%02x", c);
        size_t pl = strlen(piece);
        if (len + pl + 4 >= n) /* keep room for "...", quote and NUL */
            break;
        memcpy(dst + len, piece, pl);
        len += pl;
    }
    if (src[i] != '\0' && len + 3 < n) {
        memcpy(dst + len, "...", 3);
        len += 3;
    }
    dst[len] = '\0';
    return len;
}

void cfg_quote(char *dst, size_t n, const char *s)
{
    if (n < 8) {
        if (n > 0)
            dst[0] = '\0';
        return;
    }
    dst[0] = '"';
    size_t len = append_escaped(dst, n, 1, s, CFG_QUOTE_MAX_SRC, true);
    dst[len] = '"';
    dst[len + 1] = '\0';
}

void cfg_path_key(char *dst, size_t n, const char *parent, const char *key)
{
    int len = snprintf(dst, n, "%s%s", parent, parent[0] != '\0' ? "." : "");
    if (len < 0 || (size_t)len >= n)
        return;
    append_escaped(dst, n, (size_t)len, key, CFG_KEY_MAX_SRC, false);
}

void cfg_path_index(char *dst, size_t n, const char *parent, size_t i)
{
    snprintf(dst, n, "%s[%zu]", parent, i);
}

int cfg_fail(const cfg_ctx *ctx, const char *path, const char *fmt, ...)
{
    char detail[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return es_error_set(ctx->err, ES_EINVAL, "%s: %s: %s", ctx->name, path, detail);
}

void cfg_warn(const cfg_ctx *ctx, const char *fmt, ...)
{
    if (ctx->warn == NULL)
        return;
    char detail[384], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s: %s", ctx->name, detail);
    ctx->warn(ctx->warn_ctx, msg);
}

static bool is_known(const char *key, const char *const *known)
{
    for (size_t i = 0; known[i] != NULL; i++)
        if (strcmp(key, known[i]) == 0)
            return true;
    return false;
}

void cfg_warn_unknown_keys(const cfg_ctx *ctx, json_t *obj, const char *path,
                           const char *const *known)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        (void)value;
        if (is_known(key, known))
            continue;
        char kpath[CFG_PATH_MAX];
        cfg_path_key(kpath, sizeof kpath, path, key);
        cfg_warn(ctx, "unknown key %s (ignored)", kpath);
    }
}

const char *cfg_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "an unknown JSON value";
}

/* "a string (\"33.3\")" for strings, so a quoted number is easy to spot. */
static void describe(char *dst, size_t n, const json_t *v)
{
    if (json_is_string(v)) {
        char q[96];
        cfg_quote(q, sizeof q, json_string_value(v));
        snprintf(dst, n, "a string (%s)", q);
    } else {
        snprintf(dst, n, "%s", cfg_type_name(v));
    }
}

/* Looks the key up and builds its path; NULL (and no error) when absent. */
static json_t *lookup(json_t *obj, const char *parent, const char *key,
                      char *path, size_t n)
{
    cfg_path_key(path, n, parent, key);
    return json_object_get(obj, key);
}

static int missing(const cfg_ctx *ctx, const char *path)
{
    return cfg_fail(ctx, path, "missing required key");
}

static int wrong_type(const cfg_ctx *ctx, const char *path, const char *want,
                      const json_t *v)
{
    char got[128];
    describe(got, sizeof got, v);
    return cfg_fail(ctx, path, "must be %s, not %s", want, got);
}

int cfg_get_object(const cfg_ctx *ctx, json_t *obj, const char *parent,
                   const char *key, bool required, json_t **out)
{
    char path[CFG_PATH_MAX];
    json_t *v = lookup(obj, parent, key, path, sizeof path);
    *out = NULL;
    if (v == NULL)
        return required ? missing(ctx, path) : ES_OK;
    if (!json_is_object(v))
        return wrong_type(ctx, path, "an object", v);
    *out = v;
    return ES_OK;
}

int cfg_get_array(const cfg_ctx *ctx, json_t *obj, const char *parent,
                  const char *key, json_t **out)
{
    char path[CFG_PATH_MAX];
    json_t *v = lookup(obj, parent, key, path, sizeof path);
    *out = NULL;
    if (v == NULL)
        return missing(ctx, path);
    if (!json_is_array(v))
        return wrong_type(ctx, path, "an array", v);
    *out = v;
    return ES_OK;
}

/* The message for a finite value outside [lo, hi] (or at an excluded lo). */
static int out_of_range(const cfg_ctx *ctx, const char *path, const char *shown,
                        double v, double lo, double hi, bool lo_exclusive)
{
    if (lo == 0.0 && v < 0.0 && !lo_exclusive)
        return cfg_fail(ctx, path, "%s is negative", shown);
    if (lo >= 0.0 && v <= 0.0)
        return cfg_fail(ctx, path, "%s must be positive", shown);
    if (isinf(hi))
        return cfg_fail(ctx, path, "%s is out of range (at least %.15g)", shown, lo);
    return cfg_fail(ctx, path, "%s is out of range %.15g..%.15g", shown, lo, hi);
}

static bool in_range(double v, double lo, double hi, bool lo_exclusive)
{
    return (lo_exclusive ? v > lo : v >= lo) && v <= hi;
}

int cfg_get_number(const cfg_ctx *ctx, json_t *obj, const char *parent,
                   const char *key, const cfg_num_rule *rule, double *out,
                   bool *given)
{
    char path[CFG_PATH_MAX];
    json_t *v = lookup(obj, parent, key, path, sizeof path);
    if (given != NULL)
        *given = v != NULL;
    if (v == NULL)
        return rule->required ? missing(ctx, path) : ES_OK;
    if (!json_is_number(v))
        return wrong_type(ctx, path, "a number", v);
    double x = json_number_value(v);
    /* jansson refuses NaN, Infinity and overflow at parse time; this guards
     * values built in memory by other means. */
    if (!isfinite(x))
        return cfg_fail(ctx, path, "must be a finite number");
    if (!in_range(x, rule->lo, rule->hi, rule->lo_exclusive)) {
        char shown[40];
        snprintf(shown, sizeof shown, "%.15g", x);
        return out_of_range(ctx, path, shown, x, rule->lo, rule->hi, rule->lo_exclusive);
    }
    *out = x;
    return ES_OK;
}

int cfg_get_int(const cfg_ctx *ctx, json_t *obj, const char *parent,
                const char *key, bool required, long long lo, long long hi,
                int *out)
{
    char path[CFG_PATH_MAX], shown[40];
    json_t *v = lookup(obj, parent, key, path, sizeof path);
    if (v == NULL)
        return required ? missing(ctx, path) : ES_OK;
    if (!json_is_number(v))
        return wrong_type(ctx, path, "an integer", v);
    double x;
    if (json_is_integer(v)) {
        long long i = (long long)json_integer_value(v);
        snprintf(shown, sizeof shown, "%lld", i);
        if (i >= lo && i <= hi) {
            *out = (int)i;
            return ES_OK;
        }
        x = (double)i;
    } else {
        x = json_real_value(v);
        snprintf(shown, sizeof shown, "%.15g", x);
        if (!isfinite(x))
            return cfg_fail(ctx, path, "must be a finite number");
        if (x != floor(x))
            return cfg_fail(ctx, path, "%s must be an integer", shown);
        if (x >= (double)lo && x <= (double)hi) {
            *out = (int)x;
            return ES_OK;
        }
    }
    return out_of_range(ctx, path, shown, x, (double)lo, (double)hi, false);
}

/* Index of the first byte outside 0x20..0x7e, or -1. */
static long first_unprintable(const char *s)
{
    for (long i = 0; s[i] != '\0'; i++)
        if (!is_printable_ascii((unsigned char)s[i]))
            return i;
    return -1;
}

int cfg_get_string(const cfg_ctx *ctx, json_t *obj, const char *parent,
                   const char *key, const cfg_str_rule *rule, char *dst,
                   size_t dst_size, bool *given)
{
    char path[CFG_PATH_MAX];
    json_t *v = lookup(obj, parent, key, path, sizeof path);
    if (given != NULL)
        *given = v != NULL;
    if (v == NULL)
        return rule->required ? missing(ctx, path) : ES_OK;
    if (!json_is_string(v))
        return wrong_type(ctx, path, "a string", v);
    const char *s = json_string_value(v);
    size_t len = strlen(s); /* no NUL inside: the parser refuses \u0000 */
    if (len == 0 && !rule->may_be_empty)
        return cfg_fail(ctx, path, "must not be empty");
    if (len > rule->max_bytes || len >= dst_size)
        return cfg_fail(ctx, path, "is %zu bytes long, at most %zu are allowed", len,
                        rule->max_bytes);
    long bad = rule->printable_ascii ? first_unprintable(s) : -1;
    if (bad >= 0) {
        char q[96];
        cfg_quote(q, sizeof q, s);
        return cfg_fail(ctx, path,
                        "%s has byte 0x%02x at offset %ld; only printable ASCII is allowed",
                        q, (unsigned char)s[bad], bad);
    }
    memcpy(dst, s, len + 1);
    return ES_OK;
}
