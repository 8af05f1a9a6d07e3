/* The publisher: one ZeroMQ socket, an optional --events file and the
 * single seq counter of the engine (include/earshot/publisher.h,
 * CONTRACT.md section 3).
 *
 * The socket is an XPUB: to subscribers it is a PUB, and it also hands us
 * their subscriptions, which es_publisher_wait_subscribers counts. Sends use
 * ZMQ_DONTWAIT and never block. XPUB is left lossy (no ZMQ_XPUB_NODROP):
 * a subscriber that stops reading loses messages past its high-water mark
 * and sees the gap in seq, while every other subscriber is unaffected. With
 * NODROP one stalled console would make every send fail with EAGAIN and
 * silence the sirens too.
 *
 * seq starts at 0 and counts every message the publisher builds, sent or
 * not, so a message that fails on the socket is a visible gap in seq.
 *
 * With publish.curve the socket is a CURVE server, and a ZAP handler on a
 * thread of its own admits the listed subscriber keys (publisher_curve.c).
 *
 * Not thread-safe: one thread owns a publisher (ZeroMQ sockets are not
 * thread-safe either). */
#include "earshot/publisher.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "message_json.h"
#include "publisher_curve.h"

/* Largest body: a heartbeat of ES_MAX_SENSORS sensors is about 25 kB. */
#define ES_BODY_MAX (64 * 1024)
#define ES_BOUND_ENDPOINT_MAX 1024
#define ES_DEFAULT_SNDHWM 100000
#define ES_DEFAULT_LINGER_MS 2000

struct es_publisher_s {
    void *zctx;
    void *sock;
    es_zap zap;                            /* NULL: a plain stream */
    char endpoint[ES_BOUND_ENDPOINT_MAX];  /* as bound (port resolved) */
    int events_fd;                         /* -1: no events file */
    int events_fd_owned;                   /* 0 for stdout */
    char *events_path;                     /* for messages */
    int linger_ms;
    double t_origin_offset_s;
    es_log_fn log;
    void *log_ctx;
    double created_mono_s;
    uint64_t seq;
    uint64_t failures;
    int subscriptions;
    size_t n_ids;
    char ids[ES_MAX_SENSORS][ES_SENSOR_ID_MAX];
    char body[ES_BODY_MAX + 1];            /* + 1 for the events file '\n' */
};

double es_clock_mono_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double es_clock_unix_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void publisher_log(es_publisher p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void publisher_log(es_publisher p, const char *fmt, ...)
{
    if (p->log == NULL)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    p->log(p->log_ctx, line);
}

/* ---- socket ---------------------------------------------------------- */

static int set_int_option(void *sock, int option, int value)
{
    return zmq_setsockopt(sock, option, &value, sizeof value);
}

/* libzmq 4.3 reads a tcp port with strtoul and keeps the low 16 bits, so
 * "tcp://host:99999" would quietly bind port 34463. Only "*" or a decimal
 * 0..65535 after the last ':' is a port. Other transports are left to
 * zmq_bind. */
static int tcp_port_valid(const char *endpoint)
{
    if (strncmp(endpoint, "tcp://", 6) != 0)
        return 1;
    const char *colon = strrchr(endpoint + 6, ':');
    if (colon == NULL)
        return 0;
    const char *port = colon + 1;
    if (strcmp(port, "*") == 0)
        return 1;
    size_t n = strlen(port);
    if (n == 0 || n > 5 || strspn(port, "0123456789") != n)
        return 0;
    return atol(port) <= 65535;
}

/* With publish.curve: a CURVE server whose ZAP handler runs before the
 * socket binds, so no subscriber is ever admitted unchecked. */
static int curve_open(es_publisher p, const es_publisher_config *cfg,
                      const es_site_config *site, es_error *err)
{
    if (!site->curve.enabled)
        return ES_OK;
    const es_zap_config zc = {.zctx = p->zctx, .sock = p->sock, .curve = &site->curve,
                              .log = cfg->log, .log_ctx = cfg->log_ctx};
    p->zap = es_zap_create(&zc, err);
    return p->zap != NULL ? ES_OK : ES_EIO;
}

static int socket_open(es_publisher p, const es_publisher_config *cfg,
                       const es_site_config *site, es_error *err)
{
    if (!tcp_port_valid(cfg->endpoint))
        return es_error_set(err, ES_EINVAL,
                            "publisher: cannot bind %s: the port must be 0..65535 or *",
                            cfg->endpoint);
    p->zctx = zmq_ctx_new();
    if (p->zctx == NULL)
        return es_error_set(err, ES_EIO, "publisher: cannot create a ZeroMQ context: %s",
                            zmq_strerror(zmq_errno()));
    p->sock = zmq_socket(p->zctx, ZMQ_XPUB);
    if (p->sock == NULL)
        return es_error_set(err, ES_EIO, "publisher: cannot create a ZeroMQ socket: %s",
                            zmq_strerror(zmq_errno()));
    const int hwm = cfg->send_hwm > 0 ? cfg->send_hwm : ES_DEFAULT_SNDHWM;
    /* Verbose: every subscription is passed up, not only the first of each
     * topic, so wait_subscribers can count subscribers. Linger 0 until
     * destroy, so a failed create never waits. */
    if (set_int_option(p->sock, ZMQ_SNDHWM, hwm) != 0
        || set_int_option(p->sock, ZMQ_XPUB_VERBOSE, 1) != 0
        || set_int_option(p->sock, ZMQ_LINGER, 0) != 0)
        return es_error_set(err, ES_EIO, "publisher: cannot set socket options: %s",
                            zmq_strerror(zmq_errno()));
    if (curve_open(p, cfg, site, err) != ES_OK)
        return ES_EIO;
    /* libzmq 4.3 binds "tcp://host:0" to a free port, like "tcp://host:*";
     * ZMQ_LAST_ENDPOINT tells which. */
    if (zmq_bind(p->sock, cfg->endpoint) != 0)
        return es_error_set(err, ES_EIO, "publisher: cannot bind %s: %s",
                            cfg->endpoint, zmq_strerror(zmq_errno()));
    size_t len = sizeof p->endpoint;
    if (zmq_getsockopt(p->sock, ZMQ_LAST_ENDPOINT, p->endpoint, &len) != 0
        || p->endpoint[0] == '\0')
        snprintf(p->endpoint, sizeof p->endpoint, "%s", cfg->endpoint);
    p->endpoint[sizeof p->endpoint - 1] = '\0';
    return ES_OK;
}

/* Reads the subscription messages queued on the XPUB without waiting.
 * Reading them also keeps that queue from growing over a long run in which
 * consoles come and go. */
static void drain_subscriptions(es_publisher p)
{
    unsigned char msg[256];
    for (;;) {
        int n = zmq_recv(p->sock, msg, sizeof msg, ZMQ_DONTWAIT);
        if (n < 0)
            return;
        if (n >= 1 && msg[0] == 1)
            p->subscriptions++;
    }
}

int es_publisher_wait_subscribers(es_publisher p, int n, int timeout_ms)
{
    if (p == NULL)
        return 0;
    const double deadline_s = es_clock_mono_s() + (timeout_ms > 0 ? timeout_ms : 0) * 1e-3;
    drain_subscriptions(p);
    while (p->subscriptions < n) {
        const double left_ms = (deadline_s - es_clock_mono_s()) * 1e3;
        if (left_ms <= 0.0)
            break;
        zmq_pollitem_t item = {.socket = p->sock, .events = ZMQ_POLLIN};
        if (zmq_poll(&item, 1, (long)ceil(left_ms)) < 0 && zmq_errno() != EINTR)
            break;
        drain_subscriptions(p);
    }
    return p->subscriptions;
}

/* ---- events file ------------------------------------------------------ */

static int events_open(es_publisher p, const char *path, es_error *err)
{
    p->events_fd = -1;
    if (path == NULL)
        return ES_OK;
    p->events_path = strdup(path);
    if (p->events_path == NULL)
        return es_error_set(err, ES_ENOMEM, "publisher: out of memory");
    if (strcmp(path, "-") == 0) {
        p->events_fd = STDOUT_FILENO;
        return ES_OK;
    }
    p->events_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (p->events_fd < 0)
        return es_error_set(err, ES_EIO, "%s: cannot create events file: %s",
                            path, strerror(errno));
    p->events_fd_owned = 1;
    return ES_OK;
}

/* One line per write(2) loop, straight to the kernel: an analyst tailing
 * the file sees whole lines, and nothing waits in a user-space buffer if
 * the engine dies. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int events_write_line(es_publisher p, const char *topic, uint64_t seq,
                             size_t len)
{
    if (p->events_fd < 0)
        return ES_OK;
    if (p->events_fd == STDOUT_FILENO)
        fflush(stdout);  /* keep order with anything printed through stdio */
    p->body[len] = '\n';
    const int rc = write_all(p->events_fd, p->body, len + 1);
    p->body[len] = '\0';
    if (rc == 0)
        return ES_OK;
    p->failures++;
    publisher_log(p, "publisher: %s seq %" PRIu64 " not written to %s: %s",
                  topic, seq, p->events_path, strerror(errno));
    return ES_EIO;
}

/* ---- create / destroy -------------------------------------------------- */

static int config_check(const es_publisher_config *cfg,
                        const es_site_config *site, es_error *err)
{
    if (cfg == NULL || site == NULL)
        return es_error_set(err, ES_EINVAL, "publisher: %s is NULL",
                            cfg == NULL ? "config" : "site config");
    if (cfg->endpoint == NULL || cfg->endpoint[0] == '\0')
        return es_error_set(err, ES_EINVAL, "publisher: no endpoint to bind");
    if (cfg->events_path != NULL && cfg->events_path[0] == '\0')
        return es_error_set(err, ES_EINVAL, "publisher: events path is empty");
    if (cfg->send_hwm < 0 || cfg->linger_ms < 0)
        return es_error_set(err, ES_EINVAL,
                            "publisher: send_hwm %d and linger_ms %d must not be negative",
                            cfg->send_hwm, cfg->linger_ms);
    if (!isfinite(cfg->t_origin_offset_s))
        return es_error_set(err, ES_EINVAL, "publisher: t_origin_offset_s is not finite");
    if (site->n_sensors > ES_MAX_SENSORS)
        return es_error_set(err, ES_EINVAL, "publisher: %zu sensors, more than %d",
                            site->n_sensors, ES_MAX_SENSORS);
    return ES_OK;
}

es_publisher es_publisher_create(const es_publisher_config *cfg,
                                 const es_site_config *site, es_error *err)
{
    if (config_check(cfg, site, err) != ES_OK)
        return NULL;
    es_publisher p = calloc(1, sizeof *p);
    if (p == NULL) {
        es_error_set(err, ES_ENOMEM, "publisher: out of memory");
        return NULL;
    }
    p->events_fd = -1;
    p->linger_ms = cfg->linger_ms > 0 ? cfg->linger_ms : ES_DEFAULT_LINGER_MS;
    p->t_origin_offset_s = cfg->t_origin_offset_s;
    p->log = cfg->log;
    p->log_ctx = cfg->log_ctx;
    p->created_mono_s = es_clock_mono_s();
    p->n_ids = site->n_sensors;
    for (size_t i = 0; i < site->n_sensors; i++)
        memcpy(p->ids[i], site->sensors[i].id, ES_SENSOR_ID_MAX);
    if (socket_open(p, cfg, site, err) != ES_OK
        || events_open(p, cfg->events_path, err) != ES_OK) {
        p->linger_ms = 0;
        es_publisher_destroy(&p);
        return NULL;
    }
    return p;
}

void es_publisher_destroy(es_publisher *pp)
{
    if (pp == NULL || *pp == NULL)
        return;
    es_publisher p = *pp;
    if (p->events_fd_owned && close(p->events_fd) != 0)
        publisher_log(p, "publisher: closing %s: %s", p->events_path, strerror(errno));
    if (p->events_fd == STDOUT_FILENO)
        fflush(stdout);
    if (p->sock != NULL) {
        /* Give queued messages (the last alerts) up to linger_ms to leave. */
        set_int_option(p->sock, ZMQ_LINGER, p->linger_ms);
        zmq_close(p->sock);
    }
    /* Terminating the context also ends the ZAP thread (ETERM). */
    if (p->zctx != NULL) {
        while (zmq_ctx_term(p->zctx) != 0 && zmq_errno() == EINTR) {
        }
    }
    es_zap_destroy(&p->zap);
    free(p->events_path);
    free(p);
    *pp = NULL;
}

/* ---- sending ----------------------------------------------------------- */

static int socket_send(es_publisher p, const char *topic, uint64_t seq,
                       size_t len)
{
    if (zmq_send(p->sock, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0
        && zmq_send(p->sock, p->body, len, ZMQ_DONTWAIT) >= 0)
        return ES_OK;
    p->failures++;
    publisher_log(p, "publisher: %s seq %" PRIu64 " not sent on %s: %s",
                  topic, seq, p->endpoint, zmq_strerror(zmq_errno()));
    return ES_EIO;
}

/* Stamps seq and t (and latency_ms when capture_mono_s is finite), prints
 * the body once and hands the same bytes to the socket and the file. */
static int publish(es_publisher p, const char *topic, json_t *body,
                   double capture_mono_s)
{
    const uint64_t seq = p->seq++;
    drain_subscriptions(p);
    int rc = es_msg_stamp(body, seq, es_clock_unix_s());
    if (rc == ES_OK && isfinite(capture_mono_s))
        rc = es_msg_set_latency(body, (es_clock_mono_s() - capture_mono_s) * 1e3);
    size_t len = 0;
    if (rc == ES_OK) {
        len = json_dumpb(body, p->body, ES_BODY_MAX, ES_MSG_DUMP_FLAGS);
        if (len == 0 || len > ES_BODY_MAX)
            rc = ES_EFULL;
    }
    if (rc != ES_OK) {
        p->failures++;
        publisher_log(p, "publisher: %s seq %" PRIu64 " could not be encoded: %s",
                      topic, seq, es_status_str(rc));
        return rc;
    }
    p->body[len] = '\0';
    const int sock_rc = socket_send(p, topic, seq, len);
    const int file_rc = events_write_line(p, topic, seq, len);
    return sock_rc != ES_OK ? sock_rc : file_rc;
}

static int encode_failed(es_publisher p, const char *topic)
{
    const uint64_t seq = p->seq++;
    p->failures++;
    publisher_log(p, "publisher: %s seq %" PRIu64 " could not be built: out of memory",
                  topic, seq);
    return ES_ENOMEM;
}

int es_publisher_send_event(es_publisher p, const es_event *ev, int as_alert,
                            double capture_mono_s)
{
    if (p == NULL || ev == NULL)
        return ES_EINVAL;
    const char *topic = as_alert ? "alert" : "event";
    const es_msg_sensor_ids ids = {.n = p->n_ids, .ids = (const char (*)[ES_SENSOR_ID_MAX])p->ids};
    json_t *body = es_msg_event_body(ev, topic, &ids, p->t_origin_offset_s);
    if (body == NULL)
        return encode_failed(p, topic);
    /* A capture time that is not finite would give latency_ms null; the
     * placeholder is null already. */
    const int rc = publish(p, topic, body, capture_mono_s);
    json_decref(body);
    return rc;
}

int es_publisher_send_heartbeat(es_publisher p, const es_heartbeat *hb)
{
    if (p == NULL || hb == NULL)
        return ES_EINVAL;
    json_t *body = es_msg_heartbeat_body(hb, p->endpoint,
                                         es_clock_mono_s() - p->created_mono_s);
    if (body == NULL)
        return encode_failed(p, "heartbeat");
    const int rc = publish(p, "heartbeat", body, NAN);
    json_decref(body);
    return rc;
}

const char *es_publisher_endpoint(es_publisher p)
{
    return p != NULL ? p->endpoint : "";
}

uint64_t es_publisher_seq(es_publisher p)
{
    return p != NULL ? p->seq : 0;
}

uint64_t es_publisher_failures(es_publisher p)
{
    return p != NULL ? p->failures : 0;
}
