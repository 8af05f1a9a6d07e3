/* Earshot: the site's local tangent plane (east, north, up of site.origin)
 * and WGS84 latitude/longitude/height, through PROJ (topocentric
 * conversion on the WGS84 ellipsoid). Also range and bearing on the plane. */
#ifndef EARSHOT_GEODESY_H
#define EARSHOT_GEODESY_H

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_geodesy_s *es_geodesy;

/* origin: latitude, longitude (degrees, WGS84) and ellipsoidal height (m). */
es_geodesy es_geodesy_create(double lat_deg, double lon_deg, double alt_m,
                             es_error *err);

int es_geodesy_enu_to_geodetic(es_geodesy g, double e_m, double n_m,
                               double u_m, double *lat_deg, double *lon_deg,
                               double *alt_m);

int es_geodesy_geodetic_to_enu(es_geodesy g, double lat_deg, double lon_deg,
                               double alt_m, double *e_m, double *n_m,
                               double *u_m);

void es_geodesy_destroy(es_geodesy *g);

/* Horizontal range from the origin and bearing clockwise from north in
 * [0, 360). */
void es_range_bearing(double e_m, double n_m, double *range_m,
                      double *bearing_deg);

#ifdef __cplusplus
}
#endif
#endif
