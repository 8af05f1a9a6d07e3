/* An artillery shell's ballistic crack against an independent brute-force
 * minimisation written here: the test flies the shell itself (drag-free,
 * g = 9.81, from the gun toward the site origin), scans t(tau) = tau +
 * T(P(tau), X) every 0.1 ms over the whole flight (T: distance / c, or in
 * wind the closed-form root of |X - P - w T| = c T) and refines the lowest
 * point by a parabola; the crack is that minimum when it is interior.
 * Checked:
 *   - the truth's crack time against the brute force (1 us), for
 *     microphones on the ground track, off it, and in a crosswind; the
 *     muzzle blast's lead over it (hand value |X - G| / c minus the
 *     brute-force time) the same way;
 *   - the recording: silence before the crack (exact zeros), the N-wave's
 *     front within a sample of the truth, its peak against Whitham's
 *     formula evaluated here from the brute-force emission point (Mach
 *     number, miss distance) within 0.3 dB, its zero crossing at half
 *     Whitham's length within a sample; the ground's image crack (the
 *     difference with the reflection on and off) against the brute force
 *     on the mirrored flight and 0.8 x Whitham;
 *   - no crack behind the gun, none from a subsonic shell (300 m/s, whose
 *     recording is then sample for sample that with crack false), and the
 *     muzzle blast unchanged by the crack (the same truth arrivals; the
 *     two recordings differ only inside the crack's N-waves). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "simtest.h"

#define RATE 48000.0
#define FULL_SCALE_DB 170.0
#define T0 0.5
#define G 9.81
#define N_MICS 4

static const char *work_dir;
static const double gun[3] = {0.0, 4000.0, 1.0};
/* On the ground track, off it, on it again, behind the gun. */
static const double mics[N_MICS][3] = {
    {0.0, 1500.0, 1.5}, {600.0, 2500.0, 1.5}, {0.0, 0.0, 1.5}, {0.0, 5000.0, 1.5}};

typedef struct {
    double speed, elevation_deg;
    double c, w[2];
} shot;

static json_t *scene(double speed, double elevation_deg, int crack, double wind_mps,
                     int reflection)
{
    json_t *sensors = json_array();
    for (int i = 0; i < N_MICS; i++) {
        char id[8];
        snprintf(id, sizeof id, "M%d", i + 1);
        json_array_append_new(sensors, json_pack("{s:s, s:f, s:f, s:f}", "id", id, "e_m",
                                                 mics[i][0], "n_m", mics[i][1], "u_m",
                                                 mics[i][2]));
    }
    return json_pack(
        "{s:i, s:f, s:s, s:{s:s, s:{s:f, s:f}}, s:f, s:o, s:{s:f, s:f, s:f, s:f, s:b},"
        " s:{s:b}, s:[{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:b}]}",
        "seed", 9, "duration_s", 18.0, "format", "float", "site", "name", "crack", "origin",
        "lat", 10.0, "lon", 20.0, "full_scale_db_spl", FULL_SCALE_DB, "sensors", sensors,
        "atmosphere", "temperature_c", 15.0, "humidity_pct", 0.0, "wind_speed_mps", wind_mps,
        "wind_from_deg", 270.0, "absorption", 0, "ground", "reflection", reflection, "events",
        "type", "artillery", "t_s", T0, "e_m", gun[0], "n_m", gun[1], "u_m", gun[2],
        "shell_speed_mps", speed, "elevation_deg", elevation_deg, "crack", crack);
}

/* The shell, flown here: toward the origin, mirror: its image in the ground. */
static void fly(const shot *s, double tau, int mirror, double p[3], double v[3])
{
    double el = s->elevation_deg * 3.14159265358979323846 / 180.0;
    double r = hypot(gun[0], gun[1]), he = -gun[0] / r, hn = -gun[1] / r;
    double vh = s->speed * cos(el), vz = s->speed * sin(el);
    p[0] = gun[0] + vh * he * tau;
    p[1] = gun[1] + vh * hn * tau;
    p[2] = gun[2] + vz * tau - 0.5 * G * tau * tau;
    v[0] = vh * he;
    v[1] = vh * hn;
    v[2] = vz - G * tau;
    if (mirror) {
        p[2] = -p[2];
        v[2] = -v[2];
    }
}

static double landing_s(const shot *s)
{
    double vz = s->speed * sin(s->elevation_deg * 3.14159265358979323846 / 180.0);
    double t = (vz + sqrt(vz * vz + 2.0 * G * gun[2])) / G;
    return t < 60.0 ? t : 60.0;
}

/* Positive root of (c^2 - |w|^2) T^2 + 2 (d.w) T - |d|^2 = 0. */
static double travel_s(const shot *s, const double p[3], const double x[3])
{
    double d[3] = {x[0] - p[0], x[1] - p[1], x[2] - p[2]};
    double dw = d[0] * s->w[0] + d[1] * s->w[1], w2 = s->w[0] * s->w[0] + s->w[1] * s->w[1];
    double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2], a = s->c * s->c - w2;
    return (-dw + sqrt(dw * dw + a * d2)) / a;
}

static double t_of(const shot *s, double tau, int mirror, const double x[3])
{
    double p[3], v[3];
    fly(s, tau, mirror, p, v);
    return tau + travel_s(s, p, x);
}

typedef struct {
    int found;
    double t_s, tau, mach, miss_m, peak_pa, nwave_s;
} brute;

/* Whitham 1952: 155 mm shell, d = 0.155 m, l = 0.6 m, p0 = 101325 Pa. */
static void whitham(brute *b, double c)
{
    double m2 = b->mach * b->mach - 1.0, d = 0.155, l = 0.6;
    b->peak_pa = 101325.0 * 0.53 * pow(m2, 0.125) * d * pow(l, -0.25) * pow(b->miss_m, -0.75);
    b->nwave_s = 1.82 * b->mach * pow(b->miss_m, 0.25) * d / (c * pow(m2, 0.375) * pow(l, 0.25));
}

static brute brute_force(const shot *s, int mirror, const double x[3])
{
    brute b = {0};
    const double step = 1e-4;
    double end = landing_s(s), best = INFINITY;
    size_t n = (size_t)(end / step), ib = 0;
    for (size_t i = 0; i <= n; i++) {
        double t = t_of(s, (double)i * step, mirror, x);
        if (t < best) {
            best = t;
            ib = i;
        }
    }
    if (ib == 0 || ib == n)
        return b; /* at an end of the flight: no stationary point */
    double tau = (double)ib * step;
    double y0 = t_of(s, tau - step, mirror, x), y1 = best, y2 = t_of(s, tau + step, mirror, x);
    double frac = 0.5 * (y0 - y2) / (y0 - 2.0 * y1 + y2);
    b.tau = tau + frac * step;
    b.t_s = T0 + y1 - 0.25 * (y0 - y2) * frac;
    double p[3], v[3], d[3];
    fly(s, b.tau, mirror, p, v);
    for (int k = 0; k < 3; k++)
        d[k] = x[k] - p[k];
    double vv = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    double cx = d[1] * v[2] - d[2] * v[1], cy = d[2] * v[0] - d[0] * v[2], cz = d[0] * v[1] - d[1] * v[0];
    double ae = v[0] - s->w[0], an = v[1] - s->w[1]; /* Mach number: speed through the air */
    b.mach = sqrt(ae * ae + an * an + v[2] * v[2]) / s->c;
    b.miss_m = sqrt(cx * cx + cy * cy + cz * cz) / vv;
    b.found = b.mach > 1.0;
    whitham(&b, s->c);
    return b;
}

static const json_t *crack_at(const simtest_sim *r, size_t k)
{
    const json_t *s = json_array_get(json_object_get(r->truth, "sources"), 0);
    return json_array_get(json_object_get(s, "crack_arrivals"), k);
}

static shot shot_of(const simtest_sim *r, double speed, double elevation_deg)
{
    const json_t *atm = json_object_get(r->truth, "atmosphere");
    const json_t *w = json_object_get(atm, "wind_en_mps");
    shot s = {speed, elevation_deg, simtest_num(atm, "speed_of_sound_mps"),
              {json_number_value(json_array_get(w, 0)), json_number_value(json_array_get(w, 1))}};
    return s;
}

/* The direct crack at microphone k: truth, lead over the blast, waveform. */
static void check_direct(const simtest_sim *r, const shot *s, int k)
{
    brute b = brute_force(s, 0, mics[k]);
    const json_t *q = crack_at(r, (size_t)k);
    double t = simtest_num(q, "t_s");
    if (!b.found) {
        CHECK(json_is_null(json_object_get(q, "t_s")), "M%d: a crack at %.6f s, the brute "
              "force finds none", k + 1, t);
        return;
    }
    CHECK(fabs(t - b.t_s) < 1e-6, "M%d: crack at %.9f s, brute force %.9f s", k + 1, t, b.t_s);
    double blast = simtest_num(simtest_arrival(r, 0, (size_t)k), "t_s");
    double hand_blast = T0 + travel_s(s, gun, mics[k]);
    double lead = blast - t, want_lead = hand_blast - b.t_s;
    CHECK(fabs(lead - want_lead) < 1e-6, "M%d: the crack leads the blast by %.6f s, by hand "
          "%.6f s", k + 1, lead, want_lead);
    double at = t * RATE, peak = 0.0, before = 0.0;
    size_t zc = 0;
    for (size_t n = 0; n < r->audio.frames && (double)n < at + b.nwave_s * RATE; n++) {
        double x = simtest_sample(&r->audio, n, k);
        if ((double)n < at)
            before = fmax(before, fabs(x));
        peak = fmax(peak, fabs(x));
        if (zc == 0 && (double)n > at + 2.0 && x <= 0.0)
            zc = n;
    }
    double peak_pa = peak * 20e-6 * pow(10.0, FULL_SCALE_DB / 20.0);
    double first = simtest_first_above(&r->audio, k, 1e-6);
    CHECK(before == 0.0 && first >= at && first < at + 1.0, "M%d: %.3g before the crack, "
          "onset %.2f, truth %.2f", k + 1, before, first, at);
    double err_db = 20.0 * log10(peak_pa / b.peak_pa);
    CHECK(fabs(err_db) < 0.3, "M%d: crack peak %.2f Pa, Whitham %.2f Pa (%.2f dB)", k + 1,
          peak_pa, b.peak_pa, err_db);
    double want_zc = at + 0.5 * b.nwave_s * RATE;
    CHECK(fabs((double)zc - want_zc) <= 1.0, "M%d: N-wave crosses zero at %zu, Whitham's "
          "half length at %.2f", k + 1, zc, want_zc);
    printf("M%d: crack %.6f s (brute %.6f), leads the blast by %.6f s (hand %.6f); emitted "
           "%.4f s after firing at Mach %.3f, miss %.1f m; peak %.2f Pa (Whitham %.2f), "
           "N-wave %.2f ms\n", k + 1, t, b.t_s, lead, want_lead, b.tau, b.mach, b.miss_m,
           peak_pa, b.peak_pa, b.nwave_s * 1e3);
}

static void test_straight_flights(void)
{
    const double elevations[] = {10.0, 35.0};
    for (int e = 0; e < 2; e++) {
        char name[32];
        snprintf(name, sizeof name, "crack_el%g", elevations[e]);
        simtest_sim r = simtest_simulate(scene(800.0, elevations[e], 1, 0.0, 0), work_dir, name);
        if (!r.ok)
            continue;
        shot s = shot_of(&r, 800.0, elevations[e]);
        printf("elevation %g deg:\n", elevations[e]);
        for (int k = 0; k < N_MICS; k++)
            check_direct(&r, &s, k);
        CHECK(json_is_null(json_object_get(crack_at(&r, 3), "t_s")),
              "M4 behind the gun hears a crack");
        simtest_sim_free(&r);
    }
}

/* In a crosswind, the direct crack and, from the difference of the
 * recordings with and without the ground, its image. */
static void test_wind_and_ground(void)
{
    simtest_sim on = simtest_simulate(scene(800.0, 35.0, 1, 8.0, 1), work_dir, "crack_ground");
    simtest_sim off = simtest_simulate(scene(800.0, 35.0, 1, 8.0, 0), work_dir, "crack_noground");
    if (on.ok && off.ok) {
        shot s = shot_of(&on, 800.0, 35.0);
        for (int k = 0; k < 3; k++) {
            check_direct(&off, &s, k);
            brute img = brute_force(&s, 1, mics[k]);
            /* The two paths are convolved together (FFT): rounding differs
             * by ~1e-16 everywhere; the image's front is far above that. */
            double floor_fs = 1e-4 * 0.8 * img.peak_pa / (20e-6 * pow(10.0, FULL_SCALE_DB / 20.0));
            double first = NAN, peak = 0.0;
            for (size_t n = 0; n < on.audio.frames; n++) {
                double d = simtest_sample(&on.audio, n, k) - simtest_sample(&off.audio, n, k);
                if (isnan(first) && fabs(d) > floor_fs)
                    first = (double)n;
                if (!isnan(first) && (double)n < first + img.nwave_s * RATE)
                    peak = fmax(peak, fabs(d));
            }
            double at = img.t_s * RATE, peak_pa = peak * 20e-6 * pow(10.0, FULL_SCALE_DB / 20.0);
            double err_db = 20.0 * log10(peak_pa / (0.8 * img.peak_pa));
            CHECK(img.found && first >= at && first < at + 2.0, "M%d: image crack begins at "
                  "%.2f, brute force on the mirrored flight %.2f", k + 1, first, at);
            CHECK(fabs(err_db) < 0.3, "M%d: image crack %.2f Pa, 0.8 x Whitham %.2f Pa", k + 1,
                  peak_pa, 0.8 * img.peak_pa);
            printf("M%d, 8 m/s crosswind: image crack at sample %.0f (brute force %.2f), "
                   "%.2f Pa (0.8 x Whitham %.2f)\n", k + 1, first, at, peak_pa, 0.8 * img.peak_pa);
        }
    }
    simtest_sim_free(&on);
    simtest_sim_free(&off);
}

static size_t differing(const simtest_sim *a, const simtest_sim *b, int ch, size_t lo, size_t hi)
{
    size_t n_diff = 0;
    for (size_t n = lo; n < hi && n < a->audio.frames; n++)
        n_diff += simtest_sample(&a->audio, n, ch) != simtest_sample(&b->audio, n, ch);
    return n_diff;
}

/* No crack below the speed of sound; the muzzle blast the same with or
 * without the crack. */
static void test_subsonic_and_blast(void)
{
    simtest_sim with = simtest_simulate(scene(800.0, 10.0, 1, 0.0, 0), work_dir, "crack_on");
    simtest_sim without = simtest_simulate(scene(800.0, 10.0, 0, 0.0, 0), work_dir, "crack_off");
    simtest_sim slow = simtest_simulate(scene(300.0, 10.0, 1, 0.0, 0), work_dir, "crack_slow");
    if (with.ok && without.ok && slow.ok) {
        const json_t *s_with = json_array_get(json_object_get(with.truth, "sources"), 0);
        const json_t *s_without = json_array_get(json_object_get(without.truth, "sources"), 0);
        CHECK(json_equal(json_object_get(s_with, "arrivals"), json_object_get(s_without, "arrivals")),
              "the crack changed the muzzle blast's truth arrivals");
        CHECK(json_object_get(s_without, "crack_arrivals") == NULL,
              "crack false still writes crack_arrivals");
        for (int k = 0; k < N_MICS; k++) {
            CHECK(json_is_null(json_object_get(crack_at(&slow, (size_t)k), "t_s")),
                  "M%d hears a crack from a 300 m/s shell", k + 1);
            CHECK(differing(&slow, &without, k, 0, slow.audio.frames) == 0,
                  "M%d: the subsonic shell's recording is not the one without a crack", k + 1);
            const json_t *q = crack_at(&with, (size_t)k);
            size_t lo = 0, hi = 0;
            if (!json_is_null(json_object_get(q, "t_s"))) {
                lo = (size_t)floor(simtest_num(q, "sample")) + 1;
                /* the N-wave's buffer: its length and 3 samples */
                hi = (size_t)ceil(simtest_num(q, "sample") + simtest_num(q, "duration_s") * RATE) + 4;
            }
            size_t outside = differing(&with, &without, k, 0, lo) +
                             differing(&with, &without, k, hi, with.audio.frames);
            CHECK(outside == 0, "M%d: %zu samples outside the crack [%zu, %zu) differ from the "
                  "recording without it", k + 1, outside, lo, hi);
        }
        printf("subsonic shell: no crack, recording identical to crack false; with the crack "
               "the recording differs only inside the N-waves\n");
    }
    simtest_sim_free(&with);
    simtest_sim_free(&without);
    simtest_sim_free(&slow);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_sim_crack WORK_DIR\n");
        return 2;
    }
    work_dir = argv[1];
    test_straight_flights();
    test_wind_and_ground();
    test_subsonic_and_blast();
    return simtest_report("sim_crack");
}
