/* Private to dsp/: how well a set of arrival times fits one wavefront
 * from one point source, for the associator to tell two wavefronts that
 * cross the array together apart (an artillery shell's crack and its
 * muzzle blast, the rounds of a salvo): pairwise time gates pass a mix of
 * them, a point-source fit does not. */
#ifndef EARSHOT_DSP_WAVEFRONT_FIT_H
#define EARSHOT_DSP_WAVEFRONT_FIT_H

#include <stddef.h>

/* The wavefront that fits best: a point source (x, y about the sensors'
 * centroid, emitting at ct + t0) or, when that fits no better, a plane
 * wave (slowness se, sn). */
typedef struct {
    int plane;
    double ce, cn, ct;   /* centroid east, north (m) and mean arrival (s) */
    double x, y, t0;     /* point source */
    double se, sn;       /* plane wave: slowness east, north (s/m) */
    double c_mps;
} es__wavefront;

/* Fits arrivals t_s[i] at pos_m[i] (east, north, up; up is ignored) with
 * sound at c_mps; fills *w (may be NULL) and returns the RMS time residual
 * (s). A near source, a far one and a line array's either side all fit
 * to rounding when the times are one wavefront's. Fewer than 4 arrivals:
 * 0 (and *w a plane wave through their mean). */
double es__wavefront_fit(const double (*pos_m)[3], const double *t_s, size_t n, double c_mps,
                         es__wavefront *w);

/* The arrival time the fitted wavefront predicts at pos_m. */
double es__wavefront_predict_s(const es__wavefront *w, const double pos_m[3]);

#endif
