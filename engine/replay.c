/* Replay of a recorded file through pipeline and publisher
 * (see include/earshot/replay.h). */
#include "earshot/replay.h"

#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "earshot/config.h"
#include "earshot/publisher.h"

#define CAPTURE_LOG_LEN 4096u        /* blocks remembered for latency */
#define HEARTBEAT_PERIOD_S 0.5       /* well inside the contract's 1 s */

typedef struct {
    int64_t frame0;
    double mono_s;
} capture_mark;

typedef struct {
    const es_replay_options *opt;
    FILE *log;
    es_site_config site;
    SNDFILE *sf;
    SF_INFO info;
    es_pipeline pipe;
    es_publisher pub;
    float *block;
    capture_mark marks[CAPTURE_LOG_LEN];
    uint64_t n_marks;
    double last_heartbeat_s;
    double start_mono_s;
    uint64_t heartbeats;
    es_heartbeat hb;
} replay;

static void log_line(void *ctx, const char *line)
{
    fprintf((FILE *)ctx, "earshot: %s\n", line);
}

static void warn_config(void *ctx, const char *msg)
{
    fprintf((FILE *)ctx, "earshot: warning: %s\n", msg);
}

static int open_input(replay *r, es_error *err)
{
    const es_replay_options *o = r->opt;
    memset(&r->info, 0, sizeof r->info);
    r->sf = sf_open(o->input_path, SFM_READ, &r->info);
    if (r->sf == NULL)
        return es_error_set(err, ES_EINVAL, "%s: cannot read audio: %s", o->input_path,
                            sf_strerror(NULL));
    if (r->info.channels < 1 || r->info.samplerate < 1)
        return es_error_set(err, ES_EINVAL, "%s: no channels or no sample rate", o->input_path);
    return es_site_config_check_stream(&r->site, o->config_path, o->input_path,
                                       r->info.channels, r->info.samplerate, err);
}

static int setup(replay *r, es_error *err)
{
    const es_replay_options *o = r->opt;
    int rc = es_site_config_load(o->config_path, &r->site, warn_config, r->log, err);
    if (rc == ES_OK)
        rc = open_input(r, err);
    if (rc != ES_OK)
        return 2;
    size_t block = o->block_frames ? o->block_frames : 512;
    es_pipeline_config pc = {.site = &r->site, .channels = r->info.channels,
                             .max_block_frames = block};
    r->pipe = es_pipeline_create(&pc, err);
    r->block = calloc(block * (size_t)r->info.channels, sizeof *r->block);
    if (r->pipe == NULL || r->block == NULL)
        return r->pipe ? (es_error_set(err, ES_ENOMEM, "out of memory"), 1) : 2;
    es_publisher_config bc = {.endpoint = o->endpoint ? o->endpoint : r->site.endpoint,
                              .events_path = o->events_path, .log = log_line,
                              .log_ctx = r->log};
    r->pub = es_publisher_create(&bc, &r->site, err);
    return r->pub ? 0 : 1;
}

static double capture_time_of(const replay *r, int64_t frame)
{
    uint64_t lo = r->n_marks > CAPTURE_LOG_LEN ? r->n_marks - CAPTURE_LOG_LEN : 0;
    for (uint64_t k = r->n_marks; k-- > lo;) {
        const capture_mark *m = &r->marks[k % CAPTURE_LOG_LEN];
        if (m->frame0 <= frame)
            return m->mono_s;
    }
    return r->marks[lo % CAPTURE_LOG_LEN].mono_s; /* older than we remember */
}

static void print_event(replay *r, const es_event *ev, int as_alert)
{
    if (!r->opt->print_events)
        return;
    fprintf(r->log,
            "%s %s %.1f km bearing %.0f deg +-%.0f m (cep50)  t_origin %.3f s  "
            "conf %.2f  sensors %zu/%zu  id E%llu\n",
            as_alert ? "ALERT" : "event",
            ev->cls != ES_CLASS_UNKNOWN ? es_class_name(ev->cls) : es_kind_name(ev->kind),
            ev->range_m / 1000.0, ev->bearing_deg, ev->cep50_m, ev->t_origin_s, ev->confidence,
            ev->n_used, r->site.n_sensors, (unsigned long long)ev->id);
}

static int publish_outputs(replay *r, int n)
{
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const es_pipeline_output *o = es_pipeline_output_at(r->pipe, (size_t)i);
        double captured_s = capture_time_of(r, o->event.last_arrival_frame);
        /* The siren's message goes first: it is the one a life waits on. */
        if (o->is_alert && es_publisher_send_event(r->pub, &o->event, 1, captured_s) != ES_OK)
            rc = -1;
        if (es_publisher_send_event(r->pub, &o->event, 0, captured_s) != ES_OK)
            rc = -1;
        print_event(r, &o->event, o->is_alert);
    }
    return rc;
}

static void send_heartbeat(replay *r)
{
    es_heartbeat *hb = &r->hb;
    memset(hb, 0, sizeof *hb);
    es_pipeline_health(r->pipe, hb);
    es_pipeline_stats st;
    es_pipeline_stats_get(r->pipe, &st);
    hb->overruns = 0; /* a file never overruns: reading waits for analysis */
    hb->events = st.events;
    hb->alerts = st.alerts;
    (void)es_publisher_send_heartbeat(r->pub, hb); /* failures are logged */
    r->heartbeats++;
    r->last_heartbeat_s = es_clock_mono_s();
}

static void pace(const replay *r, int64_t frames_done)
{
    double due_s = r->start_mono_s + (double)frames_done / (double)r->info.samplerate;
    double wait_s = due_s - es_clock_mono_s();
    if (wait_s <= 0.0)
        return;
    struct timespec ts = {(time_t)wait_s, (long)((wait_s - floor(wait_s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int read_loop(replay *r, es_error *err)
{
    size_t block = r->opt->block_frames ? r->opt->block_frames : 512;
    int64_t done = 0;
    r->start_mono_s = es_clock_mono_s();
    for (;;) {
        if (r->opt->realtime)
            pace(r, done);
        sf_count_t got = sf_readf_float(r->sf, r->block, (sf_count_t)block);
        if (got < 0 || sf_error(r->sf) != SF_ERR_NO_ERROR)
            return es_error_set(err, ES_EIO, "%s: read failed after %.3f s: %s",
                                r->opt->input_path, (double)done / r->info.samplerate,
                                sf_strerror(r->sf));
        if (got == 0)
            return ES_OK;
        r->marks[r->n_marks++ % CAPTURE_LOG_LEN] = (capture_mark){done, es_clock_mono_s()};
        int n = es_pipeline_execute(r->pipe, r->block, (size_t)got);
        done += got;
        if (n < 0)
            return es_error_set(err, ES_EIO, "pipeline failed: %s", es_status_str(n));
        publish_outputs(r, n);
        if (es_clock_mono_s() - r->last_heartbeat_s >= HEARTBEAT_PERIOD_S)
            send_heartbeat(r);
    }
}

static int finish(replay *r)
{
    int n = es_pipeline_finish(r->pipe);
    while (n > 0) {
        publish_outputs(r, n);
        n = es_pipeline_finish(r->pipe);
    }
    send_heartbeat(r);
    return n < 0 ? n : ES_OK;
}

static void fill_result(const replay *r, es_replay_result *res, double t0_s)
{
    memset(res, 0, sizeof *res);
    es_pipeline_stats_get(r->pipe, &res->stats);
    res->audio_s = (double)res->stats.frames / (double)r->info.samplerate;
    res->wall_s = es_clock_mono_s() - t0_s;
    res->messages = es_publisher_seq(r->pub);
    res->send_failures = es_publisher_failures(r->pub);
    res->heartbeats = r->heartbeats;
    snprintf(res->endpoint, sizeof res->endpoint, "%s", es_publisher_endpoint(r->pub));
}

static void teardown(replay *r)
{
    es_publisher_destroy(&r->pub);
    es_pipeline_destroy(&r->pipe);
    if (r->sf != NULL)
        sf_close(r->sf);
    free(r->block);
}

int es_replay_run(const es_replay_options *opt, es_replay_result *res, es_error *err)
{
    replay *r = calloc(1, sizeof *r);
    if (r == NULL) {
        es_error_set(err, ES_ENOMEM, "out of memory");
        return 1;
    }
    r->opt = opt;
    r->log = opt->log ? opt->log : stderr;
    int status = setup(r, err);
    if (status == 0) {
        fprintf(r->log, "earshot: publishing on %s\n", es_publisher_endpoint(r->pub));
        if (opt->wait_subscribers > 0)
            es_publisher_wait_subscribers(r->pub, opt->wait_subscribers,
                                          opt->wait_timeout_ms ? opt->wait_timeout_ms : 5000);
        double t0_s = es_clock_mono_s();
        /* The first heartbeat follows the first block (last_heartbeat_s is
         * 0), so its health figures describe audio, not an empty window. */
        int rc = read_loop(r, err);
        if (rc == ES_OK)
            rc = finish(r);
        status = rc == ES_OK ? 0 : 1;
        if (res != NULL)
            fill_result(r, res, t0_s);
    }
    teardown(r);
    free(r);
    return status;
}
