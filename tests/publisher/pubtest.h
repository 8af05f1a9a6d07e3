/* Helpers for the publisher tests: the test's own clocks, a hand-built
 * site config and event whose published values are known in advance,
 * typed JSON field getters and a two-frame ZeroMQ receive with a timeout. */
#ifndef EARSHOT_TESTS_PUBLISHER_PUBTEST_H
#define EARSHOT_TESTS_PUBLISHER_PUBTEST_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "earshot/config.h"
#include "earshot/event.h"
#include "check.h"

/* The test's own clocks (independent of es_clock_*). */
static inline double test_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double test_unix_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Four sensors N1, E1, S1, W1 on a 250 m circle, built by hand (no loader). */
static inline void test_site(es_site_config *site)
{
    static const char *ids[] = {"N1", "E1", "S1", "W1"};
    static const double en[][2] = {{0, 250}, {250, 0}, {0, -250}, {-250, 0}};
    memset(site, 0, sizeof *site);
    snprintf(site->name, sizeof site->name, "test site");
    site->origin_lat_deg = 33.3152;
    site->origin_lon_deg = 44.3661;
    site->sample_rate_hz = 48000;
    site->n_sensors = 4;
    for (int i = 0; i < 4; i++) {
        snprintf(site->sensors[i].id, sizeof site->sensors[i].id, "%s", ids[i]);
        site->sensors[i].channel = i;
        site->sensors[i].e_m = en[i][0];
        site->sensors[i].n_m = en[i][1];
        site->sensors[i].u_m = 1.5;
    }
    site->atmosphere.temperature_c = 15.0;
}

/* An event whose every published field has a value chosen so the rounded
 * output is known: e_m is 0.1 + 0.2, which prints 0.30000000000000004 at
 * 17 digits, so the test sees any binary artefact. */
static inline es_event test_event(uint64_t id, int revision)
{
    es_event ev;
    memset(&ev, 0, sizeof ev);
    ev.id = id;
    ev.revision = revision;
    ev.kind = ES_KIND_LAUNCH;
    ev.cls = ES_CLASS_MORTAR;
    ev.confidence = 0.87654;
    ev.t_origin_s = 12.3456789;
    ev.e_m = 0.1 + 0.2;
    ev.n_m = -1234.5678;
    ev.u_m = 3.14159;
    ev.lat_deg = 33.123456789;
    ev.lon_deg = 44.987654321;
    ev.alt_m = 37.5;
    ev.cep50_m = 12.3449;
    ev.semi_major_m = 20.0;
    ev.semi_minor_m = 8.25;
    ev.orientation_deg = 45.678;
    ev.range_m = 2500.123;
    ev.bearing_deg = 123.456;
    ev.n_used = 3;
    ev.used[0] = 0;
    ev.used[1] = 2;
    ev.used[2] = 3;
    ev.n_rejected = 1;
    ev.rejected[0] = 1;
    ev.last_arrival_frame = 600000;
    ev.residual_rms_s = 0.000123456;
    ev.peak_dbfs = -12.34;
    ev.source_level_db = 180.06;
    ev.mean_snr_db = 25.0;
    return ev;
}

/* Field getters: a missing field or a wrong JSON type is a failed check. */
static inline double jreal(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_real(v)) {
        fprintf(stderr, "field %s missing or not a JSON real\n", key);
        check_failures++;
        return NAN;
    }
    return json_real_value(v);
}

static inline long long jint(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v)) {
        fprintf(stderr, "field %s missing or not a JSON integer\n", key);
        check_failures++;
        return -1;
    }
    return json_integer_value(v);
}

static inline const char *jstr(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) {
        fprintf(stderr, "field %s missing or not a JSON string\n", key);
        check_failures++;
        return "";
    }
    return json_string_value(v);
}

static inline int jbool(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_boolean(v)) {
        fprintf(stderr, "field %s missing or not a JSON boolean\n", key);
        check_failures++;
        return -1;
    }
    return json_is_true(v);
}

static inline json_t *jobj(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_object(v)) {
        fprintf(stderr, "field %s missing or not a JSON object\n", key);
        check_failures++;
        return NULL;
    }
    return v;
}

/* Checks an array of strings against the expected list. */
static inline void check_id_list(const json_t *o, const char *key,
                                 const char *const *want, size_t n)
{
    json_t *a = json_object_get(o, key);
    CHECK(json_is_array(a));
    if (!json_is_array(a))
        return;
    CHECK(json_array_size(a) == n);
    for (size_t i = 0; i < n && i < json_array_size(a); i++) {
        json_t *s = json_array_get(a, i);
        CHECK(json_is_string(s) && strcmp(json_string_value(s), want[i]) == 0);
    }
}

/* Receives one message: exactly two frames, topic then body, within
 * timeout_ms per frame. Returns 0 on success. */
static inline int recv_message(void *sub, char *topic, size_t topic_cap,
                               char *body, size_t body_cap, int timeout_ms)
{
    zmq_pollitem_t item = {.socket = sub, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, timeout_ms) != 1)
        return -1;
    int n = zmq_recv(sub, topic, topic_cap - 1, 0);
    if (n < 0 || (size_t)n >= topic_cap)
        return -1;
    topic[n] = '\0';
    int more = 0;
    size_t more_len = sizeof more;
    if (zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &more_len) != 0 || !more)
        return -1;
    n = zmq_recv(sub, body, body_cap - 1, 0);
    if (n < 0 || (size_t)n >= body_cap)
        return -1;
    body[n] = '\0';
    if (zmq_getsockopt(sub, ZMQ_RCVMORE, &more, &more_len) != 0 || more)
        return -1;
    return 0;
}

/* A SUB socket connected to endpoint and subscribed to prefix. */
static inline void *open_sub(void *zctx, const char *endpoint,
                             const char *prefix)
{
    void *s = zmq_socket(zctx, ZMQ_SUB);
    if (s == NULL)
        return NULL;
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_setsockopt(s, ZMQ_SUBSCRIBE, prefix, strlen(prefix)) != 0
        || zmq_connect(s, endpoint) != 0) {
        zmq_close(s);
        return NULL;
    }
    return s;
}

#endif
