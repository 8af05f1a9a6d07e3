/* Earshot simulator: thunder after Few's model: the lightning channel is a
 * tortuous line of short straight segments; each segment radiates an N-wave
 * whose length is set by the channel's energy per metre, mostly
 * perpendicular to itself; a microphone hears the superposition, each
 * N-wave at its own distance and arrival time, for seconds.
 * (Few 1969, JGR 74, 6926; Few 1970, JGR 75, 6973; Rakov & Uman, Lightning:
 * Physics and Effects, 2003, ch. 11.) */
#ifndef EARSHOT_SIM_THUNDER_H
#define EARSHOT_SIM_THUNDER_H

#include <stddef.h>

#include "rng.h"
#include "scenario.h"

typedef struct {
    double mid_m[3];          /* segment midpoint (emission point) */
    double dir[3];            /* unit direction */
    double t_emit_s;          /* after the event's origin time */
} sim_segment;

typedef struct {
    sim_segment *seg;
    size_t n;
    double nwave_s;           /* N-wave duration */
    double beam_rad;          /* half-width of the radiation beam about the normal plane */
    double peak_pa;           /* per segment at 1 m, perpendicular */
} sim_channel;

/* Builds the channel of a thunder event (strike point ev->pos_m). */
int sim_thunder_channel(sim_channel *ch, const sim_event *ev, double c_mps, double pressure_kpa,
                        sim_rng *rng);
void sim_thunder_free(sim_channel *ch);

/* Amplitude factor of a segment toward a direction (unit vector from the
 * segment to the microphone): 1 in the plane normal to the segment, 0.1
 * along it. */
double sim_thunder_directivity(const sim_channel *ch, const double seg_dir[3],
                               const double to_mic[3]);

#endif
