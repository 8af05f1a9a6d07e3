/* The capture side shared by every audio source (see
 * include/earshot/capture.h). */
#include "earshot/capture.h"

#include <math.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct es_capture_s {
    es_capture_config cfg;
    es_ring ring;
    void *ring_mem;
    size_t elem_bytes;
    int wake_fd;                 /* eventfd: producer threads wake the consumer */
    _Atomic uint64_t overruns;
    _Atomic int64_t frames;
    _Atomic uint32_t gap;        /* a block was dropped since the last push */
    _Atomic double start_unix_s;
};

/* 0.0 if the clock cannot be read (it always can on Linux). */
static double clock_s(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) /* vDSO on Linux: no system call */
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

es_capture es_capture_create(const es_capture_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->channels < 1 || cfg->channels > 1024 || cfg->block_frames < 1 ||
        cfg->block_frames > 65536) {
        es_error_set(err, ES_EINVAL, "capture: 1..1024 channels and 1..65536 frames per block");
        return NULL;
    }
    es_capture c = calloc(1, sizeof *c);
    if (c == NULL) {
        es_error_set(err, ES_ENOMEM, "capture: out of memory");
        return NULL;
    }
    c->cfg = *cfg;
    c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (c->wake_fd < 0) {
        es_error_set(err, ES_EIO, "capture: eventfd failed");
        free(c);
        return NULL;
    }
    c->elem_bytes = sizeof(es_block) + cfg->block_frames * (size_t)cfg->channels * sizeof(float);
    size_t bytes = es_ring_mem_bytes(cfg->ring_blocks, c->elem_bytes);
    if (bytes == 0) {
        es_error_set(err, ES_EINVAL, "capture: ring_blocks must be a power of two in 2..2^30 "
                     "(got %u)", cfg->ring_blocks);
        es_capture_destroy(&c);
        return NULL;
    }
    c->ring_mem = aligned_alloc(64, bytes);
    es_ring_config rc = {.capacity = cfg->ring_blocks, .elem_size = c->elem_bytes,
                         .memory = c->ring_mem};
    c->ring = c->ring_mem ? es_ring_create(&rc, err) : NULL;
    if (c->ring == NULL) {
        if (c->ring_mem == NULL)
            es_error_set(err, ES_ENOMEM, "capture: out of memory for %u blocks of %zu bytes",
                         cfg->ring_blocks, c->elem_bytes);
        es_capture_destroy(&c);
        return NULL;
    }
    memset(c->ring_mem, 0, bytes); /* touch every page now, not in the callback */
    atomic_init(&c->overruns, 0);
    atomic_init(&c->frames, 0);
    atomic_init(&c->gap, 0);
    atomic_init(&c->start_unix_s, 0.0);
    return c;
}

int es_capture_push(es_capture c, const float *samples, size_t frames)
{
    if (frames > c->cfg.block_frames)
        frames = c->cfg.block_frames; /* a source bug must not overflow the slot */
    int64_t frame0 = atomic_load_explicit(&c->frames, memory_order_relaxed);
    double mono_s = clock_s(CLOCK_MONOTONIC), unix_s = clock_s(CLOCK_REALTIME);
    if (frame0 == 0 && atomic_load_explicit(&c->start_unix_s, memory_order_relaxed) == 0.0)
        atomic_store_explicit(&c->start_unix_s, unix_s, memory_order_relaxed);
    atomic_store_explicit(&c->frames, frame0 + (int64_t)frames, memory_order_release);
    es_block *b = es_ring_write_slot(c->ring);
    if (b == NULL) {
        atomic_fetch_add_explicit(&c->overruns, 1, memory_order_relaxed);
        atomic_store_explicit(&c->gap, 1, memory_order_relaxed);
        return 0;
    }
    b->frame0 = frame0;
    b->frames = (uint32_t)frames;
    b->flags = atomic_exchange_explicit(&c->gap, 0, memory_order_relaxed) ? ES_BLOCK_GAP : 0;
    b->capture_mono_s = mono_s;
    b->capture_unix_s = unix_s;
    float *dst = (float *)(void *)(b + 1);
    size_t n = frames * (size_t)c->cfg.channels;
    if (samples != NULL)
        memcpy(dst, samples, n * sizeof *dst);
    else
        memset(dst, 0, n * sizeof *dst);
    es_ring_write_commit(c->ring);
    return 1;
}

int es_capture_end(es_capture c, int wait)
{
    es_block *b;
    while ((b = es_ring_write_slot(c->ring)) == NULL) {
        if (!wait)
            return 0;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    memset(b, 0, sizeof *b);
    b->frame0 = atomic_load_explicit(&c->frames, memory_order_relaxed);
    /* Blocks dropped just before the end leave a gap the consumer must see
     * flagged, as on any other block. */
    b->flags = ES_BLOCK_END |
               (atomic_exchange_explicit(&c->gap, 0, memory_order_relaxed) ? ES_BLOCK_GAP : 0);
    b->capture_mono_s = clock_s(CLOCK_MONOTONIC);
    b->capture_unix_s = clock_s(CLOCK_REALTIME);
    es_ring_write_commit(c->ring);
    es_capture_notify(c);
    return 1;
}

void es_capture_notify(es_capture c)
{
    uint64_t one = 1;
    ssize_t w = write(c->wake_fd, &one, sizeof one); /* a saturated count still wakes */
    (void)w;
}

void es_capture_wait(es_capture c, double timeout_s)
{
    struct pollfd p = {.fd = c->wake_fd, .events = POLLIN};
    int timeout_ms = timeout_s > 0.0 ? (int)ceil(timeout_s * 1000.0) : 0;
    if (poll(&p, 1, timeout_ms) > 0) {
        uint64_t count;
        ssize_t r = read(c->wake_fd, &count, sizeof count);
        (void)r;
    }
}

void es_capture_skip(es_capture c, int64_t frames)
{
    if (frames <= 0)
        return;
    int64_t f = atomic_load_explicit(&c->frames, memory_order_relaxed);
    atomic_store_explicit(&c->frames, f + frames, memory_order_release);
}

es_ring es_capture_ring(es_capture c)
{
    return c->ring;
}

uint64_t es_capture_overruns(es_capture c)
{
    return atomic_load_explicit(&c->overruns, memory_order_relaxed);
}

int64_t es_capture_frames(es_capture c)
{
    return atomic_load_explicit(&c->frames, memory_order_acquire);
}

int es_capture_channels(es_capture c)
{
    return c->cfg.channels;
}

size_t es_capture_block_frames(es_capture c)
{
    return c->cfg.block_frames;
}

double es_capture_start_unix_s(es_capture c)
{
    return atomic_load_explicit(&c->start_unix_s, memory_order_relaxed);
}

void es_capture_destroy(es_capture *c)
{
    if (c == NULL || *c == NULL)
        return;
    es_ring_destroy(&(*c)->ring);
    if ((*c)->wake_fd >= 0)
        close((*c)->wake_fd);
    free((*c)->ring_mem);
    free(*c);
    *c = NULL;
}
