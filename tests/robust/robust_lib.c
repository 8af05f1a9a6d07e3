/* Robustness tests: checks, scene building, per-launch errors, statistics
 * (see robust.h). */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "robust.h"

static int n_failed, n_gaps, n_gaps_met;

void rb_check(int ok, int gap, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!ok || gap) {
        FILE *to = ok ? stdout : stderr;
        fflush(stdout); /* keep the order of the log when both go to one file */
        const char *tag = !ok ? (gap ? "KNOWN ENGINE GAP" : "FAILED")
                              : "known gap now met (make it RB_CHECK)";
        fprintf(to, "%s:%d: %s: ", file, line, tag);
        vfprintf(to, fmt, ap);
        fputc('\n', to);
    }
    va_end(ap);
    if (!ok && !gap)
        n_failed++;
    else if (!ok)
        n_gaps++;
    else if (gap)
        n_gaps_met++;
}

int rb_report(const char *name)
{
    const char *strict = getenv("ES_ROBUST_STRICT");
    int strict_on = strict != NULL && strcmp(strict, "1") == 0;
    if (n_failed > 0 || (strict_on && n_gaps > 0)) {
        printf("%s: 0 passed, 1 failed (%d check(s) failed, %d known gap(s)%s)\n", name,
               n_failed, n_gaps, strict_on ? ", strict" : "");
        return 1;
    }
    if (n_gaps > 0) {
        printf("%s: every check passed; %d claim(s) of an issue the engine does not meet yet "
               "(KNOWN ENGINE GAP above): skipped\n", name, n_gaps);
        return 77;
    }
    printf("%s: 1 passed, 0 failed%s\n", name,
           n_gaps_met > 0 ? " (some known gaps are met now: see above)" : "");
    return 0;
}

/* ---- scenes ---- */

json_t *rb_scene_ring(const char *name, int count, double radius_m, double u_m,
                      double duration_s)
{
    return json_pack(
        "{s:s, s:f, s:s, s:{s:s, s:{s:f, s:f, s:f}}, s:f,"
        " s:{s:s, s:i, s:f, s:f, s:f}, s:{s:f, s:f},"
        " s:{s:f, s:f, s:f, s:f, s:f}, s:{s:b, s:f}, s:{s:f}, s:[]}",
        "description", name, "duration_s", duration_s, "format", "pcm24",
        "site", "name", name, "origin", "lat", 34.0, "lon", 68.0, "alt_m", 1200.0,
        "full_scale_db_spl", 140.0,
        "sensors", "layout", "ring", "count", count, "radius_m", radius_m, "u_m", u_m,
        "rotation_deg", 10.0,
        "sensor_errors", "position_sigma_m", 0.05, "gain_sigma_db", 1.0,
        "atmosphere", "temperature_c", 20.0, "humidity_pct", 50.0, "pressure_kpa", 88.0,
        "wind_speed_mps", 0.0, "wind_from_deg", 0.0,
        "ground", "reflection", 1, "reflection_coeff", 0.8,
        "noise", "ambient_db_spl", 45.0, "events");
}

double rb_scene_c_mps(const json_t *scene)
{
    const json_t *t = json_object_get(json_object_get(scene, "atmosphere"), "temperature_c");
    double temperature_c = json_is_number(t) ? json_number_value(t) : 15.0;
    return 331.3 * sqrt(1.0 + temperature_c / 273.15);
}

void rb_add_launch(json_t *scene, const char *type, double arrive_s, double range_m,
                   double bearing_deg)
{
    double t_s = arrive_s - range_m / rb_scene_c_mps(scene);
    json_array_append_new(json_object_get(scene, "events"),
                          json_pack("{s:s, s:f, s:f, s:f}", "type", type, "t_s", t_s, "range_m",
                                    range_m, "bearing_deg", fmod(bearing_deg + 720.0, 360.0)));
}

void rb_set(json_t *scene, const char *section, const char *key, double value)
{
    json_t *s = json_object_get(scene, section);
    if (s == NULL) {
        s = json_object();
        json_object_set_new(scene, section, s);
    }
    json_object_set_new(s, key, json_real(value));
}

/* ---- per launch ---- */

static double wrap_deg(double d)
{
    d = fmod(d, 360.0);
    if (d > 180.0)
        d -= 360.0;
    if (d < -180.0)
        d += 360.0;
    return d;
}

/* Squared Mahalanobis radius of (de, dn) in the 1-sigma ellipse (major
 * axis `orientation` clockwise from north), and the ellipse's 1-sigma
 * along the unit direction (ue, un). */
static void ellipse(const es_event *ev, double de, double dn, double ue, double un, double *m,
                    double *sigma_along)
{
    double th = ev->orientation_deg * RB_DEG;
    double ma[2] = {sin(th), cos(th)}, mi[2] = {cos(th), -sin(th)};
    double a = ev->semi_major_m, b = ev->semi_minor_m;
    double x = de * ma[0] + dn * ma[1], y = de * mi[0] + dn * mi[1];
    *m = (a > 0.0 && b > 0.0) ? sqrt(x * x / (a * a) + y * y / (b * b)) : INFINITY;
    double pa = ue * ma[0] + un * ma[1], pb = ue * mi[0] + un * mi[1];
    *sigma_along = sqrt(a * a * pa * pa + b * b * pb * pb);
}

rb_error rb_source_error(const rb_run *r, size_t s)
{
    rb_error e;
    memset(&e, 0, sizeof e);
    const rb_source *src = &r->src[s];
    if (src->first_event < 0)
        return e;
    const es_event *ev = &r->ev[src->first_event].ev;
    e.ok = 1;
    e.bearing_err_deg = wrap_deg(ev->bearing_deg - src->bearing_deg);
    e.range_err_frac = (ev->range_m - src->range_m) / src->range_m;
    double de = ev->e_m - src->e_m, dn = ev->n_m - src->n_m;
    e.position_err_m = hypot(de, dn);
    e.t_origin_err_s = ev->t_origin_s - src->t_origin_s;
    e.cep50_m = ev->cep50_m;
    e.inside_cep50 = e.position_err_m <= ev->cep50_m;
    double b = src->bearing_deg * RB_DEG;
    ellipse(ev, de, dn, sin(b), cos(b), &e.mahalanobis, &e.range_sigma_m);
    return e;
}

int rb_event_uses(const es_event *ev, size_t k)
{
    for (size_t i = 0; i < ev->n_used; i++)
        if (ev->used[i] == k)
            return 1;
    return 0;
}

int rb_event_rejects(const es_event *ev, size_t k)
{
    for (size_t i = 0; i < ev->n_rejected; i++)
        if (ev->rejected[i] == k)
            return 1;
    return 0;
}

size_t rb_false_alerts(const rb_run *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_events; i++)
        if (r->ev[i].is_alert &&
            (r->ev[i].source < 0 || strcmp(r->src[r->ev[i].source].kind, "launch") != 0))
            n++;
    return n;
}

/* ---- statistics ---- */

static unsigned long long splitmix64(unsigned long long *x)
{
    unsigned long long z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

rb_rng rb_rng_make(unsigned long long seed, unsigned long long stream)
{
    unsigned long long x = seed * 0xD1B54A32D192ED03ULL + stream;
    rb_rng g = {splitmix64(&x)};
    return g;
}

double rb_uniform(rb_rng *g, double lo, double hi)
{
    double u = (double)(splitmix64(&g->s) >> 11) * (1.0 / 9007199254740992.0);
    return lo + (hi - lo) * u;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double rb_quantile(const double *x, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (s == NULL)
        return NAN;
    memcpy(s, x, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    double f = pos - (double)i, v = i + 1 < n ? s[i] + f * (s[i + 1] - s[i]) : s[i];
    free(s);
    return v;
}

double rb_median(const double *x, size_t n)
{
    return rb_quantile(x, n, 0.5);
}

/* ---- tallies ---- */

void rb_tally_run(rb_tally *t, const rb_run *r)
{
    t->false_alerts += rb_false_alerts(r);
    for (size_t s = 0; s < r->n_sources; s++) {
        const rb_source *src = &r->src[s];
        if (strcmp(src->kind, "launch") != 0)
            continue;
        t->launches++;
        t->alerted_once += src->n_alerts == 1;
        t->missed += src->n_alerts == 0;
        t->duplicated += src->n_alerts > 1;
        rb_error e = rb_source_error(r, s);
        if (!e.ok || t->n >= RB_MAX_TALLY)
            continue;
        size_t i = t->n++;
        t->bearing_abs_deg[i] = fabs(e.bearing_err_deg);
        t->range_abs_frac[i] = fabs(e.range_err_frac);
        t->position_m[i] = e.position_err_m;
        t->cep50_m[i] = e.cep50_m;
        t->range_m[i] = src->range_m;
        t->t_origin_err_s[i] = e.t_origin_err_s;
        t->mahalanobis[i] = e.mahalanobis;
        t->inside_cep50 += e.inside_cep50;
        t->inside_ellipse += e.mahalanobis <= 1.0;
        t->gross += fabs(e.bearing_err_deg) > 2.0 || fabs(e.range_err_frac) > 0.10;
    }
}

/* Events that explain no truth source (or not a launch, when alerted). */
static void print_strays(const rb_run *r, const char *label, unsigned long long seed)
{
    for (size_t i = 0; i < r->n_events; i++) {
        const rb_event *e = &r->ev[i];
        int stray = e->source < 0 || (e->is_alert && strcmp(r->src[e->source].kind, "launch") != 0);
        if (!stray)
            continue;
        printf("  %s seed %llu: %s matching no launch: %s %.0f m %.1f deg cep50 %.0f m t0 %.3f s "
               "used %zu rejected %zu res %.3f ms (arrivals off the nearest source's by %.3f s "
               "RMS)\n", label, seed, e->is_alert ? "ALERT" : "event", es_kind_name(e->ev.kind),
               e->ev.range_m, e->ev.bearing_deg, e->ev.cep50_m, e->ev.t_origin_s, e->ev.n_used,
               e->ev.n_rejected, 1e3 * e->ev.residual_rms_s, e->match_rms_s);
    }
}

void rb_print_launches(const rb_run *r, const char *label, unsigned long long seed)
{
    for (size_t s = 0; s < r->n_sources; s++) {
        const rb_source *src = &r->src[s];
        rb_error e = rb_source_error(r, s);
        if (!e.ok) {
            printf("  %s seed %llu: %-9s %6.0f m %5.1f deg: alerts %d, events %d, no fix\n",
                   label, seed, src->type, src->range_m, src->bearing_deg, src->n_alerts,
                   src->n_events);
            continue;
        }
        const es_event *ev = &r->ev[src->first_event].ev;
        printf("  %s seed %llu: %-9s %6.0f m %5.1f deg: alerts %d events %d | bearing %+6.2f "
               "deg range %+6.2f %% pos %6.1f m cep50 %6.1f m (%s) t0 %+7.3f ms used %zu "
               "rejected %zu res %.3f ms c %.1f m/s\n", label, seed, src->type, src->range_m,
               src->bearing_deg, src->n_alerts, src->n_events, e.bearing_err_deg,
               100.0 * e.range_err_frac, e.position_err_m, e.cep50_m,
               e.inside_cep50 ? "in" : "out", 1e3 * e.t_origin_err_s, ev->n_used, ev->n_rejected,
               1e3 * ev->residual_rms_s, ev->c_mps);
    }
    print_strays(r, label, seed);
}

void rb_tally_print(const rb_tally *t, const char *label)
{
    size_t n = t->n;
    printf("%s: %zu launches: %zu alerted once, %zu missed, %zu more than once; %zu false "
           "alerts; %zu fixes off by > 2 deg or > 10 %% in range\n", label, t->launches,
           t->alerted_once, t->missed, t->duplicated, t->false_alerts, t->gross);
    if (n == 0)
        return;
    printf("%s: |bearing err| median %.3f p90 %.3f max %.3f deg; |range err| median %.2f p90 "
           "%.2f max %.2f %%\n", label, rb_median(t->bearing_abs_deg, n),
           rb_quantile(t->bearing_abs_deg, n, 0.9), rb_quantile(t->bearing_abs_deg, n, 1.0),
           100.0 * rb_median(t->range_abs_frac, n), 100.0 * rb_quantile(t->range_abs_frac, n, 0.9),
           100.0 * rb_quantile(t->range_abs_frac, n, 1.0));
    printf("%s: position err median %.1f m, cep50 median %.1f m; inside cep50 %.2f, inside the "
           "1-sigma ellipse %.2f (Gaussian: 0.50, 0.39)\n", label, rb_median(t->position_m, n),
           rb_median(t->cep50_m, n), (double)t->inside_cep50 / (double)n,
           (double)t->inside_ellipse / (double)n);
}
