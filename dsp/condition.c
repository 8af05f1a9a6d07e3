/* Per-sensor band-pass conditioning (see include/earshot/condition.h). */
#include "earshot/condition.h"

#include <liquid/liquid.h>
#include <math.h>
#include <stdlib.h>

/* One second-order section in liquid-dsp's direct form II, single
 * precision, coefficients normalised by a0 as liquid does: the same
 * arithmetic in the same order, so the output is liquid's to the last bit
 * (tests/stages/test_condition.c compares them), without two library
 * calls per section and sample, which were 40 % of the engine's time. */
typedef struct {
    float b0, b1, b2, a1, a2;
    float v1, v2;
} section;

/* An order-12 high-pass and low-pass: 6 + 6 sections at most. */
#define MAX_SECTIONS 12

struct es_condition_s {
    section sec[MAX_SECTIONS];   /* high-pass sections, then low-pass */
    size_t n_sec;
};

static int check_config(const es_condition_config *cfg, es_error *err)
{
    if (cfg == NULL)
        return es_error_set(err, ES_EINVAL, "condition: no config");
    if (!(cfg->sample_rate_hz > 0.0) || !isfinite(cfg->sample_rate_hz))
        return es_error_set(err, ES_EINVAL, "condition: sample rate must be positive");
    double nyquist_hz = 0.5 * cfg->sample_rate_hz;
    int highpass_only = cfg->band_hi_hz == 0.0;
    if (!(cfg->band_lo_hz > 0.0) || !(cfg->band_lo_hz < nyquist_hz) ||
        (!highpass_only && (!(cfg->band_hi_hz > cfg->band_lo_hz) || !(cfg->band_hi_hz < nyquist_hz))))
        return es_error_set(err, ES_EINVAL,
                            "condition: band %.1f..%.1f Hz must satisfy 0 < lo < hi < %.1f Hz",
                            cfg->band_lo_hz, cfg->band_hi_hz, nyquist_hz);
    if (cfg->order > 12)
        return es_error_set(err, ES_EINVAL, "condition: order %u is above 12", cfg->order);
    return ES_OK;
}

/* Appends the sections of a Butterworth design of this order (liquid-dsp
 * designs it; second-order sections keep a low corner, 40 Hz at 48 kHz is
 * fc = 0.0008, numerically stable in single precision). */
static int add_sections(es_condition c, liquid_iirdes_bandtype band, unsigned order, double fc)
{
    unsigned n = order / 2 + order % 2;
    float b[3 * MAX_SECTIONS], a[3 * MAX_SECTIONS];
    if (c->n_sec + n > MAX_SECTIONS ||
        liquid_iirdes(LIQUID_IIRDES_BUTTER, band, LIQUID_IIRDES_SOS, order, (float)fc, 0.0f,
                      1.0f, 60.0f, b, a) != LIQUID_OK)
        return ES_EINVAL;
    for (unsigned i = 0; i < n; i++) {
        float a0 = a[3 * i];
        if (!(a0 != 0.0f) || !isfinite(a0))
            return ES_EINVAL;
        c->sec[c->n_sec++] = (section){b[3 * i] / a0, b[3 * i + 1] / a0, b[3 * i + 2] / a0,
                                       a[3 * i + 1] / a0, a[3 * i + 2] / a0, 0.0f, 0.0f};
    }
    return ES_OK;
}

es_condition es_condition_create(const es_condition_config *cfg, es_error *err)
{
    if (check_config(cfg, err) != ES_OK)
        return NULL;
    es_condition c = calloc(1, sizeof *c);
    if (c == NULL) {
        es_error_set(err, ES_ENOMEM, "condition: out of memory");
        return NULL;
    }
    unsigned order = cfg->order ? cfg->order : 4;
    int st = add_sections(c, LIQUID_IIRDES_HIGHPASS, order, cfg->band_lo_hz / cfg->sample_rate_hz);
    if (st == ES_OK && cfg->band_hi_hz > 0.0)
        st = add_sections(c, LIQUID_IIRDES_LOWPASS, order, cfg->band_hi_hz / cfg->sample_rate_hz);
    if (st != ES_OK) {
        es_error_set(err, ES_EINVAL, "condition: liquid-dsp refused the filter design");
        es_condition_destroy(&c);
        return NULL;
    }
    return c;
}

void es_condition_execute(es_condition c, const float *in, size_t stride, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float x = in[i * stride];
        for (size_t k = 0; k < c->n_sec; k++) {
            section *q = &c->sec[k];
            float v0 = x - q->a1 * q->v1 - q->a2 * q->v2;
            x = q->b0 * v0 + q->b1 * q->v1 + q->b2 * q->v2;
            q->v2 = q->v1;
            q->v1 = v0;
        }
        out[i] = x;
    }
}

void es_condition_reset(es_condition c)
{
    for (size_t k = 0; k < c->n_sec; k++)
        c->sec[k].v1 = c->sec[k].v2 = 0.0f;
}

void es_condition_destroy(es_condition *c)
{
    if (c == NULL || *c == NULL)
        return;
    free(*c);
    *c = NULL;
}
