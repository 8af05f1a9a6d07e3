/* Private to dsp/: the travel-time kernel shared by es_travel_time_s and the
 * locator's grid and Jacobian, inline so the grid search stays fast and both
 * callers use bit-identical arithmetic. */
#ifndef EARSHOT_DSP_PROPAGATION_H
#define EARSHOT_DSP_PROPAGATION_H

#include <math.h>

/* Positive root of (c^2 - |w|^2) t^2 + 2 (d.w) t - |d|^2 = 0, evaluated in
 * the form that avoids cancellation for either sign of d.w.
 * a_coef = c^2 - |w|^2 (> 0), d = rcv - src, w = (w_e, w_n, 0).
 * Also returns s = sqrt((d.w)^2 + a |d|^2) = a t + d.w, the quantity the
 * derivative needs (dt/dd = (d - w t) / s). */
static inline double es__travel_time_kernel(double de, double dn, double du,
                                            double w_e, double w_n,
                                            double a_coef, double *s_out)
{
    double d2 = de * de + dn * dn + du * du;
    double dw = de * w_e + dn * w_n;
    double s = sqrt(dw * dw + a_coef * d2);
    if (s_out != NULL)
        *s_out = s;
    if (d2 == 0.0)
        return 0.0;
    if (dw >= 0.0)
        return d2 / (dw + s);
    return (s - dw) / a_coef;
}

#endif
