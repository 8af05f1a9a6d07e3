/* Health monitor against closed forms: the RMS of a sine of amplitude A is
 * A / sqrt(2) (exactly, over whole periods), silence is dead, a DC line is
 * stuck, clipped samples are counted, and strided reading picks the right
 * channel of an interleaved block. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "earshot/health.h"

#define RATE_HZ 48000.0
#define N 48000            /* one second: 1000 whole periods of 1 kHz */
#define PI 3.14159265358979323846

static es_health make_health(void)
{
    es_health_config cfg = {.sample_rate_hz = RATE_HZ};
    es_error err = {{0}};
    es_health h = es_health_create(&cfg, &err);
    if (h == NULL) {
        fprintf(stderr, "es_health_create: %s\n", err.msg);
        exit(1);
    }
    return h;
}

static void fill_sine(float *x, size_t stride, size_t n, double amp)
{
    for (size_t i = 0; i < n; i++)
        x[i * stride] = (float)(amp * sin(2.0 * PI * 1000.0 * (double)i / RATE_HZ));
}

static void test_sine_level(void)
{
    static float x[N];
    fill_sine(x, 1, N, 0.5);
    es_health h = make_health();
    /* Two calls: the window accumulates across execute calls. */
    es_health_execute(h, x, 1, N / 3);
    es_health_execute(h, x + N / 3, 1, N - N / 3);
    es_health_snapshot s;
    es_health_snapshot_take(h, &s);
    CHECK_NEAR(s.level_dbfs, 20.0 * log10(0.5 / sqrt(2.0)), 0.01);  /* -9.03 */
    CHECK_NEAR(s.peak_dbfs, 20.0 * log10(0.5), 0.01);                /* -6.02 */
    CHECK(s.frames == N);
    CHECK(s.clipped_samples == 0 && !s.clipping);
    CHECK(!s.dead && !s.stuck && s.ok);

    /* A full-scale sine (just under the clip level) is -3.01 dBFS. */
    fill_sine(x, 1, N, 0.998);
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK_NEAR(s.level_dbfs, -3.0103 + 20.0 * log10(0.998), 0.01);
    CHECK(s.ok);

    /* The snapshot started a new window: an empty window (two heartbeats
     * with no audio between, as at the end of a stream) repeats the last
     * verdict with frames 0 instead of calling the sensor dead. */
    es_health_snapshot_take(h, &s);
    CHECK(s.frames == 0);
    CHECK(!s.dead && s.ok);
    CHECK_NEAR(s.level_dbfs, -3.0103 + 20.0 * log10(0.998), 0.01);

    /* A sensor that never delivered a sample is dead. */
    es_health fresh = make_health();
    es_health_snapshot_take(fresh, &s);
    CHECK(s.frames == 0);
    CHECK(s.dead && !s.ok);
    CHECK(s.level_dbfs == -200.0);
    es_health_destroy(&fresh);
    es_health_destroy(&h);
    CHECK(h == NULL);
}

static void test_dead_and_stuck(void)
{
    static float x[N];
    es_health h = make_health();
    es_health_snapshot s;

    memset(x, 0, sizeof x);
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK(s.dead && !s.ok);
    CHECK(s.level_dbfs == -200.0 && s.peak_dbfs == -200.0);

    for (size_t i = 0; i < N; i++)
        x[i] = 0.3f;
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK(s.stuck && !s.dead && !s.ok);
    CHECK_NEAR(s.level_dbfs, 20.0 * log10(0.3), 0.01);  /* -10.46 */

    /* Very quiet but alive noise is neither dead nor stuck. */
    unsigned seed = 12345;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = (float)(1e-3 * ((double)(seed >> 8) / 16777216.0 - 0.5));
    }
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK(!s.dead && !s.stuck && s.ok);
    es_health_destroy(&h);
}

static void test_clipping(void)
{
    static float x[N];
    fill_sine(x, 1, N, 0.5);
    x[100] = 1.0f;
    x[200] = -1.0f;
    x[300] = 0.999f;   /* at the clip level counts */
    x[400] = -0.9995f;
    x[500] = 1.5f;
    x[600] = 0.998f;   /* just below: not clipped */
    es_health h = make_health();
    es_health_snapshot s;
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK(s.clipped_samples == 5);
    CHECK(s.clipping);
    CHECK(s.ok);  /* 5 of 48000 is a transient, not persistent clipping */
    CHECK_NEAR(s.peak_dbfs, 20.0 * log10(1.5), 0.01);

    /* 2 % of the window clipped is persistent: not ok. */
    fill_sine(x, 1, N, 0.5);
    for (size_t i = 0; i < N / 50; i++)
        x[i * 50] = 1.0f;
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK(s.clipped_samples == N / 50);
    CHECK(!s.ok && !s.dead && !s.stuck);

    /* Non-finite samples count as clipped and leave the level finite. */
    fill_sine(x, 1, N, 0.5);
    x[10] = NAN;
    x[20] = INFINITY;
    es_health_execute(h, x, 1, N);
    es_health_snapshot_take(h, &s);
    CHECK(s.clipped_samples == 2);
    CHECK(isfinite(s.level_dbfs) && isfinite(s.peak_dbfs));
    CHECK_NEAR(s.level_dbfs, 20.0 * log10(0.5 / sqrt(2.0)), 0.01);
    es_health_destroy(&h);
}

/* Three interleaved channels: sine 0.5, silence, DC -0.3 with 7 clips. */
static void test_strided(void)
{
    enum { CH = 3 };
    float *x = calloc((size_t)N * CH, sizeof *x);
    CHECK(x != NULL);
    if (x == NULL)
        return;
    fill_sine(x, CH, N, 0.5);
    for (size_t i = 0; i < N; i++)
        x[i * CH + 2] = (i % 5000 == 0) ? -1.0f : -0.3f;   /* 10 clips */
    es_health h[CH];
    for (int c = 0; c < CH; c++)
        h[c] = make_health();
    /* Fed in blocks of 480 frames, as the engine does. */
    for (size_t f = 0; f < N; f += 480)
        for (int c = 0; c < CH; c++)
            es_health_execute(h[c], x + f * CH + c, CH, 480);
    es_health_snapshot s[CH];
    for (int c = 0; c < CH; c++)
        es_health_snapshot_take(h[c], &s[c]);
    CHECK_NEAR(s[0].level_dbfs, 20.0 * log10(0.5 / sqrt(2.0)), 0.01);
    CHECK(s[0].ok && s[0].clipped_samples == 0 && s[0].frames == N);
    CHECK(s[1].dead && !s[1].ok && s[1].frames == N);
    CHECK(s[2].clipped_samples == 10 && s[2].clipping);
    CHECK(!s[2].stuck && !s[2].dead);  /* the clips move it off the flat line */
    const double ms2 = (10.0 * 1.0 + (N - 10.0) * 0.09) / N;
    CHECK_NEAR(s[2].level_dbfs, 10.0 * log10(ms2), 0.01);
    for (int c = 0; c < CH; c++)
        es_health_destroy(&h[c]);
    free(x);
}

static void test_bad_config(void)
{
    es_error err = {{0}};
    CHECK(es_health_create(NULL, &err) == NULL);
    es_health_config cfg = {.sample_rate_hz = 0.0};
    CHECK(es_health_create(&cfg, &err) == NULL);
    CHECK(strstr(err.msg, "sample_rate_hz") != NULL);
    cfg.sample_rate_hz = 48000.0;
    cfg.clip_level = -1.0;
    CHECK(es_health_create(&cfg, &err) == NULL);
    CHECK(strstr(err.msg, "clip_level") != NULL);
    cfg.clip_level = 0.0;
    cfg.stuck_range = NAN;
    CHECK(es_health_create(&cfg, &err) == NULL);
    /* NULL inputs do nothing rather than crash. */
    es_health_execute(NULL, NULL, 1, 10);
    es_health_destroy(NULL);
}

int main(void)
{
    test_sine_level();
    test_dead_and_stuck();
    test_clipping();
    test_strided();
    test_bad_config();
    return check_report("test_health");
}
