/* Earshot simulator: the sources. Per-type defaults (levels, durations,
 * with what they are anchored on, in source.c) and the analytic waveforms,
 * evaluated at any time so each arrival can be placed at its exact
 * fractional sample time. Every waveform is zero for t <= 0. Pressures in Pa
 * at 1 m. */
#ifndef EARSHOT_SIM_SOURCE_H
#define EARSHOT_SIM_SOURCE_H

#include "scenario.h"

/* Fills the type's defaults into ev (type must be set). */
void sim_source_defaults(sim_event *ev);
int sim_type_from_name(const char *name, sim_type *t);
const char *sim_type_kind(sim_type t);    /* "launch", "impact", "unknown" */
const char *sim_type_class(sim_type t);   /* "mortar", ..., "unknown" */
int sim_type_is_blast(sim_type t);        /* Friedlander-type first arrival */

/* Blast: a linear rise to the peak over rise_s, then a Friedlander decay
 * p = P (1 - t'/T) exp(-b t'/T) (Friedlander 1946; Baker, Explosions in
 * Air, 1973). b is chosen so the whole pulse has zero mean, as a far-field
 * acoustic pulse must (the pressure radiated by a compact source is the
 * time derivative of its volume flow, which starts and ends at rest). */
typedef struct {
    double peak_pa, rise_s, t_pos_s, b;
} sim_blast;

void sim_blast_init(sim_blast *w, double peak_pa, double rise_s, double t_pos_s);
double sim_blast_eval(const sim_blast *w, double t);
double sim_blast_length_s(const sim_blast *w);   /* after which |p| < 1e-9 P */

/* N-wave: +P at the front shock, a linear fall to -P, back to zero at the
 * rear shock; both shocks rise over rise_s. Zero mean. */
typedef struct {
    double peak_pa, rise_s, duration_s;
} sim_nwave;

double sim_nwave_eval(const sim_nwave *w, double t);

/* Thump: a damped ring A sin(2 pi f t) exp(-t / tau), peak P, down 60 dB
 * after duration_s. */
typedef struct {
    double amp, omega, tau_s, length_s;
} sim_thump;

void sim_thump_init(sim_thump *w, double peak_pa, double f_hz, double duration_s);
double sim_thump_eval(const sim_thump *w, double t);

double sim_db_to_pa(double db_spl);

#endif
