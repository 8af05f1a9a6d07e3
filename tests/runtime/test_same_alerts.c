/* The threaded engine (capture ring, analysis and publisher threads, as
 * `earshot replay` runs it) publishes exactly the events the inline,
 * single-threaded pipeline finds on the same file with the same blocks.
 * Run under ThreadSanitizer in the TSan suite (label "threads").
 * usage: test_same_alerts SITE.json AUDIO.wav WORK_DIR */
#include <jansson.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dsp/check.h"
#include "earshot/config.h"
#include "earshot/pipeline.h"
#include "earshot/replay.h"

#define BLOCK 512
#define MAX_EVENTS 64

typedef struct {
    size_t n;
    es_event ev[MAX_EVENTS];
} event_list;

static void keep(event_list *l, const es_event *ev)
{
    if (l->n < MAX_EVENTS)
        l->ev[l->n++] = *ev;
}

static int run_inline(const char *site_path, const char *wav, event_list *out)
{
    static es_site_config site;
    es_error err = {{0}};
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sf = sf_open(wav, SFM_READ, &info);
    if (es_site_config_load(site_path, &site, NULL, NULL, &err) != ES_OK || sf == NULL)
        return -1;
    es_pipeline_config pc = {.site = &site, .channels = info.channels, .max_block_frames = BLOCK};
    es_pipeline p = es_pipeline_create(&pc, &err);
    float *x = malloc(sizeof(float) * BLOCK * (size_t)info.channels);
    sf_count_t got;
    while (p && x && (got = sf_readf_float(sf, x, BLOCK)) > 0) {
        int n = es_pipeline_execute(p, x, (size_t)got);
        for (int i = 0; i < n; i++)
            keep(out, &es_pipeline_output_at(p, (size_t)i)->event);
    }
    int n;
    while (p && (n = es_pipeline_finish(p)) > 0)
        for (int i = 0; i < n; i++)
            keep(out, &es_pipeline_output_at(p, (size_t)i)->event);
    es_pipeline_destroy(&p);
    free(x);
    sf_close(sf);
    return 0;
}

static double num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static void compare(const event_list *want, const char *events_path)
{
    FILE *f = fopen(events_path, "r");
    CHECK(f != NULL, "events file %s", events_path);
    if (f == NULL)
        return;
    char line[65536];
    size_t k = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        if (topic && strcmp(topic, "event") == 0) {
            CHECK(k < want->n, "more events threaded than inline");
            if (k < want->n) {
                const es_event *e = &want->ev[k];
                const json_t *pos = json_object_get(o, "position");
                char id[32];
                snprintf(id, sizeof id, "E%llu", (unsigned long long)e->id);
                CHECK(strcmp(json_string_value(json_object_get(o, "id")), id) == 0, "id %s", id);
                CHECK(strcmp(json_string_value(json_object_get(o, "kind")), es_kind_name(e->kind)) == 0,
                      "kind of %s", id);
                CHECK_NEAR(num(pos, "e_m"), e->e_m, 0.006, "east");
                CHECK_NEAR(num(pos, "n_m"), e->n_m, 0.006, "north");
                CHECK_NEAR(num(o, "t_origin"), e->t_origin_s, 1e-6, "t_origin");
                CHECK((size_t)json_array_size(json_object_get(o, "sensors")) == e->n_used,
                      "sensors of %s", id);
            }
            k++;
        }
        json_decref(o);
    }
    fclose(f);
    CHECK(k == want->n, "threaded %zu events, inline %zu", k, want->n);
    printf("inline and threaded: %zu events each, identical\n", want->n);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s SITE.json AUDIO.wav WORK_DIR\n", argv[0]);
        return 2;
    }
    static event_list inline_events;
    CHECK(run_inline(argv[1], argv[2], &inline_events) == 0, "inline run");
    CHECK(inline_events.n >= 2, "the scene gives events (%zu)", inline_events.n);
    char events[4096], endpoint[4200];
    snprintf(events, sizeof events, "%s/same_alerts.events.jsonl", argv[3]);
    snprintf(endpoint, sizeof endpoint, "ipc://%s/same_alerts.sock", argv[3]);
    es_replay_options o = {.config_path = argv[1], .input_path = argv[2], .events_path = events,
                           .endpoint = endpoint, .block_frames = BLOCK};
    es_replay_result res;
    es_error err = {{0}};
    CHECK(es_replay_run(&o, &res, &err) == 0, "threaded replay: %s", err.msg);
    compare(&inline_events, events);
    return check_report("test_same_alerts");
}
