/* earshot-train's parts: the training rows (train_csv.c) and the fit
 * (train_fit.c). */
#ifndef EARSHOT_TRAIN_H
#define EARSHOT_TRAIN_H

#include <stddef.h>

#include "earshot/classify.h"

#define TR_MAX_ROWS 200000

typedef struct {
    size_t n;
    double (*x)[ES_IN_N];    /* model inputs (es_class_inputs) */
    int *y;                  /* ES_MC_* */
    int *tail;               /* the tail was heard */
    long *scene, *source, *revision; /* sort keys */
} tr_set;

typedef struct {
    int n_inputs, steps;
    double mean[ES_IN_N], scale[ES_IN_N];
    double w[ES_MC_N - 1][ES_IN_N + 1];
} tr_model;

/* Allocates room for TR_MAX_ROWS rows (once). 0 or -1. */
int tr_reserve(tr_set *s);
/* Appends the usable rows of a bench_classify --csv file. 0 or -1 (said
 * on stderr). */
int tr_read_csv(const char *path, tr_set *s);
/* Sorts rows by scene, source, revision. */
void tr_sort(tr_set *s);
/* All rows (for the blast model) and those with the tail heard. */
void tr_split(const tr_set *all, tr_set *blast, tr_set *full);

/* Fits the first n_inputs inputs. 0, or -1 if Newton's method failed. */
int tr_fit(const tr_set *s, int n_inputs, double lambda, tr_model *m);
void tr_predict(const tr_model *m, const double *x, double p[ES_MC_N]);

int tr_write_header(const char *path, const tr_model *blast, const tr_model *full, double lambda,
                    int n_csv, char **csv);

#endif
