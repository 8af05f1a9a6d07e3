/* earshot-siren's state and its lines (see siren_state.h, siren.c). */
#define _POSIX_C_SOURCE 200809L
#include "siren_state.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "siren_run.h"

#define SEEN_MAX 4096           /* alert ids remembered (oldest forgotten) */
#define ID_MAX 64
#define POLL_MS 100             /* the timers' resolution */
#define LINE_MAX_CHARS 1024

struct siren_state_s {
    siren_options opt;
    void (*print)(const char *line);
    siren_runner runner;
    char seen[SEEN_MAX][ID_MAX];
    size_t n_seen, next_seen;
    int siren_on;
    double hold_until_s;
    double last_heartbeat_s;    /* or the start, before the first */
    int dead;
};

siren_state *siren_state_create(const siren_options *opt, void (*print)(const char *line))
{
    siren_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    st->opt = *opt;
    st->print = print;
    st->runner.timeout_s = opt->command_timeout_s;
    st->last_heartbeat_s = es_sub_now_s();
    return st;
}

void siren_state_destroy(siren_state **st)
{
    if (st != NULL) {
        free(*st);
        *st = NULL;
    }
}

/* " time=2026-12-03T01:02:03.456Z": the wall clock, for the log. */
static void wall_time(char *out, size_t size)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    struct tm tm;
    gmtime_r(&t.tv_sec, &tm);
    char day[24];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, " time=%.19s.%03dZ", day, (int)(t.tv_nsec / 1000000L));
}

static void emit(siren_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(siren_state *st, const char *fmt, ...)
{
    char line[LINE_MAX_CHARS], when[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line - sizeof when, fmt, ap);
    va_end(ap);
    wall_time(when, sizeof when);
    strncat(line, when, sizeof line - strlen(line) - 1);
    st->print(line);
}

static void run(siren_state *st, const char *cmd, const char *what, char *const *env, int n)
{
    char msg[256];
    if (cmd != NULL && siren_run(&st->runner, cmd, what, env, n, msg, sizeof msg) != 0)
        emit(st, "WARN %s", msg);
}

/* ---------------------------------------------------------------- alerts */

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "unknown";
}

static int seen(const siren_state *st, const char *id)
{
    for (size_t i = 0; i < st->n_seen; i++)
        if (strcmp(st->seen[i], id) == 0)
            return 1;
    return 0;
}

static void remember(siren_state *st, const char *id)
{
    snprintf(st->seen[st->next_seen], ID_MAX, "%s", id);
    st->next_seen = (st->next_seen + 1) % SEEN_MAX;
    if (st->n_seen < SEEN_MAX)
        st->n_seen++;
}

/* The alert's fields, as the line and the command's environment see them. */
typedef struct {
    const char *id, *cls;
    double revision, confidence, range_m, bearing_deg, lat, lon, cep50_m, t_origin;
} alert_view;

static alert_view view_of(const json_t *b)
{
    const json_t *pos = json_object_get(b, "position"), *unc = json_object_get(b, "uncertainty");
    return (alert_view){json_string_value(json_object_get(b, "id")),
                        str(b, "class"),
                        es_sub_number(b, "revision"),
                        es_sub_number(b, "confidence"),
                        es_sub_number(b, "range_m"),
                        es_sub_number(b, "bearing_deg"),
                        es_sub_number(pos, "lat"),
                        es_sub_number(pos, "lon"),
                        es_sub_number(unc, "cep50_m"),
                        es_sub_number(b, "t_origin")};
}

static void run_on_alert(siren_state *st, const alert_view *a, const es_sub_item *it)
{
    char e[10][96], what[32];
    char *env[11];
    snprintf(e[0], sizeof e[0], "EARSHOT_ID=%s", a->id);
    snprintf(e[1], sizeof e[1], "EARSHOT_CLASS=%s", a->cls);
    snprintf(e[2], sizeof e[2], "EARSHOT_CONFIDENCE=%.3f", a->confidence);
    snprintf(e[3], sizeof e[3], "EARSHOT_RANGE_M=%.1f", a->range_m);
    snprintf(e[4], sizeof e[4], "EARSHOT_BEARING_DEG=%.2f", a->bearing_deg);
    snprintf(e[5], sizeof e[5], "EARSHOT_LAT=%.7f", a->lat);
    snprintf(e[6], sizeof e[6], "EARSHOT_LON=%.7f", a->lon);
    snprintf(e[7], sizeof e[7], "EARSHOT_CEP50_M=%.1f", a->cep50_m);
    snprintf(e[8], sizeof e[8], "EARSHOT_T_ORIGIN=%.6f", a->t_origin);
    snprintf(e[9], sizeof e[9], "EARSHOT_SEQ=%llu", (unsigned long long)it->seq);
    for (int i = 0; i < 10; i++)
        env[i] = e[i];
    char *body = json_dumps(it->body, JSON_COMPACT);
    char *message = NULL;
    int n = 10;
    if (body != NULL && (message = malloc(strlen(body) + 20)) != NULL) {
        sprintf(message, "EARSHOT_MESSAGE=%s", body);
        env[n++] = message;
    }
    snprintf(what, sizeof what, "on-alert %.20s", a->id);
    run(st, st->opt.on_alert, what, env, n);
    free(message);
    free(body);
}

static void on_alert(siren_state *st, const es_sub_item *it, double now_s)
{
    alert_view a = view_of(it->body);
    if (a.id == NULL || a.id[0] == '\0' || strlen(a.id) >= ID_MAX) {
        emit(st, "BAD topic=alert seq=%llu reason=\"no usable id\"", (unsigned long long)it->seq);
        return;
    }
    const char *word = seen(st, a.id) ? "UPDATE" : "ALERT";
    emit(st,
         "%s id=%s revision=%.0f class=%s confidence=%.3f range_m=%.1f bearing_deg=%.2f "
         "lat=%.7f lon=%.7f cep50_m=%.1f t_origin=%.6f seq=%llu",
         word, a.id, a.revision, a.cls, a.confidence, a.range_m, a.bearing_deg, a.lat, a.lon,
         a.cep50_m, a.t_origin, (unsigned long long)it->seq);
    if (word[0] == 'U')
        return;
    remember(st, a.id);
    run_on_alert(st, &a, it);
    st->siren_on = 1;
    st->hold_until_s = now_s + st->opt.hold_s;
}

/* ------------------------------------------------------- the other items */

static void on_heartbeat(siren_state *st, double now_s)
{
    if (st->dead) {
        emit(st, "ALIVE heartbeats back after %.1f s", now_s - st->last_heartbeat_s);
        run(st, st->opt.on_alive, "on-alive", NULL, 0);
        st->dead = 0;
    }
    st->last_heartbeat_s = now_s;
}

static void on_sequence(siren_state *st, const es_sub_item *it)
{
    if (it->gap > 0)
        emit(st, "GAP lost=%llu after_seq=%llu seq=%llu topic=%s",
             (unsigned long long)it->gap, (unsigned long long)it->previous_seq,
             (unsigned long long)it->seq, it->topic);
    if (it->restarted) {
        emit(st, "RESTART seq=%llu after_seq=%llu: a new engine process, alert ids start again",
             (unsigned long long)it->seq, (unsigned long long)it->previous_seq);
        st->n_seen = st->next_seen = 0;
    }
}

static void on_item(siren_state *st, const es_sub_item *it, double now_s)
{
    switch (it->kind) {
    case ES_SUB_MESSAGE:
        on_sequence(st, it);
        if (strcmp(it->topic, "heartbeat") == 0)
            on_heartbeat(st, now_s);
        else if (strcmp(it->topic, "alert") == 0)
            on_alert(st, it, now_s);
        break;
    case ES_SUB_BAD:
        emit(st, "BAD topic=%s reason=\"%s\"", it->topic, it->reason);
        break;
    case ES_SUB_CONNECTED:
        emit(st, "CONNECTED endpoint=%s", it->reason);
        break;
    case ES_SUB_DISCONNECTED:
        emit(st, "DISCONNECTED endpoint=%s (reconnecting)", it->reason);
        break;
    case ES_SUB_REFUSED:
        emit(st, "REFUSED %s", it->reason);
        break;
    }
}

/* The clock's part: the engine silent too long, the hold over. */
static void on_clock(siren_state *st, double now_s)
{
    double silent_s = now_s - st->last_heartbeat_s;
    if (!st->dead && silent_s >= st->opt.dead_after_s) {
        st->dead = 1;
        emit(st, "DEAD no heartbeat for %.1f s: the engine is down or unreachable", silent_s);
        char env[48], *envp[1] = {env};
        snprintf(env, sizeof env, "EARSHOT_SILENT_S=%.1f", silent_s);
        run(st, st->opt.on_dead, "on-dead", envp, 1);
    }
    if (st->siren_on && now_s >= st->hold_until_s) {
        st->siren_on = 0;
        emit(st, "CLEAR no new alert for %.0f s", st->opt.hold_s);
        run(st, st->opt.on_clear, "on-clear", NULL, 0);
    }
}

static void report_line(void *ctx, const char *line) { emit(ctx, "%s", line); }

int siren_state_loop(siren_state *st, es_sub s, volatile sig_atomic_t *stop)
{
    while (!*stop) {
        es_sub_item it = {0};
        es_error err = {{0}};
        int rc = es_sub_receive(s, POLL_MS, &it, &err);
        double now_s = es_sub_now_s();
        if (rc < 0) {
            fprintf(stderr, "earshot-siren: %s\n", err.msg);
            return 1;
        }
        if (rc == 1)
            on_item(st, &it, now_s);
        es_sub_item_clear(&it);
        on_clock(st, now_s);
        siren_reap(&st->runner, now_s, report_line, st);
    }
    return 0;
}
