/* Per-sensor band-pass conditioning (see include/earshot/condition.h). */
#include "earshot/condition.h"

#include <liquid/liquid.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One second-order section in liquid-dsp's direct form II, single
 * precision, coefficients normalised by a0 as liquid does: the same
 * arithmetic in the same order, so the output is liquid's to the last bit
 * (tests/stages/test_condition.c compares them), without two library
 * calls per section and sample, which were 40 % of the engine's time. */
typedef struct {
    float b0, b1, b2, a1, a2;
} section;

/* An order-12 high-pass and low-pass: 6 + 6 sections at most. */
#define MAX_SECTIONS 12
/* Channels filtered side by side: a section's recursion is a chain of
 * dependent operations a core cannot overlap within one channel, so the
 * bank runs LANES channels through it at once, in one vector register
 * (SSE on x86-64; GCC's generic vectors elsewhere). Each lane does the
 * scalar arithmetic exactly, no fused multiply-add (C11 mode keeps
 * -ffp-contract off): every channel's output is the single-channel one. */
#define LANES 4
typedef float lanes __attribute__((vector_size(LANES * sizeof(float))));
_Static_assert(LANES == 4, "run_group builds a full group's vector from four samples");

/* A group of LANES channels' states for one section. */
typedef struct {
    lanes v1, v2;
} group_state;

struct es_condition_s {
    section sec[MAX_SECTIONS];   /* high-pass sections, then low-pass */
    size_t n_sec;
    size_t channels, n_groups;
    group_state *state;          /* [n_groups][MAX_SECTIONS] */
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
    if (cfg->channels > 4096)
        return es_error_set(err, ES_EINVAL, "condition: %u channels is above 4096", cfg->channels);
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
                                       a[3 * i + 1] / a0, a[3 * i + 2] / a0};
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
    c->channels = cfg->channels ? cfg->channels : 1;
    c->n_groups = (c->channels + LANES - 1) / LANES;
    c->state = calloc(c->n_groups * MAX_SECTIONS, sizeof *c->state);
    if (c->state == NULL) {
        es_error_set(err, ES_ENOMEM, "condition: out of memory");
        es_condition_destroy(&c);
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

/* One section on a group of lanes, liquid's expression order. */
static inline __attribute__((always_inline)) lanes step(const section *q, group_state *g, lanes x)
{
    lanes v0 = x - q->a1 * g->v1 - q->a2 * g->v2;
    lanes y = q->b0 * v0 + q->b1 * g->v1 + q->b2 * g->v2;
    g->v2 = g->v1;
    g->v1 = v0;
    return y;
}

/* The sections on one group over n frames. With the section count known
 * at compile time the states stay in registers. */
static inline __attribute__((always_inline)) void
run_group(const es_condition c, size_t n_sec, group_state *state, const float *in,
          size_t in_stride, const size_t *in_channel, size_t width, float *out,
          size_t out_stride, size_t n)
{
    group_state g[MAX_SECTIONS];
    for (size_t k = 0; k < n_sec; k++)
        g[k] = state[k];
    for (size_t i = 0; i < n; i++) {
        const float *row = in + i * in_stride;
        lanes x = {0};
        if (width == LANES) /* built in registers: lane stores then a vector load stall */
            x = (lanes){row[in_channel[0]], row[in_channel[1]], row[in_channel[2]],
                        row[in_channel[3]]};
        else
            for (size_t j = 0; j < width; j++)
                x[j] = row[in_channel[j]];
#pragma GCC unroll 12
        for (size_t k = 0; k < n_sec; k++)
            x = step(&c->sec[k], &g[k], x);
        for (size_t j = 0; j < width; j++)
            out[j * out_stride + i] = x[j];
    }
    for (size_t k = 0; k < n_sec; k++)
        state[k] = g[k];
}

/* run_group with the section count, and for a full group the width,
 * known at compile time. */
static inline __attribute__((always_inline)) void
run_group_sized(const es_condition c, group_state *state, const float *in, size_t in_stride,
                const size_t *in_channel, size_t width, float *out, size_t out_stride, size_t n)
{
    switch (c->n_sec) { /* the engine's band-pass (4) and upper band (2) */
    case 2:
        run_group(c, 2, state, in, in_stride, in_channel, width, out, out_stride, n);
        break;
    case 4:
        run_group(c, 4, state, in, in_stride, in_channel, width, out, out_stride, n);
        break;
    default:
        run_group(c, c->n_sec, state, in, in_stride, in_channel, width, out, out_stride, n);
        break;
    }
}

void es_condition_execute_many(es_condition c, const float *in, size_t in_stride,
                               const size_t *in_channel, float *out, size_t out_stride, size_t n)
{
    for (size_t g = 0; g < c->n_groups; g++) {
        size_t first = g * LANES;
        group_state *state = &c->state[g * MAX_SECTIONS];
        float *o = out + first * out_stride;
        if (c->channels - first >= LANES)
            run_group_sized(c, state, in, in_stride, in_channel + first, LANES, o, out_stride, n);
        else
            run_group_sized(c, state, in, in_stride, in_channel + first, c->channels - first, o,
                            out_stride, n);
    }
}

/* One channel: the scalar recursion on lane 0 of the first group. */
void es_condition_execute(es_condition c, const float *in, size_t stride, float *out, size_t n)
{
    float v1[MAX_SECTIONS], v2[MAX_SECTIONS];
    for (size_t k = 0; k < c->n_sec; k++) {
        v1[k] = c->state[k].v1[0];
        v2[k] = c->state[k].v2[0];
    }
    for (size_t i = 0; i < n; i++) {
        float x = in[i * stride];
        for (size_t k = 0; k < c->n_sec; k++) {
            const section *q = &c->sec[k];
            float v0 = x - q->a1 * v1[k] - q->a2 * v2[k];
            x = q->b0 * v0 + q->b1 * v1[k] + q->b2 * v2[k];
            v2[k] = v1[k];
            v1[k] = v0;
        }
        out[i] = x;
    }
    for (size_t k = 0; k < c->n_sec; k++) {
        c->state[k].v1[0] = v1[k];
        c->state[k].v2[0] = v2[k];
    }
}

void es_condition_reset(es_condition c)
{
    memset(c->state, 0, c->n_groups * MAX_SECTIONS * sizeof *c->state);
}

void es_condition_destroy(es_condition *c)
{
    if (c == NULL || *c == NULL)
        return;
    free((*c)->state);
    free(*c);
    *c = NULL;
}
