/* Local tangent plane <-> WGS84 geodetic coordinates through PROJ.
 *
 * One PROJ context per object (no shared global state, so objects may live
 * on different threads) and one pipeline made at create:
 *   geodetic (rad) --cart--> ECEF --topocentric--> ENU of the origin.
 * PJ_FWD goes geodetic -> ENU, PJ_INV goes back. */
#include "earshot/geodesy.h"

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>

#define ES_PI 3.14159265358979323846
#define GEO_MIN_ALT_M (-12000.0)   /* below the deepest ocean trench */
#define GEO_MAX_ALT_M 100000.0     /* the edge of space */
#define GEO_MAX_OFFSET_M 1.0e6     /* the tangent plane is for local use */

struct es_geodesy_s {
    PJ_CONTEXT *ctx;
    PJ *pipeline;
};

static int valid_geodetic(double lat_deg, double lon_deg, double alt_m)
{
    return isfinite(lat_deg) && isfinite(lon_deg) && isfinite(alt_m) &&
           lat_deg >= -90.0 && lat_deg <= 90.0 && lon_deg >= -180.0 &&
           lon_deg <= 360.0 && alt_m >= GEO_MIN_ALT_M && alt_m <= GEO_MAX_ALT_M;
}

es_geodesy es_geodesy_create(double lat_deg, double lon_deg, double alt_m,
                             es_error *err)
{
    if (!valid_geodetic(lat_deg, lon_deg, alt_m)) {
        es_error_set(err, ES_EINVAL,
                     "geodesy: origin lat %g lon %g alt %g m is out of range",
                     lat_deg, lon_deg, alt_m);
        return NULL;
    }
    es_geodesy g = calloc(1, sizeof *g);
    if (g == NULL) {
        es_error_set(err, ES_ENOMEM, "geodesy: out of memory");
        return NULL;
    }
    g->ctx = proj_context_create();
    if (g->ctx == NULL) {
        es_error_set(err, ES_ENOMEM, "geodesy: cannot create a PROJ context");
        es_geodesy_destroy(&g);
        return NULL;
    }
    proj_log_level(g->ctx, PJ_LOG_NONE); /* libraries do not print */
    char def[512];
    snprintf(def, sizeof def,
             "+proj=pipeline +step +proj=cart +ellps=WGS84 "
             "+step +proj=topocentric +ellps=WGS84 +lat_0=%.12f +lon_0=%.12f +h_0=%.6f",
             lat_deg, lon_deg, alt_m);
    g->pipeline = proj_create(g->ctx, def);
    if (g->pipeline == NULL) {
        int e = proj_context_errno(g->ctx);
        es_error_set(err, ES_EINVAL, "geodesy: PROJ refused the pipeline: %s",
                     proj_context_errno_string(g->ctx, e));
        es_geodesy_destroy(&g);
        return NULL;
    }
    return g;
}

void es_geodesy_destroy(es_geodesy *gp)
{
    if (gp == NULL || *gp == NULL)
        return;
    es_geodesy g = *gp;
    if (g->pipeline)
        proj_destroy(g->pipeline);
    if (g->ctx)
        proj_context_destroy(g->ctx);
    free(g);
    *gp = NULL;
}

/* Runs the pipeline one way; ES_ERANGE if PROJ reports an error or gives a
 * non-finite coordinate. */
static int transform(es_geodesy g, PJ_DIRECTION dir, PJ_COORD in, PJ_COORD *out)
{
    proj_errno_reset(g->pipeline);
    *out = proj_trans(g->pipeline, dir, in);
    if (proj_errno(g->pipeline) != 0 || !isfinite(out->xyz.x) ||
        !isfinite(out->xyz.y) || !isfinite(out->xyz.z))
        return ES_ERANGE;
    return ES_OK;
}

int es_geodesy_enu_to_geodetic(es_geodesy g, double e_m, double n_m,
                               double u_m, double *lat_deg, double *lon_deg,
                               double *alt_m)
{
    if (g == NULL || lat_deg == NULL || lon_deg == NULL || alt_m == NULL ||
        !(fabs(e_m) <= GEO_MAX_OFFSET_M) || !(fabs(n_m) <= GEO_MAX_OFFSET_M) ||
        !(fabs(u_m) <= GEO_MAX_OFFSET_M))
        return ES_EINVAL;
    PJ_COORD out;
    int rc = transform(g, PJ_INV, proj_coord(e_m, n_m, u_m, 0.0), &out);
    if (rc != ES_OK)
        return rc;
    *lon_deg = out.lpz.lam * (180.0 / ES_PI);
    *lat_deg = out.lpz.phi * (180.0 / ES_PI);
    *alt_m = out.lpz.z;
    return ES_OK;
}

int es_geodesy_geodetic_to_enu(es_geodesy g, double lat_deg, double lon_deg,
                               double alt_m, double *e_m, double *n_m,
                               double *u_m)
{
    if (g == NULL || e_m == NULL || n_m == NULL || u_m == NULL ||
        !valid_geodetic(lat_deg, lon_deg, alt_m))
        return ES_EINVAL;
    PJ_COORD in = proj_coord(lon_deg * (ES_PI / 180.0), lat_deg * (ES_PI / 180.0),
                             alt_m, 0.0);
    PJ_COORD out;
    int rc = transform(g, PJ_FWD, in, &out);
    if (rc != ES_OK)
        return rc;
    *e_m = out.xyz.x;
    *n_m = out.xyz.y;
    *u_m = out.xyz.z;
    return ES_OK;
}

void es_range_bearing(double e_m, double n_m, double *range_m,
                      double *bearing_deg)
{
    double bearing = atan2(e_m, n_m) * (180.0 / ES_PI); /* (-180, 180] */
    if (bearing < 0.0)
        bearing += 360.0;
    if (bearing >= 360.0) /* -tiny + 360 rounds to 360 */
        bearing = 0.0;
    if (range_m != NULL)
        *range_m = hypot(e_m, n_m);
    if (bearing_deg != NULL)
        *bearing_deg = bearing;
}
