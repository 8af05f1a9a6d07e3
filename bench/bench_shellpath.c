/* Cost of the shell-flight test (dsp/shellpath.c, issue 6): the pipeline
 * fits an earlier event's onsets with a shell's crack from a located gun
 * before a blast takes that event over, in the pipeline's thread, so the
 * fit's time is added to that blast's alert latency.
 *
 * Flights of 155 mm-like shells (elevation 30-50 deg, Mach 2-2.6, aimed
 * within 8 deg of the camp) from guns 1.5-9 km away at every 30 deg of
 * bearing, heard on three arrays (8 sensors on a 200 m ring, 16 on a 500 m
 * line, 16 in four clusters of four); arrivals with +-0.2 ms of seeded
 * noise. Printed per array: wall time per fit (p50, p90, max) and the
 * misfit left (p50, max), which should stay near the noise's 0.12 ms RMS.
 *
 * usage: bench_shellpath [--flights N] (per array; default 48) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "earshot/shellpath.h"

#define C_MPS 340.0
#define MAX_FLIGHTS 1024
#define NOISE_S 2e-4

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static double uniform(void) /* xorshift64*, [0, 1) */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (double)((rng_state * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static size_t array_of(int kind, double (*s)[3])
{
    size_t n = kind == 0 ? 8 : 16;
    for (size_t i = 0; i < n; i++) {
        double a = 2.0 * M_PI * (double)i / (double)n;
        if (kind == 0) { /* ring, 200 m across */
            s[i][0] = 100.0 * sin(a);
            s[i][1] = 100.0 * cos(a);
        } else if (kind == 1) { /* line, 500 m, bearing 60 deg */
            double x = 500.0 * ((double)i / (double)(n - 1) - 0.5);
            s[i][0] = x * sin(M_PI / 3.0);
            s[i][1] = x * cos(M_PI / 3.0);
        } else { /* four clusters of four: 20 m squares 400 m apart */
            double cx = (i / 4) % 2 ? 200.0 : -200.0, cy = i / 8 ? 200.0 : -200.0;
            s[i][0] = cx + (i % 2 ? 10.0 : -10.0);
            s[i][1] = cy + ((i / 2) % 2 ? 10.0 : -10.0);
        }
        s[i][2] = 1.5;
    }
    return n;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double pct(const double *v, size_t n, double p)
{
    return v[(size_t)fmin((double)n - 1.0, floor(p * (double)n))];
}

static int run_array(int kind, int flights)
{
    static const char *name[] = {"ring, 8 sensors", "line, 16 sensors", "clusters, 16 sensors"};
    double s[16][3], t[16], ms[MAX_FLIGHTS], rms_ms[MAX_FLIGHTS];
    size_t n = array_of(kind, s), done = 0;
    for (int k = 0; k < flights; k++) {
        double range_m = 1500.0 + 7500.0 * uniform(), bearing = (k % 12) * 30.0 * M_PI / 180.0;
        double gun[3] = {range_m * sin(bearing), range_m * cos(bearing), 1.0};
        double aim_az = atan2(-gun[0], -gun[1]) * 180.0 / M_PI;
        es_shell_flight f = {{gun[0], gun[1], gun[2]}, 0.0, aim_az + 16.0 * uniform() - 8.0,
                             30.0 + 20.0 * uniform(), C_MPS * (2.0 + 0.6 * uniform())};
        int heard = 1;
        for (size_t i = 0; i < n; i++) {
            t[i] = es_shell_crack_arrival_s(&f, C_MPS, s[i]) + NOISE_S * (2.0 * uniform() - 1.0);
            heard &= isfinite(t[i]);
        }
        if (!heard)
            continue; /* the crack misses the array (landed short) */
        es_shell_crack_obs obs = {.gun_m = {gun[0], gun[1], gun[2]},
                                  .c_mps = C_MPS,
                                  .n = n,
                                  .sensor_m = (const double(*)[3])s,
                                  .arrival_s = t};
        es_shell_crack_fit fit;
        es_error err;
        double t0 = now_s();
        if (es_shell_crack_fit_execute(&obs, &fit, &err) != ES_OK) {
            fprintf(stderr, "bench_shellpath: %s\n", err.msg);
            return 1;
        }
        ms[done] = 1e3 * (now_s() - t0);
        rms_ms[done++] = 1e3 * fit.rms_s;
    }
    if (done == 0)
        return 1;
    qsort(ms, done, sizeof *ms, cmp_double);
    qsort(rms_ms, done, sizeof *rms_ms, cmp_double);
    printf("| %-20s | %3zu | %6.1f | %6.1f | %6.1f | %5.3f | %5.3f |\n", name[kind], done,
           pct(ms, done, 0.5), pct(ms, done, 0.9), ms[done - 1], pct(rms_ms, done, 0.5),
           rms_ms[done - 1]);
    return 0;
}

int main(int argc, char **argv)
{
    int flights = 48;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--flights") == 0 && i + 1 < argc)
            flights = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_shellpath [--flights N]\n");
            return 2;
        }
    }
    if (flights < 1 || flights > MAX_FLIGHTS) {
        fprintf(stderr, "bench_shellpath: --flights must be 1-%d\n", MAX_FLIGHTS);
        return 2;
    }
    printf("| array                | fits | ms p50 | ms p90 | ms max | misfit p50 ms | max |\n");
    printf("|---|--:|--:|--:|--:|--:|--:|\n");
    for (int kind = 0; kind < 3; kind++)
        if (run_array(kind, flights) != 0)
            return 1;
    return 0;
}
