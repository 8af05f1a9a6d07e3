/* Thunder channel geometry and N-wave parameters (see thunder.h, source.c). */
#include "thunder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "simconst.h"

/* Return strokes climb at about a third of the speed of light (Rakov &
 * Uman 2003, ch. 4). */
static const double return_stroke_mps = 1.0e8;

int sim_thunder_channel(sim_channel *ch, const sim_event *ev, double c_mps, double pressure_kpa,
                        sim_rng *rng)
{
    memset(ch, 0, sizeof *ch);
    size_t cap = (size_t)(4.0 * ev->channel_top_m / ev->segment_m) + 16;
    ch->seg = malloc(cap * sizeof *ch->seg);
    if (ch->seg == NULL)
        return -1;
    double r0 = sqrt(ev->energy_j_per_m / (pressure_kpa * 1000.0)); /* relaxation radius */
    double f_m = 0.63 * c_mps / r0;
    ch->nwave_s = 0.66 / f_m;  /* an N-wave of length T peaks at f T = 0.66 */
    double lambda = c_mps / f_m;
    ch->beam_rad = fmin(1.0, lambda / ev->segment_m);
    ch->peak_pa = SIM_P_REF_PA * pow(10.0, ev->level_db / 20.0);
    double p[3] = {ev->pos_m[0], ev->pos_m[1], 0.0}, s = 0.0;
    while (p[2] < ev->channel_top_m && ch->n < cap) {
        double zen = fabs(20.0 * SIM_DEG * sim_rng_normal(rng));
        double az = 2.0 * SIM_PI * sim_rng_uniform(rng);
        double d[3] = {sin(zen) * sin(az), sin(zen) * cos(az), cos(zen)};
        sim_segment *g = &ch->seg[ch->n++];
        for (int k = 0; k < 3; k++) {
            g->dir[k] = d[k];
            g->mid_m[k] = p[k] + 0.5 * ev->segment_m * d[k];
            p[k] += ev->segment_m * d[k];
        }
        g->t_emit_s = (s + 0.5 * ev->segment_m) / return_stroke_mps;
        s += ev->segment_m;
    }
    return 0;
}

void sim_thunder_free(sim_channel *ch)
{
    free(ch->seg);
    ch->seg = NULL;
    ch->n = 0;
}

double sim_thunder_directivity(const sim_channel *ch, const double seg_dir[3],
                               const double to_mic[3])
{
    double c = fabs(seg_dir[0] * to_mic[0] + seg_dir[1] * to_mic[1] + seg_dir[2] * to_mic[2]);
    double off = asin(fmin(1.0, c)); /* angle out of the normal plane */
    double x = off / ch->beam_rad;
    return 0.1 + 0.9 * exp(-x * x);
}
