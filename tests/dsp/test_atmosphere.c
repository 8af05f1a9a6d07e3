/* Atmosphere: speed of sound and travel time with wind against hand values
 * and closed forms. */
#include "check.h"
#include "earshot/atmosphere.h"

static void check_speed_of_sound(void)
{
    /* 331.3 sqrt(293.15 / 273.15) = 343.21 by hand. */
    CHECK_NEAR(es_speed_of_sound_mps(20.0), 343.2, 0.02, "c(20 C)");
    CHECK_NEAR(es_speed_of_sound_mps(0.0), 331.3, 1e-12, "c(0 C)");
    CHECK_NEAR(es_speed_of_sound_mps(-10.0), 325.17, 0.01, "c(-10 C)");
    CHECK(isnan(es_speed_of_sound_mps(-300.0)), "below absolute zero is NaN");
    CHECK(isnan(es_speed_of_sound_mps(NAN)), "NaN in, NaN out");
}

static void check_wind_vector(void)
{
    double w[2];
    es_wind_vector(10.0, 0.0, w);   /* from the north: air moves south */
    CHECK(fabs(w[0]) < 1e-12 && fabs(w[1] + 10.0) < 1e-12, "from 0: (%g, %g)", w[0], w[1]);
    es_wind_vector(10.0, 90.0, w);  /* from the east: air moves west */
    CHECK(fabs(w[0] + 10.0) < 1e-12 && fabs(w[1]) < 1e-12, "from 90: (%g, %g)", w[0], w[1]);
    es_wind_vector(10.0, 225.0, w); /* from the south-west: moves north-east */
    CHECK(fabs(w[0] - 7.0710678) < 1e-6 && fabs(w[1] - 7.0710678) < 1e-6,
          "from 225: (%g, %g)", w[0], w[1]);
}

static void check_travel_time(void)
{
    const double c = 340.0, d = 1000.0, ws = 10.0;
    double src[3] = {0.0, 0.0, 0.0}, rcv[3] = {d, 0.0, 0.0}, w[2];
    es_wind_vector(ws, 270.0, w); /* blows towards the east, along the path */
    CHECK_NEAR(es_travel_time_s(src, rcv, c, w), d / (c + ws), 1e-12, "tail wind d/(c+w)");
    es_wind_vector(ws, 90.0, w);  /* against the path */
    CHECK_NEAR(es_travel_time_s(src, rcv, c, w), d / (c - ws), 1e-12, "head wind d/(c-w)");
    es_wind_vector(ws, 0.0, w);   /* across: c t = |d - w t| gives d / sqrt(c^2 - w^2) */
    CHECK_NEAR(es_travel_time_s(src, rcv, c, w), d / sqrt(c * c - ws * ws), 1e-12, "cross wind");
    double calm[2] = {0.0, 0.0}, r3[3] = {300.0, 400.0, 1200.0};
    CHECK_NEAR(es_travel_time_s(src, r3, c, calm), 1300.0 / c, 1e-12, "calm, 3-D 300-400-1200");
    CHECK_NEAR(es_travel_time_s(src, src, c, w), 0.0, 0.0, "zero distance");
    double gale[2] = {c, 0.0};
    CHECK(isnan(es_travel_time_s(src, rcv, c, gale)), "|w| >= c is NaN");
    CHECK(isnan(es_travel_time_s(src, rcv, -1.0, calm)), "c <= 0 is NaN");
}

int main(void)
{
    check_speed_of_sound();
    check_wind_vector();
    check_travel_time();
    return check_report("test_atmosphere");
}
