/* Recent conditioned audio per sensor (see include/earshot/history.h). */
#include "earshot/history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/config.h"

struct es_history_s {
    size_t n_sensors;
    int64_t d;                     /* decimation */
    double rate_hz;
    size_t cap;                    /* samples per sensor, a power of two */
    float *ring;                   /* n_sensors x cap */
    int64_t end_frame[ES_MAX_SENSORS];
};

static size_t pow2_at_least(double n)
{
    size_t p = 1;
    while ((double)p < n)
        p <<= 1;
    return p;
}

es_history es_history_create(const es_history_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->n_sensors == 0 || cfg->n_sensors > ES_MAX_SENSORS ||
        !(cfg->sample_rate_hz >= 1000.0 && cfg->sample_rate_hz <= 1e6) ||
        !(cfg->band_hi_hz >= 0.0 && cfg->band_hi_hz < cfg->sample_rate_hz / 2.0) ||
        !(cfg->length_s >= 0.1 && cfg->length_s <= 120.0)) {
        es_error_set(err, ES_EINVAL, "history: invalid config");
        return NULL;
    }
    es_history h = calloc(1, sizeof *h);
    if (h == NULL) {
        es_error_set(err, ES_ENOMEM, "history: out of memory");
        return NULL;
    }
    double band_hi = cfg->band_hi_hz > 0.0 ? cfg->band_hi_hz : cfg->sample_rate_hz / 4.0;
    h->d = (int64_t)floor(cfg->sample_rate_hz / (4.0 * band_hi));
    if (h->d < 1)
        h->d = 1;
    h->rate_hz = cfg->sample_rate_hz / (double)h->d;
    h->n_sensors = cfg->n_sensors;
    h->cap = pow2_at_least(cfg->length_s * h->rate_hz);
    h->ring = calloc(h->cap * h->n_sensors, sizeof *h->ring);
    if (h->ring == NULL) {
        free(h);
        es_error_set(err, ES_ENOMEM, "history: out of memory");
        return NULL;
    }
    return h;
}

/* First decimated index at or after frame f (f >= 0). */
static int64_t index_at_or_after(const struct es_history_s *h, int64_t f)
{
    return (f + h->d - 1) / h->d;
}

static void zero_gap(es_history h, size_t sensor, int64_t from_frame, int64_t to_frame)
{
    float *r = h->ring + sensor * h->cap;
    int64_t k0 = index_at_or_after(h, from_frame), k1 = index_at_or_after(h, to_frame);
    if (k1 - k0 > (int64_t)h->cap)
        k0 = k1 - (int64_t)h->cap;
    for (int64_t k = k0; k < k1; k++)
        r[(size_t)k & (h->cap - 1)] = 0.0f;
}

void es_history_write(es_history h, size_t sensor, const float *x, size_t n, int64_t frame0)
{
    if (sensor >= h->n_sensors || frame0 < 0 || (n > 0 && x == NULL))
        return;
    if (frame0 > h->end_frame[sensor])
        zero_gap(h, sensor, h->end_frame[sensor], frame0);
    float *r = h->ring + sensor * h->cap;
    int64_t first = index_at_or_after(h, frame0) * h->d;
    for (int64_t f = first; f < frame0 + (int64_t)n; f += h->d)
        r[(size_t)(f / h->d) & (h->cap - 1)] = x[f - frame0];
    if (frame0 + (int64_t)n > h->end_frame[sensor])
        h->end_frame[sensor] = frame0 + (int64_t)n;
}

size_t es_history_read(es_history h, size_t sensor, int64_t from_frame, size_t n, float *out)
{
    if (sensor >= h->n_sensors || out == NULL)
        return 0;
    const float *r = h->ring + sensor * h->cap;
    int64_t k_end = index_at_or_after(h, h->end_frame[sensor]);
    int64_t k_min = k_end - (int64_t)h->cap;
    int64_t k0 = from_frame >= 0 ? index_at_or_after(h, from_frame) : -((-from_frame) / h->d);
    size_t held = 0;
    for (size_t j = 0; j < n; j++) {
        int64_t k = k0 + (int64_t)j;
        if (k >= 0 && k >= k_min && k < k_end) {
            out[j] = r[(size_t)k & (h->cap - 1)];
            held++;
        } else {
            out[j] = 0.0f;
        }
    }
    return held;
}

int64_t es_history_end_frame(es_history h)
{
    int64_t end = h->end_frame[0];
    for (size_t s = 1; s < h->n_sensors; s++)
        if (h->end_frame[s] < end)
            end = h->end_frame[s];
    return end;
}

int es_history_decimation(es_history h)
{
    return (int)h->d;
}

double es_history_rate_hz(es_history h)
{
    return h->rate_hz;
}

void es_history_destroy(es_history *hp)
{
    if (hp == NULL || *hp == NULL)
        return;
    free((*hp)->ring);
    free(*hp);
    *hp = NULL;
}
