/* A diagnostic signal-to-noise ratio for each launch, from the truth and
 * the recording, independent of the engine: at every sensor, the true peak
 * of the arriving wavefront (truth peak_dbfs) over the RMS of the recorded
 * noise in the 0.5 s before the launch's first arrival, above 40 Hz (a
 * second-order Butterworth high-pass, as the engine's band starts at
 * 40 Hz: wind noise below it is no obstacle); the median over sensors. It
 * tells whether a miss or a large error had a weak signal. */
#include <math.h>
#include <sndfile.h>
#include <stdlib.h>

#include "accuracy.h"

#define WINDOW_S 0.5
#define GUARD_S 0.2          /* the window ends this long before the first arrival */
#define HIGHPASS_HZ 40.0

/* RMS of x after a 2nd-order Butterworth high-pass (RBJ cookbook biquad);
 * the first 0.1 s of the window only settles the filter. */
static double highpass_rms(const double *x, size_t n, size_t stride, double fs)
{
    double w0 = 2.0 * 3.14159265358979323846 * HIGHPASS_HZ / fs, alpha = sin(w0) / sqrt(2.0);
    double a0 = 1.0 + alpha, cw = cos(w0);
    double b0 = (1.0 + cw) / 2.0 / a0, b1 = -(1.0 + cw) / a0, b2 = b0;
    double a1 = -2.0 * cw / a0, a2 = (1.0 - alpha) / a0;
    double x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0, sum = 0.0;
    size_t settle = (size_t)(0.1 * fs), m = 0;
    for (size_t i = 0; i < n; i++) {
        double in = x[i * stride];
        double y = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1, x1 = in, y2 = y1, y1 = y;
        if (i >= settle) {
            sum += y * y;
            m++;
        }
    }
    return m ? sqrt(sum / (double)m) : NAN;
}

int acc_noise_dbfs(const char *wav_path, double before_s, double *noise_dbfs, size_t n_ch)
{
    SF_INFO info = {0};
    SNDFILE *f = sf_open(wav_path, SFM_READ, &info);
    if (f == NULL)
        return -1;
    double t1 = before_s - GUARD_S, t0 = fmax(0.3, t1 - WINDOW_S);
    sf_count_t start = (sf_count_t)(t0 * info.samplerate);
    sf_count_t frames = (sf_count_t)((t1 - t0) * info.samplerate);
    int rc = -1;
    double *buf = frames > 0 ? malloc((size_t)frames * (size_t)info.channels * sizeof *buf) : NULL;
    if (buf != NULL && (size_t)info.channels >= n_ch && sf_seek(f, start, SEEK_SET) == start &&
        sf_readf_double(f, buf, frames) == frames) {
        for (size_t k = 0; k < n_ch; k++) {
            double r = highpass_rms(buf + k, (size_t)frames, (size_t)info.channels,
                                    info.samplerate);
            noise_dbfs[k] = r > 0.0 ? 20.0 * log10(r) : -200.0;
        }
        rc = 0;
    }
    free(buf);
    sf_close(f);
    return rc;
}
