/* Physical features of a located event (see include/earshot/features.h).
 *
 * Spreading (20 lg d) and ISO 9613-1 absorption (alpha(f) d) are undone
 * bin by bin with the solved distance, so a source's level and spectrum
 * read the same at 1 km and at 8 km: a rifle's crack stays 30 dB below a
 * mortar's blast however far away either is. Bins whose received energy
 * is not clearly above the noise before the onset are left out, and the
 * absorption undone is capped, so noise at high frequencies from a distant
 * source is never amplified into a false spectrum. */
#include "earshot/features.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/atmosphere.h"
#include "features_internal.h"

#define P_REF_PA 20e-6
#define GUARD_S 0.002          /* noise window ends this long before the onset */
#define MIN_BIN_SNR 2.0        /* received energy over noise, per bin */
#define MAX_ABSORPTION_DB 30.0 /* undone at most */


static size_t pow2_at_least(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

es_featurizer es_featurizer_create(const es_featurizer_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->n_sensors == 0 || cfg->n_sensors > ES_MAX_SENSORS ||
        !(cfg->sample_rate_hz >= 1000.0) || !(cfg->band_lo_hz > 0.0) ||
        !(cfg->band_hi_hz >= 0.0) || !isfinite(cfg->full_scale_db_spl) ||
        !(cfg->history_rate_hz >= 2.5 * cfg->band_lo_hz && cfg->history_rate_hz <= cfg->sample_rate_hz)) {
        es_error_set(err, ES_EINVAL, "features: invalid config");
        return NULL;
    }
    es_featurizer f = calloc(1, sizeof *f);
    if (f == NULL) {
        es_error_set(err, ES_ENOMEM, "features: out of memory");
        return NULL;
    }
    f->cfg = *cfg;
    size_t lead = (size_t)lround(LEAD_S * cfg->sample_rate_hz);
    f->n_guard = (size_t)lround(GUARD_S * cfg->sample_rate_hz);
    f->n_blast = (size_t)lround(BLAST_S * cfg->sample_rate_hz);
    /* The snippet holds ES_SNIPPET_PRE samples before the onset. */
    size_t room = ES_SNIPPET_LEN - ES_SNIPPET_PRE + lead;
    if (f->n_blast > room)
        f->n_blast = room;
    if (f->n_blast > ES_SNIPPET_PRE - f->n_guard)
        f->n_blast = ES_SNIPPET_PRE - f->n_guard;
    f->n_fft = pow2_at_least(f->n_blast);
    f->in = fftwf_malloc(sizeof(float) * f->n_fft);
    f->spec = fftwf_malloc(sizeof(fftwf_complex) * (f->n_fft / 2 + 1));
    f->noise_pow = calloc(f->n_fft / 2 + 1, sizeof *f->noise_pow);
    if (f->in != NULL && f->spec != NULL)
        f->plan = fftwf_plan_dft_r2c_1d((int)f->n_fft, f->in, f->spec, FFTW_ESTIMATE);
    if (f->plan == NULL || f->noise_pow == NULL) {
        es_featurizer_destroy(&f);
        es_error_set(err, ES_ENOMEM, "features: out of memory");
        return NULL;
    }
    if (es_feat_tail_init(f, err) != ES_OK) {
        es_featurizer_destroy(&f);
        return NULL;
    }
    return f;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median of the finite values of v[0..n) (reordered); NaN if none. */
double es_feat_median(double *v, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, m, sizeof v[0], cmp_double);
    return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

/* Power spectrum of x[0..n) zero-padded to n_fft, into pow[0..n_fft/2]. */
static void power_spectrum(es_featurizer f, const float *x, size_t n, double *pow_out)
{
    memset(f->in, 0, sizeof(float) * f->n_fft);
    memcpy(f->in, x, sizeof(float) * n);
    fftwf_execute(f->plan);
    for (size_t k = 0; k <= f->n_fft / 2; k++) {
        double re = f->spec[k][0], im = f->spec[k][1];
        pow_out[k] = re * re + im * im;
    }
}

typedef struct {
    double level_db, centroid_hz;
} source_spectrum;

/* Sound exposure at 1 m and centroid of one sensor's blast, at distance_m
 * in air atm. */
static source_spectrum blast_spectrum(es_featurizer f, const es_onset *o, double distance_m,
                                      const es_atmosphere_config *atm)
{
    const es_featurizer_config *c = &f->cfg;
    double fs = c->sample_rate_hz, pa_fs = P_REF_PA * pow(10.0, c->full_scale_db_spl / 20.0);
    size_t onset = (size_t)(o->frame - o->snippet_frame);
    size_t lead = (size_t)lround(LEAD_S * fs);
    source_spectrum out = {NAN, NAN};
    if (onset < f->n_blast + f->n_guard || onset < lead ||
        onset - lead + f->n_blast > ES_SNIPPET_LEN)
        return out;
    power_spectrum(f, o->snippet + onset - f->n_guard - f->n_blast, f->n_blast, f->noise_pow);
    double e_sum = 0.0, fe_sum = 0.0, hi = c->band_hi_hz > 0.0 ? c->band_hi_hz : fs / 2.0;
    /* Bin k's share of the window's energy: 2 |X_k|^2 / N (Parseval), in
     * Pa^2 s once scaled by full scale and divided by fs. */
    double scale = pa_fs * pa_fs / fs / (double)f->n_fft;
    double *npow = f->noise_pow;
    /* The blast itself, into the FFT buffer. */
    memset(f->in, 0, sizeof(float) * f->n_fft);
    memcpy(f->in, o->snippet + onset - lead, sizeof(float) * f->n_blast);
    fftwf_execute(f->plan);
    for (size_t k = 1; k < f->n_fft / 2; k++) {
        double hz = (double)k * fs / (double)f->n_fft;
        if (hz < c->band_lo_hz || hz > hi)
            continue;
        double re = f->spec[k][0], im = f->spec[k][1], p = re * re + im * im;
        if (!(p > MIN_BIN_SNR * npow[k]))
            continue;
        double absorb_db = fmin(es_absorption_db_per_m(hz, atm->temperature_c, atm->humidity_pct,
                                                       atm->pressure_kpa) * distance_m,
                                MAX_ABSORPTION_DB);
        double e = 2.0 * (p - npow[k]) * scale * pow(10.0, absorb_db / 10.0);
        e_sum += e;
        fe_sum += e * hz;
    }
    if (e_sum <= 0.0)
        return out;
    double d = fmax(distance_m, 1.0);
    out.level_db = 10.0 * log10(e_sum * d * d / (P_REF_PA * P_REF_PA));
    out.centroid_hz = fe_sum / e_sum;
    return out;
}

/* Onset to the end of the first lobe (the first excursion to half the
 * largest in the first half of the blast window), in ms: a blast's
 * positive phase, which lengthens with the charge. */
static double pulse_ms(const struct es_featurizer_s *f, const es_onset *o)
{
    double fs = f->cfg.sample_rate_hz;
    size_t onset = (size_t)(o->frame - o->snippet_frame);
    size_t lead = (size_t)lround(LEAD_S * fs);
    if (onset < lead || onset >= ES_SNIPPET_LEN)
        return NAN;
    size_t from = onset - lead, to = onset + f->n_blast / 2, peak = from;
    if (to > ES_SNIPPET_LEN)
        to = ES_SNIPPET_LEN;
    for (size_t i = from; i < to; i++)
        if (fabsf(o->snippet[i]) > fabsf(o->snippet[peak]))
            peak = i;
    for (size_t i = from; i < peak; i++)
        if (fabsf(o->snippet[i]) >= 0.5f * fabsf(o->snippet[peak])) {
            peak = i;
            break;
        }
    float sign = o->snippet[peak] >= 0.0f ? 1.0f : -1.0f;
    for (size_t i = peak; i < ES_SNIPPET_LEN; i++)
        if (sign * o->snippet[i] <= 0.0f)
            return 1e3 * (double)(i - onset) / fs;
    return NAN;
}

/* Power of the snippet before the onset (less the guard) over the level
 * the detector fired against (noise_dbfs): the learnt quiet for a fresh
 * trigger, the medium-term level of the sound still going on for one
 * inside an event. A sound that builds up to its onset (an engine
 * spinning up, a gust) reads its rise; a blast out of the quiet, or out
 * of another event's steady roar (the second round of a salvo inside the
 * first one's motor), reads 0 dB: the roar belongs to the other event. */
static double pre_rise_db(const struct es_featurizer_s *f, const es_onset *o)
{
    size_t onset = (size_t)(o->frame - o->snippet_frame);
    if (onset <= f->n_guard || onset > ES_SNIPPET_LEN || !isfinite(o->noise_dbfs))
        return NAN;
    double sum = 0.0;
    size_t n = onset - f->n_guard;
    for (size_t i = 0; i < n; i++)
        sum += (double)o->snippet[i] * (double)o->snippet[i];
    double pre = sum / (double)n, reference = pow(10.0, (double)o->noise_dbfs / 10.0);
    return pre > 0.0 && reference > 0.0 ? 10.0 * log10(pre / reference) : NAN;
}

static double distance_m(const struct es_featurizer_s *f, const es_event *ev, uint32_t sensor)
{
    const double *p = f->cfg.sensor_m[sensor];
    return hypot(hypot(ev->e_m - p[0], ev->n_m - p[1]), ev->u_m - p[2]);
}

static int is_used(const es_event *ev, uint32_t sensor)
{
    for (size_t k = 0; k < ev->n_used; k++)
        if (ev->used[k] == sensor)
            return 1;
    return 0;
}

void es_featurizer_blast(es_featurizer f, const es_onset_group *g, const es_atmosphere_config *atm,
                         es_event *ev)
{
    double level[ES_MAX_SENSORS], peak[ES_MAX_SENSORS], cen[ES_MAX_SENSORS], pulse[ES_MAX_SENSORS],
        pre[ES_MAX_SENSORS];
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const es_onset *o = g->onset[i];
        if (o->sensor >= f->cfg.n_sensors || !is_used(ev, o->sensor))
            continue;
        double d = distance_m(f, ev, o->sensor);
        source_spectrum s = blast_spectrum(f, o, d, atm);
        level[n] = s.level_db;
        cen[n] = s.centroid_hz;
        double a_db = isfinite(s.centroid_hz)
                          ? fmin(es_absorption_db_per_m(s.centroid_hz, atm->temperature_c,
                                                        atm->humidity_pct, atm->pressure_kpa) * d,
                                 MAX_ABSORPTION_DB)
                          : 0.0;
        peak[n] = (double)o->peak_dbfs + f->cfg.full_scale_db_spl + 20.0 * log10(fmax(d, 1.0)) + a_db;
        pulse[n] = pulse_ms(f, o);
        pre[n] = pre_rise_db(f, o);
        n++;
    }
    es_features *x = &ev->features;
    x->level_db = es_feat_median(level, n);
    x->peak_level_db = es_feat_median(peak, n);
    x->centroid_hz = es_feat_median(cen, n);
    x->pulse_ms = es_feat_median(pulse, n);
    x->pre_rise_db = es_feat_median(pre, n);
    double c0 = es_speed_of_sound_moist_mps(atm->temperature_c, atm->humidity_pct, atm->pressure_kpa);
    double sc = es_speed_of_sound_sigma_mps(atm->temperature_c, atm->humidity_pct,
                                            atm->temperature_sigma_c, atm->pressure_kpa);
    x->speed_z = ev->c_sigma_mps > 0.0 && sc > 0.0 ? (ev->c_mps - c0) / sc : NAN;
    x->tail_s = x->tail_db = x->tail_snr_db = x->late_snr_db = NAN;
    x->tail_crest_db = x->tail_coherence = NAN;
    x->crack_lead_s = NAN; /* the pipeline's to say (it saw the crack's group) */
}

void es_featurizer_destroy(es_featurizer *fp)
{
    if (fp == NULL || *fp == NULL)
        return;
    es_featurizer f = *fp;
    if (f->plan != NULL)
        fftwf_destroy_plan(f->plan);
    fftwf_free(f->in);
    fftwf_free(f->spec);
    free(f->noise_pow);
    es_feat_tail_free(f);
    free(f);
    *fp = NULL;
}
