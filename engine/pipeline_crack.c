/* An artillery shell's supersonic crack, heard before its muzzle blast
 * (see pipeline_internal.h).
 *
 * The crack is a line source: its wavefront sweeps the array 0.2-1.5 s
 * ahead of the blast. On a ring it fits no point and its group cannot be
 * located: remembered, it is evidence for the blast that follows
 * (features.crack_lead_s; a crack rules a mortar out). On a line array,
 * which measures less of a wavefront's shape, the crack may fit a point
 * on the shell's path and be published first (alerted, if judged a
 * launch: a shell is in the air). The blast that follows from the same
 * bearing, heard 0.02-6 s after it at most sensors, replaces it as its
 * revision (its position becomes the gun's, and it is alerted) when the
 * earlier event was judged no launch and claims an emission after the
 * blast's, or when its onsets fit the crack of a shell fired from the
 * located gun at its origin time toward the camp (es_shell_crack_fit:
 * any elevation and speed, aim within 10 deg). */
#include <math.h>
#include <stdlib.h>

#include "earshot/shellpath.h"
#include "pipeline_internal.h"

#define CRACK_LEAD_MIN_S 0.02
/* At 10 km a shell's crack runs about 4.5 s ahead of its blast. */
#define CRACK_LEAD_MAX_S 6.0
#define CRACK_BEARING_DEG 20.0
#define CRACK_LATER_S 0.5
/* A shell's crack, fitted with its flight from the located gun, leaves
 * 0.04-0.43 ms RMS on the engine's onsets (the 18 cracks the accuracy
 * benchmark tries); a blast's wavefront fits a flight from another source
 * to 2.9 ms at best on a line array, 20 ms on others (the simulator's
 * arrivals, 96 scenes; the lead and bearing tests rule all of them out
 * first). Real shells slow down under drag, which the drag-free flight
 * leaves out: room for that. */
#define SHELL_FIT_S 0.005
/* The crack's cone crosses the array faster than the blast (it comes down
 * from the flight, the blast along the ground): the lead varies over the
 * sensors. An earlier wavefront with the blast's very shape (the same
 * launcher firing again, a ripple) is not tried. */
#define CRACK_LEAD_SPREAD_S 0.002
/* Earlier events tried per blast, each with one fit per side of a line
 * array: a fit takes 7-14 ms, 32 ms at most (bench_shellpath). */
#define MAX_SHELL_FITS 4

void es_pl_forget_crack(es_pipeline p)
{
    for (size_t i = 0; i < ES_MAX_SENSORS; i++)
        p->crack_frame[i] = INT64_MIN;
}

void es_pl_remember_crack(es_pipeline p, const es_onset_group *g)
{
    es_pl_forget_crack(p);
    for (size_t k = 0; k < g->n; k++)
        p->crack_frame[g->onset[k]->sensor] = g->onset[k]->frame;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median lead of earlier[sensor] (INT64_MIN: none) over ev's onsets, if
 * inside the window at two thirds of the sensors that heard both (3 at
 * least). */
static double median_lead_s(const es_pipeline p, const es_event *ev, const int64_t *onset,
                            const int64_t *earlier, double *spread_s)
{
    double lead[ES_MAX_SENSORS];
    size_t n = 0, heard = 0;
    for (size_t k = 0; k < ev->n_used; k++) {
        int64_t c = earlier[ev->used[k]];
        if (c == INT64_MIN || onset[k] == INT64_MIN)
            continue;
        heard++;
        double d = (double)(onset[k] - c) / p->site.sample_rate_hz;
        if (d >= CRACK_LEAD_MIN_S && d <= CRACK_LEAD_MAX_S)
            lead[n++] = d;
    }
    if (n < 3 || 3 * n < 2 * heard)
        return NAN;
    qsort(lead, n, sizeof *lead, cmp_double);
    if (spread_s != NULL)
        *spread_s = lead[n - 1] - lead[0];
    return n % 2 ? lead[n / 2] : 0.5 * (lead[n / 2 - 1] + lead[n / 2]);
}

double es_pl_crack_lead_s(const es_pipeline p, const es_event *ev, const int64_t *onset)
{
    return median_lead_s(p, ev, onset, p->crack_frame, NULL);
}

static double bearing_gap_deg(double a, double b)
{
    double d = fmod(fabs(a - b), 360.0);
    return d > 180.0 ? 360.0 - d : d;
}

/* A line array's fix and its mirror: either may be the source's side. */
static int n_sides(const es_event *ev, double bearing[2])
{
    bearing[0] = ev->bearing_deg;
    if (!(ev->alt_probability > 0.0) || !isfinite(ev->alt_bearing_deg))
        return 1;
    bearing[1] = ev->alt_bearing_deg;
    return 2;
}

/* From the blast's bearing: within CRACK_BEARING_DEG, either side of a
 * line array. And the blast's projectile flew faster than sound: not a
 * mortar's. */
static int same_bearing(const es_event *crack, const es_event *blast)
{
    double bc[2], bb[2];
    int kc = n_sides(crack, bc), kb = n_sides(blast, bb), same = 0;
    for (int i = 0; i < kc; i++)
        for (int j = 0; j < kb; j++)
            same |= bearing_gap_deg(bc[i], bb[j]) <= CRACK_BEARING_DEG;
    return same && blast->cls != ES_CLASS_MORTAR;
}

/* Judged no launch, yet claiming an emission CRACK_LATER_S after the
 * blast's: the crack's apparent source lies on the shell's path, passed
 * after the gun fired. A salvo's earlier round, or any earlier source
 * heard first, claims the earlier emission: never taken this way. */
static int later_unknown(const es_event *crack, const es_event *blast)
{
    return crack->kind == ES_KIND_UNKNOWN && crack->t_origin_s > blast->t_origin_s + CRACK_LATER_S;
}

/* RMS misfit of q's onsets to the crack of a shell fired from the blast's
 * fix (or its line array mirror) at its origin time, toward the camp. */
static double shell_misfit_s(const es_pipeline p, const struct es_pending *q, const es_event *blast)
{
    double sensor_m[ES_MAX_SENSORS][3], arrival_s[ES_MAX_SENSORS];
    size_t n = 0;
    for (size_t k = 0; k < q->ev.n_used; k++) {
        if (q->onset[k] == INT64_MIN)
            continue;
        const es_sensor_config *s = &p->site.sensors[q->ev.used[k]];
        sensor_m[n][0] = s->e_m;
        sensor_m[n][1] = s->n_m;
        sensor_m[n][2] = s->u_m;
        arrival_s[n++] = (double)q->onset[k] / p->site.sample_rate_hz;
    }
    es_shell_crack_obs obs = {.gun_m = {blast->e_m, blast->n_m, blast->u_m},
                              .t_fire_s = blast->t_origin_s,
                              .aim_m = {0.0, 0.0, 0.0}, /* the camp: site.origin */
                              .c_mps = blast->c_mps,
                              .n = n,
                              .sensor_m = (const double(*)[3])sensor_m,
                              .arrival_s = arrival_s};
    double best = INFINITY;
    for (int side = 0; side < 1 + (blast->has_alternative != 0); side++) {
        if (side == 1) {
            obs.gun_m[0] = blast->alt_e_m;
            obs.gun_m[1] = blast->alt_n_m;
        }
        es_shell_crack_fit fit;
        es_error err;
        if (es_shell_crack_fit_execute(&obs, &fit, &err) == ES_OK && fit.rms_s < best)
            best = fit.rms_s;
    }
    return best;
}

static double lead_after(const es_pipeline p, const struct es_pending *q, const es_event *ev,
                         const int64_t *onset, double *spread_s)
{
    int64_t earlier[ES_MAX_SENSORS];
    for (size_t s = 0; s < ES_MAX_SENSORS; s++)
        earlier[s] = INT64_MIN;
    for (size_t k = 0; k < q->ev.n_used; k++)
        earlier[q->ev.used[k]] = q->onset[k];
    return median_lead_s(p, ev, onset, earlier, spread_s);
}

/* A recent event brought back into the pending table, to be revised. */
static struct es_pending *revive(es_pipeline p, struct es_pending *r)
{
    for (size_t i = 0; i < MAX_PENDING; i++) {
        struct es_pending *q = &p->pending[i];
        if (q->busy)
            continue;
        *q = *r;
        q->early_id = q->crack_early_id = 0;
        r->busy = 0;
        return q;
    }
    return NULL;
}

struct es_pending *es_pl_cracked(es_pipeline p, const es_event *ev, const int64_t *onset,
                                 double *lead_s)
{
    int fits = 0;
    for (size_t i = 0; i < MAX_PENDING + MAX_RECENT; i++) {
        struct es_pending *q = i < MAX_PENDING ? &p->pending[i] : &p->recent[i - MAX_PENDING];
        if (!q->busy || !same_bearing(&q->ev, ev))
            continue;
        double spread_s = 0.0, lead = lead_after(p, q, ev, onset, &spread_s);
        if (!isfinite(lead))
            continue;
        if (!later_unknown(&q->ev, ev) &&
            !(spread_s >= CRACK_LEAD_SPREAD_S && fits++ < MAX_SHELL_FITS &&
              shell_misfit_s(p, q, ev) <= SHELL_FIT_S))
            continue;
        *lead_s = lead;
        return i < MAX_PENDING ? q : revive(p, q);
    }
    return NULL;
}

int es_pl_crack_final(es_pipeline p, uint32_t early_id)
{
    for (size_t i = 0; i < MAX_PENDING; i++) {
        struct es_pending *q = &p->pending[i];
        if (q->busy && q->crack_early_id == early_id) {
            q->crack_early_id = 0;
            return 1;
        }
    }
    return 0;
}
