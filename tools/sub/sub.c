/* The subscriber core (see sub.h). */
#define _POSIX_C_SOURCE 200809L
#include "sub.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define BODY_MAX (1u << 20)     /* a message body larger than this is bad */
#define HEARTBEAT_IVL_MS 1000   /* ZMTP PING every second ... */
#define HEARTBEAT_TIMEOUT_MS 3000 /* ... a peer silent this long is gone */
#define RECONNECT_IVL_MS 100
#define RECONNECT_IVL_MAX_MS 1000
#define MONITORED                                                                  \
    (ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |                      \
     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | \
     ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)

struct es_sub_s {
    void *ctx, *sock, *monitor;
    int curve;                  /* CURVE configured */
    int connected, refused;     /* reported state: each change once */
    int have_seq;
    uint64_t last_seq, received, missed;
    char *buf;                  /* BODY_MAX + 1 */
};

double es_sub_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

double es_sub_number(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ------------------------------------------------------------ creation */

/* The Z85 secret key in path: 40 characters, then at most a newline. */
static int read_secret_key(const char *path, char key[41], es_error *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return es_error_set(err, ES_EIO, "%s: %s", path, strerror(errno));
    char line[64] = {0};
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    uint8_t raw[32];
    if (n != 40 || zmq_z85_decode(raw, line) == NULL)
        return es_error_set(err, ES_EINVAL,
                            "%s: not a CURVE secret key (40 Z85 characters, as `earshot keygen` "
                            "writes)",
                            path);
    memcpy(key, line, 41);
    return ES_OK;
}

static int set_int(void *sock, int option, int value, es_error *err)
{
    if (zmq_setsockopt(sock, option, &value, sizeof value) != 0)
        return es_error_set(err, ES_EIO, "zmq_setsockopt(%d): %s", option, zmq_strerror(errno));
    return ES_OK;
}

static int set_curve(void *sock, const es_sub_config *cfg, es_error *err)
{
    char secret[41], public_key[41];
    int rc = read_secret_key(cfg->key_file, secret, err);
    if (rc != ES_OK)
        return rc;
    if (zmq_curve_public(public_key, secret) != 0)
        return es_error_set(err, ES_EINVAL, "%s: cannot derive the public key: %s",
                            cfg->key_file, zmq_strerror(errno));
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, cfg->server_key, 40) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, public_key, 40) != 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, secret, 40) != 0)
        return es_error_set(err, ES_EINVAL, "CURVE keys refused by libzmq: %s",
                            zmq_strerror(errno));
    return ES_OK;
}

static int set_options(es_sub s, const es_sub_config *cfg, es_error *err)
{
    int rc = ES_OK;
    if (rc == ES_OK)
        rc = set_int(s->sock, ZMQ_LINGER, 0, err);
    if (rc == ES_OK)
        rc = set_int(s->sock, ZMQ_RECONNECT_IVL, RECONNECT_IVL_MS, err);
    if (rc == ES_OK)
        rc = set_int(s->sock, ZMQ_RECONNECT_IVL_MAX, RECONNECT_IVL_MAX_MS, err);
    if (rc == ES_OK)
        rc = set_int(s->sock, ZMQ_HEARTBEAT_IVL, HEARTBEAT_IVL_MS, err);
    if (rc == ES_OK)
        rc = set_int(s->sock, ZMQ_HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT_MS, err);
    s->curve = cfg->server_key[0] != '\0';
    if (rc == ES_OK && s->curve)
        rc = set_curve(s->sock, cfg, err);
    if (rc == ES_OK && zmq_setsockopt(s->sock, ZMQ_SUBSCRIBE, "", 0) != 0)
        rc = es_error_set(err, ES_EIO, "subscribe: %s", zmq_strerror(errno));
    return rc;
}

/* A PAIR socket on the SUB socket's monitor: connection events. */
static int start_monitor(es_sub s, es_error *err)
{
    char addr[64];
    snprintf(addr, sizeof addr, "inproc://es-sub-monitor-%p", (void *)s);
    if (zmq_socket_monitor(s->sock, addr, MONITORED) != 0)
        return es_error_set(err, ES_EIO, "zmq_socket_monitor: %s", zmq_strerror(errno));
    s->monitor = zmq_socket(s->ctx, ZMQ_PAIR);
    if (s->monitor == NULL || zmq_connect(s->monitor, addr) != 0)
        return es_error_set(err, ES_EIO, "monitor socket: %s", zmq_strerror(errno));
    return set_int(s->monitor, ZMQ_LINGER, 0, err);
}

es_sub es_sub_create(const es_sub_config *cfg, es_error *err)
{
    if (es_sub_check_config(cfg, err) != ES_OK)
        return NULL;
    es_sub s = calloc(1, sizeof *s);
    if (s == NULL || (s->buf = malloc(BODY_MAX + 1)) == NULL) {
        free(s);
        es_error_set(err, ES_ENOMEM, "out of memory");
        return NULL;
    }
    s->ctx = zmq_ctx_new();
    s->sock = s->ctx != NULL ? zmq_socket(s->ctx, ZMQ_SUB) : NULL;
    int rc = s->sock == NULL ? es_error_set(err, ES_EIO, "zmq socket: %s", zmq_strerror(errno))
                             : set_options(s, cfg, err);
    if (rc == ES_OK)
        rc = start_monitor(s, err);
    if (rc == ES_OK && zmq_connect(s->sock, cfg->endpoint) != 0)
        rc = es_error_set(err, ES_EINVAL, "%s: %s", cfg->endpoint, zmq_strerror(errno));
    if (rc != ES_OK)
        es_sub_destroy(&s);
    return s;
}

void es_sub_destroy(es_sub *sp)
{
    if (sp == NULL || *sp == NULL)
        return;
    es_sub s = *sp;
    if (s->sock != NULL) {
        zmq_socket_monitor(s->sock, NULL, 0);
        zmq_close(s->sock);
    }
    if (s->monitor != NULL)
        zmq_close(s->monitor);
    if (s->ctx != NULL)
        zmq_ctx_term(s->ctx);
    free(s->buf);
    free(s);
    *sp = NULL;
}

uint64_t es_sub_received(const es_sub s) { return s->received; }
uint64_t es_sub_missed(const es_sub s) { return s->missed; }

void es_sub_item_clear(es_sub_item *item)
{
    if (item->body != NULL)
        json_decref(item->body);
    memset(item, 0, sizeof *item);
}

/* ------------------------------------------------------------ receiving */

static const char *refusal(const es_sub s, uint16_t event)
{
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        return "not authorised: this subscriber's public key is not in the engine's "
               "publish.curve.client_public_keys";
    if (s->curve)
        return "the CURVE handshake failed: check --server-key (the engine's public key) "
               "and --key-file";
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        return "the handshake failed: the engine may require CURVE (--server-key, "
               "--key-file), or the endpoint is not an Earshot engine";
    return NULL; /* the peer went away during the handshake: a disconnection */
}

/* What a monitor event changes: each state reported once, not every
 * 100 ms while libzmq retries. 1 with *item filled, 0 nothing to say. */
static int state_item(es_sub s, uint16_t event, const char *endpoint, es_sub_item *item)
{
    memset(item, 0, sizeof *item);
    snprintf(item->reason, sizeof item->reason, "%s", endpoint);
    if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
        s->refused = 0;
        if (s->connected)
            return 0;
        s->connected = 1;
        item->kind = ES_SUB_CONNECTED;
        return 1;
    }
    int was_connected = s->connected;
    s->connected = 0;
    const char *why = event == ZMQ_EVENT_DISCONNECTED ? NULL : refusal(s, event);
    if (why != NULL && !s->refused) {
        s->refused = 1;
        item->kind = ES_SUB_REFUSED;
        snprintf(item->reason, sizeof item->reason, "%s: %s", endpoint, why);
        return 1;
    }
    item->kind = ES_SUB_DISCONNECTED;
    return was_connected;
}

/* One monitor event: 2 bytes event, 4 bytes value, then the endpoint. */
static int monitor_item(es_sub s, es_sub_item *item)
{
    uint8_t head[6];
    int n = zmq_recv(s->monitor, head, sizeof head, 0);
    char endpoint[ES_SUB_ENDPOINT_MAX] = "";
    int more = 0;
    size_t more_size = sizeof more;
    zmq_getsockopt(s->monitor, ZMQ_RCVMORE, &more, &more_size);
    if (more) {
        int m = zmq_recv(s->monitor, endpoint, sizeof endpoint - 1, 0);
        endpoint[m > 0 ? (m < (int)sizeof endpoint ? m : (int)sizeof endpoint - 1) : 0] = '\0';
    }
    if (n < 6)
        return 0;
    uint16_t event;
    memcpy(&event, head, sizeof event);
    return state_item(s, event, endpoint, item);
}

/* Drops the rest of a multipart message. */
static int drain(void *sock)
{
    int more = 1, parts = 0;
    while (more) {
        size_t size = sizeof more;
        if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &size) != 0 || !more)
            break;
        char sink[64];
        if (zmq_recv(sock, sink, sizeof sink, 0) < 0)
            break;
        parts++;
    }
    return parts;
}

static int bad(es_sub_item *item, const char *topic, const char *fmt, const char *detail)
{
    item->kind = ES_SUB_BAD;
    snprintf(item->topic, sizeof item->topic, "%s", topic);
    snprintf(item->reason, sizeof item->reason, fmt, detail);
    return 1;
}

/* The sequence: a jump forward is a gap, a step back a new engine. */
static void follow_seq(es_sub s, es_sub_item *item)
{
    if (s->have_seq && item->seq > s->last_seq + 1) {
        item->gap = item->seq - s->last_seq - 1;
        item->previous_seq = s->last_seq;
        s->missed += item->gap;
    } else if (s->have_seq && item->seq <= s->last_seq) {
        item->restarted = 1;
        item->previous_seq = s->last_seq;
    }
    s->have_seq = 1;
    s->last_seq = item->seq;
}

static int parse_body(es_sub s, es_sub_item *item, const char *topic, size_t len)
{
    json_error_t jerr;
    json_t *body = json_loadb(s->buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (body == NULL)
        return bad(item, topic, "body is not a JSON object: %s", jerr.text);
    if (!json_is_object(body)) {
        json_decref(body);
        return bad(item, topic, "%s", "body is JSON but not an object");
    }
    json_t *seq = json_object_get(body, "seq");
    if (!json_is_integer(seq) || json_integer_value(seq) < 0) {
        json_decref(body);
        return bad(item, topic, "%s", "body has no seq (a non-negative integer)");
    }
    item->kind = ES_SUB_MESSAGE;
    snprintf(item->topic, sizeof item->topic, "%s", topic);
    item->body = body;
    item->seq = (uint64_t)json_integer_value(seq);
    s->received++;
    follow_seq(s, item);
    return 1;
}

static int message_item(es_sub s, es_sub_item *item, es_error *err)
{
    memset(item, 0, sizeof *item);
    char topic[ES_SUB_TOPIC_MAX];
    int n = zmq_recv(s->sock, topic, sizeof topic - 1, ZMQ_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR
                   ? 0
                   : es_error_set(err, ES_EIO, "receive: %s", zmq_strerror(errno));
    topic[n < (int)sizeof topic ? n : (int)sizeof topic - 1] = '\0';
    int more = 0;
    size_t size = sizeof more;
    zmq_getsockopt(s->sock, ZMQ_RCVMORE, &more, &size);
    if (!more)
        return bad(item, topic, "%s", "one frame, not two (topic, body)");
    int len = zmq_recv(s->sock, s->buf, BODY_MAX, 0);
    if (len < 0)
        return es_error_set(err, ES_EIO, "receive: %s", zmq_strerror(errno));
    if (drain(s->sock) > 0)
        return bad(item, topic, "%s", "more than two frames");
    if ((size_t)len > BODY_MAX)
        return bad(item, topic, "%s", "body over 1 MiB");
    return parse_body(s, item, topic, (size_t)len);
}

int es_sub_receive(es_sub s, int timeout_ms, es_sub_item *item, es_error *err)
{
    double until = es_sub_now_s() + timeout_ms / 1000.0;
    for (;;) {
        zmq_pollitem_t p[2] = {{s->monitor, 0, ZMQ_POLLIN, 0}, {s->sock, 0, ZMQ_POLLIN, 0}};
        long wait_ms = timeout_ms < 0 ? -1 : (long)((until - es_sub_now_s()) * 1000.0);
        if (timeout_ms >= 0 && wait_ms < 0)
            wait_ms = 0;
        int n = zmq_poll(p, 2, wait_ms);
        if (n < 0)
            return errno == EINTR ? 0 : es_error_set(err, ES_EIO, "poll: %s", zmq_strerror(errno));
        if (p[0].revents & ZMQ_POLLIN && monitor_item(s, item))
            return 1;
        if (p[1].revents & ZMQ_POLLIN) {
            int rc = message_item(s, item, err);
            if (rc != 0)
                return rc;
        }
        if (n == 0 || (timeout_ms >= 0 && es_sub_now_s() >= until))
            return 0;
    }
}
