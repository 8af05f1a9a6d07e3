/* Replay of a recorded file through the threaded engine (see
 * include/earshot/replay.h). The calling thread is the audio source: it
 * reads blocks from the file into the capture ring, as fast as the
 * analysis takes them (back-pressure: a file never overruns) or, with
 * --realtime, paced like a live capture (and then a full ring drops the
 * block and counts an overrun, as live). */
#include "earshot/replay.h"

#include <math.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>

#include "earshot/capture.h"
#include "earshot/config.h"
#include "earshot/publisher.h"
#include "earshot/runtime.h"
#include "runtime_internal.h" /* rt_sleep_s */

#define FAST_RING_BLOCKS 64u
#define PACED_RING_BLOCKS 256u
#define BACKPRESSURE_WAIT_S 0.0002

typedef struct {
    const es_replay_options *opt;
    FILE *log;
    es_site_config site;
    SNDFILE *sf;
    SF_INFO info;
    size_t block_frames;
    float *block;
    es_capture cap;
    es_runtime rt;
} replay;

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

/* Returns an exit status: 0, 2 (config or input) or 1 (run time). */
static int setup(replay *r, es_error *err)
{
    const es_replay_options *o = r->opt;
    if (es_site_config_load(o->config_path, &r->site, warn_config, r->log, err) != ES_OK ||
        open_input(r, err) != ES_OK)
        return 2;
    r->block_frames = o->block_frames ? o->block_frames : 512;
    r->block = calloc(r->block_frames * (size_t)r->info.channels, sizeof *r->block);
    es_capture_config cc = {.channels = r->info.channels, .block_frames = r->block_frames,
                            .ring_blocks = o->realtime ? PACED_RING_BLOCKS : FAST_RING_BLOCKS};
    r->cap = r->block ? es_capture_create(&cc, err) : NULL;
    if (r->cap == NULL)
        return r->block ? 1 : (es_error_set(err, ES_ENOMEM, "out of memory"), 1);
    es_runtime_config rc = {.site = &r->site, .capture = r->cap, .endpoint = o->endpoint,
                            .events_path = o->events_path, .paced = o->realtime,
                            .print_events = o->print_events, .log = r->log,
                            .wait_subscribers = o->wait_subscribers,
                            .wait_timeout_ms = o->wait_timeout_ms,
                            .stall_at_s = o->stall_at_s,
                            .stall_for_s = o->stall_for_s,
                            .all_revisions = o->all_revisions};
    r->rt = es_runtime_create(&rc, err);
    if (r->rt == NULL)
        return 1;
    return es_runtime_start(r->rt, err) == ES_OK ? 0 : 1;
}

static void pace(const replay *r, int64_t frames_done, double start_s)
{
    double due_s = start_s + (double)frames_done / (double)r->info.samplerate;
    rt_sleep_s(due_s - es_clock_mono_s());
}

static void wait_for_room(const replay *r)
{
    es_ring ring = es_capture_ring(r->cap);
    while (es_ring_space(ring) == 0)
        rt_sleep_s(BACKPRESSURE_WAIT_S);
}

static int read_loop(replay *r, es_error *err)
{
    int64_t done = 0;
    double start_s = es_clock_mono_s();
    for (;;) {
        if (r->opt->realtime)
            pace(r, done, start_s);
        else
            wait_for_room(r);
        sf_count_t got = sf_readf_float(r->sf, r->block, (sf_count_t)r->block_frames);
        if (got < 0 || sf_error(r->sf) != SF_ERR_NO_ERROR)
            return es_error_set(err, ES_EIO, "%s: read failed after %.3f s: %s",
                                r->opt->input_path, (double)done / r->info.samplerate,
                                sf_strerror(r->sf));
        if (got == 0)
            return ES_OK;
        (void)es_capture_push(r->cap, r->block, (size_t)got); /* paced: may overrun, counted */
        es_capture_notify(r->cap);
        done += got;
        if (r->opt->realtime && got < (sf_count_t)r->block_frames)
            pace(r, done, start_s); /* the last, short block arrives when it ends */
    }
}

static void fill_result(const replay *r, const es_runtime_stats *st, es_replay_result *res)
{
    memset(res, 0, sizeof *res);
    res->stats = st->pipeline;
    res->audio_s = (double)st->pipeline.frames / (double)r->info.samplerate;
    res->wall_s = st->wall_s;
    res->messages = st->messages;
    res->heartbeats = st->heartbeats;
    res->send_failures = st->send_failures;
    res->overruns = st->overruns;
    snprintf(res->endpoint, sizeof res->endpoint, "%s", es_runtime_endpoint(r->rt));
}

static void teardown(replay *r)
{
    es_runtime_destroy(&r->rt);
    es_capture_destroy(&r->cap);
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
        fprintf(r->log, "earshot: publishing on %s\n", es_runtime_endpoint(r->rt));
        int rc = read_loop(r, err);
        /* The end goes through the ring after the last block, so everything
         * before it is analysed and published first, even after an error. */
        (void)es_capture_end(r->cap, 1);
        es_runtime_wait(r->rt, -1.0);
        es_runtime_stats st;
        es_runtime_stop(r->rt, &st);
        if (res != NULL)
            fill_result(r, &st, res);
        status = rc == ES_OK ? 0 : 1;
    }
    teardown(r);
    free(r);
    return status;
}
