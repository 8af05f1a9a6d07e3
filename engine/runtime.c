/* The threaded engine: analysis and publisher threads around the capture
 * ring (see include/earshot/runtime.h). The publisher side is in
 * runtime_publish.c; what the two threads share is runtime_internal.h. */
#include "runtime_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define EVENT_RING_LEN 1024u      /* messages between the two threads */
#define HEALTH_PERIOD_S 0.25      /* stream time between health snapshots */
#define IDLE_WAIT_S 0.0005        /* retry of a full event ring */
#define AUDIO_WAIT_S 0.002        /* longest wait for a block: producers
                                     notify, this only covers one that cannot */

void rt_sleep_s(double s)
{
    if (!(s > 0.0))
        return;
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---------------------------------------------------------------- create */

/* A health message carries only the site's sensors, not all
 * ES_MAX_SENSORS, so the ring's elements stay small. */
static size_t health_msg_bytes(const es_runtime rt)
{
    return offsetof(rt_msg, health) + offsetof(es_heartbeat, sensors) +
           rt->site.n_sensors * sizeof(es_sensor_health);
}

static int make_event_ring(es_runtime rt, es_error *err)
{
    size_t event_bytes = offsetof(rt_msg, health);
    size_t elem = event_bytes > health_msg_bytes(rt) ? event_bytes : health_msg_bytes(rt);
    size_t bytes = es_ring_mem_bytes(EVENT_RING_LEN, elem);
    rt->out_mem = aligned_alloc(64, bytes);
    if (rt->out_mem == NULL)
        return es_error_set(err, ES_ENOMEM, "runtime: out of memory for the event ring");
    memset(rt->out_mem, 0, bytes);
    es_ring_config rc = {.capacity = EVENT_RING_LEN, .elem_size = elem, .memory = rt->out_mem};
    rt->out = es_ring_create(&rc, err);
    return rt->out ? ES_OK : ES_ENOMEM;
}

static int make_stages(es_runtime rt, es_error *err)
{
    const es_runtime_config *c = &rt->cfg;
    es_pipeline_config pc = {.site = &rt->site,
                             .channels = es_capture_channels(c->capture),
                             .max_block_frames = es_capture_block_frames(c->capture),
                             .all_revisions = c->all_revisions};
    rt->pipe = es_pipeline_create(&pc, err);
    if (rt->pipe == NULL)
        return ES_EINVAL;
    es_publisher_config bc = {.endpoint = c->endpoint ? c->endpoint : rt->site.endpoint,
                              .events_path = c->events_path, .log = rt_log_line,
                              .log_ctx = rt->log};
    rt->pub = es_publisher_create(&bc, &rt->site, err);
    if (rt->pub == NULL)
        return ES_EIO;
    rt->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (rt->wake_fd < 0)
        return es_error_set(err, ES_EIO, "runtime: eventfd: %s", strerror(errno));
    return make_event_ring(rt, err);
}

es_runtime es_runtime_create(const es_runtime_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->site == NULL || cfg->capture == NULL) {
        es_error_set(err, ES_EINVAL, "runtime: a site config and a capture are needed");
        return NULL;
    }
    es_runtime rt = calloc(1, sizeof *rt);
    if (rt == NULL) {
        es_error_set(err, ES_ENOMEM, "runtime: out of memory");
        return NULL;
    }
    rt->cfg = *cfg;
    rt->site = *cfg->site;
    rt->log = cfg->log ? cfg->log : stderr;
    rt->wake_fd = -1;
    if (rt->cfg.heartbeat_period_s <= 0.0)
        rt->cfg.heartbeat_period_s = 0.5;
    rt->atm_pending = rt->site.atmosphere;
    atomic_init(&rt->stop_now, 0);
    atomic_init(&rt->done, 0);
    atomic_init(&rt->capture_ok, 1);
    atomic_init(&rt->atm_changed, 0);
    if (pthread_mutex_init(&rt->atm_lock, NULL) != 0) {
        es_error_set(err, ES_ENOMEM, "runtime: mutex");
        free(rt);
        return NULL;
    }
    int rc = make_stages(rt, err);
    if (rc != ES_OK) {
        es_runtime_destroy(&rt);
        return NULL;
    }
    return rt;
}

const char *es_runtime_endpoint(es_runtime rt)
{
    return es_publisher_endpoint(rt->pub);
}

/* -------------------------------------------------------------- analysis */

/* Hands a message to the publisher. Waits if the ring is full: an alert is
 * never dropped; the ring is sized so this does not happen in practice. */
static void post(es_runtime rt, const rt_msg *m, size_t bytes)
{
    void *slot;
    while ((slot = es_ring_write_slot(rt->out)) == NULL) {
        if (atomic_load_explicit(&rt->stop_now, memory_order_relaxed))
            return;
        rt_sleep_s(IDLE_WAIT_S);
    }
    memcpy(slot, m, bytes);
    es_ring_write_commit(rt->out);
    uint64_t one = 1;
    ssize_t w = write(rt->wake_fd, &one, sizeof one); /* an overflowing count is still a wake-up */
    (void)w;
}

/* Remembers when each analysed block was captured, for latency_ms. */
static void mark_block(es_runtime rt, const es_block *b)
{
    rt_mark *m = &rt->marks[rt->n_marks++ % RT_MARKS];
    m->frame0 = b->frame0;
    m->frames = b->frames;
    m->capture_mono_s = b->capture_mono_s;
    m->capture_unix_s = b->capture_unix_s;
}

/* The remembered block holding stream frame `frame` (the oldest one
 * remembered if it is older still). */
static const rt_mark *mark_of(const es_runtime rt, int64_t frame)
{
    uint64_t lo = rt->n_marks > RT_MARKS ? rt->n_marks - RT_MARKS : 0;
    for (uint64_t k = rt->n_marks; k-- > lo;)
        if (rt->marks[k % RT_MARKS].frame0 <= frame)
            return &rt->marks[k % RT_MARKS];
    return &rt->marks[lo % RT_MARKS];
}

/* CLOCK_MONOTONIC time at which stream frame `frame` was captured. Live
 * (and paced replay), a block arrives when its last frame does, so an
 * earlier sample of it was captured that much earlier: buffering counts. */
static double captured_at(const es_runtime rt, int64_t frame, double *buffer_s)
{
    const rt_mark *hit = mark_of(rt, frame);
    double fs = (double)rt->site.sample_rate_hz;
    int64_t behind = hit->frame0 + (int64_t)hit->frames - frame;
    *buffer_s = rt->cfg.paced && behind > 0 ? (double)behind / fs : 0.0;
    return hit->capture_mono_s - *buffer_s;
}

/* Live, t_origin is UNIX time: the capture clock of the block holding the
 * last arrival, less the stream time back to the origin. Mapping through
 * recent blocks, not through frame 0, keeps a drifting audio clock from
 * pulling t_origin away from UNIX time over days of running. */
static double unix_origin_s(const es_runtime rt, const es_event *ev)
{
    const rt_mark *hit = mark_of(rt, ev->last_arrival_frame);
    double fs = (double)rt->site.sample_rate_hz;
    double block_end_unix_s = hit->capture_unix_s;
    double arrival_unix_s =
        block_end_unix_s - (double)(hit->frame0 + (int64_t)hit->frames - ev->last_arrival_frame) / fs;
    return arrival_unix_s - ((double)ev->last_arrival_frame / fs - ev->t_origin_s);
}

static void post_outputs(es_runtime rt, int n, const es_block *b)
{
    double fs = (double)rt->site.sample_rate_hz;
    for (int i = 0; i < n; i++) {
        const es_pipeline_output *o = es_pipeline_output_at(rt->pipe, (size_t)i);
        rt_msg *m_full = &rt->event_msg;
        memset(m_full, 0, offsetof(rt_msg, health));
        rt_msg *mp = m_full;
        mp->kind = RT_MSG_EVENT;
        mp->is_alert = o->is_alert;
        mp->event = o->event;
        mp->capture_mono_s =
            captured_at(rt, o->event.last_arrival_frame, &mp->event.latency_buffer_s);
        /* Stream time the analysis waited for, from the last arrival's
         * block to the block that completed the event. */
        int64_t end_frame = b ? b->frame0 + (int64_t)b->frames : o->event.last_arrival_frame;
        double window_s = (double)(end_frame - o->event.last_arrival_frame) / fs -
                          mp->event.latency_buffer_s;
        mp->event.latency_window_s = rt->cfg.paced ? fmax(window_s, 0.0) : 0.0;
        if (rt->cfg.live)
            mp->event.t_origin_s = unix_origin_s(rt, &o->event);
        post(rt, mp, offsetof(rt_msg, health));
    }
}

static void post_health(es_runtime rt)
{
    rt_msg *m = &rt->health_msg;
    m->kind = RT_MSG_HEALTH;
    memset(&m->health, 0, sizeof m->health);
    es_pipeline_health(rt->pipe, &m->health);
    es_pipeline_stats st;
    es_pipeline_stats_get(rt->pipe, &st);
    m->health.events = st.events;
    m->health.alerts = st.alerts;
    post(rt, m, health_msg_bytes(rt));
    rt->health_due_frame = st.frames + (int64_t)(HEALTH_PERIOD_S * rt->site.sample_rate_hz);
}

static void apply_atmosphere(es_runtime rt)
{
    if (!atomic_exchange_explicit(&rt->atm_changed, 0, memory_order_acquire))
        return;
    pthread_mutex_lock(&rt->atm_lock);
    es_atmosphere_config a = rt->atm_pending;
    pthread_mutex_unlock(&rt->atm_lock);
    es_pipeline_set_atmosphere(rt->pipe, &a);
}

static void analyse_block(es_runtime rt, const es_block *b)
{
    es_pipeline_stats st;
    es_pipeline_stats_get(rt->pipe, &st);
    if (b->frame0 > st.frames)
        es_pipeline_skip_to(rt->pipe, b->frame0); /* blocks were dropped */
    apply_atmosphere(rt);
    mark_block(rt, b);
    int n = es_pipeline_execute(rt->pipe, es_block_samples(b), b->frames);
    if (n > 0)
        post_outputs(rt, n, b);
    if (st.frames + (int64_t)b->frames >= rt->health_due_frame)
        post_health(rt);
    if (rt->cfg.stall_for_s > 0.0 && !rt->stalled &&
        (double)st.frames >= rt->cfg.stall_at_s * rt->site.sample_rate_hz) {
        rt->stalled = 1;
        rt_sleep_s(rt->cfg.stall_for_s);
    }
}

static void finish_stream(es_runtime rt)
{
    int n;
    while ((n = es_pipeline_finish(rt->pipe)) > 0)
        post_outputs(rt, n, NULL);
    post_health(rt);
    rt_msg *end = &rt->event_msg;
    memset(end, 0, offsetof(rt_msg, health));
    end->kind = RT_MSG_END;
    post(rt, end, offsetof(rt_msg, health));
}

static void *analysis_main(void *arg)
{
    es_runtime rt = arg;
    es_ring audio = es_capture_ring(rt->cfg.capture);
    while (!atomic_load_explicit(&rt->stop_now, memory_order_relaxed)) {
        const es_block *b = es_ring_read_slot(audio);
        if (b == NULL) {
            es_capture_wait(rt->cfg.capture, AUDIO_WAIT_S);
            continue;
        }
        if (b->flags & ES_BLOCK_END) {
            es_ring_read_release(audio);
            finish_stream(rt);
            break;
        }
        analyse_block(rt, b);
        es_ring_read_release(audio);
    }
    return NULL;
}

/* ------------------------------------------------------------- lifecycle */

int es_runtime_start(es_runtime rt, es_error *err)
{
    if (rt->cfg.wait_subscribers > 0)
        es_publisher_wait_subscribers(rt->pub, rt->cfg.wait_subscribers,
                                      rt->cfg.wait_timeout_ms ? rt->cfg.wait_timeout_ms : 5000);
    rt->start_mono_s = es_clock_mono_s();
    if (pthread_create(&rt->publisher_thread, NULL, rt_publisher_main, rt) != 0)
        return es_error_set(err, ES_EIO, "runtime: cannot start the publisher thread");
    rt->publisher_started = 1;
    if (pthread_create(&rt->analysis_thread, NULL, analysis_main, rt) != 0)
        return es_error_set(err, ES_EIO, "runtime: cannot start the analysis thread");
    rt->analysis_started = 1;
    return ES_OK;
}

void es_runtime_set_capture_ok(es_runtime rt, int ok)
{
    atomic_store_explicit(&rt->capture_ok, ok ? 1 : 0, memory_order_relaxed);
}

void es_runtime_set_atmosphere(es_runtime rt, const es_atmosphere_config *atm)
{
    pthread_mutex_lock(&rt->atm_lock);
    rt->atm_pending = *atm;
    pthread_mutex_unlock(&rt->atm_lock);
    atomic_store_explicit(&rt->atm_changed, 1, memory_order_release);
}

int es_runtime_wait(es_runtime rt, double timeout_s)
{
    double until = es_clock_mono_s() + timeout_s;
    while (!atomic_load_explicit(&rt->done, memory_order_acquire)) {
        if (timeout_s >= 0.0 && es_clock_mono_s() >= until)
            return 0;
        rt_sleep_s(0.005);
    }
    return 1;
}

void es_runtime_stop(es_runtime rt, es_runtime_stats *stats)
{
    if (!atomic_load_explicit(&rt->done, memory_order_acquire))
        atomic_store_explicit(&rt->stop_now, 1, memory_order_relaxed);
    if (rt->analysis_started)
        pthread_join(rt->analysis_thread, NULL);
    if (rt->publisher_started) {
        atomic_store_explicit(&rt->stop_now, 1, memory_order_relaxed);
        uint64_t one = 1;
        ssize_t w = write(rt->wake_fd, &one, sizeof one);
        (void)w;
        pthread_join(rt->publisher_thread, NULL);
    }
    rt->analysis_started = rt->publisher_started = 0;
    if (stats != NULL) {
        memset(stats, 0, sizeof *stats);
        es_pipeline_stats_get(rt->pipe, &stats->pipeline);
        stats->overruns = es_capture_overruns(rt->cfg.capture);
        stats->messages = es_publisher_seq(rt->pub);
        stats->heartbeats = rt->heartbeats;
        stats->send_failures = es_publisher_failures(rt->pub);
        stats->wall_s = (rt->end_mono_s > 0.0 ? rt->end_mono_s : es_clock_mono_s()) -
                        rt->start_mono_s;
    }
}

void es_runtime_destroy(es_runtime *rtp)
{
    if (rtp == NULL || *rtp == NULL)
        return;
    es_runtime rt = *rtp;
    if (rt->analysis_started || rt->publisher_started)
        es_runtime_stop(rt, NULL);
    es_publisher_destroy(&rt->pub);
    es_pipeline_destroy(&rt->pipe);
    es_ring_destroy(&rt->out);
    free(rt->out_mem);
    if (rt->wake_fd >= 0)
        close(rt->wake_fd);
    pthread_mutex_destroy(&rt->atm_lock);
    free(rt);
    *rtp = NULL;
}
