/* The capture side, single-threaded: refused configurations, what a pushed
 * block carries (frame0, frames, flags, samples, clocks), the clamp of an
 * oversized block, overruns and the gap flag on a full ring, and the end
 * block (with the gap flag when blocks were dropped just before it). */
#include <string.h>

#include "../dsp/check.h"
#include "earshot/capture.h"

#define CHANNELS 2
#define BLOCK 8

static void expect_refused(int channels, size_t block_frames, uint32_t ring_blocks,
                           const char *what)
{
    es_capture_config cfg = {.channels = channels, .block_frames = block_frames,
                             .ring_blocks = ring_blocks};
    es_error err = {{0}};
    es_capture c = es_capture_create(&cfg, &err);
    CHECK(c == NULL, "%s: accepted", what);
    CHECK(err.msg[0] != '\0' && strstr(err.msg, "out of memory") == NULL, "%s: reason '%s'", what,
          err.msg);
    es_capture_destroy(&c);
}

static void test_refused(void)
{
    es_error err = {{0}};
    CHECK(es_capture_create(NULL, &err) == NULL, "NULL config accepted");
    expect_refused(0, BLOCK, 4, "0 channels");
    expect_refused(1025, BLOCK, 4, "1025 channels");
    expect_refused(2, 0, 4, "0 frames per block");
    expect_refused(2, 65537, 4, "65537 frames per block");
    expect_refused(2, BLOCK, 0, "0 ring blocks");
    expect_refused(2, BLOCK, 1, "1 ring block");
    expect_refused(2, BLOCK, 3, "3 ring blocks");
    expect_refused(2, BLOCK, 1u << 31, "2^31 ring blocks");
}

/* Frames 0.. of the test stream: sample (f, ch) = 100 f + ch. */
static void fill(float *x, int64_t frame0, size_t frames)
{
    for (size_t i = 0; i < frames; i++)
        for (int ch = 0; ch < CHANNELS; ch++)
            x[i * CHANNELS + (size_t)ch] = (float)(100 * (frame0 + (int64_t)i) + ch);
}

/* Reads the next block and checks its head (and samples unless silent). */
static void expect_block(es_ring r, int64_t frame0, uint32_t frames, uint32_t flags, int silent,
                         const char *what)
{
    const es_block *b = es_ring_read_slot(r);
    CHECK(b != NULL, "%s: no block", what);
    if (b == NULL)
        return;
    CHECK(b->frame0 == frame0, "%s: frame0 %lld want %lld", what, (long long)b->frame0,
          (long long)frame0);
    CHECK(b->frames == frames, "%s: frames %u want %u", what, b->frames, frames);
    CHECK(b->flags == flags, "%s: flags %u want %u", what, b->flags, flags);
    CHECK(b->capture_mono_s > 0.0 && b->capture_unix_s > 1.5e9, "%s: clocks %.3f %.3f", what,
          b->capture_mono_s, b->capture_unix_s);
    const float *x = es_block_samples(b);
    int bad = 0;
    for (uint32_t i = 0; i < frames; i++)
        for (int ch = 0; ch < CHANNELS; ch++) {
            float want = silent ? 0.0f : (float)(100 * (frame0 + (int64_t)i) + ch);
            bad += x[i * CHANNELS + (uint32_t)ch] != want;
        }
    CHECK(bad == 0, "%s: %d wrong samples", what, bad);
    es_ring_read_release(r);
}

static void test_blocks(void)
{
    es_capture_config cfg = {.channels = CHANNELS, .block_frames = BLOCK, .ring_blocks = 4};
    es_error err;
    es_capture c = es_capture_create(&cfg, &err);
    CHECK(c != NULL, "create: %s", err.msg);
    if (c == NULL)
        return;
    es_ring r = es_capture_ring(c);
    CHECK(es_capture_channels(c) == CHANNELS && es_capture_block_frames(c) == BLOCK,
          "shape %d x %zu", es_capture_channels(c), es_capture_block_frames(c));
    CHECK(es_ring_capacity(r) == 4, "ring capacity %u", es_ring_capacity(r));
    CHECK(es_capture_start_unix_s(c) == 0.0, "start time before the first push");
    float x[2 * BLOCK * CHANNELS];

    /* A block, a silent one, an oversized one (clamped to BLOCK frames). */
    fill(x, 0, 5);
    CHECK(es_capture_push(c, x, 5) == 1, "push 1");
    const es_block *first = es_ring_read_slot(r);
    CHECK(first != NULL && es_capture_start_unix_s(c) == first->capture_unix_s,
          "start time is not the first block's");
    CHECK(es_capture_push(c, NULL, 3) == 1, "push silence");
    fill(x, 8, 2 * BLOCK);
    CHECK(es_capture_push(c, x, 2 * BLOCK) == 1, "push oversized");
    CHECK(es_capture_frames(c) == 5 + 3 + BLOCK, "frames %lld", (long long)es_capture_frames(c));
    expect_block(r, 0, 5, 0, 0, "block 1");
    expect_block(r, 5, 3, 0, 1, "silent block");
    expect_block(r, 8, BLOCK, 0, 0, "clamped block");

    /* Fill the ring (4 blocks), then two more are dropped. */
    int64_t f = 8 + BLOCK;
    for (int i = 0; i < 4; i++, f += BLOCK) {
        fill(x, f, BLOCK);
        CHECK(es_capture_push(c, x, BLOCK) == 1, "push %d into a ring with room", i);
    }
    for (int i = 0; i < 2; i++, f += BLOCK) {
        fill(x, f, BLOCK);
        CHECK(es_capture_push(c, x, BLOCK) == 0, "push %d into a full ring accepted", i);
    }
    CHECK(es_capture_overruns(c) == 2, "overruns %llu", (unsigned long long)es_capture_overruns(c));
    CHECK(es_capture_frames(c) == f, "dropped frames still counted: %lld want %lld",
          (long long)es_capture_frames(c), (long long)f);
    /* The end cannot be queued on a full ring without waiting. */
    CHECK(es_capture_end(c, 0) == 0, "end queued into a full ring");
    expect_block(r, 8 + BLOCK, BLOCK, 0, 0, "ring block 1");
    /* The next block after the drop carries the gap; the one after not. */
    fill(x, f, 4);
    CHECK(es_capture_push(c, x, 4) == 1, "push after the drop");
    for (int i = 1; i < 4; i++)
        expect_block(r, 8 + BLOCK + BLOCK * i, BLOCK, 0, 0, "ring block");
    expect_block(r, f, 4, ES_BLOCK_GAP, 0, "block after the gap");
    f += 4;
    fill(x, f, 1);
    CHECK(es_capture_push(c, x, 1) == 1, "push after the gap block");
    expect_block(r, f, 1, 0, 0, "block after that");
    f += 1;

    /* Fill, drop one, free one: the end block reports the gap before it. */
    for (int i = 0; i < 4; i++, f += 2)
        CHECK(es_capture_push(c, NULL, 2) == 1, "refill %d", i);
    CHECK(es_capture_push(c, NULL, 2) == 0, "push into the refilled ring accepted");
    f += 2;
    expect_block(r, f - 10, 2, 0, 1, "refill block 1");
    CHECK(es_capture_end(c, 0) == 1, "end not queued with a slot free");
    for (int i = 1; i < 4; i++)
        expect_block(r, f - 10 + 2 * i, 2, 0, 1, "refill block");
    expect_block(r, f, 0, ES_BLOCK_END | ES_BLOCK_GAP, 1, "end block");
    CHECK(es_ring_read_slot(r) == NULL, "something after the end");
    CHECK(es_capture_overruns(c) == 3, "overruns %llu", (unsigned long long)es_capture_overruns(c));

    es_capture_destroy(&c);
    CHECK(c == NULL, "destroy did not clear the pointer");
    es_capture_destroy(&c);
    es_capture_destroy(NULL);
}

/* An end with nothing dropped carries no gap. */
static void test_clean_end(void)
{
    es_capture_config cfg = {.channels = CHANNELS, .block_frames = BLOCK, .ring_blocks = 2};
    es_error err;
    es_capture c = es_capture_create(&cfg, &err);
    CHECK(c != NULL, "create: %s", err.msg);
    if (c == NULL)
        return;
    float x[BLOCK * CHANNELS];
    fill(x, 0, BLOCK);
    CHECK(es_capture_push(c, x, BLOCK) == 1, "push");
    CHECK(es_capture_end(c, 1) == 1, "end");
    expect_block(es_capture_ring(c), 0, BLOCK, 0, 0, "only block");
    expect_block(es_capture_ring(c), BLOCK, 0, ES_BLOCK_END, 1, "clean end");
    es_capture_destroy(&c);
}

int main(void)
{
    test_refused();
    test_blocks();
    test_clean_end();
    return check_report("capture_unit");
}
