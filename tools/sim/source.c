/* Source types, their defaults and their analytic waveforms.
 *
 * Levels are peak SPL at 1 m in the acoustic sense: the level a 1/r
 * (spherical spreading) extrapolation of far-field measurements gives at
 * 1 m, not the nonlinear near-field overpressure. Approximate values,
 * anchored as follows:
 *  - gunshot 160 dB: rifles and pistols measure 159-164 dB peak 1 m to the
 *    side of the muzzle (P. Dater, "Firearm sound suppression", 2014: AR15
 *    162-163 dB, M4 164 dB). Positive phase ~0.5 ms (muzzle blasts of small
 *    arms last well under a millisecond near the gun).
 *  - artillery 193 dB: DA PAM 385-63 (2014) table 8-21 puts the 140 dB peak
 *    contour of a 120 mm tank gun 444 m to the side; 140 + 20 lg 444 = 193 dB
 *    at 1 m. A 155 mm howitzer is taken as comparable. Positive phase 8 ms
 *    (low-frequency energy of large guns, tens of Hz).
 *  - mortar 185 dB: the same contour scaled by the cube root of propellant
 *    energy (blast distances scale as W^1/3; an 81-120 mm mortar charge is
 *    0.25-1 kg against ~8 kg for a tank round) gives 183-187 dB. Positive
 *    phase 4 ms: dominant energy near 1/(2 pi T) = 40 Hz and a 1/f tail.
 *  - impact 190 dB: an HE round of ~2 kg TNT (120 mm mortar bomb). The K328
 *    criterion, 0.4516 kPa incident overpressure at 130 m kg^-1/3
 *    (Kingery 1966; Kingery & Bulmash 1984), is 147 dB at 164 m for 2 kg,
 *    i.e. 191 dB at 1 m by 1/r. Positive phase 6 ms (Kingery-Bulmash gives
 *    a few ms kg^-1/3 at such scaled distances).
 *  - rocket: an ignition blast of 170 dB (3 ms), then the motor roar,
 *    155 dB RMS at 1 m for 1.8 s. The roar level follows NASA SP-8072
 *    (Eldred 1971): sound power ~0.5 % of the jet's mechanical power (SLS
 *    measured 0.33 %, Gee et al., JASA-EL 2023); for a 122 mm motor (thrust
 *    ~20 kN, exhaust ~2 km/s) that is 167-170 dB re 1 pW, 156-159 dB at 1 m.
 *    1.8 s is the burn time class of 107-122 mm artillery rockets.
 *  - slam 125 dB: a steel container or vehicle door slammed 1 m away; a
 *    60 Hz panel ring that dies in 0.2 s. An assumed value (no published
 *    anchor found); it only has to be loud at the one sensor beside it.
 *  - thunder: per channel segment an N-wave of 172 dB at 1 m, so one
 *    segment gives 112 dB at 1 km and the overlapping segments the
 *    110-120 dB usually quoted for nearby thunder. The N-wave length follows
 *    Few's relaxation radius: R0 = sqrt(E_l / p0) with E_l the energy per
 *    metre of channel (default 5e5 J/m), dominant frequency f_m = 0.63 c /
 *    R0 (Few 1969, JGR 74, 6926; about 100 Hz here). Channel from the ground
 *    to channel_top_m (4 km) in segment_m (10 m) straight pieces whose
 *    directions deviate from the vertical by |N(0, 20 deg)| (mean 16 deg, the
 *    tortuosity Hill 1968, JGR 73, 1897, measured).
 *  - backfire 150 dB: a vehicle's unburnt mixture deflagrating in its
 *    exhaust, a bang of the firecracker class. Hearing-conservation charts
 *    quote car backfires and firecrackers at 140-150 dB peak near the source
 *    (firecrackers "150 dB or more": F. Miyara, "A note on firecracker's
 *    noise", UNR acoustics); the top of that range, 10 dB under a gunshot.
 *    Positive phase 1.5 ms: a few litres of gas venting through a tail pipe,
 *    dominant energy near 1/(2 pi T) = 100 Hz, between a gunshot (0.5 ms)
 *    and a mortar (4 ms). Height 0.5 m, a tail pipe's.
 *  - artillery crack (crack.h): the shell of a 155 mm gun leaves at
 *    800 m/s (muzzle velocities of 155 mm guns are 680-950 m/s with the
 *    charges in use) at 35 deg quadrant elevation (the middle of the
 *    low-angle band below the 45 deg of maximum range).
 *  - generator_start (genstart.h): running engine 100 dB RMS at 1 m. EU
 *    Directive 2000/14/EC (stage II) limits a 10-100 kVA generating set to
 *    a sound power of 95 + lg P_el, about 97 dB(A): 89 dB(A) at 1 m over
 *    ground (Lp = Lw - 10 lg 2 pi r^2); the diesel's energy lies in its
 *    firing harmonics at 50-200 Hz, which A-weighting lowers by 30-10 dB, so
 *    the unweighted level is about 10 dB higher, and open-frame field sets
 *    are louder than the limit. Cranking pulses 110 dB peak at 1 m: the
 *    running waveform's peak (RMS plus its ~10 dB crest factor); a
 *    compression released through the exhaust is comparable to one firing
 *    stroke. Cranking 1.2 s at 10 pulses per second: a starter turns a
 *    diesel at a few hundred rpm (an estimate: 150-300 rpm is the usual
 *    range given for cranking), a 4-cylinder four-stroke compresses twice
 *    per turn, 10 Hz at 300 rpm (a 6-cylinder at 200 rpm too); a warm
 *    diesel catches within 0.5-2 s. Firing 50 Hz: a 50 Hz set's 4-pole alternator turns at
 *    1500 rpm and 4 cylinders fire rpm * 4 / 120 = 50 times a second (its
 *    shaft turns at 25 Hz and a full cycle takes 1/12.5 s). Runs 4 s.
 *  - gust (gust.h): 85 dB RMS at the microphone at its peak: noise.c's law
 *    L = 70 dB + 40 lg(U / 5 m/s) for a foam-screened microphone gives 78 dB
 *    at 8 m/s and 89 dB at 15 m/s, 85 dB at 12 m/s. 1.5 s long (gusts are
 *    reported as the highest 3 s mean, WMO No. 8, 2018, so a gust's peak
 *    lasts about that or less), rising in 0.15 s (a gust front ~2 m thick
 *    carried past the screen at 12 m/s).
 * Rise times (0.1 ms; 0.02 ms for a gunshot) stand for the shock front: far
 * shorter in reality, but a path of more than a few hundred metres removes
 * those frequencies anyway (see absorb.h). */
#include "source.h"

#include <math.h>
#include <string.h>

#include "simconst.h"

static const char *const type_names[SIM_N_TYPES] = {
    "mortar", "rocket", "artillery", "impact", "gunshot", "slam", "thunder",
    "backfire", "generator_start", "gust"};

const char *sim_type_name(sim_type t)
{
    return t < SIM_N_TYPES ? type_names[t] : "unknown";
}

int sim_type_from_name(const char *name, sim_type *t)
{
    for (int i = 0; i < SIM_N_TYPES; i++)
        if (strcmp(name, type_names[i]) == 0) {
            *t = (sim_type)i;
            return 0;
        }
    return -1;
}

const char *sim_type_kind(sim_type t)
{
    if (t == SIM_MORTAR || t == SIM_ROCKET || t == SIM_ARTILLERY)
        return "launch";
    return t == SIM_IMPACT ? "impact" : "unknown";
}

const char *sim_type_class(sim_type t)
{
    if (t == SIM_MORTAR || t == SIM_ROCKET || t == SIM_ARTILLERY)
        return type_names[t];
    return "unknown";
}

int sim_type_is_blast(sim_type t)
{
    return t == SIM_MORTAR || t == SIM_ROCKET || t == SIM_ARTILLERY || t == SIM_IMPACT ||
           t == SIM_GUNSHOT || t == SIM_BACKFIRE;
}

void sim_source_defaults(sim_event *ev)
{
    ev->pos_m[2] = 1.0;
    ev->rise_s = 1e-4;
    switch (ev->type) {
    case SIM_MORTAR: ev->level_db = 185.0; ev->duration_s = 4e-3; break;
    case SIM_ROCKET:
        ev->level_db = 170.0; ev->duration_s = 1.8; ev->roar_db = 155.0; break;
    case SIM_ARTILLERY:
        ev->level_db = 193.0; ev->duration_s = 8e-3;
        ev->crack = 0; ev->shell_speed_mps = 800.0; ev->elevation_deg = 35.0; break;
    case SIM_IMPACT: ev->level_db = 190.0; ev->duration_s = 6e-3; break;
    case SIM_GUNSHOT: ev->level_db = 160.0; ev->duration_s = 5e-4; ev->rise_s = 2e-5; break;
    case SIM_SLAM: ev->level_db = 125.0; ev->duration_s = 0.2; ev->freq_hz = 60.0; break;
    case SIM_THUNDER:
        ev->level_db = 172.0; ev->pos_m[2] = 0.0; ev->channel_top_m = 4000.0;
        ev->segment_m = 10.0; ev->energy_j_per_m = 5e5; ev->rise_s = 5e-5; break;
    case SIM_BACKFIRE:
        ev->level_db = 150.0; ev->duration_s = 1.5e-3; ev->pos_m[2] = 0.5; break;
    case SIM_GENERATOR_START:
        ev->level_db = 110.0; ev->run_db = 100.0; ev->crank_s = 1.2; ev->crank_hz = 10.0;
        ev->firing_hz = 50.0; ev->duration_s = 4.0; break;
    case SIM_GUST:
        ev->level_db = 85.0; ev->duration_s = 1.5; ev->rise_s = 0.15; ev->pos_m[2] = 0.0; break;
    default: break;
    }
}

double sim_db_to_pa(double db_spl)
{
    return SIM_P_REF_PA * pow(10.0, db_spl / 20.0);
}

/* Zero mean: P rise/2 + P T (b - 1) / b^2 = 0, solved for b in (0, 1] by
 * bisection ((b - 1) / b^2 rises with b there). */
static double zero_mean_decay(double rise_s, double t_pos_s)
{
    double target = -0.5 * rise_s / t_pos_s, lo = 0.05, hi = 1.0;
    for (int i = 0; i < 200; i++) {
        double mid = 0.5 * (lo + hi);
        if ((mid - 1.0) / (mid * mid) < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

void sim_blast_init(sim_blast *w, double peak_pa, double rise_s, double t_pos_s)
{
    w->peak_pa = peak_pa;
    w->rise_s = rise_s;
    w->t_pos_s = t_pos_s;
    w->b = zero_mean_decay(rise_s, t_pos_s);
}

double sim_blast_eval(const sim_blast *w, double t)
{
    if (t <= 0.0)
        return 0.0;
    if (t < w->rise_s)
        return w->peak_pa * t / w->rise_s;
    double x = (t - w->rise_s) / w->t_pos_s;
    return w->peak_pa * (1.0 - x) * exp(-w->b * x);
}

double sim_blast_length_s(const sim_blast *w)
{
    /* |1 - x| e^{-b x} < 1e-9 well before x = 30 / b for b near 1. */
    return w->rise_s + w->t_pos_s * 30.0 / w->b;
}

double sim_nwave_eval(const sim_nwave *w, double t)
{
    double r = w->rise_s, d = w->duration_s, p = w->peak_pa;
    if (t <= 0.0 || t >= d)
        return 0.0;
    if (t < r)
        return p * t / r;
    if (t > d - r)
        return -p * (d - t) / r;
    return p * (1.0 - 2.0 * (t - r) / (d - 2.0 * r));
}

void sim_thump_init(sim_thump *w, double peak_pa, double f_hz, double duration_s)
{
    w->omega = 2.0 * SIM_PI * f_hz;
    w->tau_s = duration_s / log(1000.0);
    double t_peak = atan(w->omega * w->tau_s) / w->omega;
    double peak = sin(w->omega * t_peak) * exp(-t_peak / w->tau_s);
    w->amp = peak_pa / peak;
    w->length_s = duration_s * 2.0; /* down 120 dB */
}

double sim_thump_eval(const sim_thump *w, double t)
{
    if (t <= 0.0 || t >= w->length_s)
        return 0.0;
    return w->amp * sin(w->omega * t) * exp(-t / w->tau_s);
}
