/* Geodesy: ENU offsets -> lat/lon/height through PROJ against the WGS84
 * closed forms written out here (geodetic -> ECEF of the origin, the
 * ENU -> ECEF rotation, ECEF -> geodetic by fixed-point iteration on the
 * latitude), compared in metres; round trips; range and bearing. */
#include "check.h"
#include "earshot/geodesy.h"

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define DEG (TEST_PI / 180.0)

static const double E2 = WGS84_F * (2.0 - WGS84_F); /* first eccentricity squared */

static double prime_vertical_radius(double lat_rad)
{
    double s = sin(lat_rad);
    return WGS84_A / sqrt(1.0 - E2 * s * s);
}

static void geodetic_to_ecef(double lat_deg, double lon_deg, double h, double x[3])
{
    double lat = lat_deg * DEG, lon = lon_deg * DEG, n = prime_vertical_radius(lat);
    x[0] = (n + h) * cos(lat) * cos(lon);
    x[1] = (n + h) * cos(lat) * sin(lon);
    x[2] = (n * (1.0 - E2) + h) * sin(lat);
}

/* Iterates lat = atan2(z + e2 N sin(lat), p) to convergence. */
static void ecef_to_geodetic(const double x[3], double *lat_deg, double *lon_deg, double *h)
{
    double p = hypot(x[0], x[1]);
    double lat = atan2(x[2], p * (1.0 - E2));
    for (int i = 0; i < 100; i++) {
        double n = prime_vertical_radius(lat);
        double next = atan2(x[2] + E2 * n * sin(lat), p);
        if (fabs(next - lat) < 1e-15) {
            lat = next;
            break;
        }
        lat = next;
    }
    double n = prime_vertical_radius(lat);
    *lat_deg = lat / DEG;
    *lon_deg = atan2(x[1], x[0]) / DEG;
    *h = p / cos(lat) - n;
}

static void reference_geodetic(const double origin[3], double e, double n, double u,
                               double *lat, double *lon, double *h)
{
    double x0[3], x[3];
    geodetic_to_ecef(origin[0], origin[1], origin[2], x0);
    double sl = sin(origin[0] * DEG), cl = cos(origin[0] * DEG);
    double so = sin(origin[1] * DEG), co = cos(origin[1] * DEG);
    /* columns: east, north, up unit vectors in ECEF */
    x[0] = x0[0] - so * e - sl * co * n + cl * co * u;
    x[1] = x0[1] + co * e - sl * so * n + cl * so * u;
    x[2] = x0[2] + cl * n + sl * u;
    ecef_to_geodetic(x, lat, lon, h);
}

/* Distance in metres between two nearby geodetic points. */
static double metres_apart(double lat1, double lon1, double h1, double lat2, double lon2,
                           double h2)
{
    double lat = lat1 * DEG, s = sin(lat);
    double m = WGS84_A * (1.0 - E2) / pow(1.0 - E2 * s * s, 1.5); /* meridian radius */
    double dlon = remainder(lon1 - lon2, 360.0);
    double dn = (lat1 - lat2) * DEG * (m + h1);
    double de = dlon * DEG * (prime_vertical_radius(lat) + h1) * cos(lat);
    return sqrt(dn * dn + de * de + (h1 - h2) * (h1 - h2));
}

static double worst_m, worst_round_trip_m;

static void check_origin(const double origin[3])
{
    static const double offsets[][3] = {{1000, 0, 0},       {0, 5000, 0},
                                        {-3000, 4000, 1.5}, {8000, -8000, 0},
                                        {0, 0, 0},          {-250, -120, 35}};
    es_error err = {{0}};
    es_geodesy g = es_geodesy_create(origin[0], origin[1], origin[2], &err);
    CHECK(g != NULL, "create (%g, %g): %s", origin[0], origin[1], err.msg);
    if (g == NULL)
        return;
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        const double *o = offsets[i];
        double lat, lon, h, rlat, rlon, rh, e, n, u;
        int rc = es_geodesy_enu_to_geodetic(g, o[0], o[1], o[2], &lat, &lon, &h);
        CHECK(rc == ES_OK, "enu->geodetic rc %d", rc);
        reference_geodetic(origin, o[0], o[1], o[2], &rlat, &rlon, &rh);
        double d = metres_apart(lat, lon, h, rlat, rlon, rh);
        CHECK(d < 0.01, "origin (%g, %g) offset (%g, %g, %g): %.4f m from reference",
              origin[0], origin[1], o[0], o[1], o[2], d);
        worst_m = fmax(worst_m, d);
        rc = es_geodesy_geodetic_to_enu(g, rlat, rlon, rh, &e, &n, &u);
        CHECK(rc == ES_OK, "geodetic->enu rc %d", rc);
        double back = sqrt((e - o[0]) * (e - o[0]) + (n - o[1]) * (n - o[1]) +
                           (u - o[2]) * (u - o[2]));
        CHECK(back < 0.01, "reference back to ENU off by %.4f m", back);
        rc = es_geodesy_geodetic_to_enu(g, lat, lon, h, &e, &n, &u);
        back = sqrt((e - o[0]) * (e - o[0]) + (n - o[1]) * (n - o[1]) +
                    (u - o[2]) * (u - o[2]));
        CHECK(rc == ES_OK && back < 1e-6, "round trip off by %.3g m", back);
        worst_round_trip_m = fmax(worst_round_trip_m, back);
    }
    double lat, lon, h, e, n, u;
    CHECK(es_geodesy_enu_to_geodetic(g, NAN, 0, 0, &lat, &lon, &h) == ES_EINVAL, "NaN east");
    CHECK(es_geodesy_enu_to_geodetic(g, 0, 0, 0, NULL, &lon, &h) == ES_EINVAL, "NULL out");
    CHECK(es_geodesy_geodetic_to_enu(g, 95.0, 0, 0, &e, &n, &u) == ES_EINVAL, "lat 95");
    CHECK(es_geodesy_geodetic_to_enu(g, 0, NAN, 0, &e, &n, &u) == ES_EINVAL, "NaN lon");
    es_geodesy_destroy(&g);
    CHECK(g == NULL, "destroy must clear the pointer");
}

static void check_range_bearing(void)
{
    static const double cases[][4] = {
        {0, 100, 100, 0},      {100, 0, 100, 90},     {0, -100, 100, 180},
        {-100, 0, 100, 270},   {300, 400, 500, 36.86989764584402},
        {-1, -1, 1.4142135623730951, 225}, {0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double r, b;
        es_range_bearing(cases[i][0], cases[i][1], &r, &b);
        CHECK_NEAR(r, cases[i][2], 1e-9, "range");
        CHECK_NEAR(b, cases[i][3], 1e-9, "bearing");
    }
    double r, b;
    es_range_bearing(-1e-300, 1.0, &r, &b); /* just west of north: rounds to 360 */
    CHECK(b >= 0.0 && b < 360.0, "bearing %.17g not in [0, 360)", b);
}

static void check_bad_origin(void)
{
    static const double bad[][3] = {{91, 0, 0}, {-91, 0, 0}, {NAN, 0, 0}, {0, INFINITY, 0},
                                    {0, 0, NAN}, {0, 400, 0}, {0, 0, 1e7}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        es_error err = {{0}};
        es_geodesy g = es_geodesy_create(bad[i][0], bad[i][1], bad[i][2], &err);
        CHECK(g == NULL && err.msg[0] != '\0', "bad origin %zu accepted", i);
        es_geodesy_destroy(&g);
    }
    es_geodesy_destroy(NULL);
}

int main(void)
{
    static const double origins[][3] = {
        {33.3152, 44.3661, 34.0}, {-34.6037, -58.3816, 25.0}, {78.2232, 15.6267, 10.0},
        {0.0, 179.99, 0.0},
    };
    for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++)
        check_origin(origins[i]);
    check_range_bearing();
    check_bad_origin();
    printf("geodesy: worst difference from the closed forms %.3g m, worst round trip %.3g m\n",
           worst_m, worst_round_trip_m);
    return check_report("test_geodesy");
}
