/* Single-producer single-consumer lock-free ring (see
 * include/earshot/ring.h). The two indices sit on their own cache lines so
 * the producer and the consumer do not fight over one. */
#include "earshot/ring.h"

#include "ring_internal.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#define CACHE_LINE 64

struct es_ring_s {
    alignas(CACHE_LINE) _Atomic uint32_t write; /* next slot to fill */
    alignas(CACHE_LINE) _Atomic uint32_t read;  /* next slot to read */
    alignas(CACHE_LINE) uint32_t capacity;
    uint32_t mask;
    size_t stride;                              /* padded element size */
    unsigned char *mem;
};

static int capacity_ok(uint32_t capacity)
{
    return capacity >= 2 && capacity <= (1u << 30) && (capacity & (capacity - 1)) == 0;
}

/* 0 for a shape es_ring_create refuses, and when the padded size or the
 * product would not fit in a size_t: a wrapped size would make the caller
 * allocate too little, and a ring of aliased slots. */
size_t es_ring_mem_bytes(uint32_t capacity, size_t elem_size)
{
    if (!capacity_ok(capacity) || elem_size == 0 || elem_size > SIZE_MAX - (CACHE_LINE - 1))
        return 0;
    size_t stride = (elem_size + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    if (stride > SIZE_MAX / capacity)
        return 0;
    return (size_t)capacity * stride;
}

es_ring es_ring_create(const es_ring_config *cfg, es_error *err)
{
    if (cfg == NULL || !capacity_ok(cfg->capacity) || cfg->elem_size == 0 ||
        cfg->memory == NULL) {
        es_error_set(err, ES_EINVAL,
                     "ring: capacity must be a power of two in 2..2^30, with element size "
                     "and memory given");
        return NULL;
    }
    size_t bytes = es_ring_mem_bytes(cfg->capacity, cfg->elem_size);
    if (bytes == 0) {
        es_error_set(err, ES_EINVAL, "ring: %u elements of %zu bytes do not fit in memory",
                     cfg->capacity, cfg->elem_size);
        return NULL;
    }
    if (((uintptr_t)cfg->memory % alignof(max_align_t)) != 0) {
        es_error_set(err, ES_EINVAL, "ring: memory is not aligned for any element type");
        return NULL;
    }
    es_ring r = aligned_alloc(CACHE_LINE, (sizeof *r + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
    if (r == NULL) {
        es_error_set(err, ES_ENOMEM, "ring: out of memory");
        return NULL;
    }
    atomic_init(&r->write, 0);
    atomic_init(&r->read, 0);
    r->capacity = cfg->capacity;
    r->mask = cfg->capacity - 1;
    r->stride = bytes / cfg->capacity;
    r->mem = cfg->memory;
    return r;
}

void *es_ring_write_slot(es_ring r)
{
    uint32_t w = atomic_load_explicit(&r->write, memory_order_relaxed);
    uint32_t rd = atomic_load_explicit(&r->read, memory_order_acquire);
    if (w - rd >= r->capacity)
        return NULL;
    return r->mem + (size_t)(w & r->mask) * r->stride;
}

void es_ring_write_commit(es_ring r)
{
    uint32_t w = atomic_load_explicit(&r->write, memory_order_relaxed);
    atomic_store_explicit(&r->write, w + 1, memory_order_release);
}

const void *es_ring_read_slot(es_ring r)
{
    uint32_t rd = atomic_load_explicit(&r->read, memory_order_relaxed);
    uint32_t w = atomic_load_explicit(&r->write, memory_order_acquire);
    if (w == rd)
        return NULL;
    return r->mem + (size_t)(rd & r->mask) * r->stride;
}

void es_ring_read_release(es_ring r)
{
    uint32_t rd = atomic_load_explicit(&r->read, memory_order_relaxed);
    atomic_store_explicit(&r->read, rd + 1, memory_order_release);
}

uint32_t es_ring_fill(es_ring r)
{
    /* The read index first: the write index, loaded after it, can only be
     * at or past it, so the difference never wraps below zero. From a
     * third thread (a health report) the read index may have moved on
     * while the write index was loaded, so the difference can exceed the
     * capacity: clamp it, or es_ring_space would wrap to ~4e9. */
    uint32_t rd = atomic_load_explicit(&r->read, memory_order_acquire);
    uint32_t w = atomic_load_explicit(&r->write, memory_order_acquire);
    uint32_t fill = w - rd;
    return fill < r->capacity ? fill : r->capacity;
}

uint32_t es_ring_space(es_ring r)
{
    return r->capacity - es_ring_fill(r);
}

uint32_t es_ring_capacity(es_ring r)
{
    return r->capacity;
}

void es_ring_test_start_at(es_ring r, uint32_t index)
{
    atomic_store_explicit(&r->write, index, memory_order_relaxed);
    atomic_store_explicit(&r->read, index, memory_order_relaxed);
}

void es_ring_destroy(es_ring *r)
{
    if (r == NULL || *r == NULL)
        return;
    free(*r);
    *r = NULL;
}
