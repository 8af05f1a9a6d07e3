/* Writes a float WAV of CHANNELS x SECONDS at RATE, silent but for NaN and
 * infinite samples every 997th value: damaged audio for replay tests.
 * usage: make_nan_wav OUT.wav CHANNELS RATE SECONDS */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    SF_INFO info = {.channels = atoi(argv[2]), .samplerate = atoi(argv[3]),
                    .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    long n = (long)(atof(argv[4]) * info.samplerate) * info.channels;
    SNDFILE *sf = sf_open(argv[1], SFM_WRITE, &info);
    float *x = calloc((size_t)n, sizeof *x);
    if (sf == NULL || x == NULL || n <= 0)
        return 1;
    for (long i = 0; i < n; i += 997)
        x[i] = (i / 997) % 2 ? NAN : INFINITY;
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_FALSE);
    int ok = sf_write_float(sf, x, n) == n;
    sf_close(sf);
    free(x);
    return ok ? 0 : 1;
}
