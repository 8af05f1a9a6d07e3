/* Earshot: the live audio source of `earshot run`: a PortAudio input
 * device feeding the capture ring (include/earshot/capture.h).
 *
 * The device is opened by its exact PortAudio name, or "default" for the
 * default input, with every channel up to the highest one the config uses
 * (the pipeline maps sensors to channels), float32 at the config's rate,
 * one block (the capture's block_frames) per callback. A device that is
 * missing, lacks the channels or the rate, or cannot be opened (busy) is
 * an ES_EINVAL error naming it and what the machine offers.
 *
 * PortAudio runs in a helper process (engine/capture_helper.c): its
 * callback copies each block into shared memory, a relay thread here
 * pushes the blocks into the capture ring. A device that disappears
 * leaves PortAudio in states it cannot be brought back from in-process
 * (after a JACK server dies, Pa_AbortStream/Pa_CloseStream wait 10 minutes
 * and Pa_Terminate aborts the process); a helper is simply killed and a
 * new one started.
 *
 * es_pa_source_watch, called periodically by the owner (every 0.2 s),
 * declares the device lost when no audio arrived for lost_after_s or the
 * stream stopped, and from then on tries to open it again every
 * retry_period_s. When it is back, the capture's frame counter jumps by the
 * time it was away (es_capture_skip), so the analysis restarts cleanly
 * there instead of splicing audio across the gap. */
#ifndef EARSHOT_SOURCE_PORTAUDIO_H
#define EARSHOT_SOURCE_PORTAUDIO_H

#include <stddef.h>

#include "earshot/capture.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_pa_source_s *es_pa_source;

typedef struct {
    const char *config_name;   /* the site config's file, for messages */
    const char *device;        /* audio.device: a device name or "default" */
    int rate_hz;               /* audio.sample_rate */
    int channels;              /* to open: highest configured channel + 1 */
    const char *channel_key;   /* the key that needs them: "sensors[3].channel" */
    es_capture capture;        /* receives the blocks (its block_frames) */
    const char *helper_exe;    /* program that runs `_capture-helper`;
                                  NULL: /proc/self/exe (the earshot program) */
    double open_timeout_s;     /* first open, default 15 */
    double lost_after_s;       /* no audio this long = device lost, default 0.5 */
    double retry_period_s;     /* between reopen attempts, default 2 */
} es_pa_source_config;

/* What es_pa_source_watch reports. */
typedef enum {
    ES_PA_EVENT_NONE = 0,
    ES_PA_EVENT_LOST,          /* the device stopped delivering */
    ES_PA_EVENT_RESTORED,      /* it delivers again */
    ES_PA_EVENT_NOTE           /* a reopen attempt failed (a new reason) */
} es_pa_event;

es_pa_source es_pa_source_create(const es_pa_source_config *cfg, es_error *err);

/* Opens the device (not started yet). Returns ES_OK; ES_EINVAL for the
 * device or the config (missing, too few channels, rate, busy), with a
 * reason naming the device and what the machine offers: "site.json:
 * audio.device: \"X\" not found; input devices: \"system\" (8 channels,
 * 48000 Hz)"; ES_EIO for anything else (PortAudio, the helper, time). */
int es_pa_source_open(es_pa_source s, es_error *err);

/* The device opened, e.g. "\"system\" (JACK Audio Connection Kit)". */
const char *es_pa_source_device(es_pa_source s);

/* Starts capturing into the capture ring. */
int es_pa_source_start(es_pa_source s, es_error *err);

/* The watchdog. Returns what changed, with a line for the log in msg. */
es_pa_event es_pa_source_watch(es_pa_source s, char *msg, size_t cap);

/* Stops capturing (bounded: a helper that does not stop is killed). After
 * it nothing more is pushed, so the caller may push the end block. */
void es_pa_source_stop(es_pa_source s);

/* Blocks the helper dropped because the relay fell behind. */
unsigned long long es_pa_source_dropped(es_pa_source s);

void es_pa_source_destroy(es_pa_source *s);

#ifdef __cplusplus
}
#endif
#endif
