/* Test-only access to the SPSC ring (engine/ring.c); not part of the public
 * API and never called by the engine. */
#ifndef EARSHOT_RING_INTERNAL_H
#define EARSHOT_RING_INTERNAL_H

#include <stdint.h>

#include "earshot/ring.h"

/* Sets both free-running indices to `index` (the ring stays empty), so a
 * test can cross the 2^32 wrap without pushing 4e9 elements. Only on a ring
 * that is empty and that no other thread uses yet: the threads started
 * after this call see it through pthread_create's synchronisation. */
void es_ring_test_start_at(es_ring r, uint32_t index);

#endif
