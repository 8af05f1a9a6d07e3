/* Earshot: a single-producer single-consumer lock-free ring of fixed-size
 * elements, the only way audio and events move between threads.
 *
 * Free-running 32-bit write and read indices (they wrap at 2^32, the
 * difference is the fill level); capacity a power of two; each side loads
 * its own index relaxed and the other's with acquire, and publishes its own
 * with release, so a consumer that sees an element also sees its bytes.
 * The element memory belongs to the caller (es_ring_mem_bytes tells how
 * much), so a ring can live in memory allocated once at start-up.
 *
 * Writing and reading are zero-copy: the producer fills the slot that
 * es_ring_write_slot returns, then es_ring_write_commit publishes it; the
 * consumer reads es_ring_read_slot, then es_ring_read_release frees it.
 * Nothing here blocks, allocates, locks or makes a system call, so the
 * producer side may run in an audio callback. Exactly one thread may write
 * and exactly one may read. */
#ifndef EARSHOT_RING_H
#define EARSHOT_RING_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_ring_s *es_ring;

typedef struct {
    uint32_t capacity;      /* elements, a power of two, 2 .. 2^30 */
    size_t elem_size;       /* bytes per element, > 0 */
    void *memory;           /* es_ring_mem_bytes(capacity, elem_size)
                               bytes, aligned for any element type; owned
                               by the caller, outlives the ring */
} es_ring_config;

/* Bytes of element memory a ring of this shape needs (elements are padded
 * to a multiple of 64 bytes so slots never share a cache line when the
 * memory is 64-byte aligned); 0 for a shape es_ring_create refuses or one
 * too large for a size_t. */
size_t es_ring_mem_bytes(uint32_t capacity, size_t elem_size);

es_ring es_ring_create(const es_ring_config *cfg, es_error *err);

/* Producer: a free slot to fill, or NULL when the ring is full. */
void *es_ring_write_slot(es_ring r);
/* Producer: publishes the slot returned by the last es_ring_write_slot. */
void es_ring_write_commit(es_ring r);

/* Consumer: the oldest element, or NULL when the ring is empty. */
const void *es_ring_read_slot(es_ring r);
/* Consumer: frees the element returned by the last es_ring_read_slot. */
void es_ring_read_release(es_ring r);

/* Elements waiting (consumer's view) and free slots (producer's view);
 * either may be stale by the time it is used, never wrong in the unsafe
 * direction for the side that asks. Another thread may ask too (a health
 * report): it gets a value in 0..capacity. */
uint32_t es_ring_fill(es_ring r);
uint32_t es_ring_space(es_ring r);
uint32_t es_ring_capacity(es_ring r);

void es_ring_destroy(es_ring *r);

#ifdef __cplusplus
}
#endif
#endif
