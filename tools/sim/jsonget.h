/* Earshot simulator: typed, range-checked reads from a JSON object, with
 * errors that name the scenario and the key's JSON path. */
#ifndef EARSHOT_SIM_JSONGET_H
#define EARSHOT_SIM_JSONGET_H

#include <jansson.h>

#include "earshot/status.h"

typedef struct {
    const char *name;         /* scenario name for messages */
    es_error *err;
} sim_jctx;

/* "parent.key", or "key" at the root; "parent[i]" for array items. */
void sim_jpath(char *dst, size_t cap, const char *parent, const char *key);
void sim_jpath_index(char *dst, size_t cap, const char *parent, size_t i);

/* ES_EINVAL with "<name>: <path>: <reason>". */
int sim_jfail(sim_jctx *c, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Fails on the first key of obj not in the NULL-terminated list. */
int sim_jcheck_keys(sim_jctx *c, const json_t *obj, const char *path, const char *const *allowed);

/* Each getter: a missing key leaves *out untouched and is an error only
 * when required. Returns 0, 1 when the key was absent, or ES_EINVAL. */
int sim_jnumber(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                int required, double lo, double hi, double *out);
int sim_jint(sim_jctx *c, const json_t *obj, const char *path, const char *key, int required,
             long long lo, long long hi, long long *out);
int sim_jbool(sim_jctx *c, const json_t *obj, const char *path, const char *key, int *out);
int sim_jstring(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                int required, char *out, size_t cap);
/* An object member (absent: *out = NULL, returns 1; wrong type: error). */
int sim_jobject(sim_jctx *c, const json_t *obj, const char *path, const char *key,
                int required, const json_t **out);

#endif
