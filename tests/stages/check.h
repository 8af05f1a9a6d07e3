/* Minimal assertions for the stage tests: report and count failures, keep
 * going, exit non-zero at the end if any failed. */
#ifndef ES_TEST_CHECK_H
#define ES_TEST_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_failures;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            check_failures++;                                                   \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

#define CHECK_NEAR(a, b, tol, what)                                             \
    CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s: %.9g vs %.9g (tol %g)", \
          what, (double)(a), (double)(b), (double)(tol))

static inline int check_report(const char *name)
{
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
    else
        printf("%s: all checks passed\n", name);
    return check_failures ? 1 : 0;
}

/* Deterministic Gaussian noise (splitmix64 + Box-Muller), independent of
 * the code under test. */
typedef struct {
    unsigned long long s;
    int have;
    double spare;
} test_rng;

static inline double test_uniform(test_rng *r)
{
    unsigned long long z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static inline double test_gauss(test_rng *r)
{
    if (r->have) {
        r->have = 0;
        return r->spare;
    }
    double u = test_uniform(r), v = test_uniform(r);
    double m = sqrt(-2.0 * log(u));
    r->spare = m * sin(6.283185307179586 * v);
    r->have = 1;
    return m * cos(6.283185307179586 * v);
}

#endif
