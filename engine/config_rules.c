/* Earshot site config: the rules that look at more than one value, or at
 * the inside of a string: the publish endpoint and the sensor layout. */
#include <math.h>
#include <string.h>

#include "config_internal.h"

/* Unix socket paths (sockaddr_un.sun_path) hold 107 bytes and a NUL. */
enum { CFG_IPC_PATH_MAX = 107 };
/* Closer sensors record the same wavefront: their delay carries nothing. */
#define CFG_MIN_SENSOR_SPACING_M 0.01
/* A layout narrower than this fraction of its length counts as a line. */
#define CFG_LINE_WIDTH_FRACTION 1e-3

static const char endpoint_forms[] = "use tcp://HOST:PORT, ipc://PATH or inproc://NAME";

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int check_port(const cfg_ctx *ctx, const char *path, const char *q, const char *port)
{
    if (port[0] == '\0')
        return cfg_fail(ctx, path, "%s has no port after the ':' (0..65535, or * for any)", q);
    if (strcmp(port, "*") == 0)
        return ES_OK;
    size_t n = strspn(port, "0123456789");
    if (port[n] != '\0')
        return cfg_fail(ctx, path, "%s: the port is not a number (0..65535, or * for any)", q);
    long value = 0; /* stops growing past the limit, so no overflow */
    for (size_t i = 0; i < n && value <= 65535; i++)
        value = value * 10 + (port[i] - '0');
    if (value > 65535)
        return cfg_fail(ctx, path, "%s: port %s is out of range 0..65535", q, port);
    return ES_OK;
}

/* HOST:PORT; HOST is a name, an address, an interface, * or [IPv6]. */
static int check_tcp(const cfg_ctx *ctx, const char *path, const char *q, const char *rest)
{
    const char *colon = strrchr(rest, ':');
    if (colon == NULL)
        return cfg_fail(ctx, path, "%s has no :PORT (e.g. tcp://127.0.0.1:5556)", q);
    size_t host_len = (size_t)(colon - rest);
    if (host_len == 0)
        return cfg_fail(ctx, path, "%s has no host (use tcp://*:PORT for every interface)", q);
    if (rest[0] == '[') {
        if (host_len < 3 || rest[host_len - 1] != ']')
            return cfg_fail(ctx, path, "%s: an IPv6 host must be written [ADDRESS]", q);
    } else if (memchr(rest, ':', host_len) != NULL) {
        return cfg_fail(ctx, path, "%s: an IPv6 host must be in brackets, e.g. tcp://[::1]:5556", q);
    }
    return check_port(ctx, path, q, colon + 1);
}

int cfg_check_endpoint(const cfg_ctx *ctx, const char *path, const char *endpoint)
{
    char q[96];
    cfg_quote(q, sizeof q, endpoint);
    for (const char *p = endpoint; *p != '\0'; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return cfg_fail(ctx, path, "%s contains a space, a control character or a non-ASCII byte", q);
    if (starts_with(endpoint, "tcp://"))
        return check_tcp(ctx, path, q, endpoint + 6);
    if (starts_with(endpoint, "ipc://")) {
        size_t n = strlen(endpoint + 6);
        if (n == 0)
            return cfg_fail(ctx, path, "%s has no path after ipc://", q);
        if (n > CFG_IPC_PATH_MAX)
            return cfg_fail(ctx, path, "the ipc path is %zu bytes; a Unix socket path holds at most %d",
                            n, CFG_IPC_PATH_MAX);
        return ES_OK;
    }
    if (starts_with(endpoint, "inproc://")) {
        if (endpoint[9] == '\0')
            return cfg_fail(ctx, path, "%s has no name after inproc://", q);
        return ES_OK;
    }
    return cfg_fail(ctx, path, "%s is not a ZeroMQ endpoint to bind; %s", q, endpoint_forms);
}

static double distance_m(const es_sensor_config *a, const es_sensor_config *b, bool vertical)
{
    double de = a->e_m - b->e_m, dn = a->n_m - b->n_m, du = vertical ? a->u_m - b->u_m : 0.0;
    return sqrt(de * de + dn * dn + du * du);
}

static int check_spacing(const cfg_ctx *ctx, const es_site_config *cfg)
{
    for (size_t i = 1; i < cfg->n_sensors; i++) {
        for (size_t j = 0; j < i; j++) {
            const es_sensor_config *a = &cfg->sensors[i], *b = &cfg->sensors[j];
            double d = distance_m(a, b, true);
            if (d >= CFG_MIN_SENSOR_SPACING_M)
                continue;
            char path[CFG_PATH_MAX], qa[96], qb[96];
            cfg_path_index(path, sizeof path, "sensors", i);
            cfg_quote(qa, sizeof qa, a->id);
            cfg_quote(qb, sizeof qb, b->id);
            return cfg_fail(ctx, path,
                            "%s is %.3g m from sensors[%zu] %s; sensors must be at least "
                            "%.2g m apart",
                            qa, d, j, qb, CFG_MIN_SENSOR_SPACING_M);
        }
    }
    return ES_OK;
}

/* A line array gives the same delays for a source and its mirror image
 * across the line, so it cannot say on which side a launch is. */
static void warn_if_on_a_line(const cfg_ctx *ctx, const es_site_config *cfg)
{
    size_t ia = 0, ib = 0;
    double length = 0.0;
    for (size_t i = 0; i < cfg->n_sensors; i++)
        for (size_t j = 0; j < i; j++) {
            double d = distance_m(&cfg->sensors[i], &cfg->sensors[j], false);
            if (d > length) {
                length = d;
                ia = i;
                ib = j;
            }
        }
    double width = 0.0;
    if (length > 0.0) {
        const es_sensor_config *a = &cfg->sensors[ia], *b = &cfg->sensors[ib];
        double ue = (b->e_m - a->e_m) / length, un = (b->n_m - a->n_m) / length;
        for (size_t i = 0; i < cfg->n_sensors; i++) {
            const es_sensor_config *p = &cfg->sensors[i];
            double off = fabs((p->e_m - a->e_m) * un - (p->n_m - a->n_m) * ue);
            width = off > width ? off : width;
        }
    }
    if (width <= CFG_LINE_WIDTH_FRACTION * length)
        cfg_warn(ctx,
                 "sensors: all %zu sensors lie on one straight line (seen from above); a line "
                 "array cannot tell which side of the line a source is on",
                 cfg->n_sensors);
}

int cfg_check_sensor_layout(const cfg_ctx *ctx, const es_site_config *cfg)
{
    int rc = check_spacing(ctx, cfg);
    if (rc == ES_OK)
        warn_if_on_a_line(ctx, cfg);
    return rc;
}
