/* Impulsive onset detection on one conditioned channel
 * (see include/earshot/detector.h). */
#include "earshot/detector.h"

#include "earshot/condition.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HIST_LEN 16384u            /* power of two, > snippet + pick window */
#define HIST_MASK (HIST_LEN - 1u)
#define QUEUE_LEN 4u
#define MAX_BANDS 2u
#define CHUNK_LEN 256u             /* samples high-passed per step */
#define ENERGY_FLOOR 1e-30
/* Inside an event the frozen LTA cannot see a second, louder blast (a
 * launch during thunder or a rocket's roar, the next round of a salvo):
 * a jump of the trigger ratio over the recent level fires again. The
 * recent level is an average over RETRIGGER_AVERAGE_S that ends
 * RETRIGGER_LAG_S before now, so a blast rising over a few milliseconds
 * is not compared with its own first samples. */
#define RETRIGGER_AVERAGE_S 0.1
#define RETRIGGER_LAG_S 0.02
/* A marginal trigger (a gust: its peak less than MARGINAL_RATIO over the
 * trigger ratio, 3 dB) would hide a real onset that follows within the
 * re-trigger time: one SUPERSEDE_RATIO louder (energy, 6 dB) than the
 * picked onset's peak replaces it. A clear onset is never replaced: in a
 * salvo or a rocket's roar the louder sound is not the earlier source's. */
#define SUPERSEDE_RATIO 4.0
/* The LTA is fed the signal LTA_LAG_S late (STA/LTA with a gap): a rocket
 * motor's roar swells over 0.1-0.3 s, and an LTA that followed the swell
 * would climb with it and keep a 15 dB launch under the trigger ratio. The
 * samples inside an event are never fed to it. */
#define LTA_LAG_S 0.2
#define MARGINAL_RATIO 2.0
/* An artillery shell's crack is an N-wave over in a few milliseconds; near
 * the gun its muzzle blast follows within the re-trigger time. Once the
 * first impulse has ended (its STA ENDED_RATIO under its peak, 30 dB, or
 * back near the background), a sudden rise (the STA the trigger ratio over
 * the mean energy of the RECENT_S before the last RECENT_LAG_S) to at least
 * COMPARABLE_RATIO of the first peak (-6 dB) is a second onset (kind
 * EARLY). A blast's own body never falls 30 dB between its peaks, a fainter
 * echo is not comparable, and a rocket motor's roar swells too slowly. */
#define ENDED_RATIO 1e-3
#define COMPARABLE_RATIO 0.25
#define RECENT_S 0.02
#define RECENT_LAG_S 0.005

enum pick_state { IDLE, WAIT_PICK, WAIT_SNIPPET };

/* One band's energy averages, history and trigger bookkeeping. */
/* max(a, b) for the per-sample path: fmax is a call into libm there (it
 * must order NaNs, which cannot occur: NaN input is zeroed first), and it
 * was a third of the detector's time. */
static inline double larger(double a, double b)
{
    return a > b ? a : b;
}

typedef struct {
    float *hist;                  /* this band's samples: hist[slot(frame)] */
    double sta, lta;
    double mta;                   /* medium-term average, never frozen */
    double trigger_lta;           /* background energy at the trigger */
    double max_ratio;             /* peak STA over background while picking */
    double picked_peak_sta;       /* peak STA of the last pick, for SUPERSEDE */
    double event_peak_sta;        /* peak STA since the trigger, for EARLY */
    double trough_sta;            /* least STA since that peak */
    double recent_sum;            /* sum of squares over the RECENT_S window */
} band_state;

struct es_detector_s {
    es_detector_config cfg;
    double a_sta, a_lta, a_mta;   /* exponential averaging weights */
    double trigger_ratio, release_ratio, min_level;
    int64_t warmup_frames, dead_frames, max_event_frames;
    int64_t pick_back_frames, pick_ahead_frames;

    band_state band[MAX_BANDS];   /* [0] the input, [1] its upper band */
    size_t n_bands;
    es_condition upper;           /* high-pass for band[1], or NULL */
    float chunk_in[CHUNK_LEN];    /* the block being fed, NaN-free */
    float chunk[CHUNK_LEN];       /* and its band[1] samples */
    int64_t next_frame;           /* frame of the next sample fed */
    int64_t seen;                 /* samples fed since start */
    int64_t retrigger_frames;     /* earliest re-trigger inside an event */
    int64_t lag_frames;           /* the MTA's input lags by this much */
    int64_t lta_lag_frames;       /* the LTA's input lags by this much */
    int64_t recent_frames, recent_lag_frames; /* EARLY's recent window */
    int64_t lta_resume_frame;     /* LTA input before this was in an event */
    int in_event;                 /* LTA frozen, no re-trigger */
    int watch_early;              /* peaks and troughs followed for EARLY */
    int64_t event_start;

    enum pick_state state;
    int64_t trigger_frame;
    es_onset pending;

    es_onset queue[QUEUE_LEN];    /* finished, not yet handed out */
    size_t q_head, q_count;
    uint64_t lost;                /* onsets the caller had no room for */
    /* The bands' samples side by side, frame by frame: the averages read
     * each band at three places in the history (now and two lags), and
     * side by side that is three runs of cache lines, not six. */
    float hist[HIST_LEN * MAX_BANDS];
};

/* Where a frame's sample sits in a band's history. */
static inline size_t slot(int64_t frame)
{
    return MAX_BANDS * (size_t)((uint64_t)frame & HIST_MASK);
}

static void set_defaults(es_detector_config *c)
{
    if (c->sta_s <= 0) c->sta_s = 0.004;
    if (c->lta_s <= 0) c->lta_s = 0.5;
    if (c->trigger_db <= 0) c->trigger_db = 12.0;
    if (c->release_db <= 0) c->release_db = 4.0;
    if (c->min_level_dbfs == 0) c->min_level_dbfs = -100.0;
    if (c->dead_time_s <= 0) c->dead_time_s = 0.3;
    if (c->max_event_s <= 0) c->max_event_s = 4.0;
    if (c->upper_band_lo_hz == 0) c->upper_band_lo_hz = 250.0;
}

static int check_config(const es_detector_config *c, es_error *err)
{
    if (!(c->sample_rate_hz >= 1000.0 && c->sample_rate_hz <= 1e6))
        return es_error_set(err, ES_EINVAL, "detector: sample rate %.1f Hz out of range",
                            c->sample_rate_hz);
    if (!(c->sta_s < c->lta_s))
        return es_error_set(err, ES_EINVAL, "detector: STA window must be shorter than LTA");
    if (!(c->release_db < c->trigger_db))
        return es_error_set(err, ES_EINVAL, "detector: release ratio must be below trigger");
    double post_s = (double)(ES_SNIPPET_LEN - ES_SNIPPET_PRE) / c->sample_rate_hz;
    if (c->dead_time_s < post_s)
        return es_error_set(err, ES_EINVAL,
                            "detector: dead time %.3f s is shorter than the snippet (%.3f s)",
                            c->dead_time_s, post_s);
    if (c->upper_band_lo_hz > 0 && !(c->upper_band_lo_hz < 0.45 * c->sample_rate_hz))
        return es_error_set(err, ES_EINVAL, "detector: upper band %.1f Hz is above 0.45 x the sample rate",
                            c->upper_band_lo_hz);
    return ES_OK;
}

int es_detector_upper_band(const es_detector_config *cfg, es_condition_config *out)
{
    es_detector_config c = *cfg;
    set_defaults(&c);
    if (c.upper_band_lo_hz < 0)
        return 0;
    *out = (es_condition_config){.sample_rate_hz = c.sample_rate_hz,
                                 .band_lo_hz = c.upper_band_lo_hz, .band_hi_hz = 0.0, .order = 4};
    return 1;
}

/* The upper band: the input high-passed at upper_band_lo_hz. */
static int make_upper_band(es_detector d, es_error *err)
{
    es_condition_config cc;
    if (!es_detector_upper_band(&d->cfg, &cc)) {
        d->n_bands = 1;
        return ES_OK;
    }
    d->upper = es_condition_create(&cc, err);
    if (d->upper == NULL)
        return ES_EINVAL; /* err says why */
    d->n_bands = 2;
    return ES_OK;
}

es_detector es_detector_create(const es_detector_config *cfg, es_error *err)
{
    if (cfg == NULL) {
        es_error_set(err, ES_EINVAL, "detector: no config");
        return NULL;
    }
    es_detector_config c = *cfg;
    set_defaults(&c);
    if (check_config(&c, err) != ES_OK)
        return NULL;
    es_detector d = calloc(1, sizeof *d);
    if (d == NULL) {
        es_error_set(err, ES_ENOMEM, "detector: out of memory");
        return NULL;
    }
    double fs = c.sample_rate_hz;
    d->cfg = c;
    d->a_sta = 1.0 - exp(-1.0 / (c.sta_s * fs));
    d->a_lta = 1.0 - exp(-1.0 / (c.lta_s * fs));
    d->a_mta = 1.0 - exp(-1.0 / (RETRIGGER_AVERAGE_S * fs));
    d->retrigger_frames = (int64_t)((double)(ES_SNIPPET_LEN - ES_SNIPPET_PRE) + 0.1 * fs);
    d->lag_frames = (int64_t)(RETRIGGER_LAG_S * fs);
    d->trigger_ratio = pow(10.0, c.trigger_db / 10.0);
    d->release_ratio = pow(10.0, c.release_db / 10.0);
    d->min_level = pow(10.0, c.min_level_dbfs / 10.0);
    d->lta_lag_frames = (int64_t)(LTA_LAG_S * fs);
    d->recent_lag_frames = (int64_t)(RECENT_LAG_S * fs);
    d->recent_frames = (int64_t)(RECENT_S * fs) + 1;
    if (d->lta_lag_frames > (int64_t)HIST_LEN / 2)
        d->lta_lag_frames = (int64_t)HIST_LEN / 2;
    d->warmup_frames = (int64_t)(c.lta_s * fs) + d->lta_lag_frames;
    d->dead_frames = (int64_t)(c.dead_time_s * fs);
    d->max_event_frames = (int64_t)(c.max_event_s * fs);
    /* The pick window reaches back over the time the STA needs to climb
     * by the trigger ratio on a slow-rising (distant, filtered) blast. */
    d->pick_back_frames = (int64_t)(0.040 * fs);
    d->pick_ahead_frames = (int64_t)(2.0 * c.sta_s * fs) + 1;
    if (d->pick_back_frames + ES_SNIPPET_LEN + d->pick_ahead_frames >= (int64_t)HIST_LEN) {
        es_error_set(err, ES_EINVAL, "detector: sample rate too high for the history buffer");
        free(d);
        return NULL;
    }
    for (size_t k = 0; k < MAX_BANDS; k++)
        d->band[k].hist = d->hist + k;
    if (make_upper_band(d, err) != ES_OK) {
        free(d);
        return NULL;
    }
    return d;
}

static float hist_at(const struct es_detector_s *d, const band_state *b, int64_t frame)
{
    if (frame < 0 || frame >= d->next_frame || frame < d->next_frame - (int64_t)HIST_LEN)
        return 0.0f;
    return b->hist[slot(frame)];
}

/* Akaike information criterion picker (Maeda 1985) on frames [lo, hi) of
 * one band: the split k minimising
 * k log var(x[lo..k)) + (n-k) log var(x[k..hi)). */
static int64_t aic_pick(const struct es_detector_s *d, const band_state *b, int64_t lo, int64_t hi)
{
    static const double var_floor = 1e-24;
    int64_t n = hi - lo;
    double total_s = 0.0, total_s2 = 0.0;
    for (int64_t f = lo; f < hi; f++) {
        double x = hist_at(d, b, f);
        total_s += x;
        total_s2 += x * x;
    }
    double s = 0.0, s2 = 0.0, best = INFINITY;
    int64_t best_k = n / 2;
    for (int64_t k = 1; k < n - 1; k++) {
        double x = hist_at(d, b, lo + k - 1);
        s += x;
        s2 += x * x;
        double m1 = s / (double)k;
        double v1 = s2 / (double)k - m1 * m1;
        double rs = total_s - s, rs2 = total_s2 - s2;
        double m2 = rs / (double)(n - k);
        double v2 = rs2 / (double)(n - k) - m2 * m2;
        double aic = (double)k * log(fmax(v1, var_floor)) +
                     (double)(n - k - 1) * log(fmax(v2, var_floor));
        if (aic < best) {
            best = aic;
            best_k = k;
        }
    }
    return lo + best_k;
}

/* The snippet is always the input band: GCC-PHAT and the classifier see
 * the whole conditioned band. */
static void fill_snippet(const struct es_detector_s *d, es_onset *o)
{
    double peak = 0.0;
    int64_t peak_frame = o->frame;
    for (int i = 0; i < ES_SNIPPET_LEN; i++) {
        int64_t f = o->snippet_frame + i;
        float x = hist_at(d, &d->band[0], f);
        o->snippet[i] = x;
        if (f >= o->frame && fabs(x) > peak) {
            peak = fabs(x);
            peak_frame = f;
        }
    }
    o->peak_dbfs = (float)(20.0 * log10(fmax(peak, 1e-10)));
    o->rise_ms = (float)(1000.0 * (double)(peak_frame - o->frame) / d->cfg.sample_rate_hz);
}

static void enqueue(es_detector d, const es_onset *o)
{
    if (d->q_count == QUEUE_LEN) { /* the caller gave no room for QUEUE_LEN onsets */
        d->lost++;
        return;
    }
    d->queue[(d->q_head + d->q_count) % QUEUE_LEN] = *o;
    d->q_count++;
}

enum trigger_kind { FRESH, AGAIN, LOUDER, EARLY };

/* Sum of squares over EARLY's recent window as it stands at `frame`:
 * frames (frame - lag - len, frame - lag], slid on by update_band. */
static double recent_energy(const struct es_detector_s *d, const band_state *b, int64_t frame)
{
    int64_t last = frame - d->recent_lag_frames;
    double sum = 0.0;
    for (int64_t f = last - d->recent_frames + 1; f <= last; f++) {
        double x = hist_at(d, b, f);
        sum += x * x;
    }
    return sum;
}

static void start_pick(es_detector d, int64_t frame, enum trigger_kind kind)
{
    d->state = WAIT_PICK;
    d->trigger_frame = frame;
    for (size_t i = 0; i < d->n_bands; i++) {
        band_state *b = &d->band[i];
        if (kind == FRESH || kind == AGAIN)
            b->trigger_lta = kind == FRESH ? b->lta : b->mta;
        b->max_ratio = b->sta / fmax(b->trigger_lta, ENERGY_FLOOR);
    }
    /* Once per event (a blast follows its crack once): a train of clicks
     * (an engine cranking) otherwise gives an onset per click, which
     * association can pair across sensors into a phantom source. */
    d->watch_early = kind == FRESH || kind == AGAIN;
    for (size_t i = 0; i < d->n_bands && d->watch_early; i++) {
        band_state *b = &d->band[i];
        b->event_peak_sta = b->trough_sta = b->sta;
        b->recent_sum = recent_energy(d, b, frame);
    }
    d->in_event = 1;
    d->event_start = frame;
}

/* The band whose STA rose furthest over its background picks the onset. */
static size_t best_band(const struct es_detector_s *d)
{
    size_t best = 0;
    for (size_t i = 1; i < d->n_bands; i++)
        if (d->band[i].max_ratio > d->band[best].max_ratio)
            best = i;
    return best;
}

static void finish_pick(es_detector d, int64_t frame)
{
    es_onset *o = &d->pending;
    int64_t lo = d->trigger_frame - d->pick_back_frames;
    if (lo < d->next_frame - (int64_t)HIST_LEN + 1)
        lo = d->next_frame - (int64_t)HIST_LEN + 1;
    if (lo < 0)
        lo = 0;
    const band_state *pick = &d->band[best_band(d)];
    memset(o, 0, offsetof(es_onset, snippet));
    o->sensor = d->cfg.sensor;
    o->trigger_frame = d->trigger_frame;
    o->frame = aic_pick(d, pick, lo, frame + 1);
    o->snippet_frame = o->frame - ES_SNIPPET_PRE;
    o->noise_dbfs = (float)(10.0 * log10(fmax(d->band[0].trigger_lta, ENERGY_FLOOR)));
    o->background_dbfs = (float)(10.0 * log10(fmax(d->band[0].lta, ENERGY_FLOOR)));
    int marginal = pick->max_ratio < MARGINAL_RATIO * d->trigger_ratio;
    for (size_t i = 0; i < d->n_bands; i++) {
        band_state *b = &d->band[i];
        /* clear: never superseded */
        b->picked_peak_sta = marginal ? b->max_ratio * b->trigger_lta : INFINITY;
    }
    d->state = WAIT_SNIPPET;
}

static void advance_pick(es_detector d, int64_t frame)
{
    es_onset *o = &d->pending;
    if (d->state == WAIT_PICK && frame >= d->trigger_frame + d->pick_ahead_frames)
        finish_pick(d, frame);
    if (d->state == WAIT_SNIPPET && frame >= o->snippet_frame + ES_SNIPPET_LEN - 1) {
        fill_snippet(d, o);
        o->snr_db = (float)(10.0 * log10(fmax(d->band[best_band(d)].max_ratio, 1.0)));
        enqueue(d, o);
        d->state = IDLE;
    }
}

/* The per-sample steps are inlined with the band count known at compile
 * time: as calls they cost more than their arithmetic. */
#define PER_SAMPLE static inline __attribute__((always_inline))

/* `held`: every band's medium-term average is back under release_ratio
 * times its background. An event ends when the signal has stayed near the
 * background for a while, not when the 4 ms STA of a weak, still roaring
 * motor dips for a moment (which would let the roar fire again and
 * again). */
PER_SAMPLE void step_event_state(es_detector d, int64_t frame, int held, size_t n_bands)
{
    if (!d->in_event)
        return;
    int64_t elapsed = frame - d->event_start;
    if (elapsed >= d->retrigger_frames)
        d->watch_early = 0;
    int quiet = held && elapsed >= d->dead_frames;
    if (quiet && d->state == IDLE) {
        d->in_event = 0;
        d->lta_resume_frame = frame + d->lta_lag_frames;
    } else if (elapsed >= d->max_event_frames && d->state == IDLE) {
        /* A sustained change of background, not an event: follow it. */
        d->in_event = 0;
        for (size_t i = 0; i < n_bands; i++)
            d->band[i].lta = d->band[i].sta;
        d->lta_resume_frame = frame + d->lta_lag_frames;
    }
}

/* A sample `lag` frames back. No bounds test: the history is zeroed at
 * create and restart, lag < HIST_LEN / 2, so a frame before the first one
 * fed lands on a slot never written since (hist_at's zero). */
static inline double lagged_sample(const band_state *b, int64_t frame, int64_t lag)
{
    return (double)b->hist[slot(frame - lag)];
}

PER_SAMPLE void update_band(es_detector d, band_state *b, int64_t frame, float x)
{
    b->hist[slot(frame)] = x;
    double lagged = lagged_sample(b, frame, d->lag_frames);
    b->sta += d->a_sta * ((double)x * (double)x - b->sta);
    b->mta += d->a_mta * (lagged * lagged - b->mta);
    if (!d->in_event && frame >= d->lta_resume_frame) {
        double late = lagged_sample(b, frame, d->lta_lag_frames);
        b->lta += d->a_lta * (late * late - b->lta);
    }
    if (d->state == WAIT_PICK)
        b->max_ratio = larger(b->max_ratio, b->sta / larger(b->trigger_lta, ENERGY_FLOOR));
    if (d->watch_early) {
        double in = lagged_sample(b, frame, d->recent_lag_frames);
        double out = lagged_sample(b, frame, d->recent_lag_frames + d->recent_frames);
        b->recent_sum += in * in - out * out;
        if (b->sta > b->event_peak_sta)
            b->event_peak_sta = b->trough_sta = b->sta;
        else if (b->sta < b->trough_sta)
            b->trough_sta = b->sta;
    }
}

/* The band's first impulse has ended and a comparable one rises suddenly:
 * over the energy of the recent window (see ENDED_RATIO). */
static inline int rises_again(const struct es_detector_s *d, const band_state *b)
{
    double floor = larger(b->trigger_lta, ENERGY_FLOOR);
    double recent = b->recent_sum / (double)d->recent_frames;
    int ended = b->trough_sta <= ENDED_RATIO * b->event_peak_sta ||
                b->trough_sta <= d->release_ratio * floor;
    return ended && b->sta >= d->trigger_ratio * larger(recent, floor) &&
           b->sta >= COMPARABLE_RATIO * b->event_peak_sta;
}

/* Which trigger, if any, the bands' current averages call for. */
PER_SAMPLE int trigger_now(const struct es_detector_s *d, int64_t frame, int over,
                           enum trigger_kind *kind, size_t n_bands)
{
    int64_t elapsed = frame - d->event_start;
    double level = 0.0;
    int again = 0, louder = 0, early = 0;
    for (size_t i = 0; i < n_bands; i++) {
        const band_state *b = &d->band[i];
        level = larger(level, b->sta);
        again |= b->sta >= d->trigger_ratio * larger(b->mta, ENERGY_FLOOR);
        louder |= b->sta >= SUPERSEDE_RATIO * b->picked_peak_sta &&
                  b->sta >= d->trigger_ratio * b->trigger_lta;
        early |= d->watch_early && rises_again(d, b);
    }
    if (d->seen <= d->warmup_frames || level < d->min_level)
        return 0;
    if (!d->in_event && over) {
        *kind = FRESH;
        return 1;
    }
    if (d->in_event && d->state == IDLE && elapsed >= d->retrigger_frames && again) {
        *kind = AGAIN;
        return 1;
    }
    if (d->in_event && d->state != WAIT_PICK && elapsed < d->retrigger_frames && louder) {
        *kind = LOUDER;
        return 1;
    }
    if (d->in_event && d->state == IDLE && elapsed < d->retrigger_frames && early) {
        *kind = EARLY;
        return 1;
    }
    return 0;
}

PER_SAMPLE void feed_sample(es_detector d, float x, float x_upper, size_t n_bands)
{
    int64_t frame = d->next_frame;
    d->next_frame++;
    d->seen++;
    update_band(d, &d->band[0], frame, x);
    if (n_bands > 1)
        update_band(d, &d->band[1], frame, x_upper);
    /* Compared as products: a division per band and sample cost more
     * than the rest of the averaging. */
    int over = 0, held = 1;
    for (size_t i = 0; i < n_bands; i++) {
        const band_state *b = &d->band[i];
        double background = larger(b->lta, ENERGY_FLOOR);
        over |= b->sta >= d->trigger_ratio * background;
        held &= b->mta < d->release_ratio * background;
    }
    enum trigger_kind kind;
    if (trigger_now(d, frame, over, &kind, n_bands))
        start_pick(d, frame, kind);
    else
        step_event_state(d, frame, held, n_bands);
    if (d->state != IDLE)
        advance_pick(d, frame);
}

static size_t drain_queue(es_detector d, es_onset *out, size_t max_out)
{
    size_t n = 0;
    while (d->q_count > 0 && n < max_out) {
        out[n++] = d->queue[d->q_head];
        d->q_head = (d->q_head + 1) % QUEUE_LEN;
        d->q_count--;
    }
    return n;
}

/* A NaN or infinity must not poison the averages: it reads as silence. */
static inline float finite_or_zero(float x)
{
    return isfinite(x) ? x : 0.0f;
}

/* Feeds n samples of both bands (x_upper unused with one band). Finished
 * onsets go out as they come, so a long block cannot overflow the small
 * internal queue. */
static size_t feed_run(es_detector d, const float *x, const float *x_upper, size_t n,
                       es_onset *out, size_t max_out)
{
    size_t n_out = 0;
    for (size_t i = 0; i < n; i++) {
        if (d->n_bands > 1)
            feed_sample(d, finite_or_zero(x[i]), finite_or_zero(x_upper[i]), 2);
        else
            feed_sample(d, finite_or_zero(x[i]), 0.0f, 1);
        if (d->q_count > 0 && n_out < max_out)
            n_out += drain_queue(d, out + n_out, max_out - n_out);
    }
    return n_out;
}

size_t es_detector_execute_bands(es_detector d, const float *x, const float *x_upper, size_t n,
                                 int64_t frame0, es_onset *out, size_t max_out)
{
    if (d->seen == 0 && d->state == IDLE) {
        d->next_frame = frame0;
        d->lta_resume_frame = frame0 + d->lta_lag_frames;
    }
    if (x_upper != NULL || d->n_bands == 1) {
        size_t n_out = feed_run(d, x, x_upper, n, out, max_out);
        return n_out + drain_queue(d, out + n_out, max_out - n_out);
    }
    size_t n_out = 0; /* the upper band made here, a chunk at a time */
    for (size_t at = 0; at < n; at += CHUNK_LEN) {
        size_t len = n - at < CHUNK_LEN ? n - at : CHUNK_LEN;
        for (size_t i = 0; i < len; i++)
            d->chunk_in[i] = finite_or_zero(x[at + i]);
        es_condition_execute(d->upper, d->chunk_in, 1, d->chunk, len);
        n_out += feed_run(d, d->chunk_in, d->chunk, len, out + n_out, max_out - n_out);
    }
    return n_out + drain_queue(d, out + n_out, max_out - n_out);
}

size_t es_detector_execute(es_detector d, const float *x, size_t n, int64_t frame0,
                           es_onset *out, size_t max_out)
{
    return es_detector_execute_bands(d, x, NULL, n, frame0, out, max_out);
}

size_t es_detector_flush(es_detector d, es_onset *out, size_t max_out)
{
    if (d->state != IDLE) {
        /* Feed silence so the pick and snippet complete; samples past the
         * end of the stream read as zeros. */
        int64_t guard = ES_SNIPPET_LEN + d->pick_ahead_frames + d->pick_back_frames;
        while (d->state != IDLE && guard-- > 0)
            feed_sample(d, 0.0f, 0.0f, d->n_bands);
    }
    return drain_queue(d, out, max_out);
}

void es_detector_restart(es_detector d, int64_t frame)
{
    for (size_t i = 0; i < d->n_bands; i++) {
        band_state *b = &d->band[i];
        b->mta = b->lta;
        b->sta = b->lta;
    }
    memset(d->hist, 0, sizeof d->hist);
    if (d->upper != NULL)
        es_condition_reset(d->upper);
    d->next_frame = frame;
    d->lta_resume_frame = frame + d->lta_lag_frames; /* the lag reads no silence */
    d->seen = 0;
    d->in_event = 0;
    d->watch_early = 0;
    d->state = IDLE;
}

int64_t es_detector_delay_frames(es_detector d)
{
    /* Worst case from onset to emission: the pick may land up to the
     * look-back before the trigger, and the snippet must then complete. */
    return d->pick_back_frames + d->pick_ahead_frames + (ES_SNIPPET_LEN - ES_SNIPPET_PRE);
}

void es_detector_destroy(es_detector *d)
{
    if (d == NULL || *d == NULL)
        return;
    es_condition_destroy(&(*d)->upper);
    free(*d);
    *d = NULL;
}
