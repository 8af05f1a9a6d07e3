/* The classifier model's inputs and its evaluation (see
 * include/earshot/classify.h). Shared by the engine and by the trainer
 * (tools/train), so both see exactly the same numbers. */
#include <math.h>

#include "earshot/classify.h"

/* Tail heard after the onset before its features count (features_tail.c
 * measures from 0.15 s). */
#define MIN_TAIL_S 0.15

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* x if finite, else the stand-in for "not measured". */
static double or_else(double x, double missing)
{
    return isfinite(x) ? x : missing;
}

int es_class_inputs(const es_event *ev, double x[ES_IN_N])
{
    const es_features *f = &ev->features;
    /* A blast that never rose above the noise in any bin: as quiet and
     * dull as the features go. */
    x[ES_IN_LEVEL] = clamp(or_else(f->level_db, 80.0), 80.0, 220.0);
    x[ES_IN_CENTROID] = log2(clamp(or_else(f->centroid_hz, 40.0), 20.0, 4000.0));
    x[ES_IN_PULSE] = log2(clamp(or_else(f->pulse_ms, 1.0), 0.1, 30.0));
    x[ES_IN_COHERENCE] = clamp(or_else(ev->gcc_peak_median, 0.0), 0.0, 1.0);
    /* Residuals of a coherent wavefront are microseconds. */
    x[ES_IN_RESIDUAL] = log10(clamp(or_else(ev->residual_rms_s * 1e3, 1.0), 1e-4, 10.0));
    x[ES_IN_SPEED] = clamp(or_else(f->speed_z, 0.0), -10.0, 10.0);
    x[ES_IN_PRE_RISE] = clamp(or_else(f->pre_rise_db, 0.0), -10.0, 40.0);
    int tail = isfinite(f->tail_s) && f->tail_s >= MIN_TAIL_S && isfinite(f->tail_db);
    x[ES_IN_TAIL] = clamp(or_else(f->tail_db, -60.0), -60.0, 20.0);
    x[ES_IN_TAIL_SNR] = clamp(or_else(f->tail_snr_db, 0.0), -10.0, 60.0);
    x[ES_IN_CREST] = clamp(or_else(f->tail_crest_db, 10.0), 0.0, 40.0);
    x[ES_IN_TAIL_COHERENCE] = clamp(or_else(f->tail_coherence, 0.0), 0.0, 1.0);
    /* Not heard for long enough yet: the early tail stands in for it. */
    x[ES_IN_LATE] = clamp(or_else(f->late_snr_db, x[ES_IN_TAIL_SNR]), -10.0, 60.0);
    return tail;
}

void es_class_model_eval(const es_class_model *m, const double *x, double p[ES_MC_N])
{
    double logit[ES_MC_N], top = 0.0;
    logit[ES_MC_OTHER] = 0.0;
    for (int c = 0; c < ES_MC_N - 1; c++) {
        double s = m->w[c][0];
        for (size_t i = 0; i < m->n_inputs; i++)
            s += m->w[c][1 + i] * (x[i] - m->mean[i]) / m->scale[i];
        logit[c] = s;
        top = fmax(top, s);
    }
    double sum = 0.0;
    for (int c = 0; c < ES_MC_N; c++) {
        p[c] = exp(logit[c] - top);
        sum += p[c];
    }
    for (int c = 0; c < ES_MC_N; c++)
        p[c] /= sum;
}
