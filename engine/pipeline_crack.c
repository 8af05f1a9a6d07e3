/* An artillery shell's supersonic crack, heard before its muzzle blast
 * (see pipeline_internal.h).
 *
 * The crack is a line source: its wavefront sweeps the array 0.2-1.5 s
 * ahead of the blast. On a ring it fits no point and its group cannot be
 * located: remembered, it is evidence for the blast that follows
 * (features.crack_lead_s; a crack rules a mortar out). On a line array,
 * which measures less of a wavefront's shape, the crack may fit a point
 * on the shell's path and be published first: if it was judged no launch,
 * the blast that follows from the same bearing, claiming an earlier
 * emission, replaces it as its revision (its position becomes the gun's,
 * and it is alerted). */
#include <math.h>
#include <stdlib.h>

#include "pipeline_internal.h"

#define CRACK_LEAD_MIN_S 0.02
/* At 10 km a shell's crack runs about 4.5 s ahead of its blast. */
#define CRACK_LEAD_MAX_S 6.0
#define CRACK_BEARING_DEG 20.0
#define CRACK_LATER_S 0.5

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
                            const int64_t *earlier)
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
    return n % 2 ? lead[n / 2] : 0.5 * (lead[n / 2 - 1] + lead[n / 2]);
}

double es_pl_crack_lead_s(const es_pipeline p, const es_event *ev, const int64_t *onset)
{
    return median_lead_s(p, ev, onset, p->crack_frame);
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

/* Heard first, from the blast's bearing (within CRACK_BEARING_DEG, either
 * side of a line array), yet claiming an emission CRACK_LATER_S after
 * the blast's: the crack's apparent source lies on the shell's path,
 * passed after the gun fired. A salvo's earlier round, or any earlier
 * source heard first, claims the earlier emission: never taken. And the
 * blast's projectile flew faster than sound: not a mortar's. Two real
 * launches can look the same (the nearer fired later, on one bearing, a
 * supersonic shell's flight apart), so only an event judged no launch is
 * taken: a located crack judged a launch stays an alert of its own (a
 * shell is in the air), at the wrong place. */
static int crack_geometry(const es_event *crack, const es_event *blast)
{
    double bc[2], bb[2];
    int kc = n_sides(crack, bc), kb = n_sides(blast, bb), same_bearing = 0;
    for (int i = 0; i < kc; i++)
        for (int j = 0; j < kb; j++)
            same_bearing |= bearing_gap_deg(bc[i], bb[j]) <= CRACK_BEARING_DEG;
    return same_bearing && blast->cls != ES_CLASS_MORTAR && crack->kind == ES_KIND_UNKNOWN &&
           crack->t_origin_s > blast->t_origin_s + CRACK_LATER_S;
}

static double lead_after(const es_pipeline p, const struct es_pending *q, const es_event *ev,
                         const int64_t *onset)
{
    int64_t earlier[ES_MAX_SENSORS];
    for (size_t s = 0; s < ES_MAX_SENSORS; s++)
        earlier[s] = INT64_MIN;
    for (size_t k = 0; k < q->ev.n_used; k++)
        earlier[q->ev.used[k]] = q->onset[k];
    return median_lead_s(p, ev, onset, earlier);
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
    for (size_t i = 0; i < MAX_PENDING + MAX_RECENT; i++) {
        struct es_pending *q = i < MAX_PENDING ? &p->pending[i] : &p->recent[i - MAX_PENDING];
        if (!q->busy || !crack_geometry(&q->ev, ev))
            continue;
        double lead = lead_after(p, q, ev, onset);
        if (!isfinite(lead))
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
