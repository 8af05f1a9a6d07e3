/* A wind gust at one microphone (see gust.h). */
#include "gust.h"

#include <math.h>
#include <stdlib.h>

#include "noise.h"
#include "rng.h"
#include "simconst.h"
#include "source.h"

/* Filter warm-up before the gust's first sample: the slowest part, the
 * 1 Hz one-pole high-pass, has a 0.16 s time constant; 2 s is 12 of them. */
#define WARM_S 2.0

double sim_gust_envelope(double t, double rise_s, double duration_s)
{
    if (t <= 0.0 || t >= duration_s)
        return 0.0;
    if (t < rise_s)
        return 0.5 - 0.5 * cos(SIM_PI * t / rise_s);
    return 0.5 + 0.5 * cos(SIM_PI * (t - rise_s) / (duration_s - rise_s));
}

double sim_gust_speed_mps(double level_db, double level_at_5mps_db)
{
    return 5.0 * pow(10.0, (level_db - level_at_5mps_db) / 40.0);
}

/* y[i] = env(t_i) * carrier, t_i = (n0 + i) / fs - start_s, scaled so that
 * sum y^2 = P^2 sum env^2. */
static void make_gust(const sim_render *r, const sim_event *ev, size_t event, double start_s,
                      long long n0, double *y, size_t n)
{
    sim_rng rng;
    sim_rng_seed(&rng, r->sc->seed, SIM_STREAM_EVENT + event);
    sim_wind_filter f;
    sim_wind_filter_init(&f, sim_gust_speed_mps(ev->level_db, r->sc->noise.wind_db_at_5mps), r->fs);
    for (size_t i = 0; i < (size_t)(WARM_S * r->fs); i++)
        sim_wind_filter_run(&f, sim_rng_normal(&rng));
    double e2 = 0.0, y2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)(n0 + (long long)i) / r->fs - start_s;
        double env = sim_gust_envelope(t, ev->rise_s, ev->duration_s);
        y[i] = env * sim_wind_filter_run(&f, sim_rng_normal(&rng));
        e2 += env * env;
        y2 += y[i] * y[i];
    }
    double g = y2 > 0.0 ? sim_db_to_pa(ev->level_db) * sqrt(e2 / y2) : 0.0;
    for (size_t i = 0; i < n; i++)
        y[i] *= g;
}

static void record(sim_render *r, size_t event, size_t k, long long n0, const double *y,
                   size_t n)
{
    for (size_t s = 0; s < r->sc->n_sensors; s++)
        sim_render_arrival(r, event, s)->absent = s != k;
    sim_arrival *a = sim_render_arrival(r, event, k);
    size_t imax = 0;
    for (size_t i = 1; i < n; i++)
        if (fabs(y[i]) > fabs(y[imax]))
            imax = i;
    a->t_s = r->sc->events[event].t_s;
    a->distance_m = 0.0;
    a->peak_pa = fabs(y[imax]);
    a->peak_t_s = (double)(n0 + (long long)imax) / r->fs;
    a->n_start = n0;
    a->n_end = n0 + (long long)n;
}

int sim_render_gust(sim_render *r, size_t event)
{
    const sim_event *ev = &r->sc->events[event];
    size_t k = ev->sensor;
    double start_s = ev->t_s + r->sc->sensors[k].clock_offset_s;
    long long n0 = (long long)floor(start_s * r->fs) + 1;
    size_t n = (size_t)ceil(ev->duration_s * r->fs) + 1;
    double *y = malloc(n * sizeof *y);
    if (y == NULL)
        return -1;
    make_gust(r, ev, event, start_s, n0, y, n);
    record(r, event, k, n0, y, n);
    sim_render_add(r, k, n0, y, n);
    free(y);
    return 0;
}
