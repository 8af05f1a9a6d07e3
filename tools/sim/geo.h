/* Earshot simulator: local tangent plane (east, north, up of the site
 * origin) to WGS84 latitude, longitude and ellipsoidal height, by its own
 * ECEF arithmetic (independent of the engine, which uses PROJ). */
#ifndef EARSHOT_SIM_GEO_H
#define EARSHOT_SIM_GEO_H

void sim_enu_to_geodetic(double lat0_deg, double lon0_deg, double alt0_m, const double enu_m[3],
                         double *lat_deg, double *lon_deg, double *alt_m);

/* Horizontal range from the origin and bearing clockwise from north in
 * [0, 360). */
void sim_range_bearing(double e_m, double n_m, double *range_m, double *bearing_deg);

#endif
