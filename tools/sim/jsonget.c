/* Typed JSON reads for the scenario parser (see jsonget.h). */
#include "jsonget.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sim_jpath(char *dst, size_t cap, const char *parent, const char *key)
{
    if (parent == NULL || parent[0] == '\0')
        snprintf(dst, cap, "%s", key);
    else
        snprintf(dst, cap, "%s.%s", parent, key);
}

void sim_jpath_index(char *dst, size_t cap, const char *parent, size_t i)
{
    snprintf(dst, cap, "%s[%zu]", parent, i);
}

int sim_jfail(sim_jctx *c, const char *path, const char *fmt, ...)
{
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (path != NULL && path[0] != '\0')
        return es_error_set(c->err, ES_EINVAL, "%s: %s: %s", c->name, path, reason);
    return es_error_set(c->err, ES_EINVAL, "%s: %s", c->name, reason);
}

int sim_jcheck_keys(sim_jctx *c, const json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char p[300];
            sim_jpath(p, sizeof p, path, key);
            return sim_jfail(c, p, "unknown key");
        }
    }
    return 0;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static const json_t *member(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                            int required, char *p, size_t cap, int *status)
{
    sim_jpath(p, cap, path, key);
    const json_t *v = json_object_get(obj, key);
    *status = 0;
    if (v == NULL)
        *status = required ? sim_jfail(c, p, "missing") : 1;
    return v;
}

int sim_jnumber(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                int required, double lo, double hi, double *out)
{
    char p[300];
    int st;
    const json_t *v = member(c, obj, path, key, required, p, sizeof p, &st);
    if (v == NULL)
        return st;
    if (!json_is_number(v))
        return sim_jfail(c, p, "must be a number, not %s", type_name(v));
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi)
        return sim_jfail(c, p, "%g is out of range [%g, %g]", x, lo, hi);
    *out = x;
    return 0;
}

int sim_jint(sim_jctx *c, const json_t *obj, const char *path, const char *key, int required,
             long long lo, long long hi, long long *out)
{
    char p[300];
    int st;
    const json_t *v = member(c, obj, path, key, required, p, sizeof p, &st);
    if (v == NULL)
        return st;
    if (!json_is_integer(v))
        return sim_jfail(c, p, "must be an integer, not %s", type_name(v));
    long long x = (long long)json_integer_value(v);
    if (x < lo || x > hi)
        return sim_jfail(c, p, "%lld is out of range [%lld, %lld]", x, lo, hi);
    *out = x;
    return 0;
}

int sim_jbool(sim_jctx *c, const json_t *obj, const char *path, const char *key, int *out)
{
    char p[300];
    int st;
    const json_t *v = member(c, obj, path, key, 0, p, sizeof p, &st);
    if (v == NULL)
        return st;
    if (!json_is_boolean(v))
        return sim_jfail(c, p, "must be true or false, not %s", type_name(v));
    *out = json_is_true(v);
    return 0;
}

int sim_jstring(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                int required, char *out, size_t cap)
{
    char p[300];
    int st;
    const json_t *v = member(c, obj, path, key, required, p, sizeof p, &st);
    if (v == NULL)
        return st;
    if (!json_is_string(v))
        return sim_jfail(c, p, "must be a string, not %s", type_name(v));
    size_t n = json_string_length(v);
    if (n >= cap)
        return sim_jfail(c, p, "longer than %zu characters", cap - 1);
    if (strlen(json_string_value(v)) != n)
        return sim_jfail(c, p, "contains a NUL character");
    memcpy(out, json_string_value(v), n + 1);
    return 0;
}

int sim_jobject(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                int required, const json_t **out)
{
    char p[300];
    int st;
    const json_t *v = member(c, obj, path, key, required, p, sizeof p, &st);
    *out = NULL;
    if (v == NULL)
        return st;
    if (!json_is_object(v))
        return sim_jfail(c, p, "must be an object, not %s", type_name(v));
    *out = v;
    return 0;
}
