/* earshot-train's fit against the closed form: for classes that are
 * Gaussian in one input with a common variance s^2, the exact posterior is
 * a multinomial logistic regression with log-odds of class c against the
 * reference (mu_c - mu_o) / s^2 x - (mu_c^2 - mu_o^2) / (2 s^2) +
 * ln(n_c / n_o). 40000 draws fitted with almost no regularisation must
 * recover those slopes and intercepts. And the fit depends only on the
 * rows, not their order: shuffled rows, sorted, give the same weights to
 * the last bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "train.h"

#define N_ROWS 40000
/* mortar, rocket, artillery, thunder, small, other */
static const double mu[ES_MC_N] = {2.0, -1.0, 4.0, -3.0, 6.0, 0.0};
static const double share[ES_MC_N] = {0.2, 0.2, 0.1, 0.1, 0.1, 0.3};
static const double sigma = 1.5;

static void draw(tr_set *s, test_rng *r)
{
    s->n = N_ROWS;
    for (size_t i = 0; i < N_ROWS; i++) {
        double u = (double)i / N_ROWS, edge = 0.0;
        int c = 0;
        while (c < ES_MC_N - 1 && u >= edge + share[c])
            edge += share[c++];
        s->y[i] = c;
        for (int k = 0; k < ES_IN_N; k++)
            s->x[i][k] = k == 0 ? mu[c] + sigma * test_gauss(r) : 1.0;
        s->scene[i] = (long)i;
    }
}

static void shuffle(tr_set *s, test_rng *r)
{
    tr_set t = *s;
    for (size_t i = N_ROWS - 1; i > 0; i--) {
        size_t j = (size_t)(test_uniform(r) * (double)(i + 1));
        double x[ES_IN_N];
        memcpy(x, t.x[i], sizeof x);
        memcpy(t.x[i], t.x[j], sizeof x);
        memcpy(t.x[j], x, sizeof x);
        int y = t.y[i]; t.y[i] = t.y[j]; t.y[j] = y;
        long sc = t.scene[i]; t.scene[i] = t.scene[j]; t.scene[j] = sc;
    }
}

int main(void)
{
    static tr_set s;
    if (tr_reserve(&s) != 0)
        return 1;
    test_rng r = {2024};
    draw(&s, &r);
    static tr_model m;
    CHECK(tr_fit(&s, 1, 1e-6, &m) == 0, "fit failed");
    double v = sigma * sigma;
    for (int c = 0; c < ES_MC_N - 1; c++) {
        /* Back from standardised units: w z = w (x - mean) / scale. */
        double slope = m.w[c][1] / m.scale[0];
        double icpt = m.w[c][0] - m.w[c][1] * m.mean[0] / m.scale[0];
        double want_slope = (mu[c] - mu[ES_MC_OTHER]) / v;
        double want_icpt = -(mu[c] * mu[c] - mu[ES_MC_OTHER] * mu[ES_MC_OTHER]) / (2.0 * v) +
                           log(share[c] / share[ES_MC_OTHER]);
        char what[64];
        snprintf(what, sizeof what, "class %d slope", c);
        CHECK_NEAR(slope, want_slope, 0.04 * fabs(want_slope) + 0.01, what);
        snprintf(what, sizeof what, "class %d intercept", c);
        CHECK_NEAR(icpt, want_icpt, 0.06 * fabs(want_icpt) + 0.05, what);
    }
    printf("fit: %d Newton steps\n", m.steps);
    /* Order does not matter once sorted. */
    shuffle(&s, &r);
    tr_sort(&s);
    static tr_model m2;
    CHECK(tr_fit(&s, 1, 1e-6, &m2) == 0, "refit failed");
    CHECK(memcmp(&m, &m2, sizeof m) == 0, "shuffled and sorted rows gave other weights");
    return check_report("test_train");
}
