/* ENU -> ECEF -> geodetic on the WGS84 ellipsoid (a = 6378137 m,
 * f = 1/298.257223563). The inverse uses Bowring's iteration on the reduced
 * latitude, converged to machine precision. */
#include "geo.h"

#include <math.h>

#include "simconst.h"

static const double wgs84_a = 6378137.0;
static const double wgs84_f = 1.0 / 298.257223563;

static void geodetic_to_ecef(double lat, double lon, double h, double x[3])
{
    double e2 = wgs84_f * (2.0 - wgs84_f);
    double s = sin(lat), n = wgs84_a / sqrt(1.0 - e2 * s * s);
    x[0] = (n + h) * cos(lat) * cos(lon);
    x[1] = (n + h) * cos(lat) * sin(lon);
    x[2] = (n * (1.0 - e2) + h) * s;
}

static void ecef_to_geodetic(const double x[3], double *lat, double *lon, double *h)
{
    double e2 = wgs84_f * (2.0 - wgs84_f);
    double b = wgs84_a * (1.0 - wgs84_f), ep2 = e2 / (1.0 - e2);
    double p = hypot(x[0], x[1]);
    *lon = atan2(x[1], x[0]);
    double beta = atan2(x[2], (1.0 - wgs84_f) * p), phi = 0.0;
    for (int i = 0; i < 10; i++) {
        phi = atan2(x[2] + ep2 * b * pow(sin(beta), 3), p - e2 * wgs84_a * pow(cos(beta), 3));
        double next = atan2((1.0 - wgs84_f) * sin(phi), cos(phi));
        if (fabs(next - beta) < 1e-15) {
            beta = next;
            break;
        }
        beta = next;
    }
    double s = sin(phi), n = wgs84_a / sqrt(1.0 - e2 * s * s);
    *lat = phi;
    /* Height along the normal; the cos form is well conditioned off the poles. */
    *h = fabs(cos(phi)) > 1e-6 ? p / cos(phi) - n : fabs(x[2]) / fabs(s) - n * (1.0 - e2);
}

void sim_enu_to_geodetic(double lat0_deg, double lon0_deg, double alt0_m, const double enu_m[3],
                         double *lat_deg, double *lon_deg, double *alt_m)
{
    double lat0 = lat0_deg * SIM_DEG, lon0 = lon0_deg * SIM_DEG, x0[3];
    geodetic_to_ecef(lat0, lon0, alt0_m, x0);
    double sl = sin(lat0), cl = cos(lat0), so = sin(lon0), co = cos(lon0);
    double e = enu_m[0], n = enu_m[1], u = enu_m[2];
    double x[3] = {
        x0[0] - so * e - sl * co * n + cl * co * u,
        x0[1] + co * e - sl * so * n + cl * so * u,
        x0[2] + cl * n + sl * u,
    };
    double lat, lon, h;
    ecef_to_geodetic(x, &lat, &lon, &h);
    *lat_deg = lat / SIM_DEG;
    *lon_deg = lon / SIM_DEG;
    *alt_m = h;
}

void sim_range_bearing(double e_m, double n_m, double *range_m, double *bearing_deg)
{
    *range_m = hypot(e_m, n_m);
    double b = atan2(e_m, n_m) / SIM_DEG;
    if (b < 0.0)
        b += 360.0;
    if (b >= 360.0)
        b -= 360.0;
    *bearing_deg = b;
}
