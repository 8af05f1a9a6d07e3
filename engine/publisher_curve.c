/* The publisher's CURVE guard (engine/publisher_curve.h).
 *
 * CURVE encrypts the stream and proves the engine's identity to every
 * subscriber that knows its public key; which subscribers may connect is
 * ZAP's business (RFC 27): for each CURVE handshake libzmq asks whoever is
 * bound to inproc://zeromq.zap.01 in the socket's context, sending the
 * peer's address and public key, and admits the peer on status 200. This
 * file is that handler: a REP socket served by its own thread, answering
 * 200 for a listed key and 400 for any other.
 *
 * libzmq admits every CURVE client when no handler is bound, so the
 * handler is bound before the publish socket, and its thread ends only with
 * the context (ETERM): it outlives the publish socket.
 *
 * A subscriber without CURVE, or with a wrong server key, fails before ZAP
 * is asked; the socket monitor reports those handshakes, without the
 * peer's address. Such a client retries every few tenths of a second, so
 * each kind of report is logged once, then at most once a minute with the
 * number held back (a refused key: per address and key). */
#include "publisher_curve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define MONITOR_ENDPOINT "inproc://earshot.publish.handshakes"
/* RFC 27: version, request id, domain, address, identity, mechanism, and
 * for CURVE one credentials frame, the client's public key. */
enum { ZAP_REQUEST_FRAMES = 7, ZAP_FRAMES_MAX = 8 };
enum { F_VERSION, F_REQUEST_ID, F_DOMAIN, F_ADDRESS, F_IDENTITY, F_MECHANISM, F_CREDENTIALS };
/* Distinct things reported; the oldest is forgotten when all are in use. */
enum { REPORT_SLOTS = 16, REPORT_KEY_MAX = 160 };
#define REPORT_PERIOD_S 60.0

typedef struct {
    char key[REPORT_KEY_MAX];
    double last_s;
    unsigned long held;          /* repeats not logged since last_s */
    int used;
} report_slot;

struct es_zap_s {
    void *handler;               /* REP on ZAP_ENDPOINT */
    void *monitor;               /* PAIR: the publish socket's failed handshakes */
    pthread_t thread;
    int thread_started;
    es_log_fn log;
    void *log_ctx;
    size_t n_keys;
    unsigned char keys[ES_CURVE_MAX_CLIENTS][ES_CURVE_KEY_BYTES];
    report_slot reports[REPORT_SLOTS]; /* ZAP thread only */
};

typedef struct {
    zmq_msg_t part[ZAP_FRAMES_MAX];
    int n;
} zap_request;

/* ---- reports ----------------------------------------------------------- */

static report_slot *report_find(es_zap z, const char *key)
{
    report_slot *oldest = &z->reports[0];
    for (size_t i = 0; i < REPORT_SLOTS; i++) {
        report_slot *s = &z->reports[i];
        if (s->used && strcmp(s->key, key) == 0)
            return s;
        if (oldest->used && (!s->used || s->last_s < oldest->last_s))
            oldest = s;
    }
    oldest->used = 0; /* forgotten: reported afresh */
    return oldest;
}

/* Whether a report keyed `key` is logged now; *held gets the repeats
 * counted since it was last logged. */
static int report_due(es_zap z, const char *key, unsigned long *held)
{
    const double now_s = es_clock_mono_s();
    report_slot *s = report_find(z, key);
    *held = 0;
    if (s->used && now_s - s->last_s < REPORT_PERIOD_S) {
        s->held++;
        return 0;
    }
    *held = s->used ? s->held : 0;
    *s = (report_slot){.last_s = now_s, .used = 1};
    snprintf(s->key, sizeof s->key, "%s", key);
    return 1;
}

static void zap_log(es_zap z, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void zap_log(es_zap z, const char *key, const char *fmt, ...)
{
    unsigned long held = 0;
    if (z->log == NULL || !report_due(z, key, &held))
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (held > 0 && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, " (%lu more since the last report)", held);
    z->log(z->log_ctx, line);
}

/* A frame as printable text for a log line. */
static void frame_text(const zmq_msg_t *m, char *dst, size_t n)
{
    const unsigned char *s = zmq_msg_data((zmq_msg_t *)m);
    size_t len = zmq_msg_size((zmq_msg_t *)m), i;
    for (i = 0; i < len && i + 1 < n; i++)
        dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
    dst[i] = '\0';
}

/* ---- ZAP requests ------------------------------------------------------ */

static void request_close(zap_request *r)
{
    for (int i = 0; i < r->n; i++)
        zmq_msg_close(&r->part[i]);
    r->n = 0;
}

/* Every part of one request, keeping the first ZAP_FRAMES_MAX. 0, or -1
 * with zmq_errno() (ETERM: the context is ending). */
static int request_recv(void *sock, zap_request *r)
{
    zmq_msg_t spare;
    int more = 1;
    r->n = 0;
    while (more) {
        zmq_msg_t *m = r->n < ZAP_FRAMES_MAX ? &r->part[r->n] : &spare;
        if (zmq_msg_init(m) != 0 || zmq_msg_recv(m, sock, 0) < 0) {
            zmq_msg_close(m);
            request_close(r);
            return -1;
        }
        more = zmq_msg_more(m);
        if (m == &spare)
            zmq_msg_close(m);
        else
            r->n++;
    }
    return 0;
}

static int frame_is(const zmq_msg_t *m, const char *s)
{
    size_t n = strlen(s);
    return zmq_msg_size((zmq_msg_t *)m) == n && memcmp(zmq_msg_data((zmq_msg_t *)m), s, n) == 0;
}

static int key_admitted(es_zap z, const unsigned char *key)
{
    for (size_t i = 0; i < z->n_keys; i++)
        if (memcmp(z->keys[i], key, ES_CURVE_KEY_BYTES) == 0)
            return 1;
    return 0;
}

/* 200 for a listed CURVE key; 400, reported, for anything else. */
static const char *judge(es_zap z, const zap_request *r)
{
    char address[64];
    if (r->n != ZAP_REQUEST_FRAMES || !frame_is(&r->part[F_VERSION], "1.0")
        || !frame_is(&r->part[F_MECHANISM], "CURVE")
        || zmq_msg_size((zmq_msg_t *)&r->part[F_CREDENTIALS]) != ES_CURVE_KEY_BYTES) {
        zap_log(z, "malformed", "publish: refused a ZAP request that is not for CURVE (%d frames)",
                r->n);
        return "400";
    }
    const unsigned char *key = zmq_msg_data((zmq_msg_t *)&r->part[F_CREDENTIALS]);
    if (key_admitted(z, key))
        return "200";
    char z85[ES_CURVE_KEY_Z85_LEN + 1], report_key[REPORT_KEY_MAX];
    frame_text(&r->part[F_ADDRESS], address, sizeof address);
    if (zmq_z85_encode(z85, key, ES_CURVE_KEY_BYTES) == NULL)
        snprintf(z85, sizeof z85, "?");
    snprintf(report_key, sizeof report_key, "key %s %s", address, z85);
    zap_log(z, report_key, "publish: refused a subscriber from %s with an unknown CURVE key %s",
            address, z85);
    return "400";
}

static int send_frame(void *sock, const void *data, size_t len, int more)
{
    return zmq_send(sock, data, len, more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

/* RFC 27 reply: version, request id, status code, status text, user id,
 * metadata. */
static int answer(es_zap z)
{
    zap_request r;
    if (request_recv(z->handler, &r) != 0)
        return -1;
    const char *status = judge(z, &r);
    const int ok = strcmp(status, "200") == 0;
    zmq_msg_t *id = r.n > F_REQUEST_ID ? &r.part[F_REQUEST_ID] : NULL;
    int rc = send_frame(z->handler, "1.0", 3, 1);
    if (rc == 0)
        rc = send_frame(z->handler, id ? zmq_msg_data(id) : "", id ? zmq_msg_size(id) : 0, 1);
    if (rc == 0)
        rc = send_frame(z->handler, status, 3, 1);
    if (rc == 0)
        rc = send_frame(z->handler, ok ? "OK" : "unknown key", ok ? 2 : 11, 1);
    if (rc == 0)
        rc = send_frame(z->handler, "", 0, 1);
    if (rc == 0)
        rc = send_frame(z->handler, "", 0, 0);
    request_close(&r);
    return rc;
}

/* ---- failed handshakes ------------------------------------------------- */

#define HANDSHAKE_EVENTS \
    (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)

/* A client without CURVE sees the mismatch too, and when it hangs up first
 * the socket sees only the connection end (NO_DETAIL): both are one kind of
 * report. */
static void report_handshake(es_zap z, unsigned event, uint32_t code, const char *endpoint)
{
    char key[REPORT_KEY_MAX];
    snprintf(key, sizeof key, "handshake %08x", (unsigned)code);
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        zap_log(z, "handshake without CURVE", "publish: refused a subscriber on %s: it hung up "
                "in the handshake, as one without CURVE does", endpoint);
    else if (code == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
        zap_log(z, "handshake without CURVE", "publish: refused a subscriber on %s without CURVE",
                endpoint);
    else if (code == ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC)
        zap_log(z, key, "publish: refused a subscriber on %s: its CURVE handshake failed "
                "(a wrong server key?)", endpoint);
    else
        zap_log(z, key, "publish: refused a subscriber on %s: handshake failed (ZeroMQ "
                "protocol error 0x%08x)", endpoint, (unsigned)code);
}

/* One monitor event: 2 bytes event, 4 bytes value, then the endpoint. */
static int monitor_read(es_zap z)
{
    zmq_msg_t head, where;
    if (zmq_msg_init(&head) != 0 || zmq_msg_init(&where) != 0)
        return -1;
    int rc = zmq_msg_recv(&head, z->monitor, 0) < 0 ? -1 : 0;
    if (rc == 0 && zmq_msg_more(&head))
        rc = zmq_msg_recv(&where, z->monitor, 0) < 0 ? -1 : 0;
    if (rc == 0 && zmq_msg_size(&head) >= 6) {
        uint16_t event;
        uint32_t value;
        memcpy(&event, zmq_msg_data(&head), sizeof event);
        memcpy(&value, (const char *)zmq_msg_data(&head) + 2, sizeof value);
        char endpoint[128];
        frame_text(&where, endpoint, sizeof endpoint);
        report_handshake(z, event, value, endpoint);
    }
    zmq_msg_close(&head);
    zmq_msg_close(&where);
    return rc;
}

/* ---- thread and lifecycle ---------------------------------------------- */

static void *zap_main(void *arg)
{
    es_zap z = arg;
    zmq_pollitem_t items[2] = {{z->handler, 0, ZMQ_POLLIN, 0}, {z->monitor, 0, ZMQ_POLLIN, 0}};
    for (;;) {
        int n = zmq_poll(items, 2, -1);
        if (n > 0 && (items[0].revents & ZMQ_POLLIN))
            n = answer(z);
        if (n >= 0 && (items[1].revents & ZMQ_POLLIN))
            n = monitor_read(z);
        /* Any other error is passing: the handler must stay bound while the
         * publish socket lives (see the top of the file). */
        if (n < 0 && zmq_errno() == ETERM)
            break;
    }
    zmq_close(z->handler);
    zmq_close(z->monitor);
    return NULL;
}

static int server_options(const es_zap_config *cfg, es_error *err)
{
    const int one = 1;
    if (zmq_setsockopt(cfg->sock, ZMQ_CURVE_SERVER, &one, sizeof one) != 0
        || zmq_setsockopt(cfg->sock, ZMQ_CURVE_SECRETKEY, cfg->curve->secret_key,
                          ES_CURVE_KEY_BYTES) != 0)
        return es_error_set(err, ES_EIO, "publisher: cannot make the socket a CURVE server: %s",
                            zmq_strerror(zmq_errno()));
    return ES_OK;
}

static int open_sockets(es_zap z, const es_zap_config *cfg, es_error *err)
{
    const int zero = 0;
    z->handler = zmq_socket(cfg->zctx, ZMQ_REP);
    z->monitor = zmq_socket(cfg->zctx, ZMQ_PAIR);
    if (z->handler == NULL || z->monitor == NULL
        || zmq_setsockopt(z->handler, ZMQ_LINGER, &zero, sizeof zero) != 0
        || zmq_setsockopt(z->monitor, ZMQ_LINGER, &zero, sizeof zero) != 0
        || zmq_bind(z->handler, ZAP_ENDPOINT) != 0
        || zmq_socket_monitor(cfg->sock, MONITOR_ENDPOINT, HANDSHAKE_EVENTS) != 0
        || zmq_connect(z->monitor, MONITOR_ENDPOINT) != 0)
        return es_error_set(err, ES_EIO, "publisher: cannot start the CURVE authentication "
                            "handler: %s", zmq_strerror(zmq_errno()));
    return ES_OK;
}

/* With every signal blocked, so the process's signals go to the threads
 * that handle them and the handler's calls are never interrupted. */
static int start_thread(es_zap z, es_error *err)
{
    sigset_t all, old;
    sigfillset(&all);
    if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
        return es_error_set(err, ES_EIO, "publisher: cannot mask signals for the ZAP thread");
    int rc = pthread_create(&z->thread, NULL, zap_main, z);
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL); /* cannot fail with a valid set */
    if (rc != 0)
        return es_error_set(err, ES_EIO, "publisher: cannot start the ZAP thread: %s",
                            strerror(rc));
    z->thread_started = 1;
    return ES_OK;
}

/* The operator gives this public key to every subscriber. */
static void log_started(es_zap z, const es_curve_config *curve)
{
    char secret_z85[ES_CURVE_KEY_Z85_LEN + 1], public_z85[ES_CURVE_KEY_Z85_LEN + 1];
    if (z->log == NULL)
        return;
    if (zmq_z85_encode(secret_z85, curve->secret_key, ES_CURVE_KEY_BYTES) == NULL
        || zmq_curve_public(public_z85, secret_z85) != 0)
        snprintf(public_z85, sizeof public_z85, "?");
    explicit_bzero(secret_z85, sizeof secret_z85);
    char line[256];
    snprintf(line, sizeof line, "publish: CURVE: %zu subscriber key%s admitted; server public "
             "key %s", z->n_keys, z->n_keys == 1 ? "" : "s", public_z85);
    z->log(z->log_ctx, line);
}

es_zap es_zap_create(const es_zap_config *cfg, es_error *err)
{
    if (cfg == NULL || cfg->zctx == NULL || cfg->sock == NULL || cfg->curve == NULL
        || cfg->curve->n_client_keys > ES_CURVE_MAX_CLIENTS) {
        es_error_set(err, ES_EINVAL, "publisher: invalid CURVE set-up");
        return NULL;
    }
    es_zap z = calloc(1, sizeof *z);
    if (z == NULL) {
        es_error_set(err, ES_ENOMEM, "publisher: out of memory");
        return NULL;
    }
    z->log = cfg->log;
    z->log_ctx = cfg->log_ctx;
    z->n_keys = cfg->curve->n_client_keys;
    memcpy(z->keys, cfg->curve->client_keys, z->n_keys * ES_CURVE_KEY_BYTES);
    if (server_options(cfg, err) != ES_OK || open_sockets(z, cfg, err) != ES_OK
        || start_thread(z, err) != ES_OK) {
        if (z->handler != NULL)
            zmq_close(z->handler);
        if (z->monitor != NULL)
            zmq_close(z->monitor);
        free(z);
        return NULL;
    }
    log_started(z, cfg->curve);
    return z;
}

void es_zap_destroy(es_zap *zp)
{
    if (zp == NULL || *zp == NULL)
        return;
    es_zap z = *zp;
    if (z->thread_started)
        pthread_join(z->thread, NULL);
    free(z);
    *zp = NULL;
}
