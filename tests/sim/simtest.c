/* Test helpers (see simtest.h). */
#include "simtest.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int simtest_failures = 0;

int simtest_read_audio(const char *path, simtest_audio *a)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    memset(a, 0, sizeof *a);
    SNDFILE *f = sf_open(path, SFM_READ, &info);
    if (f == NULL) {
        fprintf(stderr, "%s: %s\n", path, sf_strerror(NULL));
        return -1;
    }
    a->frames = (size_t)info.frames;
    a->channels = info.channels;
    a->rate = info.samplerate;
    a->x = malloc(a->frames * (size_t)a->channels * sizeof *a->x + 1);
    sf_count_t got = a->x != NULL ? sf_readf_double(f, a->x, info.frames) : -1;
    sf_close(f);
    if (got != info.frames) {
        free(a->x);
        a->x = NULL;
        return -1;
    }
    return 0;
}

void simtest_audio_free(simtest_audio *a)
{
    free(a->x);
    a->x = NULL;
}

double simtest_sample(const simtest_audio *a, size_t frame, int ch)
{
    if (frame >= a->frames)
        return 0.0;
    return a->x[frame * (size_t)a->channels + (size_t)ch];
}

json_t *simtest_load_json(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (j == NULL)
        fprintf(stderr, "%s: %d: %s\n", path, e.line, e.text);
    return j;
}

json_t *simtest_load_scenario(const char *path)
{
    return simtest_load_json(path);
}

double simtest_num(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

int simtest_run(const json_t *scenario, const char *dir, const char *prefix,
                const es_sim_options *opt, es_sim_outputs *out)
{
    char *text = json_dumps(scenario, JSON_COMPACT);
    if (text == NULL)
        return ES_ENOMEM;
    char name[300];
    snprintf(name, sizeof name, "%s.json", prefix);
    es_error err = {{0}};
    int st = es_sim_run_json(text, strlen(text), name, dir, prefix, opt, out, &err);
    if (st != ES_OK)
        fprintf(stderr, "simulation failed: %s\n", err.msg);
    free(text);
    return st;
}

simtest_sim simtest_simulate(json_t *scenario, const char *dir, const char *prefix)
{
    simtest_sim r;
    memset(&r, 0, sizeof r);
    es_sim_outputs out;
    if (scenario != NULL && simtest_run(scenario, dir, prefix, NULL, &out) == ES_OK &&
        simtest_read_audio(out.audio_path, &r.audio) == 0 &&
        (r.truth = simtest_load_json(out.truth_path)) != NULL &&
        (r.site = simtest_load_json(out.site_path)) != NULL)
        r.ok = 1;
    json_decref(scenario);
    CHECK(r.ok, "simulating %s", prefix);
    return r;
}

void simtest_sim_free(simtest_sim *r)
{
    simtest_audio_free(&r->audio);
    json_decref(r->truth);
    json_decref(r->site);
}

const json_t *simtest_arrival(const simtest_sim *r, size_t source, size_t sensor)
{
    const json_t *s = json_array_get(json_object_get(r->truth, "sources"), source);
    return json_array_get(json_object_get(s, "arrivals"), sensor);
}

double simtest_first_above(const simtest_audio *a, int ch, double fraction)
{
    double peak = 0.0;
    for (size_t n = 0; n < a->frames; n++)
        peak = fmax(peak, fabs(simtest_sample(a, n, ch)));
    for (size_t n = 0; n < a->frames; n++)
        if (fabs(simtest_sample(a, n, ch)) > fraction * peak)
            return (double)n;
    return NAN;
}

int simtest_report(const char *name)
{
    if (simtest_failures == 0)
        printf("%s: 1 passed, 0 failed\n", name);
    else
        printf("%s: 0 passed, 1 failed (%d checks failed)\n", name, simtest_failures);
    return simtest_failures == 0 ? 0 : 1;
}
