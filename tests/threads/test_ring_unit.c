/* The SPSC ring's API edges, single-threaded: refused configurations, the
 * memory size, empty and full, capacity 2, slot addresses, FIFO order and
 * the 2^32 index wrap (through the test hook in engine/ring_internal.h).
 * Expected values are worked out by hand from the header's contract. */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "earshot/ring.h"
#include "ring_internal.h"

/* Big enough for capacity 16 of 64-byte slots; 64-byte aligned. */
static alignas(64) unsigned char memory[16 * 64 + 64];

static es_ring make(uint32_t capacity, size_t elem_size, void *mem, es_error *err)
{
    es_ring_config cfg = {.capacity = capacity, .elem_size = elem_size, .memory = mem};
    err->msg[0] = '\0';
    return es_ring_create(&cfg, err);
}

static void test_mem_bytes(void)
{
    /* Elements padded to whole 64-byte lines. */
    CHECK(es_ring_mem_bytes(2, 1) == 128, "2 x 1 B: %zu", es_ring_mem_bytes(2, 1));
    CHECK(es_ring_mem_bytes(4, 48) == 256, "4 x 48 B: %zu", es_ring_mem_bytes(4, 48));
    CHECK(es_ring_mem_bytes(8, 64) == 512, "8 x 64 B: %zu", es_ring_mem_bytes(8, 64));
    CHECK(es_ring_mem_bytes(8, 65) == 1024, "8 x 65 B: %zu", es_ring_mem_bytes(8, 65));
    CHECK(es_ring_mem_bytes(1u << 30, 1) == (size_t)1 << 36, "2^30 x 1 B: %zu",
          es_ring_mem_bytes(1u << 30, 1));
    /* Shapes es_ring_create refuses, and sizes that would wrap a size_t. */
    const uint32_t bad_caps[] = {0, 1, 3, 6, 12, 1u << 31, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof bad_caps / sizeof bad_caps[0]; i++)
        CHECK(es_ring_mem_bytes(bad_caps[i], 16) == 0, "capacity %u: %zu", bad_caps[i],
              es_ring_mem_bytes(bad_caps[i], 16));
    CHECK(es_ring_mem_bytes(8, 0) == 0, "element size 0");
    CHECK(es_ring_mem_bytes(2, SIZE_MAX) == 0, "element size SIZE_MAX");
    CHECK(es_ring_mem_bytes(2, SIZE_MAX - 62) == 0, "element size SIZE_MAX - 62");
    CHECK(es_ring_mem_bytes(1u << 30, SIZE_MAX / 4) == 0, "2^30 x SIZE_MAX/4");
}

static void expect_refused(uint32_t capacity, size_t elem_size, void *mem, const char *what)
{
    es_error err;
    es_ring r = make(capacity, elem_size, mem, &err);
    CHECK(r == NULL, "%s: accepted", what);
    CHECK(strncmp(err.msg, "ring: ", 6) == 0, "%s: reason '%s'", what, err.msg);
    es_ring_destroy(&r);
}

static void test_refused(void)
{
    es_error err = {{0}};
    CHECK(es_ring_create(NULL, &err) == NULL, "NULL config accepted");
    CHECK(err.msg[0] != '\0', "NULL config: no reason");
    CHECK(es_ring_create(NULL, NULL) == NULL, "NULL config and error accepted");
    expect_refused(0, 16, memory, "capacity 0");
    expect_refused(1, 16, memory, "capacity 1");
    expect_refused(3, 16, memory, "capacity 3");
    expect_refused(6, 16, memory, "capacity 6");
    expect_refused(1u << 31, 16, memory, "capacity 2^31");
    expect_refused(8, 0, memory, "element size 0");
    expect_refused(8, 16, NULL, "no memory");
    expect_refused(8, 16, memory + 1, "misaligned memory");
    expect_refused(2, SIZE_MAX, memory, "element size SIZE_MAX");
}

static void test_destroy(void)
{
    es_error err;
    es_ring r = make(2, 8, memory, &err);
    CHECK(r != NULL, "capacity 2: %s", err.msg);
    es_ring_destroy(&r);
    CHECK(r == NULL, "destroy did not clear the pointer");
    es_ring_destroy(&r); /* twice: harmless */
    es_ring_destroy(NULL);
}

/* Pushes `value` as a uint64_t element; 0 when full. */
static int push(es_ring r, uint64_t value)
{
    void *slot = es_ring_write_slot(r);
    if (slot == NULL)
        return 0;
    memcpy(slot, &value, sizeof value);
    es_ring_write_commit(r);
    return 1;
}

/* Pops into *value; 0 when empty. */
static int pop(es_ring r, uint64_t *value)
{
    const void *slot = es_ring_read_slot(r);
    if (slot == NULL)
        return 0;
    memcpy(value, slot, sizeof *value);
    es_ring_read_release(r);
    return 1;
}

static void check_level(es_ring r, uint32_t fill, const char *what)
{
    uint32_t cap = es_ring_capacity(r);
    CHECK(es_ring_fill(r) == fill, "%s: fill %u want %u", what, es_ring_fill(r), fill);
    CHECK(es_ring_space(r) == cap - fill, "%s: space %u want %u", what, es_ring_space(r),
          cap - fill);
    CHECK((es_ring_read_slot(r) == NULL) == (fill == 0), "%s: read slot vs fill %u", what, fill);
    CHECK((es_ring_write_slot(r) == NULL) == (fill == cap), "%s: write slot vs fill %u", what,
          fill);
}

static void test_capacity2(void)
{
    es_error err;
    es_ring r = make(2, sizeof(uint64_t), memory, &err);
    CHECK(r != NULL, "capacity 2: %s", err.msg);
    if (r == NULL)
        return;
    CHECK(es_ring_capacity(r) == 2, "capacity %u", es_ring_capacity(r));
    check_level(r, 0, "new");
    /* The slot of a not yet committed write stays the same until commit;
     * the first two are the first two 64-byte lines of the memory. */
    void *s0 = es_ring_write_slot(r);
    CHECK(s0 == memory, "first slot %p, memory %p", s0, (void *)memory);
    CHECK(es_ring_write_slot(r) == s0, "write slot moved without a commit");
    check_level(r, 0, "slot taken, not committed");
    CHECK(push(r, 11), "first push refused");
    CHECK(es_ring_write_slot(r) == memory + 64, "second slot %p", es_ring_write_slot(r));
    check_level(r, 1, "one in");
    CHECK(es_ring_read_slot(r) == memory, "read slot %p", es_ring_read_slot(r));
    CHECK(push(r, 22), "second push refused");
    check_level(r, 2, "full");
    CHECK(!push(r, 33), "push into a full ring accepted");
    check_level(r, 2, "still full");
    uint64_t v = 0;
    CHECK(pop(r, &v) && v == 11, "first pop: %llu", (unsigned long long)v);
    check_level(r, 1, "one out");
    /* The freed slot is the first one again. */
    CHECK(es_ring_write_slot(r) == memory, "wrapped write slot %p", es_ring_write_slot(r));
    CHECK(pop(r, &v) && v == 22, "second pop: %llu", (unsigned long long)v);
    check_level(r, 0, "empty again");
    CHECK(!pop(r, &v), "pop from an empty ring succeeded");
    /* Many laps at every fill level: FIFO order and levels stay right. */
    uint64_t next_in = 100, next_out = 100;
    for (int lap = 0; lap < 1000; lap++) {
        int n = 1 + lap % 2;
        for (int i = 0; i < n; i++)
            CHECK(push(r, next_in++), "lap %d: push refused", lap);
        check_level(r, (uint32_t)n, "lap filled");
        for (int i = 0; i < n; i++) {
            CHECK(pop(r, &v) && v == next_out, "lap %d: popped %llu want %llu", lap,
                  (unsigned long long)v, (unsigned long long)next_out);
            next_out++;
        }
    }
    check_level(r, 0, "after laps");
    es_ring_destroy(&r);
}

/* Slots are capacity distinct 64-byte-strided addresses inside the memory,
 * visited in order and again after a lap. */
static void test_slots(void)
{
    es_error err;
    es_ring r = make(16, 48, memory, &err);
    CHECK(r != NULL, "capacity 16: %s", err.msg);
    if (r == NULL)
        return;
    for (uint32_t i = 0; i < 40; i++) {
        unsigned char *w = es_ring_write_slot(r);
        CHECK(w == memory + 64 * (i % 16), "write %u at offset %td", i, w - memory);
        memset(w, (int)(i & 0xFF), 48);
        es_ring_write_commit(r);
        const unsigned char *rd = es_ring_read_slot(r);
        CHECK(rd == w, "read %u at offset %td", i, rd - memory);
        CHECK(rd[0] == (i & 0xFF) && rd[47] == (i & 0xFF), "element %u bytes", i);
        es_ring_read_release(r);
    }
    /* Fill completely: 16 distinct slots, then refused. */
    for (uint64_t i = 0; i < 16; i++)
        CHECK(push(r, i), "push %llu of 16 refused", (unsigned long long)i);
    check_level(r, 16, "capacity 16 full");
    uint64_t v = 0;
    for (uint64_t i = 0; i < 16; i++)
        CHECK(pop(r, &v) && v == i, "pop %llu: %llu", (unsigned long long)i,
              (unsigned long long)v);
    check_level(r, 0, "capacity 16 empty");
    es_ring_destroy(&r);
}

/* Free-running indices across 2^32: levels and order must not notice. */
static void test_wrap(uint32_t capacity, uint32_t start)
{
    es_error err;
    es_ring r = make(capacity, sizeof(uint64_t), memory, &err);
    CHECK(r != NULL, "wrap ring: %s", err.msg);
    if (r == NULL)
        return;
    es_ring_test_start_at(r, start);
    check_level(r, 0, "wrap start");
    /* The slot is index & mask: where the index says, not slot 0. */
    CHECK(es_ring_write_slot(r) == memory + 64 * (start & (capacity - 1)),
          "start slot offset %td", (unsigned char *)es_ring_write_slot(r) - memory);
    uint64_t next_in = 0, next_out = 0, v = 0;
    for (int round = 0; round < 3 * (int)capacity; round++) {
        for (uint32_t i = 0; i <= capacity && push(r, next_in); i++) /* bounded: */
            next_in++;                                                 /* a bug must not hang */
        check_level(r, capacity, "wrap full");
        for (uint32_t i = 0; i < capacity / 2 + 1; i++) {
            CHECK(pop(r, &v) && v == next_out, "wrap pop %llu: %llu",
                  (unsigned long long)next_out, (unsigned long long)v);
            next_out++;
        }
        check_level(r, capacity - capacity / 2 - 1, "wrap part");
    }
    for (uint32_t i = 0; i <= capacity && pop(r, &v); i++) {
        CHECK(v == next_out, "wrap drain %llu: %llu", (unsigned long long)next_out,
              (unsigned long long)v);
        next_out++;
    }
    CHECK(next_out == next_in, "wrap: %llu in, %llu out", (unsigned long long)next_in,
          (unsigned long long)next_out);
    /* The write index went from start past 2^32. */
    CHECK((uint64_t)start + next_in > UINT32_MAX, "wrap not crossed (start %u, %llu items)",
          start, (unsigned long long)next_in);
    check_level(r, 0, "wrap end");
    es_ring_destroy(&r);
}

int main(void)
{
    test_mem_bytes();
    test_refused();
    test_destroy();
    test_capacity2();
    test_slots();
    test_wrap(2, UINT32_MAX);
    test_wrap(8, UINT32_MAX - 3);
    test_wrap(16, UINT32_MAX - 16);
    return check_report("ring_unit");
}
