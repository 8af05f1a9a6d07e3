/* Iterative radix-2 decimation-in-time FFT with tabulated twiddles, and FFT
 * convolution that carries two real paths in one complex transform. */
#include "fft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simconst.h"

struct sim_fft_s {
    size_t n;
    sim_cpx *twiddle;     /* exp(-2 pi i k / n), k < n/2 */
    size_t *bitrev;       /* bit-reversal permutation */
};

size_t sim_next_pow2(size_t n)
{
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

static unsigned log2_exact(size_t n)
{
    unsigned k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

static sim_fft *fft_create(size_t n)
{
    sim_fft *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->n = n;
    p->twiddle = malloc((n / 2) * sizeof *p->twiddle);
    p->bitrev = malloc(n * sizeof *p->bitrev);
    if (p->twiddle == NULL || p->bitrev == NULL) {
        free(p->twiddle);
        free(p->bitrev);
        free(p);
        return NULL;
    }
    for (size_t k = 0; k < n / 2; k++) {
        double a = -2.0 * SIM_PI * (double)k / (double)n;
        p->twiddle[k].re = cos(a);
        p->twiddle[k].im = sin(a);
    }
    unsigned bits = log2_exact(n);
    for (size_t i = 0; i < n; i++) {
        size_t r = 0;
        for (unsigned b = 0; b < bits; b++)
            r |= ((i >> b) & 1u) << (bits - 1 - b);
        p->bitrev[i] = r;
    }
    return p;
}

const sim_fft *sim_fft_get(sim_fft_cache *c, size_t n)
{
    if (n < 2 || (n & (n - 1)) != 0)
        return NULL;
    unsigned k = log2_exact(n);
    if (k >= sizeof c->plans / sizeof c->plans[0])
        return NULL;
    if (c->plans[k] == NULL)
        c->plans[k] = fft_create(n);
    return c->plans[k];
}

void sim_fft_cache_free(sim_fft_cache *c)
{
    for (size_t k = 0; k < sizeof c->plans / sizeof c->plans[0]; k++) {
        if (c->plans[k] != NULL) {
            free(c->plans[k]->twiddle);
            free(c->plans[k]->bitrev);
            free(c->plans[k]);
            c->plans[k] = NULL;
        }
    }
}

static void transform(const sim_fft *p, sim_cpx *x, double sign)
{
    size_t n = p->n;
    for (size_t i = 0; i < n; i++) {
        size_t j = p->bitrev[i];
        if (j > i) {
            sim_cpx t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        size_t half = len / 2, step = n / len;
        for (size_t i = 0; i < n; i += len) {
            for (size_t j = 0; j < half; j++) {
                sim_cpx w = p->twiddle[j * step];
                w.im *= sign;
                sim_cpx *a = &x[i + j], *b = &x[i + j + half];
                double vr = b->re * w.re - b->im * w.im;
                double vi = b->re * w.im + b->im * w.re;
                b->re = a->re - vr;
                b->im = a->im - vi;
                a->re += vr;
                a->im += vi;
            }
        }
    }
}

void sim_fft_forward(const sim_fft *p, sim_cpx *x)
{
    transform(p, x, 1.0);
}

void sim_fft_inverse(const sim_fft *p, sim_cpx *x)
{
    transform(p, x, -1.0);
    double s = 1.0 / (double)p->n;
    for (size_t i = 0; i < p->n; i++) {
        x[i].re *= s;
        x[i].im *= s;
    }
}

/* Spectra of two real signals packed as a + i b: A[k] = (Z[k] + Z*[-k]) / 2,
 * B[k] = (Z[k] - Z*[-k]) / 2i. */
static void unpack(const sim_cpx *z, size_t n, size_t k, sim_cpx *a, sim_cpx *b)
{
    sim_cpx zk = z[k], zc = z[(n - k) & (n - 1)];
    zc.im = -zc.im;
    a->re = 0.5 * (zk.re + zc.re);
    a->im = 0.5 * (zk.im + zc.im);
    double dr = zk.re - zc.re, di = zk.im - zc.im;
    b->re = 0.5 * di;
    b->im = -0.5 * dr;
}

static sim_cpx cmul(sim_cpx a, sim_cpx b)
{
    sim_cpx r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    return r;
}

int sim_convolve_add(sim_fft_cache *c, int npaths, const double *const x[2], size_t nx,
                     const double *const h[2], const size_t nh[2], double *y, size_t ny)
{
    size_t nh_max = nh[0];
    if (npaths == 2 && nh[1] > nh_max)
        nh_max = nh[1];
    size_t nout = nx + nh_max - 1;
    size_t n = sim_next_pow2(nout < 2 ? 2 : nout);
    const sim_fft *p = sim_fft_get(c, n);
    sim_cpx *zx = calloc(n, sizeof *zx), *zh = calloc(n, sizeof *zh);
    if (p == NULL || zx == NULL || zh == NULL) {
        free(zx);
        free(zh);
        return -1;
    }
    for (size_t i = 0; i < nx; i++) {
        zx[i].re = x[0][i];
        zx[i].im = npaths == 2 ? x[1][i] : 0.0;
    }
    for (size_t i = 0; i < nh[0]; i++)
        zh[i].re = h[0][i];
    if (npaths == 2)
        for (size_t i = 0; i < nh[1]; i++)
            zh[i].im = h[1][i];
    sim_fft_forward(p, zx);
    sim_fft_forward(p, zh);
    /* Y = X0 H0 + X1 H1, written into zx once both halves of a pair are read. */
    for (size_t k = 0; k <= n / 2; k++) {
        size_t m = (n - k) & (n - 1);
        sim_cpx x0, x1, h0, h1, x0m, x1m, h0m, h1m;
        unpack(zx, n, k, &x0, &x1);
        unpack(zh, n, k, &h0, &h1);
        unpack(zx, n, m, &x0m, &x1m);
        unpack(zh, n, m, &h0m, &h1m);
        sim_cpx yk = cmul(x0, h0), ym = cmul(x0m, h0m);
        if (npaths == 2) {
            sim_cpx t = cmul(x1, h1), tm = cmul(x1m, h1m);
            yk.re += t.re; yk.im += t.im;
            ym.re += tm.re; ym.im += tm.im;
        }
        zx[k] = yk;
        zx[m] = ym;
    }
    sim_fft_inverse(p, zx);
    size_t lim = nout < ny ? nout : ny;
    for (size_t i = 0; i < lim; i++)
        y[i] += zx[i].re;
    free(zx);
    free(zh);
    return 0;
}
