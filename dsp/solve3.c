/* The 3 x 3 linear solve (see solve3.h). */
#include "solve3.h"

#include <math.h>

static double det3(const double m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
           m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

int es__solve3(const double a[3][3], const double b[3], double x[3])
{
    double det = det3(a);
    if (!(fabs(det) > 1e-300) || !isfinite(det))
        return 0;
    for (int k = 0; k < 3; k++) {
        double m[3][3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                m[i][j] = j == k ? b[i] : a[i][j];
        x[k] = det3(m) / det;
    }
    return 1;
}
