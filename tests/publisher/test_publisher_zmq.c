/* The publisher through real ZeroMQ SUB sockets on a loopback TCP port:
 * two frames per message, topics, prefix filtering, seq without gaps
 * across topics, every contract field with its JSON type and the value
 * given, latency_ms against the test's own clock, bind failures, and a
 * stalled subscriber that must not hold back the others. */
#include <stdint.h>
#include <stdlib.h>

#include "earshot/atmosphere.h"
#include "earshot/publisher.h"
#include "earshot/version.h"
#include "pubtest.h"

#define BODY_CAP 65536
#define WAIT_MS 5000   /* a bound on waiting, never an assertion */

typedef struct {
    int lines;
    char last[512];
} log_capture;

static void capture_log(void *ctx, const char *line)
{
    log_capture *c = ctx;
    c->lines++;
    snprintf(c->last, sizeof c->last, "%s", line);
}

static es_heartbeat test_heartbeat(void)
{
    es_heartbeat hb;
    memset(&hb, 0, sizeof hb);
    hb.n_sensors = 3;
    snprintf(hb.sensors[0].id, ES_SENSOR_ID_MAX, "N1");
    hb.sensors[0].health = (es_health_snapshot){
        .level_dbfs = -20.04, .peak_dbfs = -3.01, .ok = 1, .frames = 48000};
    snprintf(hb.sensors[1].id, ES_SENSOR_ID_MAX, "E1");
    hb.sensors[1].health = (es_health_snapshot){
        .level_dbfs = -INFINITY, .peak_dbfs = -250.0, .dead = 1, .stuck = 1,
        .frames = 48000};
    snprintf(hb.sensors[2].id, ES_SENSOR_ID_MAX, "S1");
    hb.sensors[2].health = (es_health_snapshot){
        .level_dbfs = -1.26, .peak_dbfs = 0.0, .clipping = 1,
        .clipped_samples = 600, .frames = 48000};
    hb.overruns = 5;
    hb.atmosphere.temperature_c = 25.0;
    hb.atmosphere.wind_speed_mps = 3.5;
    hb.atmosphere.wind_from_deg = 270.0;
    hb.stream_time_s = 12.5;
    hb.events = 2;
    hb.alerts = 1;
    return hb;
}

static void check_heartbeat(const json_t *b, const char *endpoint)
{
    CHECK(strcmp(jstr(b, "schema"), "earshot.heartbeat/1") == 0);
    CHECK(strcmp(jstr(b, "topic"), "heartbeat") == 0);
    json_t *s = json_object_get(b, "sensors");
    CHECK(json_is_array(s) && json_array_size(s) == 3);
    json_t *n1 = json_array_get(s, 0), *e1 = json_array_get(s, 1),
           *s1 = json_array_get(s, 2);
    CHECK(strcmp(jstr(n1, "id"), "N1") == 0);
    CHECK(jbool(n1, "ok") == 1 && jbool(n1, "clipping") == 0);
    CHECK_NEAR(jreal(n1, "level_dbfs"), -20.0, 1e-9);   /* 0.1 dB steps */
    CHECK_NEAR(jreal(n1, "peak_dbfs"), -3.0, 1e-9);
    CHECK(jbool(n1, "dead") == 0 && jbool(n1, "stuck") == 0);
    CHECK(jint(n1, "clipped_samples") == 0);
    CHECK(strcmp(jstr(e1, "id"), "E1") == 0);
    CHECK(jbool(e1, "ok") == 0 && jbool(e1, "dead") == 1 && jbool(e1, "stuck") == 1);
    CHECK(jreal(e1, "level_dbfs") == -200.0);  /* -inf clamped to the floor */
    CHECK(jreal(e1, "peak_dbfs") == -200.0);
    CHECK(strcmp(jstr(s1, "id"), "S1") == 0);
    CHECK(jbool(s1, "clipping") == 1 && jbool(s1, "ok") == 0);
    CHECK(jint(s1, "clipped_samples") == 600);
    CHECK_NEAR(jreal(s1, "level_dbfs"), -1.3, 1e-9);
    CHECK(jint(b, "overruns") == 5);
    CHECK(strcmp(jstr(b, "endpoint"), endpoint) == 0);
    json_t *a = jobj(b, "atmosphere");
    CHECK_NEAR(jreal(a, "temperature_c"), 25.0, 1e-9);
    CHECK_NEAR(jreal(a, "wind_speed_mps"), 3.5, 1e-9);
    CHECK_NEAR(jreal(a, "wind_from_deg"), 270.0, 1e-9);
    /* Closed form, independent of dsp/atmosphere.c: 346.13 m/s at 25 C. */
    CHECK_NEAR(jreal(a, "speed_of_sound_mps"), 331.3 * sqrt(1.0 + 25.0 / 273.15),
               0.005 + 1e-9);
    CHECK_NEAR(jreal(b, "stream_time_s"), 12.5, 1e-9);
    CHECK(jint(b, "events") == 2 && jint(b, "alerts") == 1);
    CHECK(jreal(b, "uptime_s") >= 0.0);
    CHECK(strcmp(jstr(b, "version"), ES_VERSION_STRING) == 0);
}

/* Every contract field of an event/alert from test_event(id, revision),
 * published with t_origin offset 1000.5 s. */
static void check_event(const json_t *b, const char *topic, const char *id,
                        int revision)
{
    static const char *const used[] = {"N1", "S1", "W1"};
    static const char *const rejected[] = {"E1"};
    CHECK(strcmp(jstr(b, "schema"), "earshot.event/1") == 0);
    CHECK(strcmp(jstr(b, "topic"), topic) == 0);
    CHECK(strcmp(jstr(b, "id"), id) == 0);
    CHECK(jint(b, "revision") == revision);
    CHECK(strcmp(jstr(b, "kind"), "launch") == 0);
    CHECK(strcmp(jstr(b, "class"), "mortar") == 0);
    CHECK_NEAR(jreal(b, "t_origin"), 1000.5 + 12.3456789, 0.5e-6 + 1e-9);
    json_t *pos = jobj(b, "position");
    CHECK_NEAR(jreal(pos, "e_m"), 0.3, 1e-12);
    CHECK_NEAR(jreal(pos, "n_m"), -1234.5678, 0.005 + 1e-9);
    CHECK_NEAR(jreal(pos, "u_m"), 3.14159, 0.005 + 1e-9);
    CHECK_NEAR(jreal(pos, "lat"), 33.123456789, 0.5e-8 + 1e-12);
    CHECK_NEAR(jreal(pos, "lon"), 44.987654321, 0.5e-8 + 1e-12);
    CHECK_NEAR(jreal(pos, "alt_m"), 37.5, 1e-9);
    json_t *unc = jobj(b, "uncertainty");
    CHECK_NEAR(jreal(unc, "cep50_m"), 12.3449, 0.005 + 1e-9);
    CHECK_NEAR(jreal(unc, "semi_major_m"), 20.0, 1e-9);
    CHECK_NEAR(jreal(unc, "semi_minor_m"), 8.25, 1e-9);
    CHECK_NEAR(jreal(unc, "orientation_deg"), 45.678, 0.005 + 1e-9);
    CHECK_NEAR(jreal(b, "range_m"), 2500.123, 0.005 + 1e-9);
    CHECK_NEAR(jreal(b, "bearing_deg"), 123.456, 0.005 + 1e-9);
    CHECK_NEAR(jreal(b, "confidence"), 0.87654, 0.0005 + 1e-9);
    check_id_list(b, "sensors", used, 3);
    check_id_list(b, "sensors_rejected", rejected, 1);
    CHECK_NEAR(jreal(b, "residual_rms_ms"), 0.123456, 0.0005 + 1e-9);
    CHECK_NEAR(jreal(b, "peak_dbfs"), -12.34, 0.05 + 1e-9);
    CHECK_NEAR(jreal(b, "source_level_db"), 180.06, 0.05 + 1e-9);
    CHECK_NEAR(jreal(b, "snr_db"), 25.0, 1e-9);
}

typedef struct {
    const char *topic;      /* "heartbeat", "event", "alert" */
    double unix_before, unix_after;
    double latency_lo_ms, latency_hi_ms;
    uint64_t seq;
    char id[16];            /* expected event id, "E<id>" */
    int revision;
} sent_message;

#define N_MIX 9

/* Sends heartbeat, event, alert, event, heartbeat, alert, ... */
static void send_mix(es_publisher p, sent_message *sent)
{
    static const char *const order[N_MIX] = {"heartbeat", "event", "alert",
        "event", "heartbeat", "alert", "event", "heartbeat", "alert"};
    const es_heartbeat hb = test_heartbeat();
    for (int i = 0; i < N_MIX; i++) {
        sent_message *m = &sent[i];
        m->topic = order[i];
        m->seq = es_publisher_seq(p);
        /* The wavefront was captured 250 ms before this send. */
        const double mono_before = test_mono_s();
        const double capture = mono_before - 0.25;
        m->unix_before = test_unix_s();
        int rc;
        if (strcmp(m->topic, "heartbeat") == 0) {
            rc = es_publisher_send_heartbeat(p, &hb);
        } else {
            const es_event ev = test_event(40 + (uint64_t)i, i % 3);
            snprintf(m->id, sizeof m->id, "E%d", 40 + i);
            m->revision = i % 3;
            rc = es_publisher_send_event(p, &ev, strcmp(m->topic, "alert") == 0,
                                         capture);
        }
        m->unix_after = test_unix_s();
        const double mono_after = test_mono_s();
        m->latency_lo_ms = (mono_before - capture) * 1e3;
        m->latency_hi_ms = (mono_after - capture) * 1e3;
        CHECK(rc == 0);
        CHECK(es_publisher_seq(p) == m->seq + 1);
    }
}

static void check_received(const sent_message *m, const char *topic,
                           const char *body, const char *endpoint)
{
    CHECK(strcmp(topic, m->topic) == 0);
    json_error_t jerr;
    json_t *b = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);
    CHECK(b != NULL);
    if (b == NULL) {
        fprintf(stderr, "unparsable body (%s): %s\n", jerr.text, body);
        return;
    }
    CHECK(jint(b, "seq") == (long long)m->seq);
    /* t is the wall clock at send, printed to 15 digits (1e-5 s). */
    const double t = jreal(b, "t");
    CHECK(t >= m->unix_before - 1e-5 && t <= m->unix_after + 1e-5);
    if (strcmp(m->topic, "heartbeat") == 0) {
        check_heartbeat(b, endpoint);
    } else {
        check_event(b, m->topic, m->id, m->revision);
        const double lat = jreal(b, "latency_ms");
        CHECK(lat >= 0.0);
        CHECK(lat >= m->latency_lo_ms - 0.001 && lat <= m->latency_hi_ms + 0.001);
    }
    /* No binary artefacts: e_m = 0.1 + 0.2 must print as 0.3. */
    if (strcmp(m->topic, "heartbeat") != 0) {
        CHECK(strstr(body, "\"e_m\":0.3,") != NULL);
        CHECK(strstr(body, "\"n_m\":-1234.57,") != NULL);
        CHECK(strstr(body, "\"lat\":33.12345679,") != NULL);
        CHECK(strstr(body, "\"confidence\":0.877,") != NULL);
    }
    json_decref(b);
}

static void test_mix_and_filtering(void *zctx)
{
    es_site_config site;
    test_site(&site);
    log_capture log = {0};
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0",
                               .t_origin_offset_s = 1000.5,
                               .log = capture_log, .log_ctx = &log};
    es_error err = {{0}};
    es_publisher p = es_publisher_create(&cfg, &site, &err);
    CHECK(p != NULL);
    if (p == NULL) {
        fprintf(stderr, "es_publisher_create: %s\n", err.msg);
        return;
    }
    const char *ep = es_publisher_endpoint(p);
    CHECK(strncmp(ep, "tcp://127.0.0.1:", 16) == 0 && atoi(ep + 16) > 0);
    void *all = open_sub(zctx, ep, "");
    void *alerts = open_sub(zctx, ep, "alert");
    CHECK(all != NULL && alerts != NULL);
    CHECK(es_publisher_wait_subscribers(p, 2, WAIT_MS) >= 2);

    sent_message sent[N_MIX];
    send_mix(p, sent);
    CHECK(es_publisher_failures(p) == 0 && log.lines == 0);

    static char topic[64], body[BODY_CAP];
    for (int i = 0; i < N_MIX; i++) {
        const int rc = recv_message(all, topic, sizeof topic, body, sizeof body, WAIT_MS);
        CHECK(rc == 0);
        if (rc != 0)
            break;
        /* seq counts every message across topics from 0, without gaps. */
        CHECK(sent[i].seq == (uint64_t)i);
        check_received(&sent[i], topic, body, ep);
    }
    /* The alert-only subscriber gets the three alerts, in order, and
     * nothing else. */
    for (int i = 0; i < N_MIX; i++) {
        if (strcmp(sent[i].topic, "alert") != 0)
            continue;
        const int rc = recv_message(alerts, topic, sizeof topic, body, sizeof body, WAIT_MS);
        CHECK(rc == 0);
        if (rc != 0)
            break;
        check_received(&sent[i], topic, body, ep);
    }
    CHECK(recv_message(alerts, topic, sizeof topic, body, sizeof body, 200) != 0);
    CHECK(es_publisher_seq(p) == N_MIX);
    zmq_close(all);
    zmq_close(alerts);
    es_publisher_destroy(&p);
    CHECK(p == NULL);
}

static void test_bind_failures(void)
{
    es_site_config site;
    test_site(&site);
    es_error err = {{0}};
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0"};
    es_publisher p1 = es_publisher_create(&cfg, &site, &err);
    CHECK(p1 != NULL);
    if (p1 == NULL)
        return;
    char ep[256];
    snprintf(ep, sizeof ep, "%s", es_publisher_endpoint(p1));

    cfg.endpoint = ep;   /* the same port again: in use */
    memset(&err, 0, sizeof err);
    es_publisher p2 = es_publisher_create(&cfg, &site, &err);
    CHECK(p2 == NULL);
    CHECK(strstr(err.msg, ep) != NULL);
    CHECK(strstr(err.msg, zmq_strerror(EADDRINUSE)) != NULL);
    es_publisher_destroy(&p2);
    es_publisher_destroy(&p1);

    static const char *const bad[] = {"tcp://256.1.1.1:1", "garbage",
        "tcp://127.0.0.1:99999", "tcp://127.0.0.1:-5", "tcp://127.0.0.1",
        "tcp://", "nosuch://x:1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg.endpoint = bad[i];
        memset(&err, 0, sizeof err);
        es_publisher p = es_publisher_create(&cfg, &site, &err);
        CHECK(p == NULL);
        CHECK(strstr(err.msg, bad[i]) != NULL);
        es_publisher_destroy(&p);
    }
    cfg.endpoint = NULL;
    CHECK(es_publisher_create(&cfg, &site, &err) == NULL);
    cfg.endpoint = "tcp://127.0.0.1:0";
    CHECK(es_publisher_create(&cfg, NULL, &err) == NULL);
    CHECK(es_publisher_create(NULL, &site, &err) == NULL);
    cfg.send_hwm = -1;
    CHECK(es_publisher_create(&cfg, &site, &err) == NULL);
}

/* A subscriber that stops reading must not hold back the others (nor make
 * the publisher block): it loses messages past its high-water mark and
 * sees the gap in seq, the reading subscriber gets every message. Large
 * heartbeats (128 sensors, about 20 kB each, 30 MB in all) overflow any
 * socket buffer the kernel gives the stalled connection. */
static void test_stalled_subscriber(void *zctx)
{
    enum { N_STALL = 1500 };
    es_site_config site;
    test_site(&site);
    es_publisher_config cfg = {.endpoint = "tcp://127.0.0.1:0", .send_hwm = 100};
    es_error err = {{0}};
    es_publisher p = es_publisher_create(&cfg, &site, &err);
    CHECK(p != NULL);
    if (p == NULL)
        return;
    const char *ep = es_publisher_endpoint(p);
    void *stalled = zmq_socket(zctx, ZMQ_SUB);
    int small = 10, linger = 0, rcvbuf = 4096;
    zmq_setsockopt(stalled, ZMQ_RCVHWM, &small, sizeof small);
    zmq_setsockopt(stalled, ZMQ_RCVBUF, &rcvbuf, sizeof rcvbuf);
    zmq_setsockopt(stalled, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(stalled, ZMQ_SUBSCRIBE, "", 0);
    CHECK(zmq_connect(stalled, ep) == 0);
    void *reader = open_sub(zctx, ep, "");
    CHECK(es_publisher_wait_subscribers(p, 2, WAIT_MS) >= 2);

    static es_heartbeat hb;
    hb = test_heartbeat();
    hb.n_sensors = ES_MAX_SENSORS;
    for (int i = 0; i < ES_MAX_SENSORS; i++) {
        snprintf(hb.sensors[i].id, ES_SENSOR_ID_MAX, "sensor-%03d", i);
        hb.sensors[i].health = hb.sensors[0].health;
    }
    static char topic[64], body[BODY_CAP];
    int received = 0, in_order = 1;
    for (int i = 0; i < N_STALL; i++) {
        CHECK(es_publisher_send_heartbeat(p, &hb) == 0);
        if (recv_message(reader, topic, sizeof topic, body, sizeof body, WAIT_MS) != 0)
            break;
        json_t *b = json_loads(body, 0, NULL);
        if (jint(b, "seq") != i)
            in_order = 0;
        json_decref(b);
        received++;
    }
    CHECK(received == N_STALL && in_order);
    CHECK(es_publisher_failures(p) == 0);

    /* Now read the stalled one until it is quiet, then send one more
     * message to mark the end: the messages it lost show as a gap before
     * the marker. */
    int stalled_got = 0, marker_sent = 0;
    long long last = -1, gaps = 0;
    while (last != N_STALL) {
        if (recv_message(stalled, topic, sizeof topic, body, sizeof body,
                         marker_sent ? WAIT_MS : 300) != 0) {
            if (marker_sent)
                break;
            CHECK(es_publisher_send_heartbeat(p, &hb) == 0);
            marker_sent = 1;
            continue;
        }
        json_t *b = json_loads(body, 0, NULL);
        const long long seq = jint(b, "seq");
        if (seq != last + 1)
            gaps++;
        last = seq;
        json_decref(b);
        stalled_got++;
    }
    printf("stalled subscriber: %d of %d messages, %lld gap(s)\n", stalled_got,
           N_STALL + 1, gaps);
    CHECK(last == N_STALL);
    CHECK(stalled_got < N_STALL && gaps > 0);
    zmq_close(stalled);
    zmq_close(reader);
    es_publisher_destroy(&p);
}

int main(void)
{
    void *zctx = zmq_ctx_new();
    if (zctx == NULL)
        return 1;
    test_mix_and_filtering(zctx);
    test_bind_failures();
    test_stalled_subscriber(zctx);
    zmq_ctx_term(zctx);
    return check_report("test_publisher_zmq");
}
