/* What followed the blast (see include/earshot/features.h): the tail's
 * power against the blast and the noise, its steadiness, and whether the
 * sensors hear one point source in it. Read from the history, as far as
 * it reaches: at the first message the early sensors have heard as long as
 * the wavefront took to cross the array; the revision hears more. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features_internal.h"

#define TAIL_FROM_S 0.05       /* after the onset: past the blast and its reflection */
#define TAIL_TO_S 0.5
#define LATE_TO_S 1.5
#define NOISE_FROM_S 0.35      /* noise before the onset */
#define NOISE_TO_S 0.05
#define MIN_TAIL_S 0.15        /* heard after the onset before the tail counts */
#define CREST_FRAME_S 0.02
#define CREST_MIN_FRAMES 5
#define COHERENCE_S 0.5        /* GCC window: noise, then the tail */
#define COHERENCE_MAX_LAG_S 0.01
#define COHERENCE_PAIRS 4
#define READ_CHUNK 512

int es_feat_tail_init(es_featurizer f, es_error *err)
{
    double r = f->cfg.history_rate_hz;
    size_t n = 256;
    while ((double)n < COHERENCE_S * r)
        n <<= 1;
    f->tail_len = n;
    f->tail_noise_len = n / 4;
    double hi = f->cfg.band_hi_hz > 0.0 ? fmin(f->cfg.band_hi_hz, 0.45 * r) : 0.45 * r;
    es_gccphat_config gc = {.window_len = n, .sample_rate_hz = r, .f_lo_hz = f->cfg.band_lo_hz,
                            .f_hi_hz = hi, .phat_beta = 1.0, .noise_len = f->tail_noise_len};
    f->tail_gcc = es_gccphat_create(&gc, err);
    f->tail_a = calloc(n, sizeof *f->tail_a);
    f->tail_b = calloc(n, sizeof *f->tail_b);
    if (f->tail_gcc == NULL)
        return ES_EINVAL; /* err says why */
    if (f->tail_a == NULL || f->tail_b == NULL)
        return es_error_set(err, ES_ENOMEM, "features: out of memory");
    return ES_OK;
}

void es_feat_tail_free(es_featurizer f)
{
    es_gccphat_destroy(&f->tail_gcc);
    free(f->tail_a);
    free(f->tail_b);
}

/* Mean square of sensor's history over stream frames [from, to); NaN if
 * not all of it is held. */
static double mean_square(es_history h, size_t sensor, int64_t from, int64_t to)
{
    float buf[READ_CHUNK];
    int64_t d = es_history_decimation(h);
    double sum = 0.0;
    size_t n = 0;
    for (int64_t f = from; f < to; f += READ_CHUNK * d) {
        int64_t left = (to - f + d - 1) / d;
        size_t want = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
        if (es_history_read(h, sensor, f, want, buf) != want)
            return NAN;
        for (size_t i = 0; i < want; i++)
            sum += (double)buf[i] * (double)buf[i];
        n += want;
    }
    return n > 0 ? sum / (double)n : NAN;
}

static double db_ratio(double a, double b)
{
    return isfinite(a) && isfinite(b) && a > 0.0 && b > 0.0 ? 10.0 * log10(a / b) : NAN;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The 90th-percentile 20 ms frame of [from, to) over the median frame,
 * dB: steadiness that one bang inside the tail does not change. */
static double crest_db(es_history h, size_t sensor, int64_t from, int64_t to, double fs)
{
    int64_t frame = (int64_t)(CREST_FRAME_S * fs);
    double pow_frames[(size_t)(LATE_TO_S / CREST_FRAME_S) + 1];
    size_t n = 0;
    for (int64_t a = from; a + frame <= to && n < sizeof pow_frames / sizeof pow_frames[0];
         a += frame) {
        double p = mean_square(h, sensor, a, a + frame);
        if (!isfinite(p))
            return NAN;
        pow_frames[n++] = p;
    }
    if (n < CREST_MIN_FRAMES)
        return NAN;
    qsort(pow_frames, n, sizeof pow_frames[0], cmp_double);
    return db_ratio(pow_frames[(n * 9) / 10], pow_frames[n / 2]);
}

/* Noise before the onset, then the tail, into buf (tail_len samples);
 * 0 if the history does not hold all of it. */
static int tail_window(es_featurizer f, es_history h, size_t sensor, int64_t onset, float *buf)
{
    double fs = f->cfg.sample_rate_hz, d = (double)es_history_decimation(h);
    size_t nn = f->tail_noise_len, nt = f->tail_len - nn;
    int64_t noise_from = onset - (int64_t)(NOISE_TO_S * fs) - (int64_t)((double)nn * d);
    int64_t tail_from = onset + (int64_t)(TAIL_FROM_S * fs);
    return es_history_read(h, sensor, noise_from, nn, buf) == nn &&
           es_history_read(h, sensor, tail_from, nt, buf + nn) == nt;
}

/* Median GCC peak of the earliest sensor's tail against up to
 * COHERENCE_PAIRS others that have heard as much. */
static double tail_coherence(es_featurizer f, es_history h, const int64_t *onset,
                             const es_event *ev)
{
    size_t ref = ev->n_used;
    for (size_t k = 0; k < ev->n_used; k++)
        if (onset[k] != INT64_MIN && (ref == ev->n_used || onset[k] < onset[ref]))
            ref = k;
    if (ref == ev->n_used || !tail_window(f, h, ev->used[ref], onset[ref], f->tail_a))
        return NAN;
    double peaks[COHERENCE_PAIRS], max_lag = COHERENCE_MAX_LAG_S * f->cfg.history_rate_hz;
    size_t n = 0;
    for (size_t k = 0; k < ev->n_used && n < COHERENCE_PAIRS; k++) {
        if (k == ref || onset[k] == INT64_MIN ||
            !tail_window(f, h, ev->used[k], onset[k], f->tail_b))
            continue;
        es_gccphat_result r;
        peaks[n++] = es_gccphat_execute(f->tail_gcc, f->tail_a, f->tail_b, max_lag, &r) == ES_OK
                         ? r.peak
                         : 0.0;
    }
    return es_feat_median(peaks, n);
}

void es_featurizer_tail(es_featurizer f, es_history h, const int64_t *onset_frame, es_event *ev)
{
    double fs = f->cfg.sample_rate_hz;
    int64_t end = es_history_end_frame(h);
    double heard[ES_MAX_SENSORS], tail[ES_MAX_SENSORS], snr[ES_MAX_SENSORS],
        late[ES_MAX_SENSORS], crest[ES_MAX_SENSORS];
    size_t n = ev->n_used;
    for (size_t k = 0; k < n; k++) {
        size_t s = ev->used[k];
        int64_t a = onset_frame[k];
        double avail_s = a == INT64_MIN ? 0.0 : (double)(end - a) / fs;
        heard[k] = avail_s;
        tail[k] = snr[k] = late[k] = crest[k] = NAN;
        if (avail_s < MIN_TAIL_S)
            continue;
        double noise = mean_square(h, s, a - (int64_t)(NOISE_FROM_S * fs), a - (int64_t)(NOISE_TO_S * fs));
        double blast = mean_square(h, s, a - (int64_t)(LEAD_S * fs), a + (int64_t)(BLAST_S * fs));
        int64_t from = a + (int64_t)(TAIL_FROM_S * fs);
        double p_tail = mean_square(h, s, from, a + (int64_t)(fmin(avail_s, TAIL_TO_S) * fs));
        tail[k] = db_ratio(p_tail, blast);
        snr[k] = db_ratio(p_tail, noise);
        crest[k] = crest_db(h, s, from, a + (int64_t)(fmin(avail_s, LATE_TO_S) * fs), fs);
        if (avail_s >= LATE_TO_S)
            late[k] = db_ratio(mean_square(h, s, a + (int64_t)(TAIL_TO_S * fs),
                                           a + (int64_t)(LATE_TO_S * fs)), noise);
    }
    es_features *x = &ev->features;
    x->tail_s = n > 0 ? heard[0] : NAN;
    for (size_t k = 1; k < n; k++)
        x->tail_s = fmax(x->tail_s, heard[k]);
    x->tail_db = es_feat_median(tail, n);
    x->tail_snr_db = es_feat_median(snr, n);
    x->late_snr_db = es_feat_median(late, n);
    x->tail_crest_db = es_feat_median(crest, n);
    x->tail_coherence = tail_coherence(f, h, onset_frame, ev);
}
