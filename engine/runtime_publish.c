/* The runtime's publisher thread (see include/earshot/runtime.h): sends
 * what the analysis hands over, and a heartbeat every period of wall time
 * whatever the analysis is doing. */
#include "runtime_internal.h"

#include <math.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define OVERRUN_REPORT_PERIOD_S 1.0

void rt_log_line(void *ctx, const char *line)
{
    fprintf((FILE *)ctx, "earshot: %s\n", line);
}

static void print_event(es_runtime rt, const es_event *ev, int as_alert)
{
    if (!rt->cfg.print_events)
        return;
    /* An alert's revision that is no launch any more withdraws it. */
    const char *what = !as_alert ? "event" : ev->kind == ES_KIND_LAUNCH ? "ALERT" : "WITHDRAWN";
    char rev[32] = "";
    if (ev->revision > 0)
        snprintf(rev, sizeof rev, " rev %d", ev->revision);
    fprintf(rt->log,
            "%s %s %.1f km bearing %.0f deg +-%.0f m (cep50)  t_origin %.3f s  "
            "conf %.2f  sensors %zu/%zu  id E%llu%s\n",
            what, ev->cls != ES_CLASS_UNKNOWN ? es_class_name(ev->cls) : es_kind_name(ev->kind),
            ev->range_m / 1000.0, ev->bearing_deg, ev->cep50_m, ev->t_origin_s, ev->confidence,
            ev->n_used, rt->site.n_sensors, (unsigned long long)ev->id, rev);
}

static void publish_event(es_runtime rt, const rt_msg *m)
{
    /* The siren's message goes first: it is the one a life waits on. */
    if (m->is_alert)
        (void)es_publisher_send_event(rt->pub, &m->event, 1, m->capture_mono_s);
    (void)es_publisher_send_event(rt->pub, &m->event, 0, m->capture_mono_s);
    print_event(rt, &m->event, m->is_alert); /* send failures are logged by the publisher */
}

/* Mean square from a level and its frames, for merging windows. */
static double power_sum(const es_health_snapshot *h)
{
    return pow(10.0, h->level_dbfs / 10.0) * (double)h->frames;
}

static void merge_sensor(es_health_snapshot *acc, const es_health_snapshot *x)
{
    uint64_t frames = acc->frames + x->frames;
    double power = power_sum(acc) + power_sum(x);
    acc->level_dbfs = frames > 0 && power > 0.0 ? 10.0 * log10(power / (double)frames) : -200.0;
    acc->peak_dbfs = fmax(acc->peak_dbfs, x->peak_dbfs);
    acc->clipped_samples += x->clipped_samples;
    acc->clipping |= x->clipping;
    acc->dead &= x->dead;
    acc->stuck &= x->stuck;
    acc->ok &= x->ok;
    acc->frames = frames;
}

/* Health snapshots between two heartbeats are merged: peaks and clipping
 * are never lost between them, levels are averaged over the frames. */
static void merge_health(es_runtime rt, const es_heartbeat *h)
{
    es_heartbeat *hb = &rt->hb;
    size_t n = h->n_sensors < ES_MAX_SENSORS ? h->n_sensors : ES_MAX_SENSORS;
    if (!rt->hb_fresh) {
        memcpy(hb->sensors, h->sensors, n * sizeof h->sensors[0]);
    } else {
        for (size_t i = 0; i < n; i++) {
            merge_sensor(&hb->sensors[i].health, &h->sensors[i].health);
            hb->sensors[i].rejected_recent = h->sensors[i].rejected_recent;
            hb->sensors[i].suspect = h->sensors[i].suspect;
        }
    }
    hb->n_sensors = n;
    hb->atmosphere = h->atmosphere;
    hb->stream_time_s = h->stream_time_s;
    hb->events = h->events;
    hb->alerts = h->alerts;
    rt->hb_fresh = 1;
}

/* Before the first snapshot there is no evidence of a fault. */
static void initial_health(es_runtime rt)
{
    es_heartbeat *hb = &rt->hb;
    memset(hb, 0, sizeof *hb);
    hb->n_sensors = rt->site.n_sensors;
    for (size_t i = 0; i < hb->n_sensors; i++) {
        memcpy(hb->sensors[i].id, rt->site.sensors[i].id, sizeof hb->sensors[i].id);
        hb->sensors[i].health.level_dbfs = -200.0;
        hb->sensors[i].health.peak_dbfs = -200.0;
        hb->sensors[i].health.ok = 1;
    }
    hb->atmosphere = rt->site.atmosphere;
}

static void send_heartbeat(es_runtime rt)
{
    es_heartbeat *hb = &rt->hb;
    int capture_ok = atomic_load_explicit(&rt->capture_ok, memory_order_relaxed);
    es_heartbeat out = *hb;
    for (size_t i = 0; i < out.n_sensors; i++)
        out.sensors[i].health.ok &= capture_ok;
    out.overruns = es_capture_overruns(rt->cfg.capture);
    (void)es_publisher_send_heartbeat(rt->pub, &out); /* failures are logged */
    rt->heartbeats++;
    rt->hb_fresh = 0; /* the next snapshot starts a new window; until then, repeat */
}

static void report_overruns(es_runtime rt, double now_s)
{
    uint64_t n = es_capture_overruns(rt->cfg.capture);
    if (n == rt->overruns_reported || now_s - rt->overrun_report_mono_s < OVERRUN_REPORT_PERIOD_S)
        return;
    fprintf(rt->log,
            "earshot: overrun: %llu audio blocks lost so far (%llu new): analysis is behind "
            "capture\n",
            (unsigned long long)n, (unsigned long long)(n - rt->overruns_reported));
    rt->overruns_reported = n;
    rt->overrun_report_mono_s = now_s;
}

/* Handles every message waiting; returns 1 when the end of the stream
 * came through. */
static int drain(es_runtime rt)
{
    const rt_msg *m;
    int end = 0;
    while (!end && (m = es_ring_read_slot(rt->out)) != NULL) {
        if (m->kind == RT_MSG_EVENT)
            publish_event(rt, m);
        else if (m->kind == RT_MSG_HEALTH)
            merge_health(rt, &m->health);
        else if (m->kind == RT_MSG_END)
            end = 1;
        es_ring_read_release(rt->out);
    }
    return end;
}

static void wait_for_work(es_runtime rt, double until_s)
{
    double wait_s = until_s - es_clock_mono_s();
    int timeout_ms = wait_s <= 0.0 ? 0 : (int)ceil(wait_s * 1000.0);
    struct pollfd p = {.fd = rt->wake_fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) > 0) {
        uint64_t count;
        ssize_t r = read(rt->wake_fd, &count, sizeof count);
        (void)r;
    }
}

void *rt_publisher_main(void *arg)
{
    es_runtime rt = arg;
    initial_health(rt);
    double next_hb_s = es_clock_mono_s();
    for (;;) {
        int end = drain(rt);
        double now_s = es_clock_mono_s();
        report_overruns(rt, now_s);
        if (end) {
            send_heartbeat(rt);
            rt->end_mono_s = now_s;
            atomic_store_explicit(&rt->done, 1, memory_order_release);
            break;
        }
        if (now_s >= next_hb_s) {
            send_heartbeat(rt);
            next_hb_s = now_s + rt->cfg.heartbeat_period_s;
        }
        if (atomic_load_explicit(&rt->stop_now, memory_order_relaxed) &&
            es_ring_fill(rt->out) == 0)
            break;
        wait_for_work(rt, next_hb_s);
    }
    return NULL;
}
