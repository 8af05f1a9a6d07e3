/* Earshot simulator: a portable pseudo-random generator (xoshiro256**,
 * seeded through splitmix64), so the same seed gives the same scene on any
 * machine. Independent streams are derived from (seed, stream id), so adding
 * an event or a sensor does not change the noise of the others. */
#ifndef EARSHOT_SIM_RNG_H
#define EARSHOT_SIM_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
    int has_spare;           /* polar method makes normals in pairs */
    double spare;
} sim_rng;

/* Stream ids: keep them distinct per purpose. */
enum {
    SIM_STREAM_SENSORS = 1,
    SIM_STREAM_EVENT = 0x1000,     /* + event index */
    SIM_STREAM_AMBIENT = 0x2000,   /* + channel */
    SIM_STREAM_WIND = 0x3000,      /* + channel */
    SIM_STREAM_GENERATOR = 0x4000,
    SIM_STREAM_DEAD = 0x5000       /* + channel: a dead channel's noise floor */
};

void sim_rng_seed(sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t sim_rng_next(sim_rng *r);
/* Uniform in [0, 1), 53 random bits. */
double sim_rng_uniform(sim_rng *r);
/* Standard normal (Marsaglia's polar method). */
double sim_rng_normal(sim_rng *r);

#endif
