/* Earshot: publishing (CONTRACT.md section 3).
 *
 * One publisher per engine process owns the ZeroMQ publish socket, the
 * optional --events file and the single `seq` counter shared by all topics.
 * Each message is two frames: the topic ("alert", "event", "heartbeat"),
 * then one JSON object. The same body goes, one object per line, to the
 * events file; there the body also carries "topic" (an extension) so alerts
 * and events can be told apart.
 *
 * Sending never blocks: the socket's high-water mark is sized so alerts are
 * not dropped, and a send that fails anyway is counted and reported through
 * the log callback, never silently lost. */
#ifndef EARSHOT_PUBLISHER_H
#define EARSHOT_PUBLISHER_H

#include <stddef.h>
#include <stdint.h>

#include "earshot/config.h"
#include "earshot/event.h"
#include "earshot/health.h"
#include "earshot/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct es_publisher_s *es_publisher;

typedef void (*es_log_fn)(void *ctx, const char *line);

typedef struct {
    const char *endpoint;        /* ZeroMQ endpoint to bind (required) */
    const char *events_path;     /* NULL: none; "-": stdout; else a file */
    int send_hwm;                /* ZMQ_SNDHWM, default 100000 when 0 */
    int linger_ms;               /* on destroy, time to flush, default 2000 */
    /* Added to t_origin (seconds after the first sample) in messages: 0 in
     * replay, the stream's UNIX start time live. */
    double t_origin_offset_s;
    es_log_fn log;               /* where send failures are reported; with
                                    site->curve enabled also refused
                                    subscribers, from the publisher's ZAP
                                    thread: it must be thread-safe */
    void *log_ctx;
} es_publisher_config;

typedef struct {
    char id[ES_SENSOR_ID_MAX];
    es_health_snapshot health;
    /* Of the last events this sensor was heard in, how many the solver
     * left out; `suspect` when it keeps being left out (a misplaced
     * microphone, a drifting clock): then `ok` is false too. */
    unsigned rejected_recent;
    int suspect;
} es_sensor_health;

typedef struct {
    size_t n_sensors;
    uint64_t overruns;           /* audio blocks lost since start */
    es_atmosphere_config atmosphere;
    double stream_time_s;        /* extension: seconds of audio analysed */
    uint64_t events;             /* extension: events published so far */
    uint64_t alerts;             /* extension: alerts published so far */
    /* Last, so a copy of the first n_sensors entries carries everything. */
    es_sensor_health sensors[ES_MAX_SENSORS];
} es_heartbeat;

/* With site->curve enabled, the socket is a CURVE server with the
 * configured secret key, and a ZAP handler (RFC 27) on its own thread admits
 * only the subscribers whose public key is in site->curve.client_keys. */
es_publisher es_publisher_create(const es_publisher_config *cfg,
                                 const es_site_config *site, es_error *err);

/* The endpoint actually bound (port 0 or * resolved to the real port). */
const char *es_publisher_endpoint(es_publisher p);

/* Waits up to timeout_ms until at least n subscriptions have arrived on the
 * socket (an XPUB underneath). Returns the number seen. Lets tests and
 * benchmarks avoid ZeroMQ's slow-joiner loss at start. */
int es_publisher_wait_subscribers(es_publisher p, int n, int timeout_ms);

/* Publishes an `event` (as_alert = 0) or an `alert` (as_alert = 1) message
 * for ev. capture_mono_s is the CLOCK_MONOTONIC time at which the sample
 * ev->last_arrival_frame was captured (read from the file, in replay): the
 * message's latency_ms runs from it to the send. */
int es_publisher_send_event(es_publisher p, const es_event *ev, int as_alert,
                            double capture_mono_s);

int es_publisher_send_heartbeat(es_publisher p, const es_heartbeat *hb);

/* Next seq to be used (messages sent so far). */
uint64_t es_publisher_seq(es_publisher p);
/* Sends that failed (each was also reported through the log callback). */
uint64_t es_publisher_failures(es_publisher p);

/* Flushes the events file and closes the socket, lingering up to linger_ms
 * so queued messages reach subscribers. Sets *p to NULL. */
void es_publisher_destroy(es_publisher *p);

/* ---- CURVE key files (README "Encrypted alerts") ----------------------
 * A key file holds one key in Z85: 40 characters and a newline. */

/* Decodes exactly ES_CURVE_KEY_Z85_LEN characters of z85 (no terminator
 * needed). Only the canonical spelling, the one zmq_z85_encode gives back,
 * is accepted, so equal keys compare equal as text too. ES_OK or ES_EINVAL. */
int es_curve_key_from_z85(const char *z85, size_t len,
                          unsigned char key[ES_CURVE_KEY_BYTES]);

/* Reads the key in `path` (a trailing newline is allowed). *mode_out (may
 * be NULL) gets the file's permission bits, for a warning when a secret key
 * is readable by others. ES_EIO: cannot open or read it, or not a regular
 * file; ES_EINVAL: it does not hold one key. Messages start with the path. */
int es_curve_key_file_read(const char *path, unsigned char key[ES_CURVE_KEY_BYTES],
                           unsigned *mode_out, es_error *err);

/* Makes a new key pair (zmq_curve_keypair) and writes PREFIX.key (the
 * secret key, mode 0600) and PREFIX.pub (the public key, mode 0644). Both
 * are created exclusively, so an existing file is never overwritten and the
 * secret key is never readable by others, even briefly; on failure nothing
 * is left behind. public_z85 (may be NULL) gets the public key and a NUL.
 * ES_EINVAL: a file exists, or the directory does not; ES_EIO: any other
 * failure. */
int es_curve_keypair_write(const char *prefix,
                           char public_z85[ES_CURVE_KEY_Z85_LEN + 1], es_error *err);

/* CLOCK_MONOTONIC and CLOCK_REALTIME in seconds. */
double es_clock_mono_s(void);
double es_clock_unix_s(void);

#ifdef __cplusplus
}
#endif
#endif
