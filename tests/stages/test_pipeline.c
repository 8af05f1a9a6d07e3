/* The whole inline pipeline on audio synthesised here (not by the
 * simulator): a wavelet from a chosen source reaches each microphone at
 * the time computed in this file (straight path, moving air, speed of
 * sound from temperature), in independent noise. The located event must
 * match the chosen source. */
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "earshot/config.h"
#include "earshot/pipeline.h"

#define FS 48000
#define N 8
#define SECONDS 28.0

typedef struct {
    double src[3];
    double t0_s;
    double temperature_c, wind_mps, wind_from_deg;
} scene;

/* |d - w t| = c t, by fixed-point iteration: an independent route to the
 * travel time the engine computes in closed form. */
static double travel_s(const double *src, const double *rcv, double c, const double *w)
{
    double d[3] = {rcv[0] - src[0], rcv[1] - src[1], rcv[2] - src[2]};
    double t = 0.0;
    for (int i = 0; i < 100; i++) {
        double x = d[0] - w[0] * t, y = d[1] - w[1] * t;
        t = sqrt(x * x + y * y + d[2] * d[2]) / c;
    }
    return t;
}

static double ricker(double tau_s, double f_hz)
{
    double a = M_PI * M_PI * f_hz * f_hz * tau_s * tau_s;
    return (1.0 - 2.0 * a) * exp(-a);
}

static void make_site(es_site_config *site, const scene *sc)
{
    es_site_config_defaults(site);
    snprintf(site->name, sizeof site->name, "test");
    site->origin_lat_deg = 33.3;
    site->origin_lon_deg = 44.4;
    site->sample_rate_hz = FS;
    site->n_sensors = N;
    for (int i = 0; i < N; i++) {
        es_sensor_config *s = &site->sensors[i];
        snprintf(s->id, sizeof s->id, "S%d", i + 1);
        s->channel = i;
        s->e_m = 300.0 * sin(2.0 * M_PI * i / N);
        s->n_m = 300.0 * cos(2.0 * M_PI * i / N);
        s->u_m = 1.5;
    }
    site->atmosphere.temperature_c = sc->temperature_c;
    site->atmosphere.wind_speed_mps = sc->wind_mps;
    site->atmosphere.wind_from_deg = sc->wind_from_deg;
    snprintf(site->endpoint, sizeof site->endpoint, "inproc://test");
}

static float *synthesise(const es_site_config *site, const scene *sc, size_t frames)
{
    float *x = calloc(frames * N, sizeof *x);
    test_rng r = {.s = 12345};
    for (size_t i = 0; i < frames * N; i++)
        x[i] = (float)(1e-3 * test_gauss(&r));
    double c = 331.3 * sqrt(1.0 + sc->temperature_c / 273.15);
    double from = sc->wind_from_deg * M_PI / 180.0;
    double w[2] = {-sc->wind_mps * sin(from), -sc->wind_mps * cos(from)};
    for (int s = 0; s < N; s++) {
        double rcv[3] = {site->sensors[s].e_m, site->sensors[s].n_m, site->sensors[s].u_m};
        double arrive_s = sc->t0_s + travel_s(sc->src, rcv, c, w);
        size_t first = (size_t)ceil(arrive_s * FS), last = first + (size_t)(0.06 * FS);
        for (size_t i = first; i < last && i < frames; i++) {
            double tau = (double)i / FS - arrive_s - 0.03; /* wavelet centre 30 ms in */
            x[i * N + (size_t)s] += (float)(0.05 * ricker(tau, 60.0));
        }
    }
    return x;
}

/* The first message about the first id and its latest revision, with
 * the stream frames at which they came out. */
typedef struct {
    es_event first, last;
    size_t first_frame, last_frame;
} messages;

static int run(const scene *sc, messages *m)
{
    es_site_config *site = calloc(1, sizeof *site);
    make_site(site, sc);
    size_t frames = (size_t)(SECONDS * FS), block = 480;
    float *x = synthesise(site, sc, frames);
    es_pipeline_config pc = {.site = site, .channels = N, .max_block_frames = block};
    es_error err = {{0}};
    es_pipeline p = es_pipeline_create(&pc, &err);
    CHECK(p != NULL, "pipeline create: %s", err.msg);
    int n_events = 0;
    for (size_t i = 0; p != NULL && i <= frames; i += block) {
        int n = i < frames ? es_pipeline_execute(p, x + i * N, frames - i < block ? frames - i : block)
                           : es_pipeline_finish(p);
        /* One event: a first message, then revisions of the same id. */
        for (int k = 0; k < n; k++) {
            const es_event *ev = &es_pipeline_output_at(p, (size_t)k)->event;
            if (n_events == 0) {
                m->first = *ev;
                m->first_frame = i;
            }
            if (n_events == 0 || ev->id != m->first.id)
                n_events++;
            if (ev->id == m->first.id) {
                m->last = *ev;
                m->last_frame = i;
            }
        }
    }
    es_pipeline_destroy(&p);
    free(x);
    free(site);
    return n_events;
}

static void check_scene(const scene *sc, const char *name)
{
    static messages m;
    memset(&m, 0, sizeof m);
    int n = run(sc, &m);
    CHECK(n == 1, "%s: %d events (ids), want 1", name, n);
    if (n < 1)
        return;
    /* Located before the wavefront has crossed the array: half of it (5 of
     * 8), then refined with all of it, later, as revision 1 or more. */
    const es_event ev = m.last;
    printf("%s: first message %zu sensors at %.3f s, latest revision %d with %zu sensors at "
           "%.3f s\n", name, m.first.n_used, (double)m.first_frame / FS, m.last.revision,
           m.last.n_used, (double)m.last_frame / FS);
    CHECK(m.first.revision == 0 && m.first.n_used == 5, "%s: first message: revision %d, %zu "
          "sensors", name, m.first.revision, m.first.n_used);
    CHECK(m.last.revision >= 1 && m.last_frame > m.first_frame, "%s: no later revision", name);
    double range = hypot(sc->src[0], sc->src[1]);
    double bearing = fmod(atan2(sc->src[0], sc->src[1]) * 180.0 / M_PI + 360.0, 360.0);
    printf("%s: range %.1f m (true %.1f), bearing %.3f deg (true %.3f), t_origin %.4f s "
           "(true %.4f), cep50 %.1f m, %zu sensors\n",
           name, ev.range_m, range, ev.bearing_deg, bearing, ev.t_origin_s, sc->t0_s, ev.cep50_m,
           ev.n_used);
    CHECK(fabs(ev.range_m - range) <= 0.02 * range, "%s: range %.1f vs %.1f", name, ev.range_m,
          range);
    CHECK(fabs(ev.bearing_deg - bearing) <= 0.3, "%s: bearing %.3f vs %.3f", name,
          ev.bearing_deg, bearing);
    /* The wavelet rises well after its first sample, so the picked onset
     * comes up to ~20 ms late; range errors shift the origin time too. */
    CHECK(fabs(ev.t_origin_s - sc->t0_s) <= 0.02 * range / 340.0 + 0.03, "%s: t_origin", name);
    CHECK(ev.kind == ES_KIND_LAUNCH, "%s: kind %d", name, (int)ev.kind);
    CHECK(ev.n_used == N, "%s: %zu sensors used", name, ev.n_used);
    CHECK(ev.cep50_m > 0.0 && isfinite(ev.cep50_m), "%s: cep50 %.2f", name, ev.cep50_m);
}

int main(void)
{
    scene calm = {.src = {3000.0, -2000.0, 0.0}, .t0_s = 1.5, .temperature_c = 20.0};
    check_scene(&calm, "calm 3.6 km");
    scene windy = {.src = {-5000.0, 4000.0, 0.0}, .t0_s = 0.5, .temperature_c = -5.0,
                   .wind_mps = 8.0, .wind_from_deg = 250.0};
    check_scene(&windy, "windy 6.4 km");
    return check_report("test_pipeline");
}
