/* Private to engine/runtime*.c: the runtime's state, shared by the
 * analysis thread (runtime.c) and the publisher thread
 * (runtime_publish.c). Who touches what:
 *   analysis only:   pipe, marks, n_marks, health_due_frame, event_msg,
 *                    health_msg, the producer side of `out`
 *   publisher only:  pub (after start), the consumer side of `out`,
 *                    heartbeat state, heartbeats, end_mono_s
 *   any thread:      the atomics; atm_pending under atm_lock */
#ifndef EARSHOT_ENGINE_RUNTIME_INTERNAL_H
#define EARSHOT_ENGINE_RUNTIME_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include "earshot/publisher.h"
#include "earshot/ring.h"
#include "earshot/runtime.h"

#define RT_MARKS 8192u             /* analysed blocks remembered for latency */

enum { RT_MSG_EVENT = 1, RT_MSG_HEALTH = 2, RT_MSG_END = 3 };

/* One element of the analysis -> publisher ring. `health` is last and
 * only its first n_sensors entries travel. */
typedef struct {
    int kind;
    int is_alert;
    double capture_mono_s;       /* of the sample the latency starts at */
    es_event event;
    es_heartbeat health;
} rt_msg;

typedef struct {
    int64_t frame0;
    uint32_t frames;
    double capture_mono_s;
    double capture_unix_s;
} rt_mark;

struct es_runtime_s {
    es_runtime_config cfg;
    es_site_config site;
    FILE *log;
    es_pipeline pipe;
    es_publisher pub;
    es_ring out;                 /* analysis -> publisher */
    void *out_mem;
    int wake_fd;                 /* eventfd: wakes the publisher */
    pthread_t analysis_thread, publisher_thread;
    int analysis_started, publisher_started;
    double start_mono_s, end_mono_s;

    _Atomic int stop_now;        /* stop without waiting for the end */
    _Atomic int done;            /* end of stream published */
    _Atomic int capture_ok;      /* the audio device delivers */
    _Atomic int atm_changed;
    pthread_mutex_t atm_lock;
    es_atmosphere_config atm_pending;

    /* analysis thread */
    rt_mark marks[RT_MARKS];
    uint64_t n_marks;
    int64_t health_due_frame;
    int stalled;                 /* the test stall has happened */
    rt_msg event_msg, health_msg;

    /* publisher thread */
    es_heartbeat hb;             /* health merged since the last heartbeat */
    int hb_fresh;                /* hb holds at least one snapshot */
    uint64_t heartbeats;
    uint64_t overruns_reported;
    double overrun_report_mono_s;
};

void *rt_publisher_main(void *arg);
void rt_log_line(void *ctx, const char *line);
void rt_sleep_s(double s);

#endif
