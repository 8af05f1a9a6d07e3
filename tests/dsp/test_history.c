/* es_history: decimated storage of recent conditioned audio. Checked
 * against the input itself (every D-th frame, addressed by stream frame),
 * the wrap-around of the ring, a gap left by lost audio, and reads of what
 * is too old or not yet written. */
#include <stdlib.h>

#include "check.h"
#include "earshot/history.h"

#define FS 48000.0

static float value_at(int64_t frame, size_t sensor)
{
    return (float)((double)(frame % 100003) * 1e-5 + (double)sensor);
}

static void write_blocks(es_history h, size_t sensor, int64_t from, int64_t to, size_t block)
{
    float buf[4096];
    for (int64_t f = from; f < to; f += (int64_t)block) {
        size_t n = (size_t)(to - f < (int64_t)block ? to - f : (int64_t)block);
        for (size_t i = 0; i < n; i++)
            buf[i] = value_at(f + (int64_t)i, sensor);
        es_history_write(h, sensor, buf, n, f);
    }
}

static void test_decimation_and_reads(void)
{
    es_history_config c = {.n_sensors = 2, .sample_rate_hz = FS, .band_hi_hz = 2000.0,
                           .length_s = 1.0};
    es_error err;
    es_history h = es_history_create(&c, &err);
    CHECK(h != NULL, "create: %s", err.msg);
    if (h == NULL)
        return;
    /* fs / (4 x 2000) = 6. */
    CHECK(es_history_decimation(h) == 6, "decimation %d", es_history_decimation(h));
    CHECK_NEAR(es_history_rate_hz(h), 8000.0, 1e-9, "rate");
    write_blocks(h, 0, 0, 3 * 48000 + 77, 128);   /* 3 s: the ring wraps */
    write_blocks(h, 1, 0, 3 * 48000 + 77, 500);
    CHECK(es_history_end_frame(h) == 3 * 48000 + 77, "end %lld",
          (long long)es_history_end_frame(h));
    float out[64];
    /* The last second is held, sample j at frame (ceil(from / 6) + j) 6. */
    int64_t from = 2 * 48000 + 1001;
    size_t held = es_history_read(h, 1, from, 64, out);
    CHECK(held == 64, "held %zu", held);
    int64_t first = (from + 5) / 6 * 6;
    for (size_t j = 0; j < 64; j++)
        CHECK(out[j] == value_at(first + 6 * (int64_t)j, 1), "sample %zu", j);
    /* Older than the ring (1 s, rounded up to 8192 samples = 1.024 s): 0. */
    held = es_history_read(h, 0, 48000, 64, out);
    CHECK(held == 0 && out[0] == 0.0f, "stale read held %zu", held);
    /* Beyond the end: only what is written. */
    held = es_history_read(h, 0, 3 * 48000 + 77 - 60, 64, out);
    CHECK(held == 10, "read past the end held %zu (want 10)", held);
    CHECK(out[10] == 0.0f, "unwritten sample not 0");
    es_history_destroy(&h);
    CHECK(h == NULL, "destroy clears the pointer");
}

/* Audio lost between two writes leaves silence, not older samples. */
static void test_gap(void)
{
    es_history_config c = {.n_sensors = 1, .sample_rate_hz = FS, .band_hi_hz = 0.0,
                           .length_s = 0.5};
    es_history h = es_history_create(&c, NULL);
    CHECK(h != NULL && es_history_decimation(h) == 1, "create, D = 1 for a full band");
    if (h == NULL)
        return;
    write_blocks(h, 0, 0, 48000, 256);
    write_blocks(h, 0, 48000 + 10000, 48000 + 12000, 256);
    float out[32];
    size_t held = es_history_read(h, 0, 48000 + 5000, 32, out);
    CHECK(held == 32, "gap samples count as held (silence): %zu", held);
    for (size_t j = 0; j < 32; j++)
        CHECK(out[j] == 0.0f, "gap sample %zu = %g", j, out[j]);
    held = es_history_read(h, 0, 48000 + 11000, 1, out);
    CHECK(held == 1 && out[0] == value_at(48000 + 11000, 0), "after the gap");
    es_history_destroy(&h);
}

static void test_bad_config(void)
{
    es_history_config ok = {.n_sensors = 4, .sample_rate_hz = FS, .band_hi_hz = 2000.0,
                            .length_s = 2.0};
    es_history_config bad[] = {ok, ok, ok, ok, ok};
    bad[0].n_sensors = 0;
    bad[1].sample_rate_hz = 0.0;
    bad[2].band_hi_hz = FS;        /* at or above Nyquist */
    bad[3].length_s = 0.0;
    bad[4].length_s = 1e9;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        es_error err = {{0}};
        es_history h = es_history_create(&bad[i], &err);
        CHECK(h == NULL && err.msg[0] != '\0', "bad config %zu accepted", i);
        es_history_destroy(&h);
    }
    CHECK(es_history_create(NULL, NULL) == NULL, "NULL config accepted");
}

int main(void)
{
    test_decimation_and_reads();
    test_gap();
    test_bad_config();
    return check_report("test_history");
}
