/* The ground-reflected arrival is never taken for the direct one (issue 5,
 * section 3). Microphones on 10 m masts (a ring of 8 on 300 m), sources 2 m
 * up, a hard ground (reflection coefficient 0.95): the image path is
 *   sqrt(d^2 + (h_s + h_m)^2) - sqrt(d^2 + (h_m - h_s)^2) ~ 2 h_s h_m / d
 * longer, i.e. 1-8 ms late at the microphones 5-40 m from a source near
 * the array, and the reflection is almost as loud as the direct sound.
 * Each seed: six sources (mortar, artillery, impact) at 300 m, 600 m,
 * 1.2, 2.5, 5 and 8 km, random bearings, reaching the array 3 s apart;
 * simulated with and without the reflection (same seed: same noise).
 * Claims, against the truth's direct-path arrivals:
 *   - every source located, in both runs;
 *   - the reflection does not move the fix: per source, the mean over the
 *     used sensors of (arrival the fix predicts, at its own speed of sound,
 *     - true direct arrival) changes by at most 0.25 ms between the two runs
 *     (one sensor of eight taking a reflection 2-8 ms late for the direct
 *     sound moves it by about its lag / 8); even without the reflection
 *     this bias is not zero (0.2-0.7 ms, growing with range: absorption
 *     rounds the onsets), hence the pairing;
 *   - no ms-scale bias: the medians of the t_origin error of the sources
 *     within 1.2 km differ by less than 0.25 ms between the two runs, and
 *     the median position error with the reflection is at most 1.5 x the
 *     one without (+ 1 m).
 * usage: test_robust_reflection WORK_DIR [SEEDS [FIRST_SEED]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust.h"

#define N_SOURCES 6
#define SPACING_S 3.0
#define MAST_M 10.0
#define SOURCE_U_M 2.0
#define MAX_SAMPLES 1024
#define BIAS_LIMIT_S 0.25e-3

static const double ranges_m[N_SOURCES] = {300.0, 600.0, 1200.0, 2500.0, 5000.0, 8000.0};
static const char *const types[] = {"mortar", "artillery", "impact"};

typedef struct {
    size_t sources, located, near_n, n;
    double bias_s[MAX_SAMPLES], max_lag_s[MAX_SAMPLES];   /* per located source */
    double near_t0_err_s[MAX_SAMPLES], position_m[MAX_SAMPLES];
    double worst_bias_s;
} variant;

static variant with, without;

static json_t *scene(int seed, int reflection)
{
    json_t *sc = rb_scene_ring("reflection", 8, 300.0, MAST_M, N_SOURCES * SPACING_S + 3.0);
    json_object_set_new(sc, "ground", json_pack("{s:b, s:f}", "reflection", reflection,
                                                "reflection_coeff", 0.95));
    rb_rng g = rb_rng_make((unsigned long long)seed, 3);
    double c = rb_scene_c_mps(sc);
    for (int i = 0; i < N_SOURCES; i++) {
        double bearing = rb_uniform(&g, 0.0, 360.0);
        const char *type = types[(int)rb_uniform(&g, 0.0, 3.0) % 3];
        double arrive = 1.5 + SPACING_S * i;
        json_array_append_new(json_object_get(sc, "events"),
                              json_pack("{s:s, s:f, s:f, s:f, s:f}", "type", type, "t_s",
                                        arrive - ranges_m[i] / c, "range_m", ranges_m[i],
                                        "bearing_deg", bearing, "u_m", SOURCE_U_M));
    }
    return sc;
}

/* Mean (predicted - true direct arrival) over the used sensors, and the
 * largest reflection lag among them. */
static double arrival_bias_s(const rb_run *r, const es_event *ev, const rb_source *s,
                             double *max_lag_s)
{
    double pos[3] = {ev->e_m, ev->n_m, ev->u_m}, src[3] = {s->e_m, s->n_m, s->u_m};
    double image[3] = {s->e_m, s->n_m, -s->u_m}, sum = 0.0;
    *max_lag_s = 0.0;
    for (size_t i = 0; i < ev->n_used; i++) {
        size_t k = ev->used[i];
        /* As the engine predicts it: its speed of sound, the configured
         * positions (the air is calm in these scenes). */
        sum += ev->t_origin_s + rb_travel_c_s(r, pos, r->config_m[k], ev->c_mps) - s->arrival_s[k];
        double lag = rb_travel_s(r, image, r->true_m[k]) - rb_travel_s(r, src, r->true_m[k]);
        *max_lag_s = fmax(*max_lag_s, lag);
    }
    return ev->n_used > 0 ? sum / (double)ev->n_used : NAN;
}

static void tally(variant *v, const rb_run *r, const char *label, int seed)
{
    for (size_t s = 0; s < r->n_sources; s++) {
        const rb_source *src = &r->src[s];
        v->sources++;
        rb_error e = rb_source_error(r, s);
        if (!e.ok || v->n >= MAX_SAMPLES) {
            printf("  %s seed %d: %s at %.0f m: not located\n", label, seed, src->type,
                   src->range_m);
            continue;
        }
        v->located++;
        const es_event *ev = &r->ev[src->first_event].ev;
        size_t i = v->n++;
        v->bias_s[i] = arrival_bias_s(r, ev, src, &v->max_lag_s[i]);
        v->position_m[i] = e.position_err_m;
        if (fabs(v->bias_s[i]) > fabs(v->worst_bias_s))
            v->worst_bias_s = v->bias_s[i];
        if (src->range_m <= 1200.0)
            v->near_t0_err_s[v->near_n++] = e.t_origin_err_s;
        printf("  %s seed %d: %-9s %5.0f m: pos err %6.2f m, t0 err %+8.3f ms, arrival bias "
               "%+7.3f ms (reflection lag up to %.2f ms), used %zu rejected %zu\n", label, seed,
               src->type, src->range_m, e.position_err_m, 1e3 * e.t_origin_err_s,
               1e3 * v->bias_s[i], 1e3 * v->max_lag_s[i], ev->n_used, ev->n_rejected);
    }
}

static void summary(const variant *v, const char *label)
{
    printf("%s: %zu of %zu sources located; arrival bias median %+.3f ms, worst %+.3f ms; "
           "t0 error within 1.2 km median %+.3f ms (%zu); position error median %.2f m\n",
           label, v->located, v->sources, 1e3 * rb_median(v->bias_s, v->n),
           1e3 * v->worst_bias_s, 1e3 * rb_median(v->near_t0_err_s, v->near_n), v->near_n,
           rb_median(v->position_m, v->n));
    RB_CHECK(v->located == v->sources, "%s: %zu of %zu sources located", label, v->located,
             v->sources);
}

/* Per sensor used: (predicted - true direct arrival) and the reflection's
 * lag, for a source whose fix moved with the reflection. */
static void print_sensors(const rb_run *r, size_t s)
{
    const rb_source *src = &r->src[s];
    const es_event *ev = &r->ev[src->first_event].ev;
    double pos[3] = {ev->e_m, ev->n_m, ev->u_m}, p[3] = {src->e_m, src->n_m, src->u_m};
    double image[3] = {src->e_m, src->n_m, -src->u_m};
    for (size_t i = 0; i < ev->n_used; i++) {
        size_t k = ev->used[i];
        double res = ev->t_origin_s + rb_travel_c_s(r, pos, r->config_m[k], ev->c_mps) -
                     src->arrival_s[k];
        double d = hypot(p[0] - r->true_m[k][0], p[1] - r->true_m[k][1]);
        double lag = rb_travel_s(r, image, r->true_m[k]) - rb_travel_s(r, p, r->true_m[k]);
        printf("      %s at %6.1f m: fix's arrival - direct %+7.3f ms (reflection lag %.3f ms)\n",
               r->ids[k], d, 1e3 * res, 1e3 * lag);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s WORK_DIR [SEEDS [FIRST_SEED]]\n", argv[0]);
        return 2;
    }
    int seeds = argc >= 3 ? atoi(argv[2]) : 10, first = argc == 4 ? atoi(argv[3]) : 1;
    static rb_run r[2];
    size_t moved = 0, pairs = 0;
    double worst = 0.0;
    for (int s = first; s < first + seeds; s++) {
        int ok = 1;
        for (int refl = 1; refl >= 0; refl--) {
            json_t *sc = scene(s, refl);
            const char *label = refl ? "reflection" : "no reflection";
            int st = rb_simulate_run(sc, 3000ULL + (unsigned long long)s, argv[1],
                                     refl ? "refl" : "norefl", 0, &r[refl]);
            json_decref(sc);
            RB_CHECK(st == 0, "%s seed %d: simulate and run", label, s);
            ok &= st == 0;
            if (st == 0)
                tally(refl ? &with : &without, &r[refl], label, s);
        }
        for (size_t k = 0; ok && k < r[1].n_sources; k++) {
            if (r[1].src[k].first_event < 0 || r[0].src[k].first_event < 0)
                continue;
            double lag, b1 = arrival_bias_s(&r[1], &r[1].ev[r[1].src[k].first_event].ev,
                                            &r[1].src[k], &lag);
            double b0 = arrival_bias_s(&r[0], &r[0].ev[r[0].src[k].first_event].ev,
                                       &r[0].src[k], &lag);
            pairs++;
            worst = fabs(b1 - b0) > fabs(worst) ? b1 - b0 : worst;
            if (fabs(b1 - b0) <= BIAS_LIMIT_S)
                continue;
            moved++;
            printf("  seed %d: the reflection moves the fix of the source at %.0f m: arrival "
                   "bias %+.3f ms (without %+.3f ms); with the reflection:\n", s,
                   r[1].src[k].range_m, 1e3 * b1, 1e3 * b0);
            print_sensors(&r[1], k);
        }
    }
    summary(&with, "reflection");
    summary(&without, "no reflection");
    double d = rb_median(with.near_t0_err_s, with.near_n) -
               rb_median(without.near_t0_err_s, without.near_n);
    double pw = rb_median(with.position_m, with.n), po = rb_median(without.position_m, without.n);
    printf("paired: %zu of %zu fixes moved by the reflection (arrival bias changed by > 0.25 "
           "ms), largest change %+.3f ms; t0 error median within 1.2 km: reflection minus none "
           "%+.3f ms; position error median %.2f m vs %.2f m\n", moved, pairs, 1e3 * worst,
           1e3 * d, pw, po);
    /* Once a gap: a source a few metres from a mast, whose arrival there
     * the GCC lag moved onto the reflection 5-8 ms late (the direct pulse
     * clipped). The GCC now takes, of two comparable peaks, the one the
     * onsets agree with (near_peak_ratio). */
    RB_CHECK(moved == 0, "the reflection moved %zu of %zu fixes (arrival bias changed by up to "
             "%+.3f ms)", moved, pairs, 1e3 * worst);
    RB_CHECK(fabs(d) < BIAS_LIMIT_S, "the reflection shifts the median t0 error by %+.3f ms",
             1e3 * d);
    RB_CHECK(pw <= 1.5 * po + 1.0, "median position error %.2f m with the reflection, %.2f m "
             "without", pw, po);
    return rb_report("test_robust_reflection");
}
