/* Private to dsp/: the 3 x 3 linear solve the small least-squares fits
 * (wavefront_fit.c, shellpath.c) share. */
#ifndef EARSHOT_DSP_SOLVE3_H
#define EARSHOT_DSP_SOLVE3_H

/* Solves a x = b by Cramer's rule; 0 when a is singular (or not finite),
 * 1 otherwise. */
int es__solve3(const double a[3][3], const double b[3], double x[3]);

#endif
