/* earshot-console's model (see console_state.h). */
#include "console_state.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies src into dst, each byte outside printable ASCII as '?' (the
 * terminal must not get control sequences from the network). */
static void copy_safe(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; src != NULL && src[n] != '\0' && n + 1 < size; n++) {
        unsigned char c = (unsigned char)src[n];
        dst[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[n] = '\0';
}

console_state *console_state_create(const char *connect, double now_s)
{
    console_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    copy_safe(st->connect, sizeof st->connect, connect);
    st->started_s = now_s;
    /* "?" on the screen until a heartbeat says, not a plausible 0 */
    cs_engine *e = &st->engine;
    e->uptime_s = e->stream_time_s = e->overruns = e->events = e->alerts = NAN;
    e->temperature_c = e->wind_speed_mps = e->wind_from_deg = e->speed_of_sound_mps = NAN;
    e->humidity_pct = e->pressure_kpa = NAN;
    return st;
}

void console_state_destroy(console_state **st)
{
    if (st != NULL) {
        free(*st);
        *st = NULL;
    }
}

/* ------------------------------------------------------------ fields */

static void text(char *dst, size_t size, const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    copy_safe(dst, size, s != NULL ? s : "?");
}

/* -------------------------------------------------------- heartbeats */

/* The names of the sensor's boolean fields that are true, besides `ok`:
 * whatever flags the engine adds later show without a change here. */
static void sensor_flags(const json_t *s, char *out, size_t size)
{
    const char *key;
    json_t *v;
    out[0] = '\0';
    json_object_foreach((json_t *)s, key, v) {
        if (!json_is_true(v) || strcmp(key, "ok") == 0)
            continue;
        char name[CS_ID_MAX];
        copy_safe(name, sizeof name, key);
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used > 0 ? " " : "", name);
    }
}

static void apply_sensors(console_state *st, const json_t *list)
{
    if (!json_is_array(list))
        return; /* keep the last table rather than blank it */
    st->n_sensors = 0;
    size_t i;
    const json_t *s;
    json_array_foreach(list, i, s) {
        if (st->n_sensors >= CS_SENSORS_MAX || !json_is_object(s))
            continue;
        cs_sensor *d = &st->sensors[st->n_sensors++];
        text(d->id, sizeof d->id, s, "id");
        d->ok = json_is_true(json_object_get(s, "ok"));
        d->level_dbfs = es_sub_number(s, "level_dbfs");
        d->peak_dbfs = es_sub_number(s, "peak_dbfs");
        sensor_flags(s, d->flags, sizeof d->flags);
    }
}

static void apply_heartbeat(console_state *st, const json_t *b, double now_s)
{
    st->have_heartbeat = 1;
    st->last_heartbeat_s = now_s;
    cs_engine *e = &st->engine;
    const json_t *air = json_object_get(b, "atmosphere");
    e->uptime_s = es_sub_number(b, "uptime_s");
    e->stream_time_s = es_sub_number(b, "stream_time_s");
    e->overruns = es_sub_number(b, "overruns");
    e->events = es_sub_number(b, "events");
    e->alerts = es_sub_number(b, "alerts");
    e->temperature_c = es_sub_number(air, "temperature_c");
    e->wind_speed_mps = es_sub_number(air, "wind_speed_mps");
    e->wind_from_deg = es_sub_number(air, "wind_from_deg");
    e->speed_of_sound_mps = es_sub_number(air, "speed_of_sound_mps");
    e->humidity_pct = es_sub_number(air, "humidity_pct");
    e->pressure_kpa = es_sub_number(air, "pressure_kpa");
    text(e->version, sizeof e->version, b, "version");
    text(e->endpoint, sizeof e->endpoint, b, "endpoint");
    apply_sensors(st, json_object_get(b, "sensors"));
}

/* ------------------------------------------------------------ events */

static cs_event *find_event(console_state *st, const char *id)
{
    for (int i = 0; i < st->n_events; i++)
        if (st->events[i].generation == st->generation && strcmp(st->events[i].id, id) == 0)
            return &st->events[i];
    return NULL;
}

/* A new row: a free one, or the oldest one's place once the table is full. */
static cs_event *new_event(console_state *st, const char *id)
{
    cs_event *e = &st->events[0];
    if (st->n_events < CS_EVENTS_MAX)
        e = &st->events[st->n_events++];
    else
        for (int i = 1; i < CS_EVENTS_MAX; i++)
            if (st->events[i].order < e->order)
                e = &st->events[i];
    memset(e, 0, sizeof *e);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->generation = st->generation;
    e->order = st->next_order++;
    e->revision = -1;
    return e;
}

static void event_sensors(cs_event *e, const json_t *list)
{
    e->n_sensors = 0;
    e->sensors[0] = '\0';
    size_t i, used = 0;
    const json_t *s;
    json_array_foreach(list, i, s) {
        char id[CS_ID_MAX];
        copy_safe(id, sizeof id, json_string_value(s));
        e->n_sensors++;
        if (used + strlen(id) + 2 < sizeof e->sensors)
            used += (size_t)snprintf(e->sensors + used, sizeof e->sensors - used, "%s%s",
                                     used > 0 ? "," : "", id);
    }
}

static void event_fields(cs_event *e, const json_t *b)
{
    const json_t *unc = json_object_get(b, "uncertainty"), *alt = json_object_get(b, "alternative");
    text(e->kind, sizeof e->kind, b, "kind");
    text(e->cls, sizeof e->cls, b, "class");
    e->t_origin_s = es_sub_number(b, "t_origin");
    e->range_m = es_sub_number(b, "range_m");
    e->bearing_deg = es_sub_number(b, "bearing_deg");
    e->cep50_m = es_sub_number(unc, "cep50_m");
    e->confidence = es_sub_number(b, "confidence");
    event_sensors(e, json_object_get(b, "sensors"));
    e->has_alternative = json_is_object(alt);
    e->alt_range_m = es_sub_number(alt, "range_m");
    e->alt_bearing_deg = es_sub_number(alt, "bearing_deg");
    e->alt_probability = es_sub_number(alt, "probability");
}

/* An alert or event: the row of its id takes the highest revision; the
 * same revision again (the `event` copy of an `alert`) refreshes it. */
static void apply_event(console_state *st, const es_sub_item *it)
{
    char id[CS_ID_MAX];
    const json_t *b = it->body;
    if (!json_is_string(json_object_get(b, "id"))) {
        st->bad++;
        snprintf(st->last_bad, sizeof st->last_bad, "%s seq %llu: no id", it->topic,
                 (unsigned long long)it->seq);
        return;
    }
    copy_safe(id, sizeof id, json_string_value(json_object_get(b, "id")));
    const json_t *rev = json_object_get(b, "revision");
    long revision = json_is_integer(rev) ? (long)json_integer_value(rev) : 0;
    cs_event *e = find_event(st, id);
    if (e == NULL)
        e = new_event(st, id);
    if (strcmp(it->topic, "alert") == 0)
        e->alerted = 1;
    if (revision < e->revision)
        return; /* an older revision arriving late never undoes a newer one */
    e->revision = revision;
    event_fields(e, b);
}

/* ---------------------------------------------------------- the items */

static void apply_sequence(console_state *st, const es_sub_item *it, double wall_s)
{
    st->received++;
    if (it->gap > 0) {
        st->gaps++;
        st->lost += it->gap;
        st->last_gap_lost = it->gap;
        st->last_gap_seq = it->seq;
        st->last_gap_wall_s = wall_s;
    }
    if (it->restarted) {
        /* ids start again at E1: old rows stay, as history of the old process */
        st->restarts++;
        st->generation++;
    }
}

static void apply_message(console_state *st, const es_sub_item *it, double now_s, double wall_s)
{
    apply_sequence(st, it, wall_s);
    if (strcmp(it->topic, "heartbeat") == 0)
        apply_heartbeat(st, it->body, now_s);
    else if (strcmp(it->topic, "alert") == 0 || strcmp(it->topic, "event") == 0)
        apply_event(st, it);
}

void console_state_apply(console_state *st, const es_sub_item *it, double now_s, double wall_s)
{
    switch (it->kind) {
    case ES_SUB_MESSAGE:
        apply_message(st, it, now_s, wall_s);
        break;
    case ES_SUB_BAD:
        st->bad++;
        copy_safe(st->last_bad, sizeof st->last_bad, it->reason);
        break;
    case ES_SUB_CONNECTED:
        st->link_up = 1;
        st->refused = 0;
        break;
    case ES_SUB_DISCONNECTED:
        st->link_up = 0;
        break;
    case ES_SUB_REFUSED:
        st->link_up = 0;
        st->refused = 1;
        copy_safe(st->refusal, sizeof st->refusal, it->reason);
        break;
    }
}

cs_engine_state console_state_engine(const console_state *st, double now_s)
{
    double since_s = st->have_heartbeat ? st->last_heartbeat_s : st->started_s;
    if (st->refused)
        return CS_REFUSED;
    if (now_s - since_s >= CS_DEAD_AFTER_S)
        return CS_DEAD; /* a link that is up but silent is a dead engine too */
    return st->link_up ? CS_CONNECTED : CS_DISCONNECTED;
}

const char *console_state_name(cs_engine_state s)
{
    static const char *const names[] = {"CONNECTED", "DISCONNECTED", "DEAD", "REFUSED"};
    return names[s];
}

static int newer_first(const void *a, const void *b)
{
    uint64_t x = (*(const cs_event *const *)a)->order, y = (*(const cs_event *const *)b)->order;
    return x < y ? 1 : x > y ? -1 : 0;
}

int console_state_newest_first(const console_state *st, const cs_event **out, int max)
{
    int n = st->n_events < max ? st->n_events : max;
    const cs_event *all[CS_EVENTS_MAX];
    for (int i = 0; i < st->n_events; i++)
        all[i] = &st->events[i];
    qsort(all, (size_t)st->n_events, sizeof all[0], newer_first);
    memcpy(out, all, (size_t)n * sizeof all[0]);
    return n;
}
