/* Noise: ambient, wind at each microphone, and a generator's hum.
 *
 * Ambient: pink noise (Paul Kellet's "refined" filter of white noise,
 * music-dsp 1999; within 0.05 dB of -3 dB/octave from about 10 Hz up at
 * 44.1 kHz), independent at each microphone (the microphones are hundreds
 * of metres apart, far beyond the coherence length of diffuse noise), scaled
 * so its RMS over the recording is exactly ambient_db_spl.
 *
 * Wind: turbulence at a screened microphone is local pressure, not sound:
 * independent per microphone, below ~100 Hz, gusty. Its RMS follows the
 * stagnation-pressure scaling p ~ rho U u' ~ U^2, i.e.
 *   L_wind = L_5 + 40 lg(U / 5 m/s)  dB re 20 uPa,
 * with L_5 = wind_noise_db_spl_at_5mps (default 70 dB, an assumed value for
 * a ~10 cm foam windscreen; stagnation pressure dominates outdoors: Raspet
 * et al. 2008, Strasberg 1988, reviewed in "As the wind blows", Acoustics
 * Today, Winter 2021). Spectrum: two one-pole low-passes at 4 U Hz (5..60 Hz)
 * after a 1 Hz high-pass; gusts: an exp(0.5 m(t)) envelope, m a unit
 * normal process low-passed at 0.2 Hz.
 *
 * Generator: a hum of harmonics of hum_hz with amplitudes 1/h and random
 * phases, at a point: each harmonic reaches each microphone as a pure tone,
 * attenuated (1/r, ISO 9613-1), delayed (travel time with wind) and
 * reflected by the ground like any other source; level_db_spl_at_1m is the
 * RMS of the whole hum at 1 m. */
#include <math.h>
#include <stdlib.h>

#include "noise.h"
#include "render.h"
#include "rng.h"
#include "simconst.h"

static double rms(const double *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * x[i];
    return sqrt(s / (double)n);
}

static void add_scaled(double *dst, const double *src, size_t n, double target_rms)
{
    double r = rms(src, n), g = r > 0.0 ? target_rms / r : 0.0;
    for (size_t i = 0; i < n; i++)
        dst[i] += g * src[i];
}

static void pink(sim_rng *rng, double *out, size_t n, size_t warm)
{
    double b[7] = {0};
    for (size_t i = 0; i < n + warm; i++) {
        double w = sim_rng_normal(rng);
        b[0] = 0.99886 * b[0] + w * 0.0555179;
        b[1] = 0.99332 * b[1] + w * 0.0750759;
        b[2] = 0.96900 * b[2] + w * 0.1538520;
        b[3] = 0.86650 * b[3] + w * 0.3104856;
        b[4] = 0.55000 * b[4] + w * 0.5329522;
        b[5] = -0.7616 * b[5] - w * 0.0168980;
        double p = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
        b[6] = w * 0.115926;
        if (i >= warm)
            out[i - warm] = p;
    }
}

static double one_pole(double f_hz, double fs)
{
    return exp(-2.0 * SIM_PI * f_hz / fs);
}

void sim_wind_filter_init(sim_wind_filter *f, double u_mps, double fs)
{
    double fc = fmin(60.0, fmax(5.0, 4.0 * u_mps));
    f->a_lp = one_pole(fc, fs);
    f->a_hp = one_pole(1.0, fs);
    f->l1 = f->l2 = f->hp_lp = 0.0;
}

double sim_wind_filter_run(sim_wind_filter *f, double white)
{
    f->l1 = f->a_lp * f->l1 + (1.0 - f->a_lp) * white;
    f->l2 = f->a_lp * f->l2 + (1.0 - f->a_lp) * f->l1;
    f->hp_lp = f->a_hp * f->hp_lp + (1.0 - f->a_hp) * f->l2; /* the slow part, removed */
    return f->l2 - f->hp_lp;
}

static void wind(sim_rng *rng, double u_mps, double fs, double *out, size_t n, size_t warm)
{
    sim_wind_filter f;
    sim_wind_filter_init(&f, u_mps, fs);
    double a_g = one_pole(0.2, fs), g = 0.0;
    /* The gust process has variance (1 - a) / (1 + a) per unit input; scale it to 1. */
    double g_scale = sqrt((1.0 + a_g) / (1.0 - a_g));
    for (size_t i = 0; i < n + warm; i++) {
        double v = sim_wind_filter_run(&f, sim_rng_normal(rng));
        g = a_g * g + (1.0 - a_g) * sim_rng_normal(rng);
        if (i >= warm)
            out[i - warm] = v * exp(0.5 * g * g_scale);
    }
}

static int ambient_and_wind(sim_render *r)
{
    const sim_scenario *sc = r->sc;
    double u = sc->air.wind_speed_mps;
    int do_wind = sc->noise.wind_noise && u > 0.0;
    if (!sc->noise.has_ambient && !do_wind)
        return 0;
    double *tmp = malloc(r->n_frames * sizeof *tmp);
    if (tmp == NULL)
        return -1;
    size_t warm = (size_t)(5.0 * r->fs); /* slowest filter (0.2 Hz) settled */
    for (size_t k = 0; k < sc->n_sensors; k++) {
        sim_rng rng;
        if (sc->noise.has_ambient) {
            sim_rng_seed(&rng, sc->seed, SIM_STREAM_AMBIENT + k);
            pink(&rng, tmp, r->n_frames, warm);
            add_scaled(r->chan[k], tmp, r->n_frames, SIM_P_REF_PA * pow(10.0, sc->noise.ambient_db / 20.0));
        }
        if (do_wind) {
            sim_rng_seed(&rng, sc->seed, SIM_STREAM_WIND + k);
            wind(&rng, u, r->fs, tmp, r->n_frames, warm);
            double level = sc->noise.wind_db_at_5mps + 40.0 * log10(u / 5.0);
            add_scaled(r->chan[k], tmp, r->n_frames, SIM_P_REF_PA * pow(10.0, level / 20.0));
        }
    }
    free(tmp);
    return 0;
}

/* Adds amp cos(omega n / fs + phase) by phasor rotation, re-anchored every
 * 4096 samples so rounding cannot drift. */
static void add_tone(double *c, size_t n, double fs, double amp, double omega, double phase)
{
    const size_t block = 4096;
    double dr = cos(omega / fs), di = sin(omega / fs);
    for (size_t i0 = 0; i0 < n; i0 += block) {
        double a = omega * (double)i0 / fs + phase;
        double zr = amp * cos(a), zi = amp * sin(a);
        size_t end = i0 + block < n ? i0 + block : n;
        for (size_t i = i0; i < end; i++) {
            c[i] += zr;
            double t = zr * dr - zi * di;
            zi = zr * di + zi * dr;
            zr = t;
        }
    }
}

static int generator(sim_render *r)
{
    const sim_generator *g = &r->sc->noise.generator;
    if (!g->present)
        return 0;
    sim_rng rng;
    sim_rng_seed(&rng, r->sc->seed, SIM_STREAM_GENERATOR);
    double sum = 0.0, phase[40];
    for (int h = 1; h <= g->harmonics; h++) {
        sum += 1.0 / ((double)h * h);
        phase[h - 1] = 2.0 * SIM_PI * sim_rng_uniform(&rng);
    }
    double a1 = SIM_P_REF_PA * pow(10.0, g->level_db / 20.0) * sqrt(2.0 / sum);
    for (size_t k = 0; k < r->sc->n_sensors; k++) {
        sim_path paths[2];
        int np = sim_render_paths(r, g->pos_m, k, 0.0, paths);
        for (int h = 1; h <= g->harmonics; h++) {
            double f = g->hum_hz * h, w = 2.0 * SIM_PI * f;
            if (f > 0.45 * r->fs)
                break;
            double zr = 0.0, zi = 0.0;
            for (int p = 0; p < np; p++) {
                double att = r->sc->air.absorption
                                 ? pow(10.0, -sim_air_absorption_db_per_m(&r->sc->air, f) *
                                                 paths[p].distance_m / 20.0)
                                 : 1.0;
                double m = paths[p].gain * att, ph = phase[h - 1] - w * paths[p].record_s;
                zr += m * cos(ph);
                zi += m * sin(ph);
            }
            add_tone(r->chan[k], r->n_frames, r->fs, a1 / h * hypot(zr, zi), w, atan2(zi, zr));
        }
    }
    return 0;
}

int sim_render_noise(sim_render *r)
{
    if (ambient_and_wind(r) != 0)
        return -1;
    return generator(r);
}
