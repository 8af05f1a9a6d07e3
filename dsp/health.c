/* Per-sensor signal health: level, peak, clipping, dead and stuck channels
 * over a window that each snapshot closes (include/earshot/health.h).
 *
 * Pure: no I/O, no allocation after create. Accumulators are doubles so a
 * window of many minutes at 48 kHz keeps its precision. */
#include "earshot/health.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* dBFS reported for silence: log10(0) is -inf, which JSON cannot carry. */
#define ES_HEALTH_FLOOR_DBFS (-200.0)
/* More than this fraction of clipped samples in a window is persistent
 * clipping (the sensor is overdriven), not a single loud transient. */
#define ES_HEALTH_CLIP_FRACTION 0.01

struct es_health_s {
    es_health_config cfg;
    double sum_sq;          /* sum of x^2 over the finite samples */
    double peak_abs;        /* largest |x| */
    double min, max;        /* for the stuck test */
    uint64_t frames;        /* samples seen (finite or not) */
    uint64_t finite;        /* samples that entered the sums */
    uint64_t clipped;       /* |x| >= clip_level, or non-finite */
    es_health_snapshot last; /* the last window that had samples */
    int have_last;
};

static void health_reset(es_health h)
{
    h->sum_sq = 0.0;
    h->peak_abs = 0.0;
    h->min = INFINITY;
    h->max = -INFINITY;
    h->frames = 0;
    h->finite = 0;
    h->clipped = 0;
}

/* Zero in an optional field means "use the default". */
static int health_config_resolve(const es_health_config *in,
                                 es_health_config *out, es_error *err)
{
    *out = *in;
    if (!(isfinite(in->sample_rate_hz) && in->sample_rate_hz > 0.0))
        return es_error_set(err, ES_EINVAL,
                            "health: sample_rate_hz %g must be positive",
                            in->sample_rate_hz);
    if (out->clip_level == 0.0) out->clip_level = 0.999;
    if (out->dead_level_dbfs == 0.0) out->dead_level_dbfs = -120.0;
    if (out->stuck_range == 0.0) out->stuck_range = 1e-6;
    if (!(isfinite(out->clip_level) && out->clip_level > 0.0))
        return es_error_set(err, ES_EINVAL,
                            "health: clip_level %g must be positive",
                            in->clip_level);
    if (!isfinite(out->dead_level_dbfs))
        return es_error_set(err, ES_EINVAL,
                            "health: dead_level_dbfs must be finite");
    if (!(isfinite(out->stuck_range) && out->stuck_range > 0.0))
        return es_error_set(err, ES_EINVAL,
                            "health: stuck_range %g must be positive",
                            in->stuck_range);
    return ES_OK;
}

es_health es_health_create(const es_health_config *cfg, es_error *err)
{
    if (cfg == NULL) {
        es_error_set(err, ES_EINVAL, "health: config is NULL");
        return NULL;
    }
    es_health_config resolved;
    if (health_config_resolve(cfg, &resolved, err) != ES_OK)
        return NULL;
    es_health h = calloc(1, sizeof *h);
    if (h == NULL) {
        es_error_set(err, ES_ENOMEM, "health: out of memory");
        return NULL;
    }
    h->cfg = resolved;
    health_reset(h);
    return h;
}

void es_health_execute(es_health h, const float *x, size_t stride, size_t n)
{
    if (h == NULL || x == NULL)
        return;
    if (stride == 0)
        stride = 1;
    const double clip = h->cfg.clip_level;
    for (size_t i = 0; i < n; i++) {
        const double v = x[i * stride];
        h->frames++;
        /* A NaN or Inf from a broken driver is not audio: count it as a
         * clipped sample (so persistent garbage makes ok false) and keep it
         * out of the sums it would poison. */
        if (!isfinite(v)) {
            h->clipped++;
            continue;
        }
        const double a = fabs(v);
        h->finite++;
        h->sum_sq += v * v;
        if (a > h->peak_abs) h->peak_abs = a;
        if (v < h->min) h->min = v;
        if (v > h->max) h->max = v;
        if (a >= clip) h->clipped++;
    }
}

/* 10 log10 of a power (or 20 log10 of an amplitude), floored for silence. */
static double power_dbfs(double power)
{
    if (!(power > 0.0))
        return ES_HEALTH_FLOOR_DBFS;
    const double db = 10.0 * log10(power);
    return db < ES_HEALTH_FLOOR_DBFS ? ES_HEALTH_FLOOR_DBFS : db;
}

void es_health_snapshot_take(es_health h, es_health_snapshot *out)
{
    if (h == NULL || out == NULL)
        return;
    /* A window without a single sample (a heartbeat straight after another,
     * as at the end of a stream) says nothing new: repeat the last verdict
     * rather than calling a working sensor dead. A stalled capture is the
     * runtime's to report (capture_ok), not the sensor's. */
    if (h->frames == 0 && h->have_last) {
        *out = h->last;
        out->frames = 0;
        out->clipped_samples = 0;
        return;
    }
    memset(out, 0, sizeof *out);
    out->frames = h->frames;
    out->clipped_samples = h->clipped;
    out->clipping = h->clipped > 0;
    const double mean_sq = h->finite > 0 ? h->sum_sq / (double)h->finite : 0.0;
    out->level_dbfs = power_dbfs(mean_sq);
    out->peak_dbfs = power_dbfs(h->peak_abs * h->peak_abs);
    /* A window without a single sample is as silent as a dead channel:
     * the sensor delivered nothing since the last heartbeat. */
    out->dead = h->finite == 0 || out->level_dbfs < h->cfg.dead_level_dbfs;
    out->stuck = h->finite > 0 && (h->max - h->min) < h->cfg.stuck_range;
    const int persistent_clip =
        (double)h->clipped > ES_HEALTH_CLIP_FRACTION * (double)h->frames;
    out->ok = !out->dead && !out->stuck && !persistent_clip;
    if (h->frames > 0) {
        h->last = *out;
        h->have_last = 1;
    }
    health_reset(h);
}

void es_health_destroy(es_health *h)
{
    if (h == NULL || *h == NULL)
        return;
    free(*h);
    *h = NULL;
}
