/* Tiny helpers shared by the dsp/ tests: checks that count failures instead
 * of aborting (so one run reports every miss), a seeded Gaussian generator
 * and an independent double-precision FFT for building test signals. */
#ifndef EARSHOT_TESTS_DSP_CHECK_H
#define EARSHOT_TESTS_DSP_CHECK_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define TEST_PI 3.14159265358979323846

static int check_failures;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, \
                    #cond);                                                  \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

#define CHECK_NEAR(got, want, tol, what)                                     \
    CHECK(fabs((double)(got) - (double)(want)) <= (tol),                     \
          "%s: got %.10g want %.10g (tol %.3g)", (what), (double)(got),      \
          (double)(want), (double)(tol))

static inline int check_report(const char *name)
{
    if (check_failures == 0) {
        printf("%s: all checks passed\n", name);
        return 0;
    }
    fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    return 1;
}

/* xorshift64*: deterministic, good enough for test noise. */
typedef struct {
    uint64_t s;
} test_rng;

static inline double test_uniform(test_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    uint64_t x = r->s * 0x2545F4914F6CDD1DULL;
    return ((double)(x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* splitmix64's output function: a well-mixed 64-bit hash of x. */
static inline uint64_t test_splitmix64(uint64_t x)
{
    uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A generator from any seed (splitmix64 scrambles nearby seeds apart). */
static inline test_rng test_rng_make(uint64_t seed)
{
    uint64_t z = test_splitmix64(seed);
    test_rng r = {z != 0 ? z : 1};
    return r;
}

/* Box-Muller standard normal. */
static inline double test_gauss(test_rng *r)
{
    double u1 = test_uniform(r), u2 = test_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * TEST_PI * u2);
}

/* In-place iterative radix-2 complex FFT of n = 2^k points (re, im arrays);
 * inverse = 1 applies exp(+j...) and the 1/n scale. */
static inline void test_fft(double *re, double *im, size_t n, int inverse)
{
    for (size_t i = 1, j = 0; i < n; i++) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        double ang = 2.0 * TEST_PI / (double)len * (inverse ? 1.0 : -1.0);
        for (size_t i = 0; i < n; i += len) {
            for (size_t k = 0; k < len / 2; k++) {
                double wr = cos(ang * (double)k), wi = sin(ang * (double)k);
                double xr = re[i + k + len / 2], xi = im[i + k + len / 2];
                double vr = xr * wr - xi * wi, vi = xr * wi + xi * wr;
                re[i + k + len / 2] = re[i + k] - vr;
                im[i + k + len / 2] = im[i + k] - vi;
                re[i + k] += vr;
                im[i + k] += vi;
            }
        }
    }
    if (inverse)
        for (size_t i = 0; i < n; i++) {
            re[i] /= (double)n;
            im[i] /= (double)n;
        }
}

#endif
