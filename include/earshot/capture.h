/* Earshot: the capture side of the engine, shared by every audio source
 * (the PortAudio callback live, the file reader in replay).
 *
 * A source hands each block of interleaved frames to es_capture_push,
 * which copies it into the next free slot of the audio ring, stamped with
 * its first frame (the stream's sample counter: the one time base) and the
 * CLOCK_MONOTONIC time of capture. When the ring is full the block is
 * dropped and counted in `overruns`; the frame counter still advances, so
 * later time stamps stay right and the consumer sees the gap.
 * es_capture_push never blocks, allocates, locks or makes a system call
 * (clock_gettime is served by the vDSO on Linux), so it may run in an
 * audio callback. All memory is allocated by es_capture_create. */
#ifndef EARSHOT_CAPTURE_H
#define EARSHOT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/ring.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ES_BLOCK_GAP = 1u << 0, /* frames were lost just before this block */
    ES_BLOCK_END = 1u << 1  /* end of stream: no samples, nothing after */
};

/* The head of every element of the audio ring; `frames` x `channels`
 * interleaved float samples follow it (es_block_samples). */
typedef struct {
    int64_t frame0;          /* stream frame of the first sample */
    uint32_t frames;         /* frames in the block, <= block_frames */
    uint32_t flags;          /* ES_BLOCK_* */
    double capture_mono_s;   /* CLOCK_MONOTONIC when the block arrived */
    double capture_unix_s;   /* CLOCK_REALTIME at the same moment */
} es_block;

static inline const float *es_block_samples(const es_block *b)
{
    return (const float *)(const void *)(b + 1);
}

typedef struct es_capture_s *es_capture;

typedef struct {
    int channels;            /* of the stream */
    size_t block_frames;     /* largest block a source pushes */
    uint32_t ring_blocks;    /* audio ring capacity, a power of two */
} es_capture_config;

es_capture es_capture_create(const es_capture_config *cfg, es_error *err);

/* Producer side (one thread or callback). Copies `frames` interleaved
 * frames (frames <= block_frames; samples may be NULL for silence) into
 * the ring. Returns 1 if queued, 0 if the ring was full and the block was
 * dropped (counted as an overrun). */
int es_capture_push(es_capture c, const float *samples, size_t frames);

/* Producer side: marks the end of the stream (waits for a free slot only
 * if `wait`; returns 0 if it could not be queued). The end block carries
 * ES_BLOCK_GAP too when blocks were dropped just before it: test flags
 * with `&`. */
int es_capture_end(es_capture c, int wait);

/* Producer side: `frames` frames were lost at the source (the device was
 * gone for a while and has been reopened): advances the frame counter
 * without queuing anything, so the next block starts that much later and
 * the consumer sees the jump in frame0 (a restart, not a splice). Not an
 * overrun. Added for the live source (engine/source_portaudio.c). */
void es_capture_skip(es_capture c, int64_t frames);

/* Producer side, NOT from an audio callback (it makes a system call): wakes
 * a consumer waiting in es_capture_wait. Thread producers (the file reader,
 * the live relay) call it after pushing; es_capture_end calls it. */
void es_capture_notify(es_capture c);

/* Consumer side (the analysis thread). */
es_ring es_capture_ring(es_capture c);

/* Consumer side: waits until a producer notifies or timeout_s passes (a
 * producer that cannot notify is still seen, by the timeout). */
void es_capture_wait(es_capture c, double timeout_s);

/* Either side, any thread. */
uint64_t es_capture_overruns(es_capture c);   /* blocks dropped */
int64_t es_capture_frames(es_capture c);      /* frames captured or dropped */
int es_capture_channels(es_capture c);
size_t es_capture_block_frames(es_capture c);
/* UNIX time of frame 0 (set by the first push; 0 before it). */
double es_capture_start_unix_s(es_capture c);

void es_capture_destroy(es_capture *c);

#ifdef __cplusplus
}
#endif
#endif
