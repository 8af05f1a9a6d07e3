/* Capture push under a producer thread and a consumer thread.
 *
 *   test_capture_stress BLOCKS
 *
 * The producer pushes BLOCKS blocks with es_capture_push into a small ring
 * (8 blocks): block k has s(k) = 1 + hash(k) % BLOCK_FRAMES frames, and
 * sample (frame f, channel ch) is a hash of f * CHANNELS + ch, exact in a
 * float; one block in 61 is pushed as silence (NULL samples). It never
 * waits: a full ring drops the block (an overrun). Both sides pause at
 * random, and the consumer now and then stops until a block was dropped,
 * so blocks are dropped often but not always. Knowing s(k), the
 * consumer walks the block sequence itself and checks every block it gets:
 * frame0 where the sequence says, ES_BLOCK_GAP set exactly when the block's
 * frame0 skips past dropped blocks (a whole number of them), frames = s(k),
 * every sample right (no torn or stale block), the overrun counter never
 * behind the drops seen, and the end block last, at the final frame count,
 * with nothing after it. At the end the drops counted by the consumer must
 * equal es_capture_overruns and the producer's refused pushes. */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../dsp/check.h"
#include "earshot/capture.h"
#include "earshot/publisher.h"

#define CHANNELS 3
#define BLOCK_FRAMES 32
#define RING_BLOCKS 8
#define SILENT_EVERY 61

/* One per thread, each on its own cache lines. */
typedef struct {
    alignas(64) es_capture capture;
    uint64_t blocks;
    uint64_t seed;
    /* Producer results. */
    uint64_t accepted, refused;
    /* Consumer results. */
    uint64_t received, dropped, gap_blocks, end_gap;
    uint64_t bad_frame0, bad_gap, bad_frames, bad_samples, bad_overruns, bad_clock;
    uint64_t bad_end, first_bad_block;
    int64_t end_frame0;
    int got_end;
} shared;

static uint32_t block_frames_of(uint64_t k)
{
    return 1 + (uint32_t)(test_splitmix64(k ^ 0xB10C) % BLOCK_FRAMES);
}

static int silent(uint64_t k)
{
    return k % SILENT_EVERY == SILENT_EVERY - 1;
}

static float sample_of(int64_t frame, int ch)
{
    return (float)(test_splitmix64((uint64_t)frame * CHANNELS + (uint64_t)ch) & 0xFFFFFF);
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Mostly a short spin; sometimes a yield or a longer spin, so the ring
 * runs full (drops) and empty (waits) in turn. */
static void pause_randomly(uint64_t *rng, unsigned spin_max)
{
    uint64_t r = next_random(rng);
    if ((r & 15) == 0) {
        sched_yield();
        return;
    }
    unsigned n = (unsigned)((r >> 8) % spin_max);
    if ((r & 15) == 1)
        n *= 16;
    for (unsigned i = 0; i < n; i++)
        atomic_signal_fence(memory_order_seq_cst); /* a compiler barrier */
}

/* Set by the producer after its last push. Relaxed, like the overrun
 * counter: the stall below must add no happens-before edge that could hide
 * a missing one in the ring from ThreadSanitizer. */
static _Atomic int pushes_done;

static void *produce(void *arg)
{
    shared *s = arg;
    uint64_t rng = s->seed;
    float x[BLOCK_FRAMES * CHANNELS];
    int64_t frame = 0;
    for (uint64_t k = 0; k < s->blocks; k++) {
        uint32_t n = block_frames_of(k);
        for (uint32_t i = 0; i < n; i++)
            for (int ch = 0; ch < CHANNELS; ch++)
                x[i * CHANNELS + (uint32_t)ch] = sample_of(frame + i, ch);
        if (es_capture_push(s->capture, silent(k) ? NULL : x, n))
            s->accepted++;
        else
            s->refused++;
        frame += n;
        pause_randomly(&rng, 64);
    }
    atomic_store_explicit(&pushes_done, 1, memory_order_relaxed);
    if (es_capture_end(s->capture, 1) != 1)
        s->bad_end++;
    return NULL;
}

static void note_bad(shared *s, uint64_t *counter, uint64_t k)
{
    if (s->bad_frame0 + s->bad_gap + s->bad_frames + s->bad_samples + s->bad_overruns +
            s->bad_clock + s->bad_end == 0)
        s->first_bad_block = k;
    (*counter)++;
}

static int samples_ok(const es_block *b, uint64_t k)
{
    const float *x = es_block_samples(b);
    for (uint32_t i = 0; i < b->frames; i++)
        for (int ch = 0; ch < CHANNELS; ch++) {
            float want = silent(k) ? 0.0f : sample_of(b->frame0 + i, ch);
            if (x[i * CHANNELS + (uint32_t)ch] != want)
                return 0;
        }
    return 1;
}

/* Walks the producer's block sequence from block *k (starting at *frame)
 * over dropped blocks up to frame0; 0 if frame0 is not a block start. */
static int skip_dropped(uint64_t *k, int64_t *frame, int64_t frame0, uint64_t blocks,
                        uint64_t *dropped)
{
    while (*frame < frame0 && *k < blocks) {
        *frame += block_frames_of(*k);
        (*k)++;
        (*dropped)++;
    }
    return *frame == frame0;
}

/* Now and then the consumer stops until the producer has dropped a block
 * (or pushed them all), so overruns happen whatever the threads' speeds. */
static void stall_for_overrun(shared *s, uint64_t *rng)
{
    if ((next_random(rng) & 31) != 0)
        return;
    uint64_t overruns = es_capture_overruns(s->capture);
    unsigned polls = 0;
    while (es_capture_overruns(s->capture) == overruns &&
           !atomic_load_explicit(&pushes_done, memory_order_relaxed))
        if ((++polls & 15) == 0)
            sched_yield();
}

static void *consume(void *arg)
{
    shared *s = arg;
    uint64_t rng = s->seed, k = 0;
    int64_t frame = 0;
    double last_mono_s = 0.0;
    es_ring ring = es_capture_ring(s->capture);
    for (;;) {
        const es_block *b;
        unsigned polls = 0;
        while ((b = es_ring_read_slot(ring)) == NULL)
            if ((++polls & 15) == 0)
                sched_yield();
        uint64_t dropped_before = s->dropped;
        if (!skip_dropped(&k, &frame, b->frame0, s->blocks, &s->dropped))
            note_bad(s, &s->bad_frame0, k);
        int gap = s->dropped > dropped_before;
        if (gap != ((b->flags & ES_BLOCK_GAP) != 0))
            note_bad(s, &s->bad_gap, k);
        s->gap_blocks += gap;
        /* The overruns were counted before this block was published. */
        if (es_capture_overruns(s->capture) < s->dropped)
            note_bad(s, &s->bad_overruns, k);
        if (b->capture_mono_s < last_mono_s)
            note_bad(s, &s->bad_clock, k);
        last_mono_s = b->capture_mono_s;
        if (b->flags & ES_BLOCK_END) {
            s->got_end = 1;
            s->end_frame0 = b->frame0;
            s->end_gap = gap;
            if (b->frames != 0 || k != s->blocks)
                note_bad(s, &s->bad_end, k);
            es_ring_read_release(ring);
            return NULL;
        }
        if (k >= s->blocks || b->frames != block_frames_of(k))
            note_bad(s, &s->bad_frames, k);
        else if (!samples_ok(b, k))
            note_bad(s, &s->bad_samples, k);
        frame += b->frames;
        k++;
        s->received++;
        es_ring_read_release(ring);
        stall_for_overrun(s, &rng);
        pause_randomly(&rng, 96);
    }
}

int main(int argc, char **argv)
{
    uint64_t blocks = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
    if (blocks < 1000) {
        fprintf(stderr, "usage: %s BLOCKS (at least 1000)\n", argv[0]);
        return 2;
    }
    es_capture_config cfg = {.channels = CHANNELS, .block_frames = BLOCK_FRAMES,
                             .ring_blocks = RING_BLOCKS};
    es_error err;
    es_capture capture = es_capture_create(&cfg, &err);
    if (capture == NULL) {
        fprintf(stderr, "capture_stress: %s\n", err.msg);
        return 2;
    }
    int64_t total_frames = 0;
    for (uint64_t k = 0; k < blocks; k++)
        total_frames += block_frames_of(k);
    shared prod = {.capture = capture, .blocks = blocks, .seed = 0xCA97001};
    shared cons = {.capture = capture, .blocks = blocks, .seed = 0xCA97002};
    double t0 = es_clock_mono_s();
    pthread_t tp, tc;
    if (pthread_create(&tc, NULL, consume, &cons) != 0 ||
        pthread_create(&tp, NULL, produce, &prod) != 0) {
        fprintf(stderr, "capture_stress: cannot start threads\n");
        return 2; /* exiting ends a consumer left waiting */
    }
    if (pthread_join(tp, NULL) != 0 || pthread_join(tc, NULL) != 0) {
        fprintf(stderr, "capture_stress: cannot join threads\n");
        return 2;
    }
    double wall_s = es_clock_mono_s() - t0;
    uint64_t overruns = es_capture_overruns(capture);
    int64_t frames = es_capture_frames(capture);

    printf("capture_stress: %" PRIu64 " blocks in %.2f s (%.2f M blocks/s): %" PRIu64
           " received, %" PRIu64 " dropped in %" PRIu64 " gaps, %" PRIu64 " overruns\n",
           blocks, wall_s, wall_s > 0 ? 1e-6 * (double)blocks / wall_s : 0.0, cons.received,
           cons.dropped, cons.gap_blocks, overruns);

    CHECK(prod.bad_end == 0, "es_capture_end(wait) failed");
    CHECK(cons.got_end, "no end block");
    CHECK(cons.bad_frame0 + cons.bad_gap + cons.bad_frames + cons.bad_samples +
                  cons.bad_overruns + cons.bad_clock + cons.bad_end ==
              0,
          "bad blocks: frame0 %" PRIu64 ", gap flag %" PRIu64 ", frames %" PRIu64
          ", samples %" PRIu64 ", overruns behind %" PRIu64 ", clock %" PRIu64 ", end %" PRIu64
          "; first at block %" PRIu64,
          cons.bad_frame0, cons.bad_gap, cons.bad_frames, cons.bad_samples, cons.bad_overruns,
          cons.bad_clock, cons.bad_end, cons.first_bad_block);
    CHECK(cons.dropped == overruns && prod.refused == overruns,
          "dropped %" PRIu64 " (consumer), %" PRIu64 " (producer), overruns %" PRIu64,
          cons.dropped, prod.refused, overruns);
    CHECK(cons.received == prod.accepted && cons.received + cons.dropped == blocks,
          "received %" PRIu64 ", accepted %" PRIu64 ", dropped %" PRIu64 ", pushed %" PRIu64,
          cons.received, prod.accepted, cons.dropped, blocks);
    CHECK(cons.end_frame0 == frames && frames == total_frames,
          "end at frame %lld, %lld frames counted, %lld pushed", (long long)cons.end_frame0,
          (long long)frames, (long long)total_frames);
    CHECK(es_ring_read_slot(es_capture_ring(capture)) == NULL, "a block after the end");
    /* Both regimes happened, many times: drops and clean runs. */
    CHECK(cons.gap_blocks >= blocks / 1000 && cons.received >= blocks / 10,
          "too few gaps (%" PRIu64 ") or receptions (%" PRIu64 ") to test anything",
          cons.gap_blocks, cons.received);

    es_capture_destroy(&capture);
    return check_report("capture_stress");
}
