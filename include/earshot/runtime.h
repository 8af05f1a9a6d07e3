/* Earshot: the threaded engine (issue 4). One audio source feeds the
 * capture ring (include/earshot/capture.h); the runtime runs
 *
 *   capture ring --> analysis thread --event ring--> publisher thread
 *
 * The analysis thread runs the inline pipeline (include/earshot/pipeline.h)
 * on each block and hands events and health snapshots to the publisher
 * over a second SPSC ring. The publisher thread owns the ZeroMQ socket and
 * the --events file, and sends a heartbeat every 0.5 s of wall time
 * whatever the analysis is doing. Publishing never blocks analysis (the
 * event ring is sized so it cannot fill in practice; if it does, analysis
 * waits: an alert is never dropped); analysis never blocks capture (a full
 * capture ring drops the block at the source and counts an overrun, which
 * the runtime reports on stderr and in heartbeats).
 *
 * The source is the caller's: the PortAudio callback live, a file reader
 * thread in replay. When it ends it pushes an ES_BLOCK_END block; the
 * runtime then finishes the pipeline, publishes everything and a last
 * heartbeat, and es_runtime_wait returns. */
#ifndef EARSHOT_RUNTIME_H
#define EARSHOT_RUNTIME_H

#include <stdint.h>
#include <stdio.h>

#include "earshot/capture.h"
#include "earshot/config.h"
#include "earshot/pipeline.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_runtime_s *es_runtime;

typedef struct {
    const es_site_config *site;
    es_capture capture;          /* the ring the analysis thread consumes */
    const char *endpoint;        /* NULL: site->endpoint */
    const char *events_path;     /* NULL: none; "-": stdout */
    int live;                    /* t_origin in UNIX time (else seconds
                                    after the first sample) */
    int paced;                   /* blocks arrive in real time (live, or
                                    replay --realtime): latency_ms counts
                                    the time a sample waits for its block */
    int print_events;            /* a readable line per event on log */
    FILE *log;                   /* NULL: stderr */
    int wait_subscribers;        /* at start, wait for this many SUBs */
    int wait_timeout_ms;         /* ... at most this long (default 5000) */
    double heartbeat_period_s;   /* default 0.5 */
    /* Test hook: once the analysis reaches stream time stall_at_s it stops
     * for stall_for_s of wall time, as a stuck analysis would (overruns
     * live, heartbeats must go on). 0 in production. */
    double stall_at_s, stall_for_s;
    int all_revisions;           /* es_pipeline_config.all_revisions */
} es_runtime_config;

typedef struct {
    es_pipeline_stats pipeline;  /* frames analysed, events, alerts, ... */
    uint64_t overruns;           /* capture blocks dropped */
    uint64_t messages;           /* published, all topics */
    uint64_t heartbeats;
    uint64_t send_failures;
    double wall_s;               /* from start to the end of the stream */
} es_runtime_stats;

/* Creates the pipeline and the publisher (binds the endpoint). Returns
 * NULL with a reason: ES_EINVAL for a bad config, ES_EIO when the
 * endpoint cannot be bound. */
es_runtime es_runtime_create(const es_runtime_config *cfg, es_error *err);

const char *es_runtime_endpoint(es_runtime rt);

/* Starts the analysis and publisher threads. */
int es_runtime_start(es_runtime rt, es_error *err);

/* Any thread: 0 when the audio device is lost (every sensor is then
 * reported ok: false in heartbeats), 1 when it works again. */
void es_runtime_set_capture_ok(es_runtime rt, int ok);

/* Any thread: the atmosphere in force from the next block on (SIGHUP). */
void es_runtime_set_atmosphere(es_runtime rt, const es_atmosphere_config *atm);

/* Waits up to timeout_s (< 0: forever) for the end of the stream to be
 * analysed and published. Returns 1 when done, 0 on timeout. */
int es_runtime_wait(es_runtime rt, double timeout_s);

/* Stops the threads (after the end of the stream, or at once), flushes the
 * publisher and fills *stats (may be NULL). */
void es_runtime_stop(es_runtime rt, es_runtime_stats *stats);

void es_runtime_destroy(es_runtime *rt);

#ifdef __cplusplus
}
#endif
#endif
