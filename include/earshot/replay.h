/* Earshot: replay of a recorded multichannel file through the threaded
 * engine (`earshot replay`, CONTRACT.md section 1): the same capture ring,
 * analysis and publisher threads as live capture (include/earshot/
 * runtime.h), fed from the file. Shared by the command, the demo and the
 * benchmarks so they measure the same code. */
#ifndef EARSHOT_REPLAY_H
#define EARSHOT_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "earshot/pipeline.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *config_path;
    const char *input_path;
    const char *events_path;      /* NULL: none; "-": stdout */
    const char *endpoint;         /* non-NULL overrides publish.endpoint */
    int realtime;                 /* pace like a live capture */
    size_t block_frames;          /* frames per read, default 512 */
    int wait_subscribers;         /* wait for this many SUBs before reading */
    int wait_timeout_ms;          /* ... at most this long, default 5000 */
    int print_events;             /* one readable line per event/alert */
    double stall_at_s, stall_for_s; /* test hook (see runtime.h), 0 */
    int all_revisions;            /* es_pipeline_config.all_revisions */
    FILE *log;                    /* readable lines and warnings; stderr if NULL */
} es_replay_options;

typedef struct {
    double audio_s;               /* seconds of audio replayed */
    double wall_s;                /* wall time from first read to flush */
    uint64_t messages;            /* published (all topics) */
    uint64_t heartbeats;
    uint64_t send_failures;
    uint64_t overruns;            /* blocks dropped (--realtime only) */
    es_pipeline_stats stats;
    char endpoint[256];           /* the bound endpoint */
} es_replay_result;

/* Runs the replay. Returns a process exit status: 0 done, 2 bad config or
 * input (reason in err), 1 a run-time failure (reason in err). */
int es_replay_run(const es_replay_options *opt, es_replay_result *res, es_error *err);

#ifdef __cplusplus
}
#endif
#endif
