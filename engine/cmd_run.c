/* `earshot run`: live capture from the PortAudio input named in the site
 * config, analysed by the threaded runtime until SIGINT or SIGTERM.
 *
 * The main thread only waits for signals: SIGINT, SIGTERM and SIGHUP are
 * blocked before any thread exists (so every thread inherits the mask) and
 * taken with sigtimedwait every 0.2 s, between which the device watchdog
 * runs. SIGHUP re-reads the config and applies its atmosphere (CONTRACT.md
 * section 2). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "earshot/capture.h"
#include "earshot/config.h"
#include "earshot/runtime.h"
#include "earshot/source_portaudio.h"

#define WATCH_PERIOD_S 0.2
#define FLUSH_TIMEOUT_S 10.0

static const char run_usage[] =
    "usage: earshot run --config SITE.json [options]\n"
    "\n"
    "Captures from the PortAudio input device named in the config's\n"
    "audio.device (exact name as `earshot devices` lists it, or \"default\"),\n"
    "detects and locates launches, and publishes on the config's endpoint\n"
    "until SIGINT or SIGTERM, then flushes and exits 0. SIGHUP re-reads the\n"
    "config and applies its atmosphere section; other changes are reported\n"
    "and wait for a restart. A device lost while running is reported in\n"
    "heartbeats (sensors ok: false) and reopened every 2 s.\n"
    "\n"
    "  --config FILE     site config (required)\n"
    "  --events FILE     also write every message body, one JSON per line\n"
    "                    ('-' for stdout)\n"
    "  --endpoint EP     bind EP instead of publish.endpoint\n"
    "  --block N         frames per capture block (default 128)\n"
    "  --quiet           no readable line per event on stderr\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 stopped by a signal and flushed; 2 bad usage, config or\n"
    "device (missing, busy, too few channels, rate not supported); 1 a failure\n"
    "at run time\n";

typedef struct {
    const char *config_path, *events_path, *endpoint;
    size_t block_frames;
    int print_events;
} run_args;

typedef struct {
    run_args a;
    es_site_config *site;        /* as started (atmosphere: as in force) */
    es_capture cap;
    es_pa_source src;
    es_runtime rt;
} run_state;

static int usage_error(const char *what)
{
    fprintf(stderr, "earshot run: %s\n%s", what, run_usage);
    return ES_EXIT_USAGE;
}

enum { OPT_CONFIG = 1, OPT_EVENTS, OPT_ENDPOINT, OPT_BLOCK, OPT_QUIET, OPT_HELP };

/* 0 to run, -1 after --help, else an exit status. */
static int parse_args(int argc, char **argv, run_args *a)
{
    static const struct option opts[] = {{"config", required_argument, NULL, OPT_CONFIG},
                                         {"events", required_argument, NULL, OPT_EVENTS},
                                         {"endpoint", required_argument, NULL, OPT_ENDPOINT},
                                         {"block", required_argument, NULL, OPT_BLOCK},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {"help", no_argument, NULL, OPT_HELP},
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        char *end = NULL;
        long v;
        switch (c) {
        case OPT_CONFIG: a->config_path = optarg; break;
        case OPT_EVENTS: a->events_path = optarg; break;
        case OPT_ENDPOINT: a->endpoint = optarg; break;
        case OPT_QUIET: a->print_events = 0; break;
        case OPT_BLOCK:
            v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v < 16 || v > 8192)
                return usage_error("--block takes a frame count from 16 to 8192");
            a->block_frames = (size_t)v;
            break;
        case 'h':
        case OPT_HELP: fputs(run_usage, stdout); return -1;
        default: return usage_error("unknown option or missing value");
        }
    }
    if (a->config_path == NULL)
        return usage_error("--config is required");
    if (optind != argc)
        return usage_error("unexpected argument (run takes no INPUT)");
    return 0;
}

static void warn_config(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "earshot: warning: %s\n", msg);
}

/* Channels to open: up to the highest one a sensor uses; `key` names it. */
static int channels_needed(const es_site_config *c, char *key, size_t cap)
{
    size_t top = 0;
    for (size_t i = 1; i < c->n_sensors; i++)
        if (c->sensors[i].channel > c->sensors[top].channel)
            top = i;
    snprintf(key, cap, "sensors[%zu].channel", top);
    return c->sensors[top].channel + 1;
}

/* At least 2 s of audio in the capture ring, a power of two. */
static uint32_t ring_blocks_for(int rate_hz, size_t block_frames)
{
    uint32_t n = 16;
    while (n < (1u << 16) && (double)n * (double)block_frames < 2.0 * rate_hz)
        n *= 2;
    return n;
}

/* ----------------------------------------------------------------- SIGHUP */

static int same_sensors(const es_site_config *a, const es_site_config *b)
{
    if (a->n_sensors != b->n_sensors)
        return 0;
    for (size_t i = 0; i < a->n_sensors; i++) {
        const es_sensor_config *x = &a->sensors[i], *y = &b->sensors[i];
        if (strcmp(x->id, y->id) != 0 || x->channel != y->channel || x->e_m != y->e_m ||
            x->n_m != y->n_m || x->u_m != y->u_m)
            return 0;
    }
    return 1;
}

static int same_detection(const es_detection_config *a, const es_detection_config *b)
{
    return a->band_lo_hz == b->band_lo_hz && a->band_hi_hz == b->band_hi_hz &&
           a->trigger_db == b->trigger_db && a->launch_min_range_m == b->launch_min_range_m &&
           a->full_scale_db_spl == b->full_scale_db_spl;
}

/* Every section but the atmosphere that differs: reported, not applied. */
static void report_ignored(const char *path, const es_site_config *old, const es_site_config *now)
{
    const char *changed[6];
    int n = 0;
    if (strcmp(old->name, now->name) != 0 || old->origin_lat_deg != now->origin_lat_deg ||
        old->origin_lon_deg != now->origin_lon_deg || old->origin_alt_m != now->origin_alt_m)
        changed[n++] = "site";
    if (old->sample_rate_hz != now->sample_rate_hz || strcmp(old->device, now->device) != 0)
        changed[n++] = "audio";
    if (!same_sensors(old, now))
        changed[n++] = "sensors";
    if (strcmp(old->endpoint, now->endpoint) != 0)
        changed[n++] = "publish";
    if (!same_detection(&old->detection, &now->detection))
        changed[n++] = "detection";
    for (int i = 0; i < n; i++)
        fprintf(stderr, "earshot: SIGHUP: %s: %s changed; restart to apply\n", path, changed[i]);
}

static void reload(run_state *st)
{
    es_site_config *fresh = malloc(sizeof *fresh);
    es_error err = {{0}};
    const char *path = st->a.config_path;
    if (fresh == NULL) {
        fprintf(stderr, "earshot: SIGHUP: out of memory; keeping the running config\n");
        return;
    }
    if (es_site_config_load(path, fresh, warn_config, NULL, &err) != ES_OK) {
        fprintf(stderr, "earshot: SIGHUP: %s; keeping the running config\n", err.msg);
        free(fresh);
        return;
    }
    report_ignored(path, st->site, fresh);
    const es_atmosphere_config *o = &st->site->atmosphere, *a = &fresh->atmosphere;
    if (o->temperature_c == a->temperature_c && o->wind_speed_mps == a->wind_speed_mps &&
        o->wind_from_deg == a->wind_from_deg) {
        fprintf(stderr, "earshot: SIGHUP: %s: atmosphere unchanged\n", path);
    } else {
        es_runtime_set_atmosphere(st->rt, a);
        st->site->atmosphere = *a;
        fprintf(stderr,
                "earshot: SIGHUP: %s: atmosphere applied: %.1f C, wind %.1f m/s from %.0f deg\n",
                path, a->temperature_c, a->wind_speed_mps, a->wind_from_deg);
    }
    free(fresh);
}

/* ------------------------------------------------------------- lifecycle */

/* Config, capture ring, device, runtime: an exit status (0: running). */
static int start(run_state *st, es_error *err)
{
    st->site = malloc(sizeof *st->site);
    if (st->site == NULL)
        return es_error_set(err, ES_ENOMEM, "out of memory"), ES_EXIT_RUNTIME;
    if (es_site_config_load(st->a.config_path, st->site, warn_config, NULL, err) != ES_OK)
        return ES_EXIT_USAGE;
    char key[64];
    int channels = channels_needed(st->site, key, sizeof key);
    es_capture_config cc = {.channels = channels, .block_frames = st->a.block_frames,
                            .ring_blocks = ring_blocks_for(st->site->sample_rate_hz,
                                                           st->a.block_frames)};
    st->cap = es_capture_create(&cc, err);
    if (st->cap == NULL)
        return ES_EXIT_RUNTIME;
    es_pa_source_config pc = {.config_name = st->a.config_path, .device = st->site->device,
                              .rate_hz = st->site->sample_rate_hz, .channels = channels,
                              .channel_key = key, .capture = st->cap};
    st->src = es_pa_source_create(&pc, err);
    if (st->src == NULL)
        return ES_EXIT_RUNTIME;
    int rc = es_pa_source_open(st->src, err);
    if (rc != ES_OK)
        return rc == ES_EINVAL ? ES_EXIT_USAGE : ES_EXIT_RUNTIME;
    es_runtime_config rc_cfg = {.site = st->site, .capture = st->cap, .endpoint = st->a.endpoint,
                                .events_path = st->a.events_path, .live = 1, .paced = 1,
                                .print_events = st->a.print_events};
    st->rt = es_runtime_create(&rc_cfg, err);
    if (st->rt == NULL || es_runtime_start(st->rt, err) != ES_OK)
        return ES_EXIT_RUNTIME;
    rc = es_pa_source_start(st->src, err);
    if (rc != ES_OK)
        return rc == ES_EINVAL ? ES_EXIT_USAGE : ES_EXIT_RUNTIME;
    fprintf(stderr, "earshot: capturing %s: %d channels at %d Hz, %zu-frame blocks\n",
            es_pa_source_device(st->src), channels, st->site->sample_rate_hz, st->a.block_frames);
    fprintf(stderr, "earshot: publishing on %s\n", es_runtime_endpoint(st->rt));
    return ES_EXIT_OK;
}

static void watch(run_state *st)
{
    char msg[1200];
    es_pa_event ev = es_pa_source_watch(st->src, msg, sizeof msg);
    if (ev == ES_PA_EVENT_LOST)
        es_runtime_set_capture_ok(st->rt, 0);
    else if (ev == ES_PA_EVENT_RESTORED)
        es_runtime_set_capture_ok(st->rt, 1);
    if (ev != ES_PA_EVENT_NONE)
        fprintf(stderr, "earshot: %s\n", msg);
}

/* Waits for SIGINT or SIGTERM, serving SIGHUP and the watchdog meanwhile. */
static int wait_for_stop(run_state *st, const sigset_t *sigs)
{
    const struct timespec period = {0, (long)(WATCH_PERIOD_S * 1e9)};
    for (;;) {
        int sig = sigtimedwait(sigs, NULL, &period);
        if (sig == SIGINT || sig == SIGTERM)
            return sig;
        if (sig == SIGHUP) {
            fprintf(stderr, "earshot: SIGHUP: re-reading %s\n", st->a.config_path);
            reload(st);
        } else if (sig < 0 && errno != EAGAIN && errno != EINTR) {
            fprintf(stderr, "earshot: sigtimedwait: %s\n", strerror(errno));
            return SIGTERM;
        }
        watch(st);
    }
}

/* Stream stopped, end pushed, everything analysed and published. */
static int stop(run_state *st)
{
    es_pa_source_stop(st->src); /* from here the main thread is the only producer */
    double waited_s = 0.0;
    while (!es_capture_end(st->cap, 0) && waited_s < FLUSH_TIMEOUT_S) {
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
        waited_s += 0.01;
    }
    int flushed = es_runtime_wait(st->rt, FLUSH_TIMEOUT_S - waited_s);
    es_runtime_stats s;
    es_runtime_stop(st->rt, &s);
    fprintf(stderr,
            "earshot: stopped after %.1f s: %.1f s of audio analysed, %llu alerts, %llu events, "
            "%llu overruns, %llu blocks dropped by the device relay, %llu messages\n",
            s.wall_s, (double)s.pipeline.frames / st->site->sample_rate_hz,
            (unsigned long long)s.pipeline.alerts, (unsigned long long)s.pipeline.events,
            (unsigned long long)s.overruns, es_pa_source_dropped(st->src),
            (unsigned long long)s.messages);
    if (!flushed) {
        fprintf(stderr, "earshot: the analysis did not finish within %.0f s; exiting anyway\n",
                FLUSH_TIMEOUT_S);
        return ES_EXIT_RUNTIME;
    }
    return ES_EXIT_OK;
}

static void teardown(run_state *st)
{
    es_runtime_destroy(&st->rt);
    es_pa_source_destroy(&st->src);
    es_capture_destroy(&st->cap);
    free(st->site);
}

int es_cmd_run(int argc, char **argv)
{
    run_state st = {.a = {.block_frames = 128, .print_events = 1}};
    int rc = parse_args(argc, argv, &st.a);
    if (rc != 0)
        return rc < 0 ? ES_EXIT_OK : rc;
    /* Before any thread exists, so that all of them inherit the mask and
     * the signals wait for sigtimedwait in this thread. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &sigs, NULL) != 0) {
        fprintf(stderr, "earshot: cannot block signals\n");
        return ES_EXIT_RUNTIME;
    }
    es_error err = {{0}};
    rc = start(&st, &err);
    if (rc == ES_EXIT_OK) {
        int sig = wait_for_stop(&st, &sigs);
        fprintf(stderr, "earshot: %s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        rc = stop(&st);
    } else {
        fprintf(stderr, "earshot: %s\n", err.msg[0] ? err.msg : "cannot start");
    }
    teardown(&st);
    return rc;
}
