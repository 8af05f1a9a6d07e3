/* Earshot subscriber: the shared core of earshot-siren, earshot-console
 * and earshot-cot (CONTRACT.md section 3: two frames per message, the
 * topic and one JSON object; `seq` one counter per engine process).
 *
 * An es_sub connects a ZeroMQ SUB socket to the engine's endpoint (with
 * CurveZMQ when given the server's public key and a key file), subscribes
 * to every topic (seq counts every message the engine sends, whatever its
 * topic: a subscriber to some topics only would see jumps it cannot tell
 * from losses) and hands back, one at a time, what happens:
 *   - a message, its body parsed, with the messages missed just before it
 *     (a jump in seq) or a new engine process (seq going back) noted;
 *   - a message that breaks the contract (not two frames, not JSON, no
 *     seq), with the reason: reported, never fatal;
 *   - the connection coming up, going down, or refused in the handshake
 *     (a wrong server key, or this subscriber's key not allowed).
 * libzmq reconnects by itself; ZMTP heartbeats (1 s, 3 s timeout) take
 * down a connection whose peer stopped answering (an unplugged cable), so
 * reconnection starts then too. The sequence is kept across reconnections:
 * whatever was published while this subscriber was away shows as a gap on
 * the first message after it is back. */
#ifndef EARSHOT_TOOLS_SUB_H
#define EARSHOT_TOOLS_SUB_H

#include <jansson.h>
#include <stdint.h>

#include "earshot/status.h"

#define ES_SUB_ENDPOINT_MAX 256
#define ES_SUB_TOPIC_MAX 32

typedef struct es_sub_s *es_sub;

typedef struct {
    char endpoint[ES_SUB_ENDPOINT_MAX];  /* tcp://HOST:PORT, ipc://PATH */
    char server_key[41];        /* the engine's CURVE public key (Z85);
                                   "": a plain connection */
    char key_file[4096];        /* this subscriber's secret key file (Z85,
                                   as `earshot keygen` writes it) */
} es_sub_config;

typedef enum {
    ES_SUB_MESSAGE,      /* a message: topic, body, seq, gap, restarted */
    ES_SUB_BAD,          /* a message that breaks the contract: reason */
    ES_SUB_CONNECTED,    /* the connection is up (handshake done) */
    ES_SUB_DISCONNECTED, /* it went down; libzmq is reconnecting */
    ES_SUB_REFUSED,      /* the handshake failed (keys): reason */
} es_sub_kind;

typedef struct {
    es_sub_kind kind;
    char topic[ES_SUB_TOPIC_MAX];
    json_t *body;               /* ES_SUB_MESSAGE: owned; es_sub_item_clear */
    uint64_t seq;
    uint64_t gap;               /* messages missed just before this one */
    int restarted;              /* seq went back: a new engine process */
    uint64_t previous_seq;      /* the seq before (gap or restarted) */
    char reason[256];           /* ES_SUB_BAD, ES_SUB_REFUSED, and the
                                   endpoint for (DIS)CONNECTED */
} es_sub_item;

/* Parses one of the common options at argv[*i] (--connect ENDPOINT,
 * --server-key Z85, --key-file PATH) into cfg, advancing *i past its
 * value. Returns 1 if it was one (0 if not; ES_EINVAL with a reason for a
 * missing or bad value). */
int es_sub_parse_option(int argc, char **argv, int *i, es_sub_config *cfg, es_error *err);

/* Checks a parsed configuration: an endpoint, and a key file exactly when
 * a server key is given. */
int es_sub_check_config(const es_sub_config *cfg, es_error *err);

es_sub es_sub_create(const es_sub_config *cfg, es_error *err);

/* Waits up to timeout_ms (-1: for ever) for the next item. Returns 1 with
 * *item filled, 0 on timeout or a signal, or an es_status below 0. */
int es_sub_receive(es_sub s, int timeout_ms, es_sub_item *item, es_error *err);

void es_sub_item_clear(es_sub_item *item);

/* Messages received, and missed by seq, since es_sub_create. */
uint64_t es_sub_received(const es_sub s);
uint64_t es_sub_missed(const es_sub s);

void es_sub_destroy(es_sub *s);

/* The tools' signals: handler for SIGINT and SIGTERM (a stop request),
 * SIGPIPE ignored (a closed output is a write error to report, not a
 * silent death). */
void es_sub_handle_stop_signals(void (*handler)(int));

/* A message body's number field: NAN when absent or not a number (the
 * tools print what they have; a missing field is not an error). */
double es_sub_number(const json_t *o, const char *key);

/* Seconds on the monotonic clock (for the tools' timers). */
double es_sub_now_s(void);

#endif
