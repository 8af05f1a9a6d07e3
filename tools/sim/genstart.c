/* A diesel generator starting: cranking pulses, then the running engine
 * (see genstart.h). */
#include "genstart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simconst.h"

#define PULSE_RING_HZ 90.0
#define PULSE_RING_S 0.04
#define INTERVAL_JITTER 0.04
#define AMP_MIN 0.7
#define HARMONICS 8
#define NOISE_HP_HZ 20.0
#define NOISE_LP_HZ 400.0
#define NOISE_TO_TONES_DB (-6.0)
#define ATTACK_S 0.25
#define RELEASE_S 0.5

int sim_cranking_make(sim_cranking *c, const sim_event *ev, sim_rng *rng)
{
    memset(c, 0, sizeof *c);
    size_t cap = (size_t)ceil(ev->crank_s * ev->crank_hz / (1.0 - INTERVAL_JITTER)) + 2;
    c->t_s = malloc(cap * sizeof *c->t_s);
    c->amp = malloc(cap * sizeof *c->amp);
    if (c->t_s == NULL || c->amp == NULL) {
        sim_cranking_free(c);
        return -1;
    }
    double t = 0.0, loudest = 0.0;
    while (t < ev->crank_s && c->n < cap) {
        c->t_s[c->n] = t;
        c->amp[c->n] = AMP_MIN + (1.0 - AMP_MIN) * sim_rng_uniform(rng);
        loudest = fmax(loudest, c->amp[c->n]);
        c->n++;
        t += (1.0 + INTERVAL_JITTER * (2.0 * sim_rng_uniform(rng) - 1.0)) / ev->crank_hz;
    }
    for (size_t i = 0; i < c->n; i++)
        c->amp[i] /= loudest;
    sim_thump_init(&c->pulse, sim_db_to_pa(ev->level_db), PULSE_RING_HZ, PULSE_RING_S);
    c->length_s = c->t_s[c->n - 1] + c->pulse.length_s;
    return 0;
}

double sim_cranking_eval(const sim_cranking *c, double t)
{
    if (t <= 0.0 || c->n == 0)
        return 0.0;
    size_t lo = 0, hi = c->n; /* the last pulse that started before t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (c->t_s[mid] < t)
            lo = mid;
        else
            hi = mid;
    }
    double p = 0.0;
    for (size_t i = lo + 1; i-- > 0 && t - c->t_s[i] < c->pulse.length_s;)
        p += c->amp[i] * sim_thump_eval(&c->pulse, t - c->t_s[i]);
    return p;
}

void sim_cranking_free(sim_cranking *c)
{
    free(c->t_s);
    free(c->amp);
    c->t_s = c->amp = NULL;
    c->n = 0;
}

static double run_envelope(double t, double duration_s)
{
    if (t < ATTACK_S)
        return 0.5 - 0.5 * cos(SIM_PI * t / ATTACK_S);
    if (t > duration_s - RELEASE_S)
        return 0.5 + 0.5 * cos(SIM_PI * (t - (duration_s - RELEASE_S)) / RELEASE_S);
    return 1.0;
}

/* Harmonics 1/h of firing_hz (below 0.45 fs), unit amplitude at h = 1;
 * their power. */
static double add_harmonics(double *p, size_t n, double f0, double fs, sim_rng *rng)
{
    double power = 0.0;
    for (int h = 1; h <= HARMONICS; h++) {
        double phase = 2.0 * SIM_PI * sim_rng_uniform(rng), w = 2.0 * SIM_PI * f0 * h / fs;
        if (f0 * h > 0.45 * fs)
            break;
        for (size_t i = 0; i < n; i++)
            p[i] += cos(w * (double)i + phase) / h;
        power += 0.5 / ((double)h * h);
    }
    return power;
}

/* Exhaust noise of mean power noise_power, added to p. 0, or -1 when out
 * of memory. */
static int add_exhaust_noise(double *p, size_t n, double noise_power, double fs, sim_rng *rng)
{
    double *x = malloc(n * sizeof *x), sum2 = 0.0;
    if (x == NULL)
        return -1;
    sim_biquad hp, lp;
    sim_biquad_set(&hp, NOISE_HP_HZ, fs, 1);
    sim_biquad_set(&lp, NOISE_LP_HZ, fs, 0);
    for (size_t i = 0; i < (size_t)(0.2 * fs); i++) /* let the filters settle */
        sim_biquad_run(&lp, sim_biquad_run(&hp, sim_rng_normal(rng)));
    for (size_t i = 0; i < n; i++) {
        x[i] = sim_biquad_run(&lp, sim_biquad_run(&hp, sim_rng_normal(rng)));
        sum2 += x[i] * x[i];
    }
    double g = sum2 > 0.0 ? sqrt(noise_power * (double)n / sum2) : 0.0;
    for (size_t i = 0; i < n; i++)
        p[i] += g * x[i];
    free(x);
    return 0;
}

int sim_engine_run_make(sim_roar *run, const sim_event *ev, double fs_hz, sim_rng *rng)
{
    memset(run, 0, sizeof *run);
    run->start_s = ev->crank_s;
    run->n = (size_t)ceil(ev->duration_s * fs_hz);
    run->p = calloc(run->n, sizeof *run->p);
    if (run->p == NULL)
        return -1;
    double tones = add_harmonics(run->p, run->n, ev->firing_hz, fs_hz, rng);
    if (add_exhaust_noise(run->p, run->n, tones * pow(10.0, NOISE_TO_TONES_DB / 10.0), fs_hz,
                          rng) != 0) {
        sim_roar_free(run);
        return -1;
    }
    double sum2 = 0.0;
    size_t n2 = 0;
    for (size_t i = 0; i < run->n; i++) {
        double e = run_envelope((double)i / fs_hz, ev->duration_s);
        if (e == 1.0) {
            sum2 += run->p[i] * run->p[i];
            n2++;
        }
        run->p[i] *= e;
    }
    double scale = n2 > 0 && sum2 > 0.0 ? sim_db_to_pa(ev->run_db) / sqrt(sum2 / (double)n2) : 0.0;
    for (size_t i = 0; i < run->n; i++)
        run->p[i] *= scale;
    return 0;
}
