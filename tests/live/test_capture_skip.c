/* es_capture_skip (the live source's outage): the frame counter jumps by
 * exactly the frames skipped, the next block starts there, nothing is
 * queued for the skip and it is not counted as an overrun. */
#include <stdio.h>

#include "earshot/capture.h"

#define CHECK(c, ...)                                                                   \
    do {                                                                               \
        if (!(c)) {                                                                    \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
            fprintf(stderr, __VA_ARGS__);                                              \
            fprintf(stderr, "\n");                                                     \
            return 1;                                                                  \
        }                                                                              \
    } while (0)

int main(void)
{
    es_error err = {{0}};
    es_capture_config cc = {.channels = 2, .block_frames = 128, .ring_blocks = 8};
    es_capture c = es_capture_create(&cc, &err);
    CHECK(c != NULL, "create: %s", err.msg);
    float block[256] = {0};
    CHECK(es_capture_push(c, block, 128) == 1, "first push");
    es_capture_skip(c, 48000);
    es_capture_skip(c, 0);   /* nothing */
    es_capture_skip(c, -5);  /* nothing */
    CHECK(es_capture_frames(c) == 128 + 48000, "frames %lld", (long long)es_capture_frames(c));
    CHECK(es_capture_push(c, block, 64) == 1, "second push");
    es_ring r = es_capture_ring(c);
    CHECK(es_ring_fill(r) == 2, "fill %u: the skip queued something", es_ring_fill(r));
    const es_block *b = es_ring_read_slot(r);
    CHECK(b->frame0 == 0 && b->frames == 128, "block 1: %lld %u", (long long)b->frame0, b->frames);
    es_ring_read_release(r);
    b = es_ring_read_slot(r);
    CHECK(b->frame0 == 128 + 48000 && b->frames == 64, "block 2 starts at %lld", (long long)b->frame0);
    es_ring_read_release(r);
    CHECK(es_capture_overruns(c) == 0, "an outage is not an overrun");
    CHECK(es_capture_frames(c) == 128 + 48000 + 64, "frames after");
    es_capture_destroy(&c);
    CHECK(c == NULL, "destroy");
    printf("capture_skip: ok\n");
    return 0;
}
