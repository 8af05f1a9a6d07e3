/* earshot-console's layout (see console_draw.h): the header, the engine,
 * the sequence, the sensor table, the events table, top to bottom. The
 * events take what height is left, newest first: the oldest are the ones
 * dropped. */
#include "console_draw.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPLAY_ORIGIN_MAX_S 1e8 /* a t_origin below this is seconds into a file */

/* The order on the screen: the engine, then the events (what an operator
 * looks for first), then the sensors. The sensors may take a quarter of
 * the height (a 64-sensor array must not push the alerts off the screen,
 * so wide terminals get sensors side by side); the events take the rest,
 * and when the terminal is so small that nothing is left, still their
 * title, column names and the newest one, before any sensor. */
#define SENSOR_SHARE 4          /* 1 / the share of the height */
#define EVENT_LINES_MIN 3

/* ------------------------------------------------------------- lines */

/* Appends a line cut to the width; NULL (nothing added) once the height
 * is full, or out of memory (noted in the frame). */
static cd_line *add_line(console_frame *f, cd_attr attr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cd_line *add_line(console_frame *f, cd_attr attr, const char *fmt, ...)
{
    if (f->height > 0 && f->n >= f->height)
        return NULL;
    if (f->n == f->cap) {
        int cap = f->cap > 0 ? 2 * f->cap : 64;
        cd_line *more = realloc(f->lines, (size_t)cap * sizeof *more);
        if (more == NULL) {
            f->out_of_memory = 1;
            return NULL;
        }
        f->lines = more;
        f->cap = cap;
    }
    cd_line *l = &f->lines[f->n++];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->text, (size_t)f->width + 1, fmt, ap);
    va_end(ap);
    l->attr = attr;
    return l;
}

static int lines_left(const console_frame *f) { return f->height > 0 ? f->height - f->n : 1 << 30; }

/* ------------------------------------------------------------ numbers */

/* printf of one number into buf, or "?" when the message did not carry it. */
static const char *fmt_num(char *buf, size_t size, const char *fmt, double v)
{
    if (!isfinite(v))
        return "?";
    snprintf(buf, size, fmt, v);
    return buf;
}

/* "01:02:03Z" (decimals 0) or "01:02:03.45Z" (2): UTC, as military logs are. */
static const char *fmt_utc(char *buf, size_t size, double unix_s, int decimals)
{
    time_t whole = (time_t)floor(unix_s);
    struct tm tm;
    gmtime_r(&whole, &tm);
    char hms[16];
    strftime(hms, sizeof hms, "%H:%M:%S", &tm);
    if (decimals > 0)
        snprintf(buf, size, "%s.%02dZ", hms, (int)((unix_s - (double)whole) * 100.0));
    else
        snprintf(buf, size, "%sZ", hms);
    return buf;
}

/* t_origin: live, UNIX time (as UTC); in replay, seconds into the file. */
static const char *fmt_origin(char *buf, size_t size, double t_origin_s)
{
    if (!isfinite(t_origin_s))
        return fmt_num(buf, size, "", NAN);
    if (t_origin_s >= REPLAY_ORIGIN_MAX_S)
        return fmt_utc(buf, size, t_origin_s, 2);
    snprintf(buf, size, "%+.3fs", t_origin_s);
    return buf;
}

static const char *fmt_duration(char *buf, size_t size, double s)
{
    if (!isfinite(s) || s < 0.0)
        return fmt_num(buf, size, "", NAN);
    long whole_s = (long)s;
    snprintf(buf, size, "%ld:%02ld:%02ld", whole_s / 3600, whole_s / 60 % 60, whole_s % 60);
    return buf;
}

/* ----------------------------------------------------- header, engine */

static void render_header(console_frame *f, const console_state *st, double wall_s)
{
    time_t whole = (time_t)floor(wall_s);
    struct tm tm;
    gmtime_r(&whole, &tm);
    char clock[40];
    strftime(clock, sizeof clock, "%Y-%m-%d %H:%M:%SZ", &tm);
    add_line(f, CD_BOLD, "earshot-console  %s  %s", st->connect, clock);
}

static void render_engine(console_frame *f, const console_state *st, double now_s)
{
    cs_engine_state s = console_state_engine(st, now_s);
    const cs_engine *e = &st->engine;
    char silent[48] = "no heartbeat yet", up[32];
    if (st->have_heartbeat)
        snprintf(silent, sizeof silent, "last heartbeat %.1f s ago", now_s - st->last_heartbeat_s);
    add_line(f, s == CS_CONNECTED ? CD_BOLD : CD_ALARM,
             "ENGINE %s  link %s  %s  up %s  version %s  publishing %s", console_state_name(s),
             st->link_up ? "up" : "down", silent, fmt_duration(up, sizeof up, e->uptime_s),
             st->have_heartbeat ? e->version : "?", st->have_heartbeat ? e->endpoint : "?");
    if (s == CS_REFUSED)
        add_line(f, CD_ALARM, "  refused: %s", st->refusal);
}

static void render_air(console_frame *f, const console_state *st)
{
    const cs_engine *e = &st->engine;
    char t[16], w[16], from[16], c[16], rh[32] = "", p[16], ovr[24], ev[24], al[24], audio[24];
    if (isfinite(e->humidity_pct)) /* only when the site configures it */
        snprintf(rh, sizeof rh, "  humidity %.0f %%", e->humidity_pct);
    add_line(f, CD_PLAIN,
             "air %s C  wind %s m/s from %s deg  c %s m/s  %s kPa%s  |  "
             "overruns %s  events %s  alerts %s  audio %s s",
             fmt_num(t, sizeof t, "%.1f", e->temperature_c),
             fmt_num(w, sizeof w, "%.1f", e->wind_speed_mps),
             fmt_num(from, sizeof from, "%.0f", e->wind_from_deg),
             fmt_num(c, sizeof c, "%.2f", e->speed_of_sound_mps),
             fmt_num(p, sizeof p, "%.2f", e->pressure_kpa), rh,
             fmt_num(ovr, sizeof ovr, "%.0f", e->overruns),
             fmt_num(ev, sizeof ev, "%.0f", e->events),
             fmt_num(al, sizeof al, "%.0f", e->alerts),
             fmt_num(audio, sizeof audio, "%.1f", e->stream_time_s));
}

static void render_sequence(console_frame *f, const console_state *st)
{
    char last[96] = "none", when[24];
    if (st->gaps > 0)
        snprintf(last, sizeof last, "%llu lost before seq %llu at %s",
                 (unsigned long long)st->last_gap_lost, (unsigned long long)st->last_gap_seq,
                 fmt_utc(when, sizeof when, st->last_gap_wall_s, 0));
    add_line(f, st->lost > 0 ? CD_ALARM : CD_PLAIN,
             "seq %llu received  lost %llu in %llu gaps (last gap: %s)  restarts %llu  bad %llu%s%s",
             (unsigned long long)st->received, (unsigned long long)st->lost,
             (unsigned long long)st->gaps, last, (unsigned long long)st->restarts,
             (unsigned long long)st->bad, st->bad > 0 ? " last: " : "", st->bad > 0 ? st->last_bad : "");
}

/* ------------------------------------------------------------ sensors */

typedef struct {
    int id_w, flags_w, cell_w;  /* column widths, and a whole cell's */
} sensor_layout;

static sensor_layout sensor_widths(const console_state *st)
{
    sensor_layout L = {2, 5, 0};    /* "ID", "FLAGS" */
    for (int i = 0; i < st->n_sensors; i++) {
        int id_w = (int)strlen(st->sensors[i].id), flags_w = (int)strlen(st->sensors[i].flags);
        L.id_w = id_w > L.id_w ? id_w : L.id_w;
        L.flags_w = flags_w > L.flags_w ? flags_w : L.flags_w;
    }
    L.cell_w = L.id_w + 1 + 4 + 1 + 10 + 1 + 9 + 1 + L.flags_w + 3;
    return L;
}

/* One sensor's cell (or the header's, s NULL), padded to the cell width. */
static int sensor_cell(char *out, size_t size, const sensor_layout *L, const cs_sensor *s)
{
    char lvl[16], peak[16];
    if (s == NULL)
        return snprintf(out, size, "%-*s %-4s %10s %9s %-*s   ", L->id_w, "ID", "OK", "LEVEL_DBFS",
                        "PEAK_DBFS", L->flags_w, "FLAGS");
    return snprintf(out, size, "%-*s %-4s %10s %9s %-*s   ", L->id_w, s->id, s->ok ? "ok" : "FAIL",
                     fmt_num(lvl, sizeof lvl, "%.1f", s->level_dbfs),
                     fmt_num(peak, sizeof peak, "%.1f", s->peak_dbfs), L->flags_w, s->flags);
}

/* One row of the table: sensors first, first + step, ... side by side. */
static void sensor_row(console_frame *f, const console_state *st, const sensor_layout *L,
                       int first, int step, int columns)
{
    char row[CD_LINE_MAX] = "";
    size_t used = 0;
    int all_ok = 1;
    for (int c = 0; c < columns && used < sizeof row - 1; c++) {
        int i = first + c * step;
        if (first >= 0 && i >= st->n_sensors)
            break;
        const cs_sensor *s = first >= 0 ? &st->sensors[i] : NULL;
        all_ok = all_ok && (s == NULL || (s->ok && s->flags[0] == '\0'));
        used += (size_t)sensor_cell(row + used, sizeof row - used, L, s);
    }
    while (used > 0 && row[used - 1] == ' ')
        row[--used] = '\0';
    add_line(f, first < 0 ? CD_BOLD : all_ok ? CD_PLAIN : CD_ALARM, "%s", row);
}

typedef struct {
    sensor_layout L;
    int columns, rows;          /* of cells */
    int shown;                  /* sensors that fit */
} sensor_plan;

/* As many columns side by side as keep the table within its share. */
static sensor_plan plan_sensors(const console_state *st, const console_frame *f)
{
    sensor_plan p = {sensor_widths(st), 1, 0, st->n_sensors};
    int n = st->n_sensors, budget = f->height / SENSOR_SHARE - 2; /* title, column names */
    if (f->height == 0 || n == 0) {
        p.rows = n;
        return p;
    }
    budget = budget < 1 ? 1 : budget;
    int fit = f->width / p.L.cell_w > 1 ? f->width / p.L.cell_w : 1;
    p.columns = (n + budget - 1) / budget;
    p.columns = p.columns > fit ? fit : p.columns;
    p.rows = (n + p.columns - 1) / p.columns;
    if (p.rows > budget) {
        p.rows = budget;
        p.shown = p.rows * p.columns;
    }
    return p;
}

static int sensor_lines(const console_state *st, const sensor_plan *p)
{
    return st->have_heartbeat ? 2 + p->rows : 1;
}

static void render_sensors(console_frame *f, const console_state *st, const sensor_plan *p)
{
    int n = st->n_sensors, ok = 0;
    for (int i = 0; i < n; i++)
        ok += st->sensors[i].ok;
    if (!st->have_heartbeat) {
        add_line(f, CD_BOLD, "SENSORS (no heartbeat yet)");
        return;
    }
    add_line(f, ok == n ? CD_BOLD : CD_ALARM, "SENSORS %d, %d ok, %d not ok%s", n, ok, n - ok,
             p->shown < n ? " (some not shown: terminal too small)" : "");
    sensor_row(f, st, &p->L, -1, 0, p->columns);
    for (int r = 0; r < p->rows; r++)
        sensor_row(f, st, &p->L, r, p->rows, p->columns);
}

/* ------------------------------------------------------------- events */

static const char *fmt_alternative(char *buf, size_t size, const cs_event *e)
{
    char r[16], b[16], p[16];
    if (!e->has_alternative)
        return "-";
    snprintf(buf, size, "%skm@%sdeg,p%s", fmt_num(r, sizeof r, "%.2f", e->alt_range_m / 1000.0),
             fmt_num(b, sizeof b, "%.1f", e->alt_bearing_deg),
             fmt_num(p, sizeof p, "%.2f", e->alt_probability));
    return buf;
}

static const char *fmt_range_km(char *buf, size_t size, double range_m)
{
    return fmt_num(buf, size, range_m < 10000.0 ? "%.3f" : "%.1f", range_m / 1000.0);
}

static const char *event_mark(const cs_event *e)
{
    if (!e->alerted)
        return "-";
    /* an alerted id revised to no launch: the engine withdrew the alert */
    return strcmp(e->kind, "launch") == 0 ? "ALERT" : "WITHDRAWN";
}

#define EVENT_COLUMNS "%-9s %-13s %-7s %-4s %-7s %-9s %8s %7s %7s %5s %-22s %s"

static void render_event(console_frame *f, const console_state *st, const cs_event *e)
{
    char origin[24], id[CS_ID_MAX + 1], rev[24], range[16], brg[16], cep[16], conf[16],
        alt[64], sensors[CS_LIST_MAX + 32];
    snprintf(id, sizeof id, "%s%s", e->id, e->generation != st->generation ? "*" : "");
    snprintf(rev, sizeof rev, "r%ld", e->revision);
    if (st->n_sensors > 0)
        snprintf(sensors, sizeof sensors, "%d/%d %s", e->n_sensors, st->n_sensors, e->sensors);
    else
        snprintf(sensors, sizeof sensors, "%d %s", e->n_sensors, e->sensors);
    cd_line *l = add_line(f, CD_PLAIN, EVENT_COLUMNS, event_mark(e),
                          fmt_origin(origin, sizeof origin, e->t_origin_s), id, rev, e->kind,
                          e->cls, fmt_range_km(range, sizeof range, e->range_m),
                          fmt_num(brg, sizeof brg, "%.1f", e->bearing_deg),
                          fmt_num(cep, sizeof cep, e->cep50_m < 10.0 ? "%.1f" : "%.0f", e->cep50_m),
                          fmt_num(conf, sizeof conf, "%.2f", e->confidence),
                          fmt_alternative(alt, sizeof alt, e), sensors);
    if (l != NULL && e->alerted && strcmp(e->kind, "launch") == 0)
        l->attr = CD_REVERSE;
}

/* At most room lines: the title, the column names, then the newest rows;
 * when some do not fit, the last line says how many. */
static void render_events(console_frame *f, const console_state *st, int room)
{
    const cs_event *rows[CS_EVENTS_MAX];
    int n = console_state_newest_first(st, rows, CS_EVENTS_MAX), alerted = 0, old = 0;
    for (int i = 0; i < n; i++) {
        alerted += rows[i]->alerted;
        old += rows[i]->generation != st->generation;
    }
    room = (room < EVENT_LINES_MIN ? EVENT_LINES_MIN : room) - 2;
    int note = n > room && room > 1; /* the newest row before the note */
    int shown = n <= room ? n : room - note;
    add_line(f, CD_BOLD, "EVENTS %d (%d alerted), newest first%s", n, alerted,
             old > 0 ? "; * an earlier engine process" : "");
    add_line(f, CD_BOLD, EVENT_COLUMNS, "MARK", "ORIGIN", "ID", "REV", "KIND", "CLASS", "RANGE_KM",
             "BRG_DEG", "CEP50_M", "CONF", "ALTERNATIVE", "SENSORS");
    for (int i = 0; i < shown; i++)
        render_event(f, st, rows[i]);
    if (note)
        add_line(f, CD_PLAIN, "... %d older not shown (terminal too small)", n - shown);
}

int console_frame_render(console_frame *f, const console_state *st, int width, int height,
                         double now_s, double wall_s)
{
    f->n = 0;
    f->width = width < 1 ? 1 : width < CD_LINE_MAX - 1 ? width : CD_LINE_MAX - 1;
    f->height = height < 0 ? 0 : height;
    f->out_of_memory = 0;
    render_header(f, st, wall_s);
    render_engine(f, st, now_s);
    render_air(f, st);
    render_sequence(f, st);
    add_line(f, CD_PLAIN, "%s", "");
    sensor_plan sensors = plan_sensors(st, f);
    render_events(f, st, lines_left(f) - 1 - sensor_lines(st, &sensors));
    add_line(f, CD_PLAIN, "%s", "");
    render_sensors(f, st, &sensors);
    return f->out_of_memory ? -1 : 0;
}

void console_frame_free(console_frame *f)
{
    free(f->lines);
    memset(f, 0, sizeof *f);
}
