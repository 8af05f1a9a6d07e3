/* earshot-console: a live terminal view of an Earshot engine's whole
 * stream (issue 7, section 2): events, sensor health, seq gaps, the
 * engine's state. The model is console_state.c (no I/O), the layout
 * console_draw.c, the terminal bytes console_term.c; this file parses
 * the options and runs the loop: receive, apply, redraw at most 4 times
 * a second. Exit: 0 on SIGINT or SIGTERM (or after --once), 2 bad usage,
 * 1 a failure at run time. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "console_draw.h"
#include "console_state.h"
#include "sub.h"

#define REDRAW_MIN_S 0.25       /* at most 4 frames a second */
#define POLL_MAX_MS 100         /* the clock's part: DEAD, the header's time */
#define DEFAULT_WIDTH 80        /* stdout not a terminal, no COLUMNS/LINES */
#define DEFAULT_HEIGHT 24

static volatile sig_atomic_t stop_requested, resized;

/* SIGWINCH: the size is read again before the next frame; the others stop. */
static void on_signal(int sig)
{
    if (sig == SIGWINCH)
        resized = 1;
    else
        stop_requested = 1;
}

static const char usage[] =
    "NAME\n"
    "  earshot-console - a live terminal view of an Earshot engine\n"
    "\n"
    "SYNOPSIS\n"
    "  earshot-console --connect ENDPOINT [--once S] [--no-color]\n"
    "                  [--server-key Z85 --key-file PATH]\n"
    "\n"
    "DESCRIPTION\n"
    "  Subscribes to every topic the engine publishes (alert, event,\n"
    "  heartbeat) and redraws the terminal on each message, at most 4 times\n"
    "  a second, and at least once a second for the clock:\n"
    "  - a header: the endpoint and the wall clock (UTC);\n"
    "  - ENGINE: CONNECTED, DISCONNECTED, DEAD (no heartbeat for 3 s) or\n"
    "    REFUSED (the CURVE handshake failed: keys); then, from the latest\n"
    "    heartbeat, the uptime, version, bound endpoint, atmosphere, overruns\n"
    "    and the engine's events and alerts counters;\n"
    "  - seq: messages received, lost (jumps in seq) and the last gap,\n"
    "    engine restarts (seq going back) and messages that break the contract;\n"
    "  - EVENTS, newest first, each id once at its latest revision: MARK\n"
    "    (ALERT in reverse video: an alerted launch; WITHDRAWN: alerted, then\n"
    "    revised to no launch), ORIGIN (t_origin: UTC live, +seconds into the\n"
    "    file in replay), ID (* from an earlier engine process), REV, KIND,\n"
    "    CLASS, RANGE_KM, BRG_DEG, CEP50_M, CONF, ALTERNATIVE (a line array's\n"
    "    mirror position: range km @ bearing, probability) and SENSORS (used /\n"
    "    in the heartbeat, then their ids);\n"
    "  - SENSORS from the latest heartbeat: id, ok or FAIL, level and peak\n"
    "    (dBFS), and every flag that is true (clipping, dead, stuck, suspect).\n"
    "  Lines are cut to the terminal's width (re-read when it is resized);\n"
    "  the oldest events are dropped when they do not fit its height, the\n"
    "  sensors go side by side in at most a quarter of it.\n"
    "\n"
    "OPTIONS\n"
    "  --connect ENDPOINT  the engine's publish endpoint (tcp://HOST:PORT,\n"
    "                      ipc://PATH); required\n"
    "  --once S            print one frame after S seconds (0-86400) as plain\n"
    "                      text, without escape codes, and exit 0: every event,\n"
    "                      lines cut to the terminal's width if stdout is one,\n"
    "                      else to $COLUMNS if set, else at 1023 bytes\n"
    "  --no-color          no colours or video attributes (alerts still read\n"
    "                      ALERT); also when NO_COLOR is set and not empty\n"
    "  --server-key Z85    the engine's CURVE public key (publish.curve)\n"
    "  --key-file PATH     this subscriber's CURVE secret key file (as\n"
    "                      `earshot keygen` writes it); needs --server-key\n"
    "  -h, --help          this text\n"
    "\n"
    "ENVIRONMENT\n"
    "  NO_COLOR       set and not empty: as --no-color\n"
    "  COLUMNS, LINES the size to draw for when stdout is not a terminal\n"
    "                 (default 80 x 24; --once: COLUMNS only, every line)\n"
    "\n"
    "EXIT STATUS\n"
    "  0  stopped by SIGINT or SIGTERM (the terminal restored), or --once done\n"
    "  1  a failure at run time (the socket, or writing to stdout)\n"
    "  2  bad usage: one line on stderr naming the problem\n";

typedef struct {
    int once;
    double once_s;
    int color;
} console_options;

/* One line, as the contract asks of bad usage. */
static int usage_error(const char *fmt, const char *detail)
{
    char what[sizeof(es_error) + 64];
    snprintf(what, sizeof what, fmt, detail);
    fprintf(stderr, "earshot-console: %s (earshot-console --help for usage)\n", what);
    return 2;
}

static int parse_once(const char *value, double *out_s)
{
    char *end = NULL;
    *out_s = value != NULL ? strtod(value, &end) : NAN;
    /* NaN fails both comparisons */
    if (value != NULL && end != value && *end == '\0' && *out_s >= 0.0 && *out_s <= 86400.0)
        return 0;
    return usage_error("%s needs a number of seconds (0-86400)", "--once");
}

/* 0 to run, -1 help printed, 2 bad usage (reported). The console's own
 * options first, then the subscriber core's (--connect and the keys). */
static int parse_args(int argc, char **argv, es_sub_config *sub, console_options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return -1;
        }
        if (strcmp(a, "--no-color") == 0) {
            o->color = 0;
            continue;
        }
        if (strcmp(a, "--once") == 0) {
            o->once = 1;
            if (parse_once(i + 1 < argc ? argv[++i] : NULL, &o->once_s) != 0)
                return 2;
            continue;
        }
        es_error err = {{0}};
        int known = es_sub_parse_option(argc, argv, &i, sub, &err);
        if (known < 0)
            return usage_error("%s", err.msg);
        if (known == 0)
            return usage_error(a[0] == '-' ? "unknown option '%s'" : "unexpected argument '%s'",
                               a);
    }
    es_error err = {{0}};
    if (es_sub_check_config(sub, &err) != ES_OK)
        return usage_error("%s", err.msg);
    return 0;
}

/* ------------------------------------------------------------- the screen */

static int env_int(const char *name, int fallback)
{
    const char *v = getenv(name);
    int n = v != NULL ? atoi(v) : 0;
    return n > 0 ? n : fallback;
}

/* The terminal's size; for --once (height 0: every event), not cut unless
 * stdout is a terminal or COLUMNS says. */
static void screen_size(int once, int *width, int *height)
{
    struct winsize ws = {0};
    int tty = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0;
    if (once) {
        *width = tty ? ws.ws_col : env_int("COLUMNS", CD_LINE_MAX - 1);
        *height = 0;
    } else {
        *width = tty ? ws.ws_col : env_int("COLUMNS", DEFAULT_WIDTH);
        *height = tty ? ws.ws_row : env_int("LINES", DEFAULT_HEIGHT);
    }
}

static double wall_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    console_frame frame;
    int width, height;
    int clear;                  /* the whole screen, before the next frame */
    double drawn_s;             /* monotonic, of the last frame */
    long drawn_wall_s;          /* the header clock's second then */
    cs_engine_state drawn_state;
    int dirty;                  /* an item changed the model since */
} view;

/* Something to show: a message, the clock's second, the engine's state. */
static int view_stale(const view *v, const console_state *st, double now_s, double wall_s)
{
    return v->dirty || (long)wall_s != v->drawn_wall_s ||
           console_state_engine(st, now_s) != v->drawn_state;
}

/* 0, or 1 with the reason in why (printed once the screen is given back:
 * on the alternate screen it would vanish with it). */
static int draw(view *v, const console_state *st, const console_options *o, double now_s,
                char *why, size_t why_size)
{
    double wall_s = wall_now_s();
    if (console_frame_render(&v->frame, st, v->width, v->height, now_s, wall_s) != 0) {
        snprintf(why, why_size, "out of memory");
        return 1;
    }
    if (console_frame_write(&v->frame, STDOUT_FILENO, !o->once, o->color, v->clear) != 0) {
        snprintf(why, why_size, "writing to stdout: %s", strerror(errno));
        return 1;
    }
    v->clear = v->dirty = 0;
    v->drawn_s = now_s;
    v->drawn_wall_s = (long)wall_s;
    v->drawn_state = console_state_engine(st, now_s);
    return 0;
}

/* ---------------------------------------------------------------- the loop */

/* How long to wait for the next item: until the next frame may be drawn
 * when one is due, else the clock's poll; --once: not past its time. */
static int wait_ms(const view *v, int stale, double now_s, double until_s)
{
    double wait_s = POLL_MAX_MS / 1000.0;
    if (stale && v->drawn_s + REDRAW_MIN_S - now_s < wait_s)
        wait_s = v->drawn_s + REDRAW_MIN_S - now_s;
    if (until_s - now_s < wait_s)
        wait_s = until_s - now_s;
    return wait_s > 0.0 ? (int)ceil(wait_s * 1000.0) : 0;
}

static int run(console_state *st, es_sub s, const console_options *o, char *why, size_t why_size)
{
    view v = {.clear = 1, .dirty = 1, .drawn_s = -INFINITY};
    screen_size(o->once, &v.width, &v.height);
    double until_s = o->once ? es_sub_now_s() + o->once_s : INFINITY;
    int rc = 0;
    while (!stop_requested && rc == 0) {
        double now_s = es_sub_now_s();
        if (now_s >= until_s)
            break;
        if (resized) {
            resized = 0;
            screen_size(o->once, &v.width, &v.height);
            v.clear = v.dirty = 1;
        }
        es_sub_item it = {0};
        es_error err = {{0}};
        int got = es_sub_receive(s, wait_ms(&v, view_stale(&v, st, now_s, wall_now_s()), now_s,
                                            until_s), &it, &err);
        now_s = es_sub_now_s();
        if (got < 0) {
            snprintf(why, why_size, "%s", err.msg);
            rc = 1;
        } else if (got == 1) {
            console_state_apply(st, &it, now_s, wall_now_s());
            v.dirty = 1;
        }
        es_sub_item_clear(&it);
        if (rc == 0 && !o->once && now_s - v.drawn_s >= REDRAW_MIN_S &&
            view_stale(&v, st, now_s, wall_now_s()))
            rc = draw(&v, st, o, now_s, why, why_size);
    }
    if (rc == 0 && o->once)
        rc = draw(&v, st, o, es_sub_now_s(), why, why_size);
    console_frame_free(&v.frame);
    return rc;
}

static void handle_signals(void)
{
    /* no SA_RESTART: a signal ends the wait for the next item at once */
    es_sub_handle_stop_signals(on_signal); /* a closed stdout: a write error, exit 1 */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, NULL);
}

int main(int argc, char **argv)
{
    es_sub_config sub = {0};
    const char *no_color = getenv("NO_COLOR");
    console_options opt = {.color = no_color == NULL || no_color[0] == '\0'};
    int rc = parse_args(argc, argv, &sub, &opt);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    handle_signals();
    es_error err = {{0}};
    es_sub s = es_sub_create(&sub, &err);
    if (s == NULL) {
        /* a bad endpoint or key file is the user's to fix: bad usage */
        fprintf(stderr, "earshot-console: %s\n", err.msg);
        return err.msg[0] != '\0' && strstr(err.msg, "out of memory") == NULL ? 2 : 1;
    }
    console_state *st = console_state_create(sub.endpoint, es_sub_now_s());
    if (st == NULL) {
        fprintf(stderr, "earshot-console: out of memory\n");
        es_sub_destroy(&s);
        return 1;
    }
    char why[sizeof err.msg] = "";
    if (opt.once || console_screen_enter(STDOUT_FILENO) == 0) {
        rc = run(st, s, &opt, why, sizeof why);
    } else {
        snprintf(why, sizeof why, "writing to stdout: %s", strerror(errno));
        rc = 1;
    }
    if (!opt.once)
        console_screen_leave(STDOUT_FILENO); /* the cursor back, whatever happened */
    if (rc != 0)
        fprintf(stderr, "earshot-console: %s\n", why);
    console_state_destroy(&st);
    es_sub_destroy(&s);
    return rc;
}
