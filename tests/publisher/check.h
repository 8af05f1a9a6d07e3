/* Checks that count failures instead of aborting, so one run reports them
 * all; shared by the publisher and health tests. */
#ifndef EARSHOT_TESTS_PUBLISHER_CHECK_H
#define EARSHOT_TESTS_PUBLISHER_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                           \
    do {                                                                     \
        const double got_ = (got), want_ = (want), tol_ = (tol);             \
        if (!(fabs(got_ - want_) <= tol_)) {                                 \
            fprintf(stderr, "%s:%d: CHECK_NEAR failed: %s = %.17g, want "    \
                    "%.17g +- %g\n", __FILE__, __LINE__, #got, got_, want_,  \
                    tol_);                                                   \
            check_failures++;                                                \
        }                                                                    \
    } while (0)

static inline int check_report(const char *name)
{
    if (check_failures != 0) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, check_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

#endif
