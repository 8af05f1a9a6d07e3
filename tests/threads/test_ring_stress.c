/* Producer/consumer stress of the SPSC ring with checksums.
 *
 *   test_ring_stress CAPACITY ITEMS [START_INDEX]
 *
 * The producer writes ITEMS 48-byte elements, each a sequence number and
 * five 64-bit words hashed from it (splitmix64, an independent function of
 * the sequence number only), in bursts of random size 1..CAPACITY with
 * random spins and yields between bursts, and now and then waits for the
 * ring to drain; the consumer reads in random bursts too, now and then
 * waits for the ring to fill, and checks every element in place before
 * releasing it: sequence exactly +1 (no loss, reordering or duplication) and every
 * payload word right (no torn or stale slot). Both sides count how often
 * they found the ring full or empty; the test asserts both edges were hit
 * many times, that es_ring_space/es_ring_fill were never wrong in the
 * unsafe direction, and that a third thread reading them (as a health
 * report would) always got 0..capacity. The indices start at START_INDEX (default 2^32 -
 * ITEMS/2, through the test hook) so the 2^32 wrap happens mid-stream.
 * Under ThreadSanitizer, any missing happens-before between the plain slot
 * writes and reads is reported as a race. */
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
#include "earshot/ring.h"
#include "earshot/publisher.h"
#include "ring_internal.h"

#define PAYLOAD_WORDS 5

typedef struct {
    uint64_t seq;
    uint64_t payload[PAYLOAD_WORDS];
} item; /* 48 bytes */

/* One per thread, each on its own cache lines (counters updated per item
 * must not bounce between the cores). */
typedef struct {
    alignas(64) es_ring ring;
    uint32_t capacity;
    uint64_t items;
    uint64_t seed;
    /* Results, read by main after join. */
    uint64_t edge_hits;       /* bursts cut short by a full / empty ring */
    uint64_t waits;           /* bursts that had to wait for it first */
    uint64_t wait_polls;      /* polls while waiting */
    uint64_t level_lies;      /* space/fill said go, the slot said no */
    uint64_t bad_seq, bad_payload, bad_level;
    uint64_t first_bad_at;    /* sequence of the first bad item */
    uint64_t first_bad_got;
} side;

static uint64_t payload_word(uint64_t seq, int k)
{
    return test_splitmix64(seq * PAYLOAD_WORDS + (uint64_t)k);
}

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1DULL;
}

/* Between bursts: nothing, a short spin, a longer spin or a yield, so
 * each side is sometimes faster and sometimes slower than the other. */
static void pause_randomly(uint64_t *rng)
{
    uint64_t r = next_random(rng);
    switch (r & 7) {
    case 0:
        sched_yield();
        break;
    case 1:
    case 2:
        for (uint64_t i = 0; i < ((r >> 8) & 1023); i++)
            atomic_signal_fence(memory_order_seq_cst); /* a compiler barrier */
        break;
    case 3:
        for (uint64_t i = 0; i < ((r >> 8) & 63); i++)
            atomic_signal_fence(memory_order_seq_cst);
        break;
    default:
        break;
    }
}

/* While waiting on the other side: poll, then yield, then sleep, so a wait
 * also ends soon when the other side is not running (ctest -j runs more
 * threads than there are cores). */
static void wait_a_little(uint64_t polls)
{
    if (polls < 32)
        return;
    if (polls < 128) {
        sched_yield();
        return;
    }
    struct timespec ts = {0, 20000};
    nanosleep(&ts, NULL);
}

/* Before a burst: waits until the ring has room (producer) or an element
 * (consumer), counting the wait as one hit of that edge. */
static void wait_for_slot(side *s, int producer)
{
    uint64_t polls = 0;
    while ((producer ? es_ring_write_slot(s->ring) : es_ring_read_slot(s->ring)) == NULL)
        wait_a_little(++polls);
    s->waits += polls > 0;
    s->wait_polls += polls;
}

/* Now and then a side stops until the other has driven the ring to its
 * edge (full for a stopped consumer, empty for a stopped producer), so both
 * edges are hit often whatever the two threads' relative speeds. One side
 * at a time, or each would wait for the other: the side that takes this
 * token stalls. Relaxed on purpose: the token must add no happens-before
 * edge that could hide a missing one in the ring from ThreadSanitizer. */
static _Atomic int stall_token;

static int stall_begin(uint64_t *rng)
{
    int free_token = 0;
    return (next_random(rng) & 63) == 0 &&
           atomic_compare_exchange_strong_explicit(&stall_token, &free_token, 1,
                                                   memory_order_relaxed, memory_order_relaxed);
}

static void stall_end(void)
{
    atomic_store_explicit(&stall_token, 0, memory_order_relaxed);
}

static void *produce(void *arg)
{
    side *p = arg;
    uint64_t rng = p->seed, seq = 0;
    while (seq < p->items) {
        wait_for_slot(p, 1);
        uint64_t burst = 1 + next_random(&rng) % p->capacity;
        for (uint64_t i = 0; i < burst && seq < p->items; i++) {
            /* Only now and then: es_ring_space's own acquire load would
             * otherwise hide a missing one in es_ring_write_slot. */
            uint32_t space = (seq & 7) == 0 ? es_ring_space(p->ring) : 0;
            p->bad_level += space > p->capacity;
            item *slot = es_ring_write_slot(p->ring);
            if (slot == NULL) {
                p->level_lies += space > 0;
                p->edge_hits++;
                break;
            }
            slot->seq = seq;
            for (int k = 0; k < PAYLOAD_WORDS; k++)
                slot->payload[k] = payload_word(seq, k);
            es_ring_write_commit(p->ring);
            seq++;
        }
        if (stall_begin(&rng)) {
            for (uint64_t polls = 0; es_ring_space(p->ring) < p->capacity;)
                wait_a_little(++polls);
            stall_end();
        }
        pause_randomly(&rng);
    }
    return NULL;
}

static void check_item(side *c, const item *it, uint64_t want)
{
    int torn = 0;
    for (int k = 0; k < PAYLOAD_WORDS; k++)
        torn |= it->payload[k] != payload_word(it->seq, k);
    if (it->seq != want || torn) {
        if (c->bad_seq + c->bad_payload == 0) {
            c->first_bad_at = want;
            c->first_bad_got = it->seq;
        }
        c->bad_seq += it->seq != want;
        c->bad_payload += torn;
    }
}

static void *consume(void *arg)
{
    side *c = arg;
    uint64_t rng = c->seed, seq = 0;
    while (seq < c->items) {
        wait_for_slot(c, 0);
        uint64_t burst = 1 + next_random(&rng) % c->capacity;
        for (uint64_t i = 0; i < burst && seq < c->items; i++) {
            uint32_t fill = (seq & 7) == 0 ? es_ring_fill(c->ring) : 0; /* as above */
            c->bad_level += fill > c->capacity;
            const item *it = es_ring_read_slot(c->ring);
            if (it == NULL) {
                c->level_lies += fill > 0;
                c->edge_hits++;
                break;
            }
            check_item(c, it, seq);
            es_ring_read_release(c->ring);
            seq++;
        }
        if (stall_begin(&rng)) {
            for (uint64_t polls = 0; es_ring_fill(c->ring) < c->capacity &&
                                     seq + es_ring_fill(c->ring) < c->items;)
                wait_a_little(++polls);
            stall_end();
        }
        pause_randomly(&rng);
    }
    return NULL;
}

/* A third thread reading the levels, as a health report would: both must
 * stay in 0..capacity. Polls in runs, sleeping between them, so it takes
 * little time from the two that matter. */
typedef struct {
    alignas(64) es_ring ring;
    uint32_t capacity;
    _Atomic int stop;         /* relaxed: adds no happens-before edge */
    uint64_t samples, out_of_range;
} monitor;

static void *watch(void *arg)
{
    monitor *m = arg;
    while (!atomic_load_explicit(&m->stop, memory_order_relaxed)) {
        for (int i = 0; i < 64; i++) {
            uint32_t fill = es_ring_fill(m->ring), space = es_ring_space(m->ring);
            m->out_of_range += fill > m->capacity || space > m->capacity;
            m->samples++;
        }
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s CAPACITY ITEMS [START_INDEX]\n", argv[0]);
        return 2;
    }
    uint32_t capacity = (uint32_t)strtoul(argv[1], NULL, 10);
    uint64_t items = strtoull(argv[2], NULL, 10);
    uint32_t start = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0)
                              : (uint32_t)(UINT32_MAX - items / 2);
    size_t bytes = es_ring_mem_bytes(capacity, sizeof(item));
    void *mem = bytes ? aligned_alloc(64, bytes) : NULL;
    es_error err;
    es_ring_config cfg = {.capacity = capacity, .elem_size = sizeof(item), .memory = mem};
    es_ring ring = mem ? es_ring_create(&cfg, &err) : NULL;
    if (ring == NULL || items == 0) {
        fprintf(stderr, "ring_stress: bad arguments or no ring (%s)\n", mem ? err.msg : "");
        free(mem);
        return 2;
    }
    es_ring_test_start_at(ring, start);

    side prod = {.ring = ring, .capacity = capacity, .items = items, .seed = 0x5EED0001};
    side cons = {.ring = ring, .capacity = capacity, .items = items, .seed = 0x5EED0002};
    double t0 = es_clock_mono_s();
    monitor mon = {.ring = ring, .capacity = capacity};
    atomic_init(&mon.stop, 0);
    pthread_t tp, tc, tm;
    if (pthread_create(&tc, NULL, consume, &cons) != 0 ||
        pthread_create(&tp, NULL, produce, &prod) != 0 ||
        pthread_create(&tm, NULL, watch, &mon) != 0) {
        fprintf(stderr, "ring_stress: cannot start threads\n");
        return 2; /* exiting ends a consumer left waiting */
    }
    if (pthread_join(tp, NULL) != 0 || pthread_join(tc, NULL) != 0) {
        fprintf(stderr, "ring_stress: cannot join threads\n");
        return 2;
    }
    double wall_s = es_clock_mono_s() - t0;
    atomic_store_explicit(&mon.stop, 1, memory_order_relaxed);
    if (pthread_join(tm, NULL) != 0) {
        fprintf(stderr, "ring_stress: cannot join the monitor\n");
        return 2;
    }

    printf("ring_stress: capacity %u, %" PRIu64 " items from index %u in %.2f s (%.2f M items/s)\n",
           capacity, items, start, wall_s, wall_s > 0 ? 1e-6 * (double)items / wall_s : 0.0);
    printf("ring_stress: full: %" PRIu64 " bursts cut short, %" PRIu64 " waits (%" PRIu64
           " polls); empty: %" PRIu64 " bursts cut short, %" PRIu64 " waits (%" PRIu64
           " polls)\n",
           prod.edge_hits, prod.waits, prod.wait_polls, cons.edge_hits, cons.waits,
           cons.wait_polls);
    printf("ring_stress: a third thread read the levels %" PRIu64 " times\n", mon.samples);

    CHECK(cons.bad_seq == 0 && cons.bad_payload == 0,
          "%" PRIu64 " out-of-sequence and %" PRIu64 " torn items; first at %" PRIu64
          " (got sequence %" PRIu64 ")",
          cons.bad_seq, cons.bad_payload, cons.first_bad_at, cons.first_bad_got);
    CHECK(es_ring_fill(ring) == 0 && es_ring_read_slot(ring) == NULL, "ring not empty at the end");
    CHECK(prod.level_lies == 0 && cons.level_lies == 0,
          "space/fill promised a slot that was not there: %" PRIu64 " / %" PRIu64,
          prod.level_lies, cons.level_lies);
    CHECK(prod.bad_level == 0 && cons.bad_level == 0, "space/fill above capacity");
    CHECK(mon.out_of_range == 0 && mon.samples > 0,
          "a third thread saw space/fill above capacity %" PRIu64 " times in %" PRIu64,
          mon.out_of_range, mon.samples);
    /* Both edges, often: at least once per 10^4 items each, and both mid-burst
     * (with the other side running) and as a wait. */
    uint64_t min_hits = items / 10000;
    CHECK(prod.edge_hits + prod.waits >= min_hits && prod.edge_hits > 0 && prod.waits > 0,
          "full edge hit only %" PRIu64 " + %" PRIu64 " times", prod.edge_hits, prod.waits);
    CHECK(cons.edge_hits + cons.waits >= min_hits && cons.edge_hits > 0 && cons.waits > 0,
          "empty edge hit only %" PRIu64 " + %" PRIu64 " times", cons.edge_hits, cons.waits);
    /* The 2^32 wrap of the free-running indices was crossed. */
    CHECK(start == 0 || (uint64_t)start + items > UINT32_MAX,
          "start index %u and %" PRIu64 " items do not cross 2^32", start, items);

    es_ring_destroy(&ring);
    free(mem);
    return check_report("ring_stress");
}
