/* Per-sensor band-pass conditioning (see include/earshot/condition.h). */
#include "earshot/condition.h"

#include <liquid/liquid.h>
#include <math.h>
#include <stdlib.h>

struct es_condition_s {
    iirfilt_rrrf highpass;
    iirfilt_rrrf lowpass;
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

static iirfilt_rrrf make_section(liquid_iirdes_bandtype band, unsigned order, double fc)
{
    /* Second-order sections keep a low corner (40 Hz at 48 kHz is
     * fc = 0.0008) numerically stable in single precision. */
    return iirfilt_rrrf_create_prototype(LIQUID_IIRDES_BUTTER, band, LIQUID_IIRDES_SOS, order,
                                         (float)fc, 0.0f, 1.0f, 60.0f);
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
    c->highpass = make_section(LIQUID_IIRDES_HIGHPASS, order, cfg->band_lo_hz / cfg->sample_rate_hz);
    if (cfg->band_hi_hz > 0.0)
        c->lowpass = make_section(LIQUID_IIRDES_LOWPASS, order, cfg->band_hi_hz / cfg->sample_rate_hz);
    if (c->highpass == NULL || (cfg->band_hi_hz > 0.0 && c->lowpass == NULL)) {
        es_error_set(err, ES_EINVAL, "condition: liquid-dsp refused the filter design");
        es_condition_destroy(&c);
        return NULL;
    }
    return c;
}

void es_condition_execute(es_condition c, const float *in, size_t stride, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float hp, bp;
        iirfilt_rrrf_execute(c->highpass, in[i * stride], &hp);
        if (c->lowpass == NULL) {
            out[i] = hp;
            continue;
        }
        iirfilt_rrrf_execute(c->lowpass, hp, &bp);
        out[i] = bp;
    }
}

void es_condition_reset(es_condition c)
{
    iirfilt_rrrf_reset(c->highpass);
    if (c->lowpass != NULL)
        iirfilt_rrrf_reset(c->lowpass);
}

void es_condition_destroy(es_condition *c)
{
    if (c == NULL || *c == NULL)
        return;
    if ((*c)->highpass != NULL)
        iirfilt_rrrf_destroy((*c)->highpass);
    if ((*c)->lowpass != NULL)
        iirfilt_rrrf_destroy((*c)->lowpass);
    free(*c);
    *c = NULL;
}
