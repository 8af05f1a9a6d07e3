/* Scene rendering: buffers, propagation paths, gains and clipping. */
#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "air.h"
#include "rng.h"
#include "simconst.h"

/* RMS of a dead channel: a preamp with no microphone signal still hisses a
 * little; about 3 LSB of a 24-bit recording, nothing of pcm16 (a quiet
 * healthy channel, 45 dB SPL of ambient at 140 dB full scale, is at -95). */
#define DEAD_NOISE_DBFS (-130.0)

int sim_render_init(sim_render *r, const sim_scenario *sc)
{
    memset(r, 0, sizeof *r);
    r->sc = sc;
    r->fs = (double)sc->sample_rate;
    r->n_frames = (size_t)llround(sc->duration_s * r->fs);
    if (r->n_frames == 0)
        r->n_frames = 1;
    r->c_mps = sim_air_speed_of_sound_mps(&sc->air);
    sim_air_wind_en(&sc->air, r->w_en);
    r->chan = calloc(sc->n_sensors, sizeof *r->chan);
    r->arrivals = calloc(sc->n_events * sc->n_sensors + 1, sizeof *r->arrivals);
    r->cracks = calloc(sc->n_events * sc->n_sensors + 1, sizeof *r->cracks);
    if (r->chan == NULL || r->arrivals == NULL || r->cracks == NULL)
        return -1;
    for (size_t k = 0; k < sc->n_sensors; k++) {
        r->chan[k] = calloc(r->n_frames, sizeof *r->chan[k]);
        if (r->chan[k] == NULL)
            return -1;
    }
    return 0;
}

void sim_render_free(sim_render *r)
{
    if (r->chan != NULL)
        for (size_t k = 0; k < r->sc->n_sensors; k++)
            free(r->chan[k]);
    free(r->chan);
    free(r->arrivals);
    free(r->cracks);
    sim_fft_cache_free(&r->fft);
    r->chan = NULL;
    r->arrivals = NULL;
    r->cracks = NULL;
}

sim_arrival *sim_render_arrival(sim_render *r, size_t event, size_t sensor)
{
    return &r->arrivals[event * r->sc->n_sensors + sensor];
}

sim_crack_arrival *sim_render_crack(sim_render *r, size_t event, size_t sensor)
{
    return &r->cracks[event * r->sc->n_sensors + sensor];
}

static double distance(const double a[3], const double b[3])
{
    return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                (a[2] - b[2]) * (a[2] - b[2]));
}

int sim_render_paths(const sim_render *r, const double src_m[3], size_t sensor, double t0_s,
                     sim_path paths[2])
{
    const double *mic = r->sc->sensors[sensor].pos_m;
    double image[3] = {src_m[0], src_m[1], -src_m[2]};
    const double *from[2] = {src_m, image};
    int n = r->sc->reflection && r->sc->reflection_coeff != 0.0 ? 2 : 1;
    for (int p = 0; p < n; p++) {
        double d = distance(from[p], mic);
        paths[p].distance_m = d;
        paths[p].arrival_s = t0_s + sim_air_travel_time_s(from[p], mic, r->c_mps, r->w_en);
        paths[p].record_s = paths[p].arrival_s + r->sc->sensors[sensor].clock_offset_s;
        paths[p].gain = (p == 0 ? 1.0 : r->sc->reflection_coeff) / (d < 1.0 ? 1.0 : d);
    }
    return n;
}

void sim_render_add(sim_render *r, size_t sensor, long long n0, const double *y, size_t n)
{
    long long lo = n0 < 0 ? -n0 : 0;
    long long hi = (long long)n;
    if (n0 + hi > (long long)r->n_frames)
        hi = (long long)r->n_frames - n0;
    double *c = r->chan[sensor];
    for (long long i = lo; i < hi; i++)
        c[n0 + i] += y[i];
}

static double full_scale_pa(const sim_scenario *sc)
{
    return SIM_P_REF_PA * pow(10.0, sc->full_scale_db / 20.0);
}

/* 1 when the channel clips within [n_start, n_end). */
static int clips(const sim_render *r, const double *c, long long n_start, long long n_end)
{
    long long lo = n_start < 0 ? 0 : n_start;
    long long hi = n_end > (long long)r->n_frames ? (long long)r->n_frames : n_end;
    for (long long i = lo; i < hi; i++)
        if (fabs(c[i]) > 1.0)
            return 1;
    return 0;
}

static void mark_clipped(sim_render *r, size_t k, const double *c)
{
    for (size_t e = 0; e < r->sc->n_events; e++) {
        sim_arrival *a = sim_render_arrival(r, e, k);
        a->clipped = a->clipped || clips(r, c, a->n_start, a->n_end);
        sim_crack_arrival *q = sim_render_crack(r, e, k);
        q->clipped = q->heard && clips(r, c, q->n_start, q->n_end);
    }
}

/* What a channel whose preamp lost its microphone records. */
static void dead_channel(sim_render *r, size_t k, double *c)
{
    sim_rng rng;
    sim_rng_seed(&rng, r->sc->seed, SIM_STREAM_DEAD + k);
    double rms = pow(10.0, DEAD_NOISE_DBFS / 20.0);
    for (size_t i = 0; i < r->n_frames; i++)
        c[i] = rms * sim_rng_normal(&rng);
    for (size_t e = 0; e < r->sc->n_events; e++) {
        sim_render_arrival(r, e, k)->clipped = 0;
        sim_render_crack(r, e, k)->clipped = 0;
    }
}

void sim_render_finish(sim_render *r)
{
    double fs_pa = full_scale_pa(r->sc);
    for (size_t k = 0; k < r->sc->n_sensors; k++) {
        const sim_sensor *s = &r->sc->sensors[k];
        double g = pow(10.0, (s->gain_db + s->fault_gain_db) / 20.0) / fs_pa;
        double *c = r->chan[k];
        for (size_t i = 0; i < r->n_frames; i++)
            c[i] *= g;
        mark_clipped(r, k, c);
        for (size_t i = 0; i < r->n_frames; i++)
            c[i] = c[i] > 1.0 ? 1.0 : (c[i] < -1.0 ? -1.0 : c[i]);
        if (s->dead)
            dead_channel(r, k, c);
    }
}
