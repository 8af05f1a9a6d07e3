/* earshot-train: fits the classifier's models (include/earshot/classify.h)
 * to the per-event CSV that bench_classify --csv writes from simulated
 * scenes, and writes them as the C header dsp/classify_model.h.
 *
 * The model is a multinomial logistic regression (mortar, rocket,
 * artillery, thunder, small bangs, other) on standardised inputs, L2-regularised, fitted by
 * Newton's method to convergence: a convex problem with one optimum, so
 * the same rows give the same weights to the last bit (rows are sorted
 * first: the benchmark's jobs finish in any order). Two models: the blast
 * alone (for a first message that has not heard the tail) and blast with
 * tail. Only events beyond the launch range are used, as only those reach
 * the model.
 * usage: earshot-train [--lambda L] --out HEADER CSV... */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/classify.h"
#include "train.h"

static int parse_args(int argc, char **argv, const char **out, double *lambda, int *first_csv)
{
    *out = NULL;
    *lambda = 1.0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            return -1;
        if (strcmp(argv[i], "--out") == 0)
            *out = argv[i + 1];
        else if (strcmp(argv[i], "--lambda") == 0)
            *lambda = strtod(argv[i + 1], NULL);
        else
            return -1;
    }
    *first_csv = i;
    return *out != NULL && i < argc && *lambda >= 0.0 ? 0 : -1;
}

static void print_summary(const char *name, const tr_set *s, const tr_model *m)
{
    size_t confusion[ES_MC_N][ES_MC_N] = {{0}};
    double loss = 0.0;
    for (size_t r = 0; r < s->n; r++) {
        double p[ES_MC_N];
        tr_predict(m, s->x[r], p);
        int best = 0;
        for (int c = 1; c < ES_MC_N; c++)
            if (p[c] > p[best])
                best = c;
        confusion[s->y[r]][best]++;
        loss -= log(fmax(p[s->y[r]], 1e-300));
    }
    fprintf(stderr, "%s model: %zu rows, %d inputs, %d Newton steps, mean log loss %.4f\n", name,
            s->n, m->n_inputs, m->steps, loss / (double)(s->n ? s->n : 1));
    static const char *const cls[ES_MC_N] = {"mortar", "rocket", "artillery", "thunder",
                                             "small", "other"};
    fprintf(stderr, "  %-9s ->", "truth");
    for (int c = 0; c < ES_MC_N; c++)
        fprintf(stderr, " %9s", cls[c]);
    fprintf(stderr, "\n");
    for (int t = 0; t < ES_MC_N; t++) {
        fprintf(stderr, "  %-9s ->", cls[t]);
        for (int c = 0; c < ES_MC_N; c++)
            fprintf(stderr, " %9zu", confusion[t][c]);
        fprintf(stderr, "\n");
    }
}

int main(int argc, char **argv)
{
    const char *out;
    double lambda;
    int first;
    if (parse_args(argc, argv, &out, &lambda, &first) != 0) {
        fprintf(stderr, "usage: earshot-train [--lambda L (default 1)] --out HEADER CSV...\n");
        return 2;
    }
    static tr_set all, blast, full;
    for (int i = first; i < argc; i++)
        if (tr_read_csv(argv[i], &all) != 0)
            return 2;
    tr_sort(&all);
    tr_split(&all, &blast, &full);
    if (blast.n < 20 || full.n < 20) {
        fprintf(stderr, "earshot-train: too few rows (%zu blast, %zu with tail)\n", blast.n,
                full.n);
        return 2;
    }
    static tr_model mb, mf;
    if (tr_fit(&blast, ES_IN_BLAST_N, lambda, &mb) != 0 || tr_fit(&full, ES_IN_N, lambda, &mf) != 0) {
        fprintf(stderr, "earshot-train: the fit did not converge\n");
        return 1;
    }
    print_summary("blast", &blast, &mb);
    print_summary("full", &full, &mf);
    return tr_write_header(out, &mb, &mf, lambda, argc - first, argv + first) == 0 ? 0 : 1;
}
