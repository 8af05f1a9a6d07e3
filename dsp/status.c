/* Status names and the error-report helper used by every object. */
#include "earshot/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *es_status_str(int status)
{
    switch (status) {
    case ES_OK: return "ok";
    case ES_EINVAL: return "invalid argument";
    case ES_ENOMEM: return "out of memory";
    case ES_EIO: return "input/output error";
    case ES_ENOTFOUND: return "not found";
    case ES_ERANGE: return "out of range";
    case ES_ENOCONV: return "did not converge";
    case ES_EFULL: return "buffer full";
    default: return "unknown status";
    }
}

int es_error_set(es_error *err, int status, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}
