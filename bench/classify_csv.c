/* The classification benchmark's per-source CSV (--csv): every truth
 * source with what the engine said about it and the features it judged
 * by, and every event that matched no source. The training data of the
 * classifier's model (tools/train) and an analyst's view of its errors. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "classify.h"


#define FEATURE_KEYS 14
static const char *const feature_keys[FEATURE_KEYS] = {
    "level_db", "peak_level_db", "centroid_hz", "pulse_ms", "coherence",
    "tail_s", "tail_db", "tail_snr_db", "late_snr_db", "speed_z", "tail_crest_db",
    "tail_coherence", "pre_rise_db", "crack_lead_s"};

void cls_csv_header(FILE *csv)
{
    fprintf(csv, "scene,camp_radius_m,source,type,confuser,truth_range_m,final,id,alerted,kind,"
                 "class,confidence,revision,range_m,n_used,residual_ms,snr_db");
    for (int k = 0; k < FEATURE_KEYS; k++)
        fprintf(csv, ",%s", feature_keys[k]);
    fprintf(csv, "\n");
}

static void put_number(FILE *csv, json_t *v)
{
    if (json_is_number(v))
        fprintf(csv, ",%.6g", json_number_value(v));
    else
        fprintf(csv, ",");
}

/* The body's own fields, after the truth columns. */
static void put_event(FILE *csv, json_t *ev, int final, int alerted)
{
    const char *id = json_string_value(json_object_get(ev, "id"));
    fprintf(csv, ",%d,%s,%d,%s,%s", final, id ? id : "", alerted,
            json_string_value(json_object_get(ev, "kind")) ?: "",
            json_string_value(json_object_get(ev, "class")) ?: "");
    put_number(csv, json_object_get(ev, "confidence"));
    put_number(csv, json_object_get(ev, "revision"));
    put_number(csv, json_object_get(ev, "range_m"));
    fprintf(csv, ",%zu", json_array_size(json_object_get(ev, "sensors")));
    put_number(csv, json_object_get(ev, "residual_rms_ms"));
    put_number(csv, json_object_get(ev, "snr_db"));
    json_t *x = json_object_get(ev, "features");
    for (int k = 0; k < FEATURE_KEYS; k++)
        put_number(csv, json_object_get(x, feature_keys[k]));
}

/* The first and the last body published for each id (alert or event),
 * and whether an alert was among them. */
typedef struct {
    json_t *first[CLS_CSV_MAX_IDS], *body[CLS_CSV_MAX_IDS];
    int alerted[CLS_CSV_MAX_IDS], matched[CLS_CSV_MAX_IDS];
    size_t n;
} id_table;

static void load_ids(const char *events, id_table *t)
{
    FILE *f = fopen(events, "r");
    t->n = 0;
    if (f == NULL)
        return;
    char line[65536];
    while (fgets(line, sizeof line, f) != NULL) {
        json_t *o = json_loads(line, 0, NULL);
        const char *topic = json_string_value(json_object_get(o, "topic"));
        const char *id = json_string_value(json_object_get(o, "id"));
        if (topic == NULL || id == NULL || strcmp(topic, "heartbeat") == 0) {
            json_decref(o);
            continue;
        }
        size_t k = 0;
        while (k < t->n && strcmp(json_string_value(json_object_get(t->body[k], "id")), id) != 0)
            k++;
        if (k == t->n && t->n == CLS_CSV_MAX_IDS) {
            json_decref(o);
            continue;
        }
        if (k == t->n) {
            t->n++;
            t->alerted[k] = t->matched[k] = 0;
            t->first[k] = json_incref(o);
        } else {
            json_decref(t->body[k]);
        }
        t->body[k] = o;
        t->alerted[k] |= strcmp(topic, "alert") == 0;
    }
    fclose(f);
}

static int find_id(const id_table *t, const char *id)
{
    for (size_t k = 0; k < t->n; k++)
        if (strcmp(json_string_value(json_object_get(t->body[k], "id")), id) == 0)
            return (int)k;
    return -1;
}

/* A source's rows: its first message, and its last if it was revised; one
 * row with the truth alone if nothing matched it. */
static void put_rows(FILE *csv, const cls_scene *s, int source, const char *type, int confuser,
                     double truth_range_m, const id_table *t, int k)
{
    int revised = t != NULL && t->first[k] != t->body[k];
    for (int r = 0; r <= revised; r++) {
        fprintf(csv, "%d,%.1f,%d,%s,%d,", s->index, s->radius_m, source, type, confuser);
        if (isfinite(truth_range_m))
            fprintf(csv, "%.1f", truth_range_m);
        if (t == NULL)
            fprintf(csv, ",1");
        else
            put_event(csv, r == 0 ? t->first[k] : t->body[k], r == revised, t->alerted[k]);
        fprintf(csv, "\n");
    }
}

void cls_csv_scene(FILE *csv, const cls_scene *s, const es_score_report *r, const char *events)
{
    static id_table t;
    load_ids(events, &t);
    for (size_t i = 0; i < r->n_sources && i < (size_t)s->n_events; i++) {
        const es_score_source *src = &r->sources[i];
        const cls_event *ev = &s->events[i];
        int k = src->n_events + src->n_alerts > 0 ? find_id(&t, src->id) : -1;
        if (k >= 0)
            t.matched[k] = 1;
        put_rows(csv, s, (int)i, cls_type_names[ev->type], ev->confuser, src->range_m,
                 k >= 0 ? &t : NULL, k);
    }
    for (size_t k = 0; k < t.n; k++) {
        if (!t.matched[k])
            put_rows(csv, s, -1, "none", -1, NAN, &t, (int)k);
        json_decref(t.first[k]);
        json_decref(t.body[k]);
    }
    t.n = 0;
    fflush(csv);
}
