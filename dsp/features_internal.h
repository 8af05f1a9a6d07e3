/* Internals shared by dsp/features.c (the blast) and dsp/features_tail.c
 * (what followed it). */
#ifndef EARSHOT_FEATURES_INTERNAL_H
#define EARSHOT_FEATURES_INTERNAL_H

#include <fftw3.h>

#include "earshot/features.h"
#include "earshot/gccphat.h"

#define BLAST_S 0.020          /* blast window after the onset */
#define LEAD_S 0.001           /* the onset pick may be this late */

struct es_featurizer_s {
    es_featurizer_config cfg;
    size_t n_fft, n_blast, n_guard;
    float *in;
    fftwf_complex *spec;
    fftwf_plan plan;
    double *noise_pow;         /* per bin */
    /* The tails' coherence: GCC-PHAT of tail windows at the history's
     * rate, and their buffers. */
    es_gccphat tail_gcc;
    size_t tail_len, tail_noise_len;
    float *tail_a, *tail_b;
};

/* Median of the finite values of v[0..n) (reordered); NaN if none. */
double es_feat_median(double *v, size_t n);

/* Creates and frees the tail's part of f (features_tail.c). */
int es_feat_tail_init(es_featurizer f, es_error *err);
void es_feat_tail_free(es_featurizer f);

#endif
