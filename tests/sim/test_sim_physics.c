/* The simulator's physics against independent answers: ISO 9613-1
 * absorption against the standard's tabulated values, the speed of sound
 * against its dry-air closed form and a virtual-temperature bracket, travel
 * times in wind against the closed-form root of the quadratic, the
 * absorption filter's magnitude against 10^(-alpha d / 20) and its
 * minimum-phase property, and the local-plane to WGS84 conversion against
 * PROJ. */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>

#include "absorb.h"
#include "air.h"
#include "geo.h"
#include "rng.h"
#include "simtest.h"

static sim_air air_at(double t_c, double rh, double p_kpa)
{
    sim_air a = {t_c, rh, p_kpa, 0.0, 0.0, 1};
    return a;
}

/* Exact one-third-octave midband frequency of ISO 9613-1 (its tables use
 * f = 1000 * 10^(k / 10)), from the nominal one. */
static double midband_hz(int nominal)
{
    static const int nom[] = {50, 63, 125, 250, 500, 1000, 2000, 4000, 8000};
    static const int k[] = {-13, -12, -9, -6, -3, 0, 3, 6, 9};
    for (size_t i = 0; i < sizeof nom / sizeof nom[0]; i++)
        if (nom[i] == nominal)
            return 1000.0 * pow(10.0, k[i] / 10.0);
    return NAN;
}

typedef struct {
    double t_c, rh;
    int f_hz;
    double db_per_km, half_unit; /* tabulated value and half its last digit */
} iso_point;

static void test_iso9613(void)
{
    static const iso_point pts[] = {
        /* ISO 9613-1:1993 Table 1 (pure tones, 101.325 kPa), 3 significant figures. */
        {20, 70, 1000, 4.98, 0.005},  {-20, 10, 50, 0.589, 0.0005}, {0, 15, 1000, 18.3, 0.05},
        {20, 10, 4000, 109, 0.5},     {50, 10, 8000, 155, 0.5},     {-10, 70, 8000, 86.2, 0.05},
        {30, 70, 4000, 23.1, 0.05},
        /* ISO 9613-2:1996 Table 2 (octave midbands, computed with part 1). */
        {20, 70, 125, 0.3, 0.05},     {20, 70, 250, 1.1, 0.05},     {20, 70, 500, 2.8, 0.05},
        {20, 70, 2000, 9.0, 0.05},    {20, 70, 4000, 22.9, 0.05},   {20, 70, 8000, 76.6, 0.05},
        {10, 70, 1000, 3.7, 0.05},    {10, 70, 4000, 32.8, 0.05},   {10, 70, 8000, 117, 0.5},
        {30, 70, 1000, 7.4, 0.05},    {30, 70, 8000, 59.3, 0.05},   {15, 20, 1000, 8.2, 0.05},
        {15, 20, 8000, 202, 0.5},     {15, 50, 4000, 36.2, 0.05},   {15, 80, 2000, 8.3, 0.05},
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        const iso_point *p = &pts[i];
        sim_air a = air_at(p->t_c, p->rh, 101.325);
        double got = sim_air_absorption_db_per_m(&a, midband_hz(p->f_hz)) * 1000.0;
        CHECK(fabs(got - p->db_per_km) <= p->half_unit + 1e-9,
              "ISO 9613-1 at %g C, %g %%, %d Hz: %.4f dB/km, table %g", p->t_c, p->rh, p->f_hz,
              got, p->db_per_km);
    }
    /* Pressure enters as pa/pr: at half an atmosphere the classical term doubles. */
    sim_air lo = air_at(20, 0.0, 50.6625), hi = air_at(20, 0.0, 101.325);
    double f = 1e6; /* far above both relaxation frequencies: classical dominates */
    double ratio = sim_air_absorption_db_per_m(&lo, f) / sim_air_absorption_db_per_m(&hi, f);
    CHECK(fabs(ratio - 2.0) < 0.05, "classical absorption at half pressure x%.3f, expected 2", ratio);
}

static void test_speed_of_sound(void)
{
    sim_air a = air_at(0.0, 0.0, 101.325);
    CHECK(fabs(sim_air_speed_of_sound_mps(&a) - 331.3) < 1e-9, "dry air at 0 C: %.6f",
          sim_air_speed_of_sound_mps(&a));
    a = air_at(20.0, 0.0, 101.325);
    double dry20 = 331.3 * sqrt(293.15 / 273.15);
    CHECK(fabs(sim_air_speed_of_sound_mps(&a) - dry20) < 1e-9, "dry air at 20 C: %.6f vs %.6f",
          sim_air_speed_of_sound_mps(&a), dry20);
    /* Humid air is faster, but by less than the virtual-temperature estimate
     * c = 331.3 sqrt(Tv / 273.15), Tv = T / (1 - 0.378 e / p), which ignores
     * that water vapour also lowers the heat-capacity ratio. */
    for (double t = -10.0; t <= 40.0; t += 10.0) {
        sim_air h = air_at(t, 60.0, 101.325), d = air_at(t, 0.0, 101.325);
        double e_over_p = sim_air_vapour_molar_pct(&h) / 100.0;
        double tv = (t + 273.15) / (1.0 - 0.378 * e_over_p);
        double virt = 331.3 * sqrt(tv / 273.15);
        double c = sim_air_speed_of_sound_mps(&h), c_dry = sim_air_speed_of_sound_mps(&d);
        CHECK(c > c_dry && c < virt, "humid air at %g C: %.4f not in (%.4f, %.4f)", t, c, c_dry, virt);
    }
    /* About +0.6 m/s at 20 C and 50 % RH (Cramer 1993). */
    sim_air h50 = air_at(20.0, 50.0, 101.325);
    double dc = sim_air_speed_of_sound_mps(&h50) - dry20;
    CHECK(dc > 0.45 && dc < 0.75, "humidity raises c by %.3f m/s at 20 C, 50 %%", dc);
}

/* Positive root of (c^2 - |w|^2) t^2 + 2 (d.w) t - |d|^2 = 0. */
static double closed_form_time(const double s[3], const double r[3], double c, const double w[2])
{
    double d[3] = {r[0] - s[0], r[1] - s[1], r[2] - s[2]};
    double dw = d[0] * w[0] + d[1] * w[1], w2 = w[0] * w[0] + w[1] * w[1];
    double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2], a = c * c - w2;
    return (-dw + sqrt(dw * dw + a * d2)) / a;
}

static void test_travel_time(void)
{
    sim_rng rng;
    sim_rng_seed(&rng, 42, 1);
    double worst = 0.0;
    for (int i = 0; i < 2000; i++) {
        double s[3], r[3], w[2];
        for (int k = 0; k < 3; k++) {
            s[k] = (sim_rng_uniform(&rng) - 0.5) * 20000.0;
            r[k] = (sim_rng_uniform(&rng) - 0.5) * 2000.0;
        }
        s[2] = fabs(s[2]) * 0.01;
        r[2] = fabs(r[2]) * 0.01;
        double speed = 25.0 * sim_rng_uniform(&rng), dir = 6.283185307 * sim_rng_uniform(&rng);
        w[0] = speed * sin(dir);
        w[1] = speed * cos(dir);
        double c = 320.0 + 40.0 * sim_rng_uniform(&rng);
        double err = fabs(sim_air_travel_time_s(s, r, c, w) - closed_form_time(s, r, c, w));
        worst = err > worst ? err : worst;
    }
    CHECK(worst < 1e-10, "fixed-point travel time differs from the closed form by %.3g s", worst);
    /* Along the wind: d / (c + w) downwind, d / (c - w) upwind. */
    double o[3] = {0, 0, 2}, east[3] = {1000, 0, 2}, west[3] = {-1000, 0, 2}, w[2] = {10, 0};
    CHECK(fabs(sim_air_travel_time_s(o, east, 340, w) - 1000.0 / 350.0) < 1e-12, "downwind");
    CHECK(fabs(sim_air_travel_time_s(o, west, 340, w) - 1000.0 / 330.0) < 1e-12, "upwind");
    sim_air a = {20, 50, 101.325, 5.0, 270.0, 1}; /* from the west: blows toward east */
    double we[2];
    sim_air_wind_en(&a, we);
    CHECK(fabs(we[0] - 5.0) < 1e-12 && fabs(we[1]) < 1e-12, "wind from 270 deg: (%g, %g)", we[0], we[1]);
}

static double dft_mag_db(const sim_filter *h, double f, double fs)
{
    double complex acc = 0.0;
    for (size_t n = 0; n < h->n; n++)
        acc += h->h[n] * cexp(-2.0 * I * 3.14159265358979323846 * f * (double)n / fs);
    return 20.0 * log10(cabs(acc));
}

/* Partial energy of the filter never falls below that of a linear-phase
 * filter of the same magnitude (the defining property of minimum phase). */
static void check_minimum_phase(const sim_filter *h, double d)
{
    int n = 1 << 15;
    fftwf_complex *buf = fftwf_malloc(sizeof *buf * (size_t)n);
    fftwf_plan fwd = fftwf_plan_dft_1d(n, buf, buf, FFTW_FORWARD, FFTW_ESTIMATE);
    fftwf_plan inv = fftwf_plan_dft_1d(n, buf, buf, FFTW_BACKWARD, FFTW_ESTIMATE);
    for (int i = 0; i < n; i++)
        buf[i] = (size_t)i < h->n ? (float)h->h[i] : 0.0f;
    fftwf_execute(fwd);
    for (int i = 0; i < n; i++) /* |H| with a delay of n/2: linear phase */
        buf[i] = cabsf(buf[i]) * ((i & 1) ? -1.0f : 1.0f);
    fftwf_execute(inv);
    double e_min = 0.0, e_lin = 0.0, total = 0.0, worst = 0.0;
    for (int i = 0; i < n; i++)
        total += (size_t)i < h->n ? h->h[i] * h->h[i] : 0.0;
    for (int i = 0; i < n; i++) {
        e_min += (size_t)i < h->n ? h->h[i] * h->h[i] : 0.0;
        float v = crealf(buf[i]) / (float)n;
        e_lin += (double)v * v;
        double lag = (e_lin - e_min) / total;
        worst = lag > worst ? lag : worst;
    }
    CHECK(worst < 1e-4, "%.0f m: a linear-phase filter gets %.2g of the energy in earlier", d, worst);
    fftwf_destroy_plan(fwd);
    fftwf_destroy_plan(inv);
    fftwf_free(buf);
}

static void test_absorption_filter(void)
{
    sim_fft_cache cache = {{0}};
    sim_air a = air_at(20.0, 50.0, 101.325);
    const double fs = 48000.0, dists[] = {50.0, 500.0, 2000.0, 8000.0};
    const double freqs[] = {31.5, 100.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0};
    for (size_t i = 0; i < sizeof dists / sizeof dists[0]; i++) {
        sim_filter h;
        CHECK(sim_absorption_filter(&cache, &a, fs, dists[i], &h) == 0, "design");
        double dc = 0.0;
        for (size_t n = 0; n < h.n; n++)
            dc += h.h[n];
        CHECK(fabs(dc - 1.0) < 1e-6, "%.0f m: DC gain %.9f", dists[i], dc);
        for (size_t k = 0; k < sizeof freqs / sizeof freqs[0]; k++) {
            double want = -sim_air_absorption_db_per_m(&a, freqs[k]) * dists[i];
            if (want < -80.0)
                continue;
            double got = dft_mag_db(&h, freqs[k], fs);
            CHECK(fabs(got - want) < 0.02, "%.0f m, %.0f Hz: %.4f dB, ISO 9613-1 %.4f dB",
                  dists[i], freqs[k], got, want);
        }
        check_minimum_phase(&h, dists[i]);
        sim_filter_free(&h);
    }
    sim_air off = a;
    off.absorption = 0;
    sim_filter h;
    CHECK(sim_absorption_filter(&cache, &off, fs, 5000.0, &h) == 0 && h.n == 1 && h.h[0] == 1.0,
          "without absorption the filter is a unit impulse");
    sim_filter_free(&h);
    sim_fft_cache_free(&cache);
}

static void test_geodesy(void)
{
    const double lat0 = 33.3152, lon0 = 44.3661, h0 = 34.0;
    char def[512];
    snprintf(def, sizeof def,
             "+proj=pipeline +step +proj=cart +ellps=WGS84 +step +proj=topocentric "
             "+ellps=WGS84 +lat_0=%.10f +lon_0=%.10f +h_0=%.4f", lat0, lon0, h0);
    PJ *p = proj_create(PJ_DEFAULT_CTX, def);
    CHECK(p != NULL, "PROJ pipeline: %s", def);
    if (p == NULL)
        return;
    const double pts[][3] = {{0, 0, 0}, {8000, -3000, 10}, {-5000, 7000, 0}, {250, 300, 1.5},
                             {-60000, -40000, 500}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double lat, lon, h;
        sim_enu_to_geodetic(lat0, lon0, h0, pts[i], &lat, &lon, &h);
        PJ_COORD c = proj_coord(pts[i][0], pts[i][1], pts[i][2], 0);
        PJ_COORD g = proj_trans(p, PJ_INV, c);
        double plon = proj_todeg(g.lpzt.lam), plat = proj_todeg(g.lpzt.phi);
        CHECK(fabs(lat - plat) < 1e-10 && fabs(lon - plon) < 1e-10 && fabs(h - g.lpzt.z) < 1e-5,
              "ENU (%g, %g, %g): %.12f %.12f %.6f, PROJ %.12f %.12f %.6f", pts[i][0], pts[i][1],
              pts[i][2], lat, lon, h, plat, plon, g.lpzt.z);
    }
    proj_destroy(p);
    double r, b;
    sim_range_bearing(-100.0, 0.0, &r, &b);
    CHECK(fabs(r - 100.0) < 1e-12 && fabs(b - 270.0) < 1e-12, "west is 270 deg: %g", b);
}

int main(void)
{
    test_iso9613();
    test_speed_of_sound();
    test_travel_time();
    test_absorption_filter();
    test_geodesy();
    return simtest_report("sim_physics");
}
