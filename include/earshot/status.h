/* Earshot: status codes and error reports shared by every object.
 *
 * Library code never prints: a failing call returns a negative es_status and,
 * where the caller passed an es_error, a one-line reason in it. Creates return
 * NULL on failure and say why in the es_error. */
#ifndef EARSHOT_STATUS_H
#define EARSHOT_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ES_OK = 0,
    ES_EINVAL = -1,   /* an argument or a value in a file is invalid */
    ES_ENOMEM = -2,   /* out of memory (only at create time) */
    ES_EIO = -3,      /* a file, device or socket failed */
    ES_ENOTFOUND = -4,/* a named thing does not exist */
    ES_ERANGE = -5,   /* a value is out of its allowed range */
    ES_ENOCONV = -6,  /* an iterative solver did not converge */
    ES_EFULL = -7     /* a fixed-size buffer or pool is full */
} es_status;

/* A one-line reason for a failure, filled by the callee. */
typedef struct {
    char msg[512];
} es_error;

/* Short name of a status code ("invalid argument", ...). */
const char *es_status_str(int status);

/* printf-style fill of err->msg; err may be NULL. Returns `status`. */
int es_error_set(es_error *err, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
