/* earshot-train: the fit (Newton's method on the L2-regularised
 * multinomial log-likelihood) and the header it writes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "train.h"

#define N_FREE (ES_MC_N - 1)           /* class OTHER's logit is 0 */
#define MAX_PARAMS (N_FREE * (ES_IN_N + 1))
#define MAX_STEPS 200
#define STEP_TOL 1e-12

static void standardise(const tr_set *s, int d, tr_model *m)
{
    for (int i = 0; i < d; i++) {
        double sum = 0.0, sum2 = 0.0;
        for (size_t r = 0; r < s->n; r++)
            sum += s->x[r][i];
        double mean = sum / (double)s->n;
        for (size_t r = 0; r < s->n; r++)
            sum2 += (s->x[r][i] - mean) * (s->x[r][i] - mean);
        double sd = sqrt(sum2 / (double)s->n);
        m->mean[i] = mean;
        m->scale[i] = sd > 1e-9 ? sd : 1.0;
    }
}

/* z[0] = 1, z[1 + i] the standardised input i. */
static void features(const tr_model *m, const double *x, double *z)
{
    z[0] = 1.0;
    for (int i = 0; i < m->n_inputs; i++)
        z[1 + i] = (x[i] - m->mean[i]) / m->scale[i];
}

void tr_predict(const tr_model *m, const double *x, double p[ES_MC_N])
{
    es_class_model em = {(size_t)m->n_inputs, m->mean, m->scale, m->w};
    es_class_model_eval(&em, x, p);
}

static double loss(const tr_set *s, const tr_model *m, double lambda)
{
    double l = 0.0, p[ES_MC_N];
    for (size_t r = 0; r < s->n; r++) {
        tr_predict(m, s->x[r], p);
        l -= log(fmax(p[s->y[r]], 1e-300));
    }
    for (int c = 0; c < N_FREE; c++)
        for (int j = 1; j <= m->n_inputs; j++)
            l += 0.5 * lambda * m->w[c][j] * m->w[c][j];
    return l;
}

/* Gradient and Hessian of the loss, parameters indexed c (d + 1) + j. */
static void derivatives(const tr_set *s, const tr_model *m, double lambda, double *g, double *h)
{
    int d1 = m->n_inputs + 1, np = N_FREE * d1;
    memset(g, 0, sizeof(double) * (size_t)np);
    memset(h, 0, sizeof(double) * (size_t)np * (size_t)np);
    double z[ES_IN_N + 1], p[ES_MC_N];
    for (size_t r = 0; r < s->n; r++) {
        features(m, s->x[r], z);
        tr_predict(m, s->x[r], p);
        for (int c = 0; c < N_FREE; c++) {
            double e = p[c] - (s->y[r] == c);
            for (int j = 0; j < d1; j++)
                g[c * d1 + j] += e * z[j];
            for (int c2 = 0; c2 < N_FREE; c2++) {
                double a = p[c] * ((c == c2) - p[c2]);
                for (int j = 0; j < d1; j++)
                    for (int j2 = 0; j2 < d1; j2++)
                        h[(c * d1 + j) * np + c2 * d1 + j2] += a * z[j] * z[j2];
            }
        }
    }
    for (int c = 0; c < N_FREE; c++)
        for (int j = 0; j < d1; j++) {
            double reg = j > 0 ? lambda : 1e-8; /* the intercept: only kept finite */
            g[c * d1 + j] += j > 0 ? lambda * m->w[c][j] : 0.0;
            h[(c * d1 + j) * np + c * d1 + j] += reg;
        }
}

/* Solves h x = g in place (g becomes x) by Cholesky; -1 if h is not
 * positive definite. */
static int cholesky_solve(double *h, double *g, int n)
{
    for (int j = 0; j < n; j++) {
        double d = h[j * n + j];
        for (int k = 0; k < j; k++)
            d -= h[j * n + k] * h[j * n + k];
        if (!(d > 0.0))
            return -1;
        h[j * n + j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double v = h[i * n + j];
            for (int k = 0; k < j; k++)
                v -= h[i * n + k] * h[j * n + k];
            h[i * n + j] = v / h[j * n + j];
        }
    }
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < i; k++)
            g[i] -= h[i * n + k] * g[k];
        g[i] /= h[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int k = i + 1; k < n; k++)
            g[i] -= h[k * n + i] * g[k];
        g[i] /= h[i * n + i];
    }
    return 0;
}

int tr_fit(const tr_set *s, int n_inputs, double lambda, tr_model *m)
{
    memset(m, 0, sizeof *m);
    m->n_inputs = n_inputs;
    standardise(s, n_inputs, m);
    int d1 = n_inputs + 1, np = N_FREE * d1;
    static double g[MAX_PARAMS], h[MAX_PARAMS * MAX_PARAMS];
    double current = loss(s, m, lambda);
    for (m->steps = 0; m->steps < MAX_STEPS; m->steps++) {
        derivatives(s, m, lambda, g, h);
        if (cholesky_solve(h, g, np) != 0)
            return -1;
        /* Halve the step until the loss does not rise (Newton overshoots
         * far from the optimum, on nearly separable classes). */
        tr_model trial = *m;
        double big = 0.0, t = 1.0, next = current;
        for (int halvings = 0; halvings < 40; halvings++, t *= 0.5) {
            for (int c = 0; c < N_FREE; c++)
                for (int j = 0; j < d1; j++)
                    trial.w[c][j] = m->w[c][j] - t * g[c * d1 + j];
            next = loss(s, &trial, lambda);
            if (next <= current)
                break;
        }
        for (int k = 0; k < np; k++)
            big = fmax(big, fabs(t * g[k]));
        *m = trial;
        current = next;
        if (big < STEP_TOL)
            return 0;
    }
    return 0; /* the last steps were tiny; the optimum is reached to rounding */
}

static void write_array(FILE *f, const char *name, const double *v, int n)
{
    fprintf(f, "static const double %s[%d] = {", name, n);
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%.17g", i ? ", " : "", v[i]);
    fprintf(f, "};\n");
}

static void write_model(FILE *f, const char *prefix, const tr_model *m)
{
    char name[64];
    snprintf(name, sizeof name, "es_model_%s_mean", prefix);
    write_array(f, name, m->mean, m->n_inputs);
    snprintf(name, sizeof name, "es_model_%s_scale", prefix);
    write_array(f, name, m->scale, m->n_inputs);
    fprintf(f, "static const double es_model_%s_w[%d][%d] = {\n", prefix, N_FREE, ES_IN_N + 1);
    for (int c = 0; c < N_FREE; c++) {
        fprintf(f, "    {");
        for (int j = 0; j <= ES_IN_N; j++)
            fprintf(f, "%s%.17g", j ? ", " : "", m->w[c][j]);
        fprintf(f, "},\n");
    }
    fprintf(f, "};\n");
}

/* Written beside the target and renamed over it: a failed run (a full
 * disk, a bad path) leaves the model it would have replaced untouched. */
int tr_write_header(const char *path, const tr_model *blast, const tr_model *full, double lambda,
                    int n_csv, char **csv)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        fprintf(stderr, "earshot-train: output path too long\n");
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        perror(tmp);
        return -1;
    }
    fprintf(f, "/* Generated by earshot-train (tools/train) with lambda %g from", lambda);
    for (int i = 0; i < n_csv; i++) {
        const char *base = strrchr(csv[i], '/');
        fprintf(f, " %s", base ? base + 1 : csv[i]);
    }
    fprintf(f, ";\n * scripts/train-classifier.sh makes them and this file again, bit for bit.\n"
               " * Do not edit. Inputs: include/earshot/classify.h. */\n"
               "#ifndef EARSHOT_CLASSIFY_MODEL_H\n#define EARSHOT_CLASSIFY_MODEL_H\n\n");
    write_model(f, "blast", blast);
    write_model(f, "full", full);
    fprintf(f, "\n#endif\n");
    int bad = ferror(f);
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        fprintf(stderr, "earshot-train: could not write %s\n", path);
        remove(tmp);
        return -1;
    }
    return 0;
}
