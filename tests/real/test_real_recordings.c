/* The real recordings in ../shared/data replay without error, their
 * impulses come out as events, and the heartbeats' health figures agree
 * with the files: each channel's peak and its count of clipped samples are
 * computed here from the audio (libsndfile), independently of the engine.
 * usage: test_real_recordings EARSHOT SITE.json AUDIO WORK_DIR T_LO T_HI
 * T_LO..T_HI: where the recording's impulse is (seconds). */
#include <jansson.h>

#include "../dsp/check.h"
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_CH 64
#define CLIP_LEVEL 0.999 /* the engine's documented clipping threshold */


typedef struct {
    int channels;
    double peak[MAX_CH];
    long clipped[MAX_CH];
} file_facts;

static int read_facts(const char *path, file_facts *f)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (sf == NULL || info.channels > MAX_CH)
        return -1;
    memset(f, 0, sizeof *f);
    f->channels = info.channels;
    float frame[MAX_CH];
    while (sf_readf_float(sf, frame, 1) == 1)
        for (int c = 0; c < info.channels; c++) {
            double a = fabs(frame[c]);
            f->peak[c] = fmax(f->peak[c], a);
            f->clipped[c] += a >= CLIP_LEVEL;
        }
    sf_close(sf);
    return 0;
}

static int run_engine(char **argv, const char *events)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' replay --config '%s' --events '%s' --quiet '%s'", argv[1],
             argv[2], events, argv[3]);
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Peaks (max over heartbeats) and clipped counts (sum) per sensor; the
 * site config maps sensor k to channel k. */
static void check_messages(const char *events, const file_facts *f, double t_lo, double t_hi)
{
    FILE *in = fopen(events, "r");
    CHECK(in != NULL, "events file %s", events);
    if (in == NULL)
        return;
    double peak_dbfs[MAX_CH];
    long clipped[MAX_CH] = {0};
    for (int c = 0; c < MAX_CH; c++)
        peak_dbfs[c] = -1000.0;
    int events_in_window = 0, heartbeats = 0;
    char line[65536];
    while (fgets(line, sizeof line, in) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        CHECK(json_is_object(o), "a JSON object per line");
        const char *topic = json_string_value(json_object_get(o, "topic"));
        if (topic && strcmp(topic, "heartbeat") == 0) {
            heartbeats++;
            json_t *sensors = json_object_get(o, "sensors");
            for (size_t k = 0; k < json_array_size(sensors) && k < MAX_CH; k++) {
                json_t *s = json_array_get(sensors, k);
                peak_dbfs[k] = fmax(peak_dbfs[k],
                                    json_number_value(json_object_get(s, "peak_dbfs")));
                clipped[k] += (long)json_integer_value(json_object_get(s, "clipped_samples"));
            }
        } else if (topic && strcmp(topic, "event") == 0) {
            /* A compact array: the wavefront reaches it at about t_origin
             * plus range over the speed of sound. */
            double t = json_number_value(json_object_get(o, "t_origin")) +
                       json_number_value(json_object_get(o, "range_m")) / 343.0;
            events_in_window += t >= t_lo && t <= t_hi;
        }
        json_decref(o);
    }
    fclose(in);
    CHECK(heartbeats >= 1, "heartbeats published");
    CHECK(events_in_window >= 1, "the impulse at %.2f..%.2f s comes out as an event", t_lo,
           t_hi);
    for (int c = 0; c < f->channels; c++) {
        double want = 20.0 * log10(fmax(f->peak[c], 1e-10));
        CHECK(fabs(peak_dbfs[c] - want) <= 0.1, "channel %d peak %.2f dBFS, file %.2f", c,
               peak_dbfs[c], want);
        CHECK(clipped[c] == f->clipped[c], "channel %d clipped %ld, file %ld", c, clipped[c],
               f->clipped[c]);
    }
    printf("%d heartbeats, %d event(s) at the impulse; peaks and clipping agree with the file\n",
           heartbeats, events_in_window);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s EARSHOT SITE.json AUDIO WORK_DIR T_LO T_HI\n", argv[0]);
        return 2;
    }
    FILE *probe = fopen(argv[3], "rb");
    if (probe == NULL) {
        printf("SKIP: %s is not here (../shared/data is not beside this checkout)\n", argv[3]);
        return 77;
    }
    fclose(probe);
    file_facts f;
    CHECK(read_facts(argv[3], &f) == 0, "read %s", argv[3]);
    const char *base = strrchr(argv[3], '/') ? strrchr(argv[3], '/') + 1 : argv[3];
    char events[4096];
    snprintf(events, sizeof events, "%s/%s.events.jsonl", argv[4], base);
    CHECK(run_engine(argv, events) == 0, "earshot replay exits 0 on %s", argv[3]);
    check_messages(events, &f, atof(argv[5]), atof(argv[6]));
    return check_report("test_real_recordings");
}
